#!/usr/bin/env bash
# Creates the MLServer virtual environment the server benchmark compares against:
# $MODELSERVE_VENVS/mlserver (default /work/venvs/mlserver), every package pinned in
# mlserver-requirements.txt beside this script. Idempotent and cached (rebuilt only when the pins change);
# safe to run concurrently (flock). Not needed by the tests, only by `npm run bench:server`.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VENVS=${MODELSERVE_VENVS:-/work/venvs}
DIR="$VENVS/mlserver"
STAMP=$(sha256sum "$HERE/mlserver-requirements.txt" | cut -c1-16)

mkdir -p "$VENVS"
exec 9>"$VENVS/.mlserver.lock"
flock 9
if [ "$(cat "$DIR/.done" 2>/dev/null || true)" = "$STAMP" ]; then
  exit 0
fi
rm -rf "$DIR"
python3 -m venv "$DIR"
"$DIR/bin/pip" install -q --disable-pip-version-check -r "$HERE/mlserver-requirements.txt"
"$DIR/bin/mlserver" --version
echo "$STAMP" >"$DIR/.done"
echo "MLServer ready in $DIR"
