#!/bin/sh
# Runs a command with REDIS_URL set: the given one if it answers, else a redis-server of its
# own on a free loopback port; and with WIRETRACE_TEST_CLUSTER_URL set: a Redis Cluster of its
# own (3 masters, one replica each, redis-server --cluster-enabled yes x6 on free loopback
# ports). Every server it started is stopped by its PID when the command ends.
set -u
command -v redis-server >/dev/null || sh "$(dirname "$0")/install-redis.sh" || exit 1
top=$(mktemp -d)
pids=""
cleanup() {
    for pid in $pids; do kill "$pid" 2>/dev/null; done
    # a server writes its files (a cluster node its nodes.conf) as it exits: wait (5 s at most)
    for pid in $pids; do
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
    done
    rm -rf "$top"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a free loopback port whose cluster bus port (port + 10000) is free too
free_port() {
    python3 -c 'import random, socket
def free(p):
    with socket.socket() as s:
        try: s.bind(("127.0.0.1", p))
        except OSError: return False
    return True
while True:
    p = random.randrange(20000, 55535)
    if free(p) and free(p + 10000): print(p); break'
}

# start_server DIR PORT [ARGS...]: a daemonized redis-server, its PID remembered
start_server() {
    d=$1; port=$2; shift 2
    mkdir -p "$d"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$d" \
        --hash-max-listpack-entries 512 --daemonize yes --pidfile "$d/redis.pid" \
        --logfile "$d/redis.log" "$@" || exit 1
    i=0
    until redis-cli -p "$port" ping >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -gt 100 ] && { echo "redis-server did not start" >&2; exit 1; }
        sleep 0.05
    done
    pids="$pids $(cat "$d/redis.pid")"
}

if [ -z "${REDIS_URL:-}" ] || ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
    port=$(free_port)
    start_server "$top/single" "$port"
    REDIS_URL="redis://127.0.0.1:$port/0"; export REDIS_URL
fi

if [ -z "${WIRETRACE_TEST_CLUSTER_URL:-}" ]; then
    nodes=""
    for n in 1 2 3 4 5 6; do
        port=$(free_port)
        start_server "$top/cluster$n" "$port" --cluster-enabled yes \
            --cluster-config-file nodes.conf --cluster-node-timeout 1000 \
            --repl-diskless-sync-delay 0
        nodes="$nodes 127.0.0.1:$port"
    done
    # shellcheck disable=SC2086 # one argument per node
    redis-cli --cluster create $nodes --cluster-replicas 1 --cluster-yes >"$top/create.log" 2>&1 \
        || { cat "$top/create.log" >&2; exit 1; }
    i=0
    for node in $nodes; do
        until redis-cli -p "${node#*:}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; do
            i=$((i + 1)); [ $i -gt 600 ] && { echo "the Redis Cluster is not ok" >&2; exit 1; }
            sleep 0.05
        done
    done
    first=$(echo $nodes | cut -d' ' -f1); second=$(echo $nodes | cut -d' ' -f2)
    WIRETRACE_TEST_CLUSTER_URL="redis+cluster://$first,$second"
    export WIRETRACE_TEST_CLUSTER_URL
fi

"$@"; status=$?
exit $status
