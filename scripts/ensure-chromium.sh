#!/usr/bin/env bash
# Makes sure a Chromium for the console's browser tests is installed: the distribution's
# package (Debian/Ubuntu, as root), never a browser downloaded by the test tools; and a Chinese
# font, so that screenshots of the console are legible (fonts-wqy-microhei, best effort).
#   CHROMIUM_PATH=/usr/bin/chromium   (default)
# Idempotent and silent when Chromium is there; one line per action taken.
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
say() { printf 'ensure-chromium: %s\n' "$*"; }

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; }

if [ -x "$CHROMIUM_PATH" ]; then
  if ! cjk_font && can_install; then
    say "installing a Chinese font (fonts-wqy-microhei) for legible screenshots"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || say "no Chinese font installed; screenshots show boxes for Chinese text"
  fi
  exit 0
fi

if can_install; then
  say "installing chromium from the distribution"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq chromium >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1
    apt-get install -y -qq chromium >/dev/null
  fi
  apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || true
  [ -x "$CHROMIUM_PATH" ] && exit 0
fi
printf 'ensure-chromium: error: no Chromium at %s; install the chromium package (as root: apt-get install chromium) or set CHROMIUM_PATH\n' "$CHROMIUM_PATH" >&2
exit 1
