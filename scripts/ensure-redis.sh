#!/usr/bin/env bash
# Makes sure a Redis answers on 127.0.0.1:6379 (REDIS_PORT to change): uses the running one, else starts one
# (installing redis-server from Debian's packages when it is missing).
set -euo pipefail
port="${REDIS_PORT:-6379}"
if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && command -v redis-cli >/dev/null \
    && [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; then
  exit 0
fi
if ! command -v redis-server >/dev/null; then
  echo "redis-server not found: installing it (apt-get install redis-server)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir /tmp \
  --logfile /tmp/localbridge-redis-"$port".log
for _ in $(seq 1 50); do
  [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ] && exit 0
  sleep 0.1
done
echo "Redis did not come up on port $port (see /tmp/localbridge-redis-$port.log)" >&2
exit 1
