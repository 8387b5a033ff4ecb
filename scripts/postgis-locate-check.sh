#!/usr/bin/env bash
# Checks the grid's in-memory locate against PostGIS ST_Contains and times
# both, side by side.
#
# It generates the demo grid (1 + 10 + 124 + 4,833 cells) and random points
# inside the district, locates them with the Go index, loads cells and
# points into a scratch schema of a PostgreSQL database with PostGIS (the
# micro-grids in a table of their own with a GiST index), finds each
# point's micro-grid there with ST_Contains (the first by code, as the
# index answers), and fails unless both agree on every point. Each side's
# time is the median of five passes over all points on one core (no
# parallel workers, no JIT, which only slows this query down).
#
# Usage: bash scripts/postgis-locate-check.sh [POINTS]   (default 100000)
#
# Environment:
#   PENGCHENG_TEST_POSTGRES_URL  the database to use (default
#                                postgres://postgres@127.0.0.1:5432/test?sslmode=disable)
# PostGIS: when the server lacks it, the script installs Debian's
# postgresql-<major>-postgis-3 (postgresql-15-postgis-3 on Debian 12) with
# apt-get, which needs root.
set -euo pipefail
cd "$(dirname "$0")/.."

points="${1:-100000}"
url="${PENGCHENG_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
schema="gridcheck_$$"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

psql_q() { psql "$url" -X -q -v ON_ERROR_STOP=1 "$@"; }

if ! psql_q -Atc "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'" | grep -q 1; then
  major="$(psql_q -Atc "SHOW server_version_num" | cut -c1-2)"
  pkg="postgresql-${major}-postgis-3"
  if [ "$(id -u)" != 0 ]; then
    echo "PostGIS is not installed on the server; run as root to install $pkg, or install it yourself" >&2
    exit 1
  fi
  echo "installing $pkg"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$pkg" >/dev/null
fi

echo "generating the demo grid and $points points; timing the Go index"
go run scripts/postgis-locate-check.go "$work" "$points" | tee "$work/go.env"
# shellcheck disable=SC1091
. "$work/go.env"

cleanup_sql="DROP SCHEMA IF EXISTS $schema CASCADE;"
trap 'psql_q -c "$cleanup_sql" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "loading into PostGIS (schema $schema)"
psql_q <<SQL
CREATE SCHEMA $schema;
SET search_path = $schema, public;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') THEN
    CREATE EXTENSION postgis SCHEMA $schema;
  END IF;
END \$\$;
CREATE TABLE cells (code text PRIMARY KEY, level text NOT NULL, geojson text NOT NULL);
\copy cells FROM '$work/cells.tsv'
ALTER TABLE cells ADD COLUMN geom geometry;
UPDATE cells SET geom = ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326);
CREATE INDEX cells_geom ON cells USING gist (geom);
-- The micro-grids in a table of their own, as a PostGIS deployment would
-- keep the level it locates in.
CREATE TABLE micro AS SELECT code, geom FROM cells WHERE level = 'microgrid';
ALTER TABLE micro ADD PRIMARY KEY (code);
CREATE INDEX micro_geom ON micro USING gist (geom);
CREATE TABLE pts (id int PRIMARY KEY, lon float8 NOT NULL, lat float8 NOT NULL);
\copy pts FROM '$work/points.tsv'
ALTER TABLE pts ADD COLUMN geom geometry;
UPDATE pts SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326);
CREATE TABLE go_answer (id int PRIMARY KEY, code text);
\copy go_answer FROM '$work/go.tsv'
ANALYZE;
SQL

echo "timing ST_Contains (5 passes)"
for run in 1 2 3 4 5; do
  psql_q -At <<SQL
SET search_path = $schema, public;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET client_min_messages = warning;
DROP TABLE IF EXISTS pg_answer;
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE pg_answer AS
  SELECT p.id, (SELECT m.code FROM micro m WHERE ST_Contains(m.geom, p.geom)
                ORDER BY m.code LIMIT 1) AS code
  FROM pts p;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 1);
SQL
done >"$work/pg_times"
pg_ms="$(grep -E '^[0-9.]+$' "$work/pg_times" | sort -n | sed -n 3p)"

diff="$(psql_q -At -c "SET search_path = $schema, public;" -c "
  SELECT count(*) FROM go_answer g JOIN pg_answer p USING (id) WHERE g.code IS DISTINCT FROM p.code")"
inside="$(psql_q -At -c "SET search_path = $schema, public;" -c "SELECT count(*) FROM pg_answer WHERE code IS NOT NULL")"
pg_version="$(psql_q -At -c "SET search_path = $schema, public;" -c "SELECT postgis_lib_version()")"

pg_per_s="$(awk -v n="$points" -v ms="$pg_ms" 'BEGIN { printf "%.0f", n / (ms / 1000) }')"
echo
printf '%-34s %14s %14s\n' "" "Go index" "PostGIS $pg_version"
printf '%-34s %14s %14s\n' "points located (median of 5)" "$go_locate_ms ms" "$pg_ms ms"
printf '%-34s %14s %14s\n' "points per second, one core" "$go_per_s" "$pg_per_s"
printf '%-34s %14s\n' "index build" "$go_build_ms ms"
echo
echo "points inside a micro-grid (PostGIS): $inside of $points"
if [ "$diff" != 0 ]; then
  echo "DISAGREE on $diff points:" >&2
  psql_q -c "SET search_path = $schema, public;" -c "
    SELECT g.id, t.lon, t.lat, g.code AS go, p.code AS postgis
    FROM go_answer g JOIN pg_answer p USING (id) JOIN pts t USING (id)
    WHERE g.code IS DISTINCT FROM p.code ORDER BY g.id LIMIT 10" >&2
  exit 1
fi
echo "Go and PostGIS agree on every point."
