#!/usr/bin/env bash
# Stops the control plane started by scripts/k8s/up.sh and removes its state (certificates, etcd data,
# kubeconfig). With --keep-logs the logs folder is left for inspection.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
state="${MODELSERVE_K8S_STATE:-$repo/.k8s}"
keep_logs=false
[ "${1:-}" = "--keep-logs" ] && keep_logs=true

if [ -f "$state/pids" ]; then
  # Stop in reverse start order so clients go before the API server and etcd.
  tac "$state/pids" | while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
      echo "[k8s-down] stopped $name ($pid)"
    fi
  done
fi
if [ -d "$state" ]; then
  if $keep_logs; then
    find "$state" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
  else
    rm -rf "$state"
  fi
fi
