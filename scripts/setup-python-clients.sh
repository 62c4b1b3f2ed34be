#!/usr/bin/env bash
# Creates the Python virtual environment with the official Open Inference Protocol clients (tritonclient's
# HTTP and gRPC clients) that test/server/tritonclient*.test.ts drive against our server.
# Location: $MODELSERVE_VENVS/clients (default /work/venvs/clients). Idempotent and cached: the venv is
# rebuilt only when the pinned set below changes; safe to run concurrently (flock).
set -euo pipefail
VENVS=${MODELSERVE_VENVS:-/work/venvs}
DIR="$VENVS/clients"
# Every package pinned (tritonclient 2.73.0 with its [http,grpc] extras, resolved once with pip freeze).
PINS="tritonclient[http,grpc]==2.73.0
aiohappyeyeballs==2.7.1
aiohttp==3.14.5
aiosignal==1.4.0
attrs==26.1.0
brotli==1.2.1
certifi==2026.10.19.post1
frozenlist==1.8.0
gevent==26.9.0
geventhttpclient==2.6.1
greenlet==3.3.2
grpcio==1.85.3
idna==3.20
ml_dtypes==0.5.4
multidict==7.2.1
numpy==2.4.6
packaging==26.3
propcache==0.5.4
protobuf==6.33.6
python-rapidjson==1.25
typing_extensions==4.16.0
urllib3==2.8.0
yarl==1.25.1
zope.event==6.2
zope.interface==8.7"
STAMP=$(printf '%s' "$PINS" | sha256sum | cut -c1-16)

mkdir -p "$VENVS"
exec 9>"$VENVS/.clients.lock"
flock 9
if [ "$(cat "$DIR/.done" 2>/dev/null || true)" = "$STAMP" ]; then
  exit 0
fi
rm -rf "$DIR"
python3 -m venv "$DIR"
printf '%s\n' "$PINS" >"$DIR/requirements.txt"
"$DIR/bin/pip" install -q --disable-pip-version-check -r "$DIR/requirements.txt"
"$DIR/bin/python" -c "import tritonclient.http, tritonclient.grpc"
echo "$STAMP" >"$DIR/.done"
echo "python clients ready in $DIR"
