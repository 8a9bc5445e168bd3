#!/usr/bin/env bash
# `npm test`: every check Cairn has (typecheck, lint, unit tests, integration tests on the embedded database
# and again on a real Postgres when CAIRN_TEST_POSTGRES_URL is set, as CI does, production build, end-to-end
# tests in Chromium), run side by side so that the machine's cores stay busy.
#
# What runs when, and why that is safe:
#   at once:            typecheck, lint, unit tests
#   after typecheck:    the production build (it writes .next/types, which typecheck reads: never both at once)
#   after the unit tests: both integration passes (not beside the unit tests, whose timing tests have 5 s
#                       timeouts and failed when the machine was crowded)
#   after the build:    the end-to-end tests (they serve the build)
# The integration passes share no database: each creates its own (a PGlite process or a fresh Postgres
# database per test worker, lib/testing/global-setup.ts), and they listen on free ports only. They run at a
# lower priority: the build and then the browser tests are the longest chain, and get the CPU first.
# Each job writes to .test-reports/logs/<job>.log, printed whole when the job ends. The first failure stops
# everything else, and the log says which job failed and where its output is.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC NEXT_TELEMETRY_DISABLED=1
unset DATABASE_URL # the embedded default, unless a Postgres pass is asked for below
reports=.test-reports # outside test-results/, which Playwright empties when it starts
logs="$reports/logs"
rm -rf "$reports" && mkdir -p "$logs"

say() { printf '\033[1;36m== %s\033[0m\n' "$1"; }
vitest_json() { echo --reporter=default --reporter=json --outputFile.json="$reports/$1.json"; }

declare -A job_pid=() job_started=() job_seconds=()
declare -a job_order=()

# start NAME COMMAND...: runs COMMAND in the background in a process group of its own (set -m), so that
# stopping it also stops what it started (vitest workers, the build's workers, Playwright's server).
set -m
start() {
  local name=$1
  shift
  "$@" >"$logs/$name.log" 2>&1 &
  job_pid[$name]=$!
  job_started[$name]=$SECONDS
  job_order+=("$name")
  say "started: $name"
}

# Interrupt first, as Ctrl-C would: Playwright then stops the Cairn it started for the e2e tests (a server in a
# process group of its own, which a TERM to Playwright's group left running) and vitest its workers. Whatever
# is still running after ten seconds is terminated.
stop_all() {
  local name tries=0
  for name in "${!job_pid[@]}"; do kill -INT -- "-${job_pid[$name]}" 2>/dev/null || true; done
  while [ $tries -lt 20 ]; do
    local alive=0
    for name in "${!job_pid[@]}"; do kill -0 "${job_pid[$name]}" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.5
    tries=$((tries + 1))
  done
  for name in "${!job_pid[@]}"; do kill -TERM -- "-${job_pid[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop_all; exit 130' INT TERM

timings() {
  local name
  for name in "${job_order[@]}"; do
    if [ -n "${job_seconds[$name]:-}" ]; then
      printf '  %-22s %4ss\n' "$name" "${job_seconds[$name]}"
    fi
  done
  printf '  %-22s %4ss\n' "total (wall clock)" "$SECONDS"
}

postgres_pass=""
if [ -n "${CAIRN_TEST_POSTGRES_URL:-}" ]; then postgres_pass="integration-postgres"; fi

start typecheck npm run --silent typecheck
start lint npm run --silent lint
start unit npx vitest run --project unit $(vitest_json unit)

start_integration() {
  start integration-embedded nice -n 10 npx vitest run --project integration $(vitest_json integration-embedded)
  if [ -n "$postgres_pass" ]; then
    say "integration-postgres: the integration tests again on Postgres at ${CAIRN_TEST_POSTGRES_URL#*@} (fresh databases)"
    DATABASE_URL="$CAIRN_TEST_POSTGRES_URL" start integration-postgres \
      nice -n 10 npx vitest run --project integration $(vitest_json integration-postgres)
  fi
}

while [ ${#job_pid[@]} -gt 0 ]; do
  finished=""
  status=0
  wait -n -p finished "${job_pid[@]}" || status=$?
  if [ -z "$finished" ]; then continue; fi
  for name in "${!job_pid[@]}"; do
    if [ "${job_pid[$name]}" = "$finished" ]; then break; fi
  done
  unset "job_pid[$name]"
  job_seconds[$name]=$((SECONDS - job_started[$name]))
  printf '\n'
  say "finished: $name ($([ $status -eq 0 ] && echo passed || echo "FAILED, exit $status") in ${job_seconds[$name]}s), its output:"
  cat "$logs/$name.log"
  if [ $status -ne 0 ]; then
    printf '\n\033[1;31m== FAILED: %s (exit %s). Its output is above and in %s; the other jobs were stopped.\033[0m\n' \
      "$name" "$status" "$logs/$name.log"
    stop_all
    timings
    exit 1
  fi
  case $name in
    typecheck) start build npx next build ;;
    unit) start_integration ;;
    build) PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/e2e.json" start e2e npx playwright test --reporter=list,json ;;
  esac
done

printf '\n'
say "timings"
timings
say "summary"
node scripts/test-summary.mjs "$reports"
