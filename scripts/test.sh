#!/usr/bin/env bash
# The project's one test command (`npm test`): lint, type-check, then every test tier. The tests
# start real nginx and run shellcheck and cloud-init, so missing system tools are installed first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin"

bash scripts/system-deps.sh
echo "== lint"
npm run --silent lint
echo "== type-check"
npm run --silent typecheck
echo "== tests"
npx mocha --reporter ./tests/reporter.js
