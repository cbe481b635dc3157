#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on loopback and
# PARLEY_TEST_POSTGRES_URL pointing at it; removes the cluster afterwards.
# fsync is off for the test suite (speed); PARLEY_PG_FSYNC=on for benchmarks.
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PORT=${PARLEY_PG_PORT:-54329}
DIR=$(mktemp -d /tmp/parley-pg.XXXXXX)

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
as_pg "$PGBIN/initdb" -D "$DIR/data" -A trust -U parley --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -w -l "$DIR/log" \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=${PARLEY_PG_FSYNC:-off} -c max_connections=300" start >/dev/null

export PARLEY_TEST_POSTGRES_URL="postgres://parley@127.0.0.1:$PORT/postgres"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
"$@"
