#!/usr/bin/env bash
# Record tests/golden/redis_zset.jsonl from a real redis-server (Debian package),
# listening on 127.0.0.1 only, in its own temporary directory, stopped by PID.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${REDIS_ZSET_PORT:-26391}"

if ! command -v redis-server >/dev/null; then
  for i in 1 2 3 4 5 6 7 8 9 10; do
    if apt-get update && apt-get install -y redis-server; then break; fi
    echo "apt busy, retrying ($i)" >&2; sleep 15
  done
fi
redis-server --version

dir="$(mktemp -d)"
redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly no \
  --daemonize no --logfile "$dir/redis.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
python3 "$here/redis_zset.py" "$port" "$root/tests/golden/redis_zset.jsonl" "$(command -v redis-cli)"
