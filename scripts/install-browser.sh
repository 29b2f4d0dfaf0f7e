#!/bin/sh
# Installs Debian's chromium and chromedriver for the browser test when they are missing and
# we are root; otherwise the browser test skips and says why.
command -v chromium >/dev/null && command -v chromedriver >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq chromium chromium-driver >/dev/null; } ||
        echo "could not install chromium: the browser test will be skipped" >&2
else
    echo "chromium/chromedriver not installed: the browser test will be skipped" >&2
fi
