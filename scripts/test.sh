#!/usr/bin/env bash
# The one test command (README, .ci/run): lint, typecheck, build, install the test peers (MinIO, the
# tritonclient venv, the mlflow venv whose scoring client is run against /invocations, Debian's chromium for
# the /v2/docs page, Debian's h2load for the gRPC benchmark's load test, a real Kubernetes control plane;
# each built or installed once, then cached), then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent lint
npm run --silent typecheck
npm run --silent build
bash scripts/setup-minio.sh
bash scripts/setup-python-clients.sh
bash fixtures/mlflow/make_venv.sh
bash scripts/setup-chromium.sh
bash bench/server/setup-h2load.sh # the gRPC benchmark's load generator, which test/server checks
bash scripts/k8s/down.sh >/dev/null 2>&1 || true # clears state left by a killed run
bash scripts/k8s/up.sh
trap 'bash scripts/k8s/down.sh >/dev/null 2>&1 || true' EXIT
npx vitest run
