#!/usr/bin/env bash
# Tree-ensemble benchmark, side by side with scikit-learn in the same run: RandomForest (100 trees),
# HistGradientBoosting (100 iterations), GradientBoosting (100 stages). Single-row predict latency,
# 10,000-row batch, and pickle load time. The two sides are timed in alternating rounds and the best
# round of each is reported, so that load from other processes on the machine skews neither side.
# Needs a scikit-learn venv (fixtures/sklearn/make_venvs.sh); SKLEARN_PYTHON picks another one.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${SKLEARN_PYTHON:-/work/venvs/sk1.9/bin/python}
ROUNDS=${ROUNDS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$PY" bench/trees/bench.py train "$OUT"
for _ in $(seq "$ROUNDS"); do
  "$PY" bench/trees/bench.py time "$OUT" >>"$OUT/sklearn.jsonl"
  npx tsx bench/trees/bench.ts time "$OUT" >>"$OUT/modelserve.jsonl"
done
npx tsx bench/trees/bench.ts report "$OUT"
