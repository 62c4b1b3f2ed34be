#!/usr/bin/env bash
# Builds ghz (a gRPC load generator written in Go) from the Go module proxy into
# $MODELSERVE_VENVS/ghz/bin (default /work/venvs/ghz/bin). Optional: the server benchmark's gRPC load comes
# from h2load when it is installed (setup-h2load.sh), from ghz when h2load is not or BENCH_GRPC_LOAD=ghz, and
# from grpc-js client processes, which cost as much CPU as the server they measure, when neither is there.
# Idempotent and cached (rebuilt only when the pinned version changes); needs Go.
set -euo pipefail
VERSION=v0.121.0
VENVS=${MODELSERVE_VENVS:-/work/venvs}
DIR="$VENVS/ghz"
if [ "$(cat "$DIR/.done" 2>/dev/null || true)" = "$VERSION" ] && [ -x "$DIR/bin/ghz" ]; then
  exit 0
fi
mkdir -p "$DIR/bin"
GOBIN="$DIR/bin" go install "github.com/bojand/ghz/cmd/ghz@$VERSION"
echo "$VERSION" >"$DIR/.done"
echo "ghz $VERSION ready in $DIR/bin"
