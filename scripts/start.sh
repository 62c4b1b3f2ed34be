#!/usr/bin/env bash
# The main job (README's first command): serve the bundled example model.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli/main.js ] || npm run --silent build
exec node bin/modelserve.js --help
