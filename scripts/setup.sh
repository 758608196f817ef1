#!/usr/bin/env bash
# Brings a machine to the point where the service can run and be tested:
# Node.js check, npm dependencies, MySQL-compatible database and Redis, compiled code.
# Idempotent and quiet when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# Node.js 20.19+ (the API and worker target Node 20 LTS).
if ! command -v node >/dev/null 2>&1; then
  say "Node.js is not installed: install Node.js 20.19 or newer (https://nodejs.org or your distribution's nodejs package)" >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  say "Node.js $(node --version) is too old: version 20.19 or newer is required" >&2
  exit 1
fi

# npm dependencies: installed when missing or when package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm install --no-audit --no-fund --loglevel=error
fi

# MySQL/MariaDB and Redis at the configured addresses (installed and started locally if needed).
bash scripts/ensure-services.sh

# Compiled JavaScript for the API, the worker and the migration CLI.
if [ ! -f dist/src/main.js ] || [ -n "$(find src migrations bench tsconfig.json tsconfig.build.json -newer dist/src/main.js -print -quit 2>/dev/null)" ]; then
  say "compiling"
  rm -rf dist
  npx tsc -p tsconfig.build.json
fi

# The web console (web/): its own npm dependencies and a build in web/dist, each redone only when
# its inputs changed. The API serves web/dist at `/`.
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  say "installing the web console's npm dependencies"
  (cd web && npm install --no-audit --no-fund --loglevel=error)
fi
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/vite.config.ts web/scripts web/tsconfig.json web/package-lock.json -newer web/dist/index.html -print -quit 2>/dev/null)" ]; then
  say "building the web console"
  (cd web && npm run --silent build >/dev/null)
fi
