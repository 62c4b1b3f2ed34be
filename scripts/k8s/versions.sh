# Versions of the test control plane; sourced by the scripts in scripts/k8s/.
# The build modules in scripts/k8s/build/*/go.mod pin the same versions.
K8S_VERSION=1.36.3
ETCD_VERSION=3.6.16
KWOK_VERSION=0.8.0
# The cache directory is keyed by all three so a bump of any one rebuilds.
K8S_CACHE_ROOT="${MODELSERVE_K8S_CACHE:-$HOME/.cache/modelserve-k8s}"
K8S_BIN_DIR="$K8S_CACHE_ROOT/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION"
