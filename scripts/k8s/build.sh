#!/usr/bin/env bash
# Builds the test control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok) from Go modules
# into a per-version cache directory. Idempotent: components already in the cache are skipped.
# Builds run one after another with -p 2 because the machines have two cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"

export GOTOOLCHAIN=local
export GOFLAGS="-trimpath -mod=readonly -buildvcs=false -p=2"
export CGO_ENABLED=0
mkdir -p "$K8S_BIN_DIR"
timings="$K8S_BIN_DIR/build-times.txt"

# build NAME MODULE_DIR PACKAGE [LDFLAGS...]
build() {
  local name="$1" dir="$2" pkg="$3" ldflags="$4"
  if [ -x "$K8S_BIN_DIR/$name" ]; then
    echo "[k8s-build] $name: cached in $K8S_BIN_DIR"
    return
  fi
  echo "[k8s-build] building $name ($pkg)..."
  local start end
  start=$(date +%s)
  (cd "$here/build/$dir" && go build -ldflags "-s -w $ldflags" -o "$K8S_BIN_DIR/$name.tmp" "$pkg")
  mv "$K8S_BIN_DIR/$name.tmp" "$K8S_BIN_DIR/$name"
  end=$(date +%s)
  echo "$name $((end - start))s wall" | tee -a "$timings"
}

minor="${K8S_VERSION#*.}"
minor="${minor%%.*}"
kube_ldflags="-X k8s.io/component-base/version.gitVersion=v$K8S_VERSION \
-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
-X k8s.io/component-base/version.gitTreeState=clean"

build etcd etcd go.etcd.io/etcd/server/v3 ""
build kube-apiserver kubernetes k8s.io/kubernetes/cmd/kube-apiserver "$kube_ldflags"
build kube-controller-manager kubernetes k8s.io/kubernetes/cmd/kube-controller-manager "$kube_ldflags"
# kwok has no scheduler: pods need a node name before kwok marks them Running.
build kube-scheduler kubernetes k8s.io/kubernetes/cmd/kube-scheduler "$kube_ldflags"
build kwok kwok sigs.k8s.io/kwok/cmd/kwok ""
echo "[k8s-build] binaries in $K8S_BIN_DIR"
