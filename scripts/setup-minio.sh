#!/usr/bin/env bash
# Builds MinIO (the S3 server the source tests run against) from its Go module, once: the binary is
# cached in ~/.cache/modelserve-minio/bin (or $MODELSERVE_MINIO_CACHE/bin). Idempotent.
set -euo pipefail
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
cache=${MODELSERVE_MINIO_CACHE:-$HOME/.cache/modelserve-minio}
bin="$cache/bin/minio"
stamp="$cache/bin/.version"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$MINIO_VERSION" ]; then
  exit 0
fi
mkdir -p "$cache/bin"
echo "building MinIO $MINIO_VERSION from its Go module (first time only, a few minutes)..." >&2
start=$(date +%s)
GOBIN="$cache/bin" GOFLAGS=-trimpath go install -ldflags="-s -w" "github.com/minio/minio@$MINIO_VERSION"
echo "$MINIO_VERSION" > "$stamp"
echo "MinIO built in $(( $(date +%s) - start ))s" >&2
