#!/bin/sh
# Installs redis-server when it is missing: Debian's package as root, else says what to do.
set -e
command -v redis-server >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
else
    echo "redis-server is not installed: install Redis 7 (e.g. sudo apt-get install redis-server)" >&2
    exit 1
fi
