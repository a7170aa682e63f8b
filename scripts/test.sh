#!/usr/bin/env bash
# The project's one test command (`npm test`): lint and type-check beside the fast tier, then the rest.
#   bash scripts/test.sh          every tier: fast (mocked + loopback), image, engine
#   bash scripts/test.sh --fast   the inner loop: lint, types, mocked and loopback tests only
# The tests start real nginx, run shellcheck and cloud-init, build the image with buildah and run
# the real Pulumi engine, so missing system tools are installed first (scripts/system-deps.sh).
# Each mocha tier appends "passed failed" to a summary file; the last line printed is the total,
# "N passed, N failed", which CI reads. A failing tier does not stop the others.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PATH:/usr/sbin"

fast=false
[ "${1:-}" = "--fast" ] && fast=true

summary="$(mktemp)"
static_log="$(mktemp)"
trap 'rm -f "$summary" "$static_log" "$static_log.rc"' EXIT
export TEST_SUMMARY_FILE="$summary"
status=0
failed_steps=()

step() { # step <name> <command...>: runs one step, remembers a failure, goes on
  local name="$1"
  shift
  echo "== $name"
  local started=$SECONDS
  if ! "$@"; then
    status=1
    failed_steps+=("$name")
  fi
  echo "== $name: $((SECONDS - started)) s"
}

# shellcheck disable=SC2317 # called through step
mocha_tier() { # mocha_tier <spec...>
  npx mocha --reporter ./tests/reporter.js "$@"
}

if ! bash scripts/system-deps.sh; then
  echo "system tools missing: see the message above" >&2
  exit 1
fi
# The static checks (type-check, ESLint, Prettier: scripts/static-checks.ts, which builds the
# TypeScript program once for both) need one core for about half a minute, and the mocked and
# loopback tests spend much of theirs waiting on processes and timers, so the two run side by side;
# the checks' output is printed when the tests are done, so the two do not interleave.
static_started=$SECONDS
(
  node -r ./scripts/register.js scripts/static-checks.ts >"$static_log" 2>&1
  echo "$? $((SECONDS - static_started))" >"$static_log.rc"
) &
static_pid=$!
# Four mocha workers (TEST_JOBS), one file each at a time: the tests bind port 0 and work in temp
# dirs. Most of their time is spent waiting on real processes, timers and probes (a worker is idle
# about two thirds of it), so four keep two cores busy. The longest files go first
# (scripts/test-order.js, from the times tests/reporter.js recorded on the last run), so no long
# file starts last.
export TEST_DURATIONS_FILE="$PWD/node_modules/.cache/ha-web-service/test-durations.json"
shopt -s globstar
fast_files=()
for file in tests/**/*.test.ts; do
  case "$file" in tests/image/* | tests/engine/* | tests/clis/*) continue ;; esac
  fast_files+=("$file")
done
mapfile -t fast_files < <(node scripts/test-order.js "$TEST_DURATIONS_FILE" "${fast_files[@]}")
step "tests: mocked and loopback" mocha_tier --parallel --jobs "${TEST_JOBS:-4}" "${fast_files[@]}"
wait "$static_pid"
echo "== lint and types"
cat "$static_log"
read -r static_status static_seconds <"$static_log.rc"
if [ "$static_status" -ne 0 ]; then
  status=1
  failed_steps+=("lint and types")
fi
echo "== lint and types: $static_seconds s"
if [ "$fast" = false ]; then
  if compgen -G 'tests/image/*.test.ts' >/dev/null; then
    step "tests: the real image" mocha_tier --timeout 1800000 --slow 60000 'tests/image/**/*.test.ts'
  fi
  if compgen -G 'tests/clis/*.test.ts' >/dev/null; then
    step "CLIs setup" npm run --silent clis:setup
    step "tests: the real aws, gcloud and az" mocha_tier --timeout 600000 'tests/clis/**/*.test.ts'
  fi
  if compgen -G 'tests/engine/*.test.ts' >/dev/null; then
    step "engine setup" npm run --silent engine:setup
    step "tests: the real Pulumi engine" mocha_tier --timeout 600000 'tests/engine/**/*.test.ts'
  fi
fi

read -r passed failed < <(awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }' "$summary")
if [ "${#failed_steps[@]}" -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}"
  # A step that failed without a test count (lint, types, setup) still fails the run.
  [ "$failed" -eq 0 ] && failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
