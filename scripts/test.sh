#!/usr/bin/env bash
# The project's one test command (`npm test`): lint, type-check, then every test tier.
# It needs nginx, shellcheck and cloud-init on PATH; `.ci/run` installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== lint"
npm run --silent lint
echo "== type-check"
npm run --silent typecheck
echo "== tests"
npx mocha --reporter ./tests/reporter.js
