#!/usr/bin/env bash
# `npm test`: every check Cairn has, in the order that fails fastest.
#   typecheck, lint, unit tests, integration tests on the embedded database (and again on a real Postgres
#   when CAIRN_TEST_POSTGRES_URL is set, as CI does), production build, end-to-end tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC NEXT_TELEMETRY_DISABLED=1
unset DATABASE_URL # the embedded default, unless a Postgres pass is asked for below
reports=.test-reports # outside test-results/, which Playwright empties when it starts
rm -rf "$reports" && mkdir -p "$reports"

step() { printf '\n\033[1;36m== %s\033[0m\n' "$1"; }

step "typecheck"
npm run --silent typecheck
step "lint"
npm run --silent lint
step "unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$reports/unit.json"
step "integration tests (embedded PGlite)"
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$reports/integration-embedded.json"
if [ -n "${CAIRN_TEST_POSTGRES_URL:-}" ]; then
  step "integration tests (Postgres at ${CAIRN_TEST_POSTGRES_URL#*@}, fresh database)"
  DATABASE_URL="$CAIRN_TEST_POSTGRES_URL" npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$reports/integration-postgres.json"
fi
step "production build"
npx next build
step "end-to-end tests (Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/e2e.json" npx playwright test --reporter=list,json
step "summary"
node scripts/test-summary.mjs "$reports"
