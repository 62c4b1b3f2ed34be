#!/usr/bin/env bash
# Installs h2load (nghttp2's HTTP/2 load generator, written in C; Debian package nghttp2-client), the
# server benchmark's gRPC load generator: it posts a pre-encoded ModelInfer call, so it costs a few µs of
# CPU per call where ghz costs about as much as the server it measures. Optional: when it cannot be
# installed (no apt-get, no root or sudo, no network) this prints why and exits 0, and the benchmark falls
# back to ghz. Idempotent; safe to run concurrently (apt's own lock, waited for).
set -uo pipefail
if command -v h2load >/dev/null 2>&1; then
  exit 0
fi
fallback() {
  echo "h2load not installed ($1): gRPC load from ghz (or grpc-js client processes) instead" >&2
  exit 0
}
command -v apt-get >/dev/null 2>&1 || fallback "no apt-get"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || fallback "not root and no password-less sudo"
  SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -q || fallback "apt-get update failed"
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q nghttp2-client || fallback "apt-get install failed"
h2load --version
