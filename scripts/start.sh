#!/usr/bin/env bash
# The main job (README's first command): serve the bundled example model (an iris classifier) in the
# foreground on http://127.0.0.1:8080; extra arguments go to `modelserve serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli/main.js ] || npm run --silent build
exec node bin/modelserve.js serve "$@"
