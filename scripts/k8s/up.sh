#!/usr/bin/env bash
# Starts a real Kubernetes control plane on loopback for the tests and for trying modelserve:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (which plays the kubelet, so
# Deployments get ReplicaSets and Pods that become Ready without containers). Installs the KubeAI
# Model CRD and kwok's ClusterPortForward CRD, registers one fake node, writes the admin kubeconfig to
# $MODELSERVE_K8S_STATE/kubeconfig (default .k8s/kubeconfig in the repo) and waits until all is healthy.
# Builds the binaries first if they are not cached (scripts/k8s/build.sh). Stop with scripts/k8s/down.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
state="${MODELSERVE_K8S_STATE:-$repo/.k8s}"
# The KubeAI CRD ships beside the repo (shared/k8s) for test clusters; point elsewhere if needed.
crd_kubeai="${MODELSERVE_KUBEAI_CRD:-$repo/../shared/k8s/kubeai.org_models.yaml}"
if [ ! -f "$crd_kubeai" ]; then
  echo "[k8s-up] KubeAI CRD not found at $crd_kubeai (set MODELSERVE_KUBEAI_CRD)" >&2
  exit 1
fi

if [ -f "$state/pids" ]; then
  echo "[k8s-up] a control plane is already recorded in $state; run scripts/k8s/down.sh first" >&2
  exit 1
fi

"$here/build.sh"
bin="$K8S_BIN_DIR"

mkdir -p "$state/pki" "$state/logs"
pki="$state/pki"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
etcd_port=$(free_port)
etcd_peer_port=$(free_port)
api_port=$(free_port)
kwok_port=$(free_port)

# --- certificates: one CA; the API server's serving cert; an admin client cert (system:masters);
# --- the service-account signing key pair.
openssl_quiet() { openssl "$@" >/dev/null 2>&1; }
openssl_quiet req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=modelserve-test-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt"
cat > "$pki/apiserver.ext" <<EXT
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1
extendedKeyUsage=serverAuth
EXT
openssl_quiet req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr"
openssl_quiet x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
  -days 3650 -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt"
printf 'extendedKeyUsage=clientAuth\n' > "$pki/client.ext"
openssl_quiet req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=modelserve-admin" \
  -keyout "$pki/admin.key" -out "$pki/admin.csr"
openssl_quiet x509 -req -in "$pki/admin.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
  -days 3650 -extfile "$pki/client.ext" -out "$pki/admin.crt"
openssl_quiet genrsa -out "$pki/sa.key" 2048
openssl_quiet rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

kubeconfig="$state/kubeconfig"
cat > "$kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: modelserve-test
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority-data: $(base64 -w0 < "$pki/ca.crt")
users:
- name: modelserve-admin
  user:
    client-certificate-data: $(base64 -w0 < "$pki/admin.crt")
    client-key-data: $(base64 -w0 < "$pki/admin.key")
contexts:
- name: modelserve-test
  context: {cluster: modelserve-test, user: modelserve-admin, namespace: default}
current-context: modelserve-test
KCFG

: > "$state/pids"
start() {
  local name="$1"
  shift
  # setsid: down.sh stops each component by its own process group
  setsid "$@" >"$state/logs/$name.log" 2>&1 < /dev/null &
  echo "$name $!" >> "$state/pids"
}

fail() {
  echo "[k8s-up] $1; logs in $state/logs" >&2
  tail -n 20 "$state/logs/$2.log" >&2 || true
  "$here/down.sh" --keep-logs >&2 || true
  exit 1
}

# wait_for NAME SECONDS COMMAND...
wait_for() {
  local name="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then fail "$name did not become healthy in ${seconds}s" "$name"; fi
    sleep 0.5
  done
}

start etcd "$bin/etcd" --name default --data-dir "$state/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "default=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync --quota-backend-bytes=1073741824 --log-level=warn
wait_for etcd 60 curl -sf "http://127.0.0.1:$etcd_port/health"

start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --endpoint-reconciler-type none \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-account-issuer https://kubernetes.default.svc \
  --service-cluster-ip-range 10.0.0.0/24 --service-node-port-range 30000-32767 \
  --authorization-mode Node,RBAC --allow-privileged=true \
  --kubelet-client-certificate "$pki/admin.crt" --kubelet-client-key "$pki/admin.key" \
  --kubelet-preferred-address-types InternalIP
wait_for kube-apiserver 120 curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
  "https://127.0.0.1:$api_port/readyz"

start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$kubeconfig" \
  --leader-elect=false --bind-address 127.0.0.1 --secure-port 0 \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --use-service-account-credentials=false --controllers '*,-nodeipam,-cloud-node-lifecycle'
start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$kubeconfig" \
  --leader-elect=false --bind-address 127.0.0.1 --secure-port 0

kubectl_apply() {
  # No kubectl here: create objects through the REST API with the admin client certificate.
  local path="$1" file="$2"
  curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    -X PATCH -H "Content-Type: application/apply-patch+yaml" \
    --data-binary "@$file" "https://127.0.0.1:$api_port$path?fieldManager=modelserve-k8s-up&force=true" >/dev/null
}
crd_path=/apis/apiextensions.k8s.io/v1/customresourcedefinitions
kubectl_apply "$crd_path/models.kubeai.org" "$crd_kubeai" || fail "could not install the KubeAI CRD" kube-apiserver
kwok_src="$(cd "$here/build/kwok" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
kubectl_apply "$crd_path/clusterportforwards.kwok.x-k8s.io" \
  "$kwok_src/kustomize/crd/bases/kwok.x-k8s.io_clusterportforwards.yaml" \
  || fail "could not install the kwok ClusterPortForward CRD" kube-apiserver

# One fake node; kwok fills its status (Ready, address 127.0.0.1, kubelet port = kwok's server).
node_file="$state/node.yaml"
cat > "$node_file" <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels:
    kubernetes.io/hostname: kwok-node-0
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    modelserve.test/pool: kwok
status:
  capacity: {cpu: "32", memory: 256Gi, pods: "110", ephemeral-storage: 1Ti, nvidia.com/gpu: "8"}
NODE
kubectl_apply /api/v1/nodes/kwok-node-0 "$node_file" || fail "could not create the fake node" kube-apiserver
# kwok is told to ignore status: the node's status must be applied through the status subresource.
kubectl_apply /api/v1/nodes/kwok-node-0/status "$node_file" || fail "could not set the fake node's capacity" kube-apiserver

start kwok "$bin/kwok" --kubeconfig "$kubeconfig" --manage-all-nodes=true \
  --node-ip 127.0.0.1 --node-name kwok-node-0 --node-port "$kwok_port" \
  --server-address "127.0.0.1:$kwok_port" --cidr 10.0.0.1/24 \
  --enable-crds ClusterPortForward --config "$here/kwok.yaml"

api() {
  curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "https://127.0.0.1:$api_port$1"
}
node_ready() { api /api/v1/nodes/kwok-node-0 | grep -q '"type": "Ready",\s*$\|"type":"Ready"' && api /api/v1/nodes/kwok-node-0 | python3 -c 'import json,sys; n=json.load(sys.stdin); sys.exit(0 if any(c["type"]=="Ready" and c["status"]=="True" for c in n["status"].get("conditions",[])) else 1)'; }
wait_for kwok 60 node_ready
default_sa() { api /api/v1/namespaces/default/serviceaccounts/default; }
wait_for kube-controller-manager 60 default_sa

cat > "$state/env" <<ENV
MODELSERVE_TEST_KUBECONFIG=$kubeconfig
K8S_API_URL=https://127.0.0.1:$api_port
K8S_KWOK_PORT=$kwok_port
ENV
echo "[k8s-up] control plane ready: kubeconfig $kubeconfig (API https://127.0.0.1:$api_port)"
