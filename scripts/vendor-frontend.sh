#!/usr/bin/env bash
# vendor-frontend.sh fetches the front-end libraries that Pengcheng serves
# from npm and copies the files the pages load, with each library's licence,
# into internal/web/static/vendor/. The result is committed, so building and
# running Pengcheng needs no network and no JavaScript tool chain.
#
# Usage: scripts/vendor-frontend.sh        (run from anywhere; needs npm)
#
# To add a library, add one line to LIBS below:
#   "npm-package version target-dir file[:dest] ..."
# where each file is a path inside the npm package, copied into
# static/vendor/<target-dir>/ (under the path dest when given, which may
# name a subdirectory, e.g. images/ for files a stylesheet refers to).
# Keep the package's licence file in the list. The licence name in the
# README is read from the package's package.json, or from LICENCES below
# for a package whose package.json names none.
set -euo pipefail

LIBS=(
	"htmx.org 2.0.11 htmx dist/htmx.min.js LICENSE"
	"chart.js 4.6.1 chartjs dist/chart.umd.min.js LICENSE.md"
	"leaflet 1.9.4 leaflet dist/leaflet.js dist/leaflet.css dist/images/layers.png:images/layers.png dist/images/layers-2x.png:images/layers-2x.png dist/images/marker-icon.png:images/marker-icon.png dist/images/marker-icon-2x.png:images/marker-icon-2x.png dist/images/marker-shadow.png:images/marker-shadow.png LICENSE"
	"leaflet.heat 0.2.0 leaflet-heat dist/leaflet-heat.js LICENSE"
)

# LICENCES names the licence of packages whose package.json has no
# "license" field, as their LICENSE file states it.
declare -A LICENCES=(
	["leaflet.heat"]="BSD-2-Clause"
)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$root/internal/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

readme="$work/README.md"
cat >"$readme" <<'HEAD'
# Vendored front-end libraries

These files are copied from npm packages by `scripts/vendor-frontend.sh`;
do not edit them by hand. To upgrade a library, change its version in the
script and run it again.

| library | version | licence | files |
| --- | --- | --- | --- |
HEAD

for spec in "${LIBS[@]}"; do
	read -r pkg version dir files <<<"$spec"
	echo "vendoring $pkg@$version into static/vendor/$dir" >&2
	mkdir -p "$work/$dir"
	tarball="$(cd "$work/$dir" && npm pack --silent "$pkg@$version")"
	tar -xzf "$work/$dir/$tarball" -C "$work/$dir"
	licence="$(node -p "require(process.argv[1]).license || ''" "$work/$dir/package/package.json")"
	licence="${licence:-${LICENCES[$pkg]:-}}"
	if [[ -z "$licence" ]]; then
		echo "$pkg names no licence in package.json: add it to LICENCES" >&2
		exit 1
	fi
	rm -rf "${vendor:?}/$dir"
	mkdir -p "$vendor/$dir"
	listed=()
	for f in $files; do
		src="${f%%:*}"
		if [[ "$f" == *:* ]]; then
			dest="${f#*:}"
		else
			dest="$(basename "$f")"
		fi
		mkdir -p "$(dirname "$vendor/$dir/$dest")"
		cp "$work/$dir/package/$src" "$vendor/$dir/$dest"
		listed+=("\`$dir/$dest\`")
	done
	printf '| %s | %s | %s | %s |\n' "$pkg" "$version" "$licence" "${listed[*]}" >>"$readme"
done

cp "$readme" "$vendor/README.md"
echo "done: see internal/web/static/vendor/README.md" >&2
