#!/usr/bin/env bash
# The whole test suite: lint, type-check, then unit, integration (real MySQL/MariaDB and
# Redis, a fresh database per run) and e2e (HTTP) tests. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
mkdir -p .run

echo "== lint";       npx eslint "src/**/*.ts" "test/**/*.ts" "migrations/**/*.ts" "bench/**/*.ts"
echo "== type-check"; npx tsc -p tsconfig.json --noEmit
echo "== tests (unit, integration, e2e)"
status=0
npx jest --ci --json --outputFile=.run/jest-results.json "$@" || status=$?

# One plain summary line, whatever the runner printed above.
if [ -f .run/jest-results.json ]; then
  node -e '
    const r = require("./.run/jest-results.json");
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  '
fi
exit "$status"
