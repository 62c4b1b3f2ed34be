#!/usr/bin/env bash
# A/B of the tree-ensemble batch predict against another revision (default HEAD, i.e. uncommitted changes
# against the last commit): that revision's src/ is copied to a temporary folder and both are timed in one
# process by ab.ts (alternating calls; medians of per-round ratios; outputs checked identical).
#   bash bench/trees/ab.sh [REV]      environment: ROUNDS, BENCH_DIR, MODELSERVE_THREADS (this checkout's side)
set -euo pipefail
cd "$(dirname "$0")/../.."
REV=${1:-HEAD}
BASE=$(mktemp -d)
trap 'rm -rf "$BASE"' EXIT
git archive "$REV" src | tar -x -C "$BASE"
ln -s "$PWD/node_modules" "$BASE/node_modules"
cp package.json tsconfig.json "$BASE/"
# the WebAssembly kernels are build outputs git does not hold: built from that revision's .wat sources
mkdir -p "$BASE/scripts" && cp scripts/build-wasm.ts "$BASE/scripts/"
(cd "$BASE" && node --import tsx scripts/build-wasm.ts >/dev/null)
if [ ! -f "${BENCH_DIR:-${TMPDIR:-/tmp}/modelserve-bench-sklearn}/random_forest_100.joblib" ]; then
  echo "no benchmark models yet: run npm run bench:sklearn once (it trains them)" >&2
  exit 1
fi
node --import tsx bench/trees/ab.ts "$BASE"
