#!/bin/sh
# Runs a command with REDIS_URL set: the given one if it answers, else a redis-server of its
# own on a free loopback port, stopped by its PID when the command ends.
set -u
if [ -n "${REDIS_URL:-}" ] && redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
    exec "$@"
fi
command -v redis-server >/dev/null || sh "$(dirname "$0")/install-redis.sh" || exit 1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
    --hash-max-listpack-entries 512 --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log"
i=0
until redis-cli -p "$port" ping >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "redis-server did not start" >&2; exit 1; }
    sleep 0.05
done
REDIS_URL="redis://127.0.0.1:$port/0"; export REDIS_URL
"$@"; status=$?
kill "$(cat "$dir/redis.pid")" 2>/dev/null
rm -rf "$dir"
exit $status
