#!/usr/bin/env bash
# Makes sure a Chromium for the console's browser tests is installed: the distribution's
# package (Debian/Ubuntu, as root), never a browser downloaded by the test tools.
#   CHROMIUM_PATH=/usr/bin/chromium   (default)
# Idempotent and silent when Chromium is there; one line per action taken.
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
say() { printf 'ensure-chromium: %s\n' "$*"; }

[ -x "$CHROMIUM_PATH" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing chromium from the distribution"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq chromium >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1
    apt-get install -y -qq chromium >/dev/null
  fi
  [ -x "$CHROMIUM_PATH" ] && exit 0
fi
printf 'ensure-chromium: error: no Chromium at %s; install the chromium package (as root: apt-get install chromium) or set CHROMIUM_PATH\n' "$CHROMIUM_PATH" >&2
exit 1
