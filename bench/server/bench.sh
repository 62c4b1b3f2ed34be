#!/usr/bin/env bash
# The server benchmark in one command (`npm run bench:server`): makes the MLServer venv, installs h2load
# (apt, when missing and possible) and, when Go is there, builds ghz (cached), then runs run.ts.
# Environment knobs: see run.ts; BENCH_GRPC_LOAD=h2load|ghz|grpc-js picks the gRPC load generator
# (default: the first of them available, see grpc-load.ts).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
bash "$HERE/setup-mlserver.sh"
bash "$HERE/setup-h2load.sh"
if command -v go >/dev/null; then
  bash "$HERE/setup-ghz.sh"
else
  echo "no Go toolchain: gRPC load from grpc-js client processes instead of ghz" >&2
fi
cd "$HERE/../.."
exec npx tsx bench/server/run.ts
