#!/usr/bin/env bash
# The server benchmark in one command (`npm run bench:server`): makes the MLServer venv and, when Go is
# there, ghz (both cached), then runs run.ts. Environment knobs: see run.ts.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
bash "$HERE/setup-mlserver.sh"
if command -v go >/dev/null; then
  bash "$HERE/setup-ghz.sh"
else
  echo "no Go toolchain: gRPC load from grpc-js client processes instead of ghz" >&2
fi
cd "$HERE/../.."
exec npx tsx bench/server/run.ts
