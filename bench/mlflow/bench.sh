#!/usr/bin/env bash
# MLflow scoring-protocol benchmark in one command (`npm run bench:mlflow`): makes the mlflow venv (cached;
# fixtures/mlflow/make_venv.sh) for `mlflow models serve`, then runs run.ts. Environment knobs: see run.ts.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
bash "$HERE/../../fixtures/mlflow/make_venv.sh"
cd "$HERE/../.."
exec npx tsx bench/mlflow/run.ts
