#!/usr/bin/env bash
# Installs Debian's chromium, which test/server/docs-page.test.ts drives headless to check that the
# /v2/docs page renders every operation. Idempotent and quick once installed; safe to run concurrently
# (apt's own lock, waited for).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -q
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q chromium
chromium --version
