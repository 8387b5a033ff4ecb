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
# static/vendor/<target-dir>/ (under the name dest when given). Keep the
# package's licence file in the list. The licence name in the README is
# read from the package's package.json.
set -euo pipefail

LIBS=(
	"htmx.org 2.0.11 htmx dist/htmx.min.js LICENSE"
	"chart.js 4.6.1 chartjs dist/chart.umd.min.js LICENSE.md"
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
	licence="$(node -p "require(process.argv[1]).license" "$work/$dir/package/package.json")"
	rm -rf "${vendor:?}/$dir"
	mkdir -p "$vendor/$dir"
	listed=()
	for f in $files; do
		src="${f%%:*}"
		dest="$(basename "${f#*:}")"
		cp "$work/$dir/package/$src" "$vendor/$dir/$dest"
		listed+=("\`$dir/$dest\`")
	done
	printf '| %s | %s | %s | %s |\n' "$pkg" "$version" "$licence" "${listed[*]}" >>"$readme"
done

cp "$readme" "$vendor/README.md"
echo "done: see internal/web/static/vendor/README.md" >&2
