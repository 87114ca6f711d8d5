#!/usr/bin/env bash
# A throwaway Redis server on loopback for the cache tests: `start` (idempotent) or `stop`.
# Writes var/test-redis/env with WAIBAO_TEST_REDIS_URL for tests/common/test_public_cache.py.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD/var/test-redis"
PORT=${WAIBAO_TEST_REDIS_PORT:-63379}
if ! command -v redis-server >/dev/null 2>&1; then
  echo "Redis is not installed: run scripts/ensure-system-packages.sh (make install-test does)" >&2
  exit 1
fi

start() {
  mkdir -p "$ROOT"
  if ! redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --dir "$ROOT" --pidfile "$ROOT/redis.pid" \
      --logfile "$ROOT/redis.log" --save "" --appendonly no --protected-mode yes >/dev/null
    for _ in $(seq 50); do
      redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
  echo "WAIBAO_TEST_REDIS_URL=redis://127.0.0.1:$PORT/0" > "$ROOT/env"
  echo "Redis test server on 127.0.0.1:$PORT"
}

stop() {
  redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
