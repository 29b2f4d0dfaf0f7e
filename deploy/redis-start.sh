#!/bin/sh
# The compose file's redis: starts `redis-server ARGS...` with the password of the secret file
# $REDIS_PASSWORD_FILE, which never appears on a command line nor in the environment. The
# password (any characters; trailing newlines are dropped, as wiretrace drops them) becomes
# the SHA-256 of the default user in a config file only the server reads.
set -eu
secret="${REDIS_PASSWORD_FILE:-/run/secrets/redis_password}"
if [ ! -f "$secret" ] || [ ! -s "$secret" ]; then
    echo "redis: no password in $secret: create it, e.g." \
         "openssl rand -base64 32 > secrets/redis_password" >&2
    exit 1
fi
password=$(cat "$secret")
if [ -z "$password" ]; then
    echo "redis: the password in $secret is empty" >&2
    exit 1
fi
hash=$(printf '%s' "$password" | sha256sum | cut -d ' ' -f 1)
unset password
umask 077
conf=$(mktemp)
printf 'user default on resetpass #%s ~* &* +@all\n' "$hash" > "$conf"
server=$1
shift
if [ "$(id -u)" = 0 ] && command -v docker-entrypoint.sh >/dev/null; then
    # the image's entrypoint drops to its `redis` user, which must read the config
    chown redis "$conf"
    exec docker-entrypoint.sh "$server" "$conf" "$@"
fi
exec "$server" "$conf" "$@"
