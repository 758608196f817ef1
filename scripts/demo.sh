#!/usr/bin/env bash
# Starts the API and the worker with the demo county loaded, prints where to look, and keeps
# running until Ctrl-C (which stops both gracefully). Installs what it needs first.
# The demo county comes with a fund year in progress (last year settled, this year claimed up to
# last month); DEMO_YEAR=off loads the registry and the users only.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
mkdir -p .run

PORT="${PORT:-3000}"
export PORT
base="${PUBLIC_URL:-http://127.0.0.1:${PORT}}"
# The console's refresh cookie is Secure: over plain HTTP browsers keep it for localhost only.
console_url="${PUBLIC_URL:-http://localhost:${PORT}}"

if (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; then
  echo "demo: port ${PORT} is already in use; stop what runs there or set PORT=…" >&2
  exit 1
fi

node dist/src/cli/migrate.js up
node dist/src/cli/seed-demo.js | tee .run/seed.log

node dist/src/worker.js >>.run/worker.log 2>&1 &
worker_pid=$!
node dist/src/main.js >>.run/api.log 2>&1 &
api_pid=$!

stop() {
  trap - INT TERM EXIT
  echo "demo: stopping (active jobs finish first)…"
  kill -TERM "$api_pid" "$worker_pid" 2>/dev/null || true
  wait "$api_pid" "$worker_pid" 2>/dev/null || true
}
trap stop INT TERM EXIT

for _ in $(seq 1 60); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:${PORT}/health/ready"; then break; fi
  if ! kill -0 "$api_pid" 2>/dev/null || ! kill -0 "$worker_pid" 2>/dev/null; then
    echo "demo: the API or the worker exited during start-up; last lines of the logs:" >&2
    tail -n 5 .run/api.log .run/worker.log >&2
    exit 1
  fi
  sleep 0.5
done

cat <<TXT

  Capitation budget manager is running with the demo county 巍山 (WS).

  Web console          ${console_url}/
  API docs (OpenAPI)   ${base}/docs
  Institutions         ${base}/api/v1/institutions?countyCode=WS
  Readiness            ${base}/health/ready
  Logs                 .run/api.log  .run/worker.log  .run/seed.log

  Demo users (password cbm-demo-2026; README.md says what each may do):
TXT
if grep -q '^demo year in progress' .run/seed.log; then year=1; else year=0; fi
node -e 'const d = require("./dist/src/cli/demo-county.js");
for (const u of [...d.DEMO_USERS, ...(process.argv[1] === "1" ? d.DEMO_YEAR_USERS : [])])
  console.log(`    ${u.username.padEnd(24)}${u.roles.join(",").padEnd(16)}${u.institutionCode}`)' "$year"
if [ "$year" = 1 ]; then
  echo
  sed -n '/^demo year in progress/,$p' .run/seed.log | sed 's/^/  /'
else
  echo
  echo "  No fund year loaded (DEMO_YEAR=off): the registry and the users only."
fi
cat <<TXT

  Press Ctrl-C to stop.
TXT

wait -n "$api_pid" "$worker_pid"
echo "demo: a process exited; see .run/api.log and .run/worker.log" >&2
exit 1
