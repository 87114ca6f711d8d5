#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the test suite: `start` (idempotent) or `stop`.
# Writes var/test-postgres/env with WAIBAO_TEST_POSTGRES_URL for the tests marked `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD/var/test-postgres"
INITDB=$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)
if [ -z "$INITDB" ]; then
  echo "PostgreSQL is not installed: run scripts/ensure-system-packages.sh (make install-test does)" >&2
  exit 1
fi
PGBIN=$(dirname "$INITDB")
PORT=${WAIBAO_TEST_PG_PORT:-54329}
DATA="$ROOT/data"
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  RUN_AS=(runuser -u postgres --)
fi

start() {
  mkdir -p "$ROOT"
  chmod 755 "$ROOT"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DATA"
    "${RUN_AS[@]}" "$PGBIN/initdb" -D "$DATA" -U waibao --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
      -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off" start >/dev/null
  fi
  echo "WAIBAO_TEST_POSTGRES_URL=postgres://waibao@127.0.0.1:$PORT/postgres" > "$ROOT/env"
  echo "PostgreSQL test cluster on 127.0.0.1:$PORT"
}

stop() {
  [ -f "$DATA/PG_VERSION" ] && "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
