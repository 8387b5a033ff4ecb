#!/usr/bin/env bash
# Runs Pengcheng's whole test suite: unit, store contract tests on SQLite and
# PostgreSQL, end-to-end tests that boot the real server, and browser tests in
# headless Chromium. It installs what the tests need where it can (Debian's
# chromium and CJK fonts, as root) and finds a local PostgreSQL.
#
# Environment:
#   PENGCHENG_TEST_POSTGRES_URL  PostgreSQL for the contract tests; defaults to
#                                the local server when one answers on 127.0.0.1:5432
#   CI=true                      PostgreSQL and browser tests fail instead of skipping
#   GOTESTFLAGS                  extra flags for go test (e.g. -run TestLogin)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wenquanyi; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing chromium and fonts-wqy-microhei for the browser tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  else
    echo "note: chromium or fonts-wqy-microhei missing and not root: browser tests will skip (fail under CI=true)"
  fi
fi

if [ -z "${PENGCHENG_TEST_POSTGRES_URL:-}" ]; then
  if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      log "starting the local PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
  fi
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
    export PENGCHENG_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
  fi
fi
if [ -n "${PENGCHENG_TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL tests: on"
elif [ "${CI:-}" = true ]; then
  echo "CI=true but no PostgreSQL reachable: failing" >&2
  exit 1
else
  echo "PostgreSQL tests: skipped (no server on 127.0.0.1:5432; set PENGCHENG_TEST_POSTGRES_URL)"
fi

log "go vet"
go vet ./...

log "go test"
# shellcheck disable=SC2086
go test -count=1 -timeout 30m ${GOTESTFLAGS:-} ./...
