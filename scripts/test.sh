#!/usr/bin/env bash
# The one test command (README, .ci/run): lint, typecheck, build, then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent lint
npm run --silent typecheck
npm run --silent build
npx vitest run
