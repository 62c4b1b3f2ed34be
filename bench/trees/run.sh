#!/usr/bin/env bash
# Tree-ensemble benchmark, side by side with scikit-learn in the same run: RandomForest (100 trees),
# HistGradientBoosting (100 iterations), GradientBoosting (100 stages). Single-row predict latency,
# 10,000-row batch, and pickle load time. Needs a scikit-learn venv (fixtures/sklearn/make_venvs.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${SKLEARN_PYTHON:-/work/venvs/sk1.9/bin/python}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$PY" bench/trees/bench.py "$OUT" | npx tsx bench/trees/bench.ts "$OUT"
