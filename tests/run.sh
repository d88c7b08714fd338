#!/usr/bin/env bash
# Runs the whole test suite twice: on SQLite, then on PostgreSQL (a throwaway local cluster, or THINGYARD_TEST_POSTGRES).
# Installs the official Node SDKs the compatibility tests drive (tests/compat) first. The browser tests (Console/) run
# on the SQLite leg only: the console calls the same actions whose storage both legs test, and a second browser pass
# would take a sixth of the suite's time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

(cd tests/compat && npm ci --no-audit --no-fund --loglevel=error)
dotnet build Thingyard.slnx -c Release -v quiet -nologo

results="$root/tests/TestResults"
rm -rf "$results"

leg() { # leg NAME [dotnet test options]: runs the suite, prints "NAME: N passed, N failed"
  local name=$1 status=0
  shift
  dotnet test tests/Thingyard.Tests -c Release --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=$?
  local trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    local counters passed failed
    counters=$(grep -o '<Counters [^>]*>' "$trx")
    passed=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
    failed=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
    echo "$name: $passed passed, $failed failed"
  fi
  return $status
}

leg sqlite

pg_started=""
stop_pg() { [ -n "$pg_started" ] && runas_pg "$pg_bin/pg_ctl" -D "$pg_dir" -m fast stop >/dev/null 2>&1 || true; }
trap stop_pg EXIT
runas_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -z "${THINGYARD_TEST_POSTGRES:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pg_bin" ]; then
    if [ "${THINGYARD_REQUIRE_POSTGRES:-}" = 1 ]; then echo "PostgreSQL is required but not installed" >&2; exit 1; fi
    echo "PostgreSQL not installed (apt-get install postgresql): PostgreSQL leg skipped"
    exit 0
  fi
  pg_dir=$(mktemp -d /tmp/thingyard-pg.XXXXXX)
  pg_port=${THINGYARD_TEST_PG_PORT:-54329}
  [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
  runas_pg "$pg_bin/initdb" -D "$pg_dir" -A trust -U postgres >/dev/null
  runas_pg "$pg_bin/pg_ctl" -D "$pg_dir" -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=1000" -l "$pg_dir/log" -w start >/dev/null
  pg_started=1
  export THINGYARD_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
fi

leg postgres --filter "FullyQualifiedName!~Thingyard.Tests.Console."
