#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback: `start` (idempotent) or `stop`, optionally `--bench`.
# The test cluster (var/test-postgres, port $WAIBAO_TEST_PG_PORT or 54329) runs with fsync=off: the suite
# wants speed, not durability. It writes var/test-postgres/env with WAIBAO_TEST_POSTGRES_URL.
# `--bench` is a second cluster for the benchmarks (var/bench-postgres, port $WAIBAO_BENCH_PG_PORT or the
# test port + 1) with fsync=on and synchronous_commit=on, as production runs, so every commit pays its flush.
# It writes var/bench-postgres/env with WAIBAO_BENCH_POSTGRES_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTION=${1:-start}
MODE=${2:-}
if [ "$MODE" = "--bench" ]; then
  NAME=bench-postgres
  TEST_PORT=${WAIBAO_TEST_PG_PORT:-54329}
  PORT=${WAIBAO_BENCH_PG_PORT:-$((TEST_PORT + 1))}
  DURABILITY="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  VARIABLE=WAIBAO_BENCH_POSTGRES_URL
elif [ -z "$MODE" ]; then
  NAME=test-postgres
  PORT=${WAIBAO_TEST_PG_PORT:-54329}
  DURABILITY="-c fsync=off"
  VARIABLE=WAIBAO_TEST_POSTGRES_URL
else
  echo "usage: $0 start|stop [--bench]" >&2
  exit 2
fi
ROOT="$PWD/var/$NAME"
INITDB=$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)
if [ -z "$INITDB" ]; then
  echo "PostgreSQL is not installed: run scripts/ensure-system-packages.sh (make install-test does)" >&2
  exit 1
fi
PGBIN=$(dirname "$INITDB")
DATA="$ROOT/data"
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  RUN_AS=(runuser -u postgres --)
fi

start() {
  mkdir -p "$ROOT"
  chmod 755 "$ROOT"
  # The platform creates var/ private (umask 077); the postgres user must still pass through it to its data.
  chmod o+x "$PWD/var"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DATA"
    "${RUN_AS[@]}" "$PGBIN/initdb" -D "$DATA" -U waibao --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
      -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=100 $DURABILITY" start >/dev/null
  fi
  PORT=$(sed -n 4p "$DATA/postmaster.pid")  # the port it runs on, if it was already running on another
  echo "$VARIABLE=postgres://waibao@127.0.0.1:$PORT/postgres" > "$ROOT/env"
  echo "PostgreSQL $NAME cluster on 127.0.0.1:$PORT ($DURABILITY)"
}

stop() {
  [ -f "$DATA/PG_VERSION" ] && "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
}

case "$ACTION" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop [--bench]" >&2; exit 2 ;;
esac
