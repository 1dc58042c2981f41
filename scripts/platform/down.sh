#!/usr/bin/env bash
# `make down`: removes what `make up` installed. kind mode deletes the kind cluster; the local
# mode uninstalls the release and deletes its namespace (the control plane keeps running;
# `make cluster-down` stops it).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
namespace="${SHOPWATCH_NAMESPACE:-shop}"
release="${SHOPWATCH_RELEASE:-shop}"
eval "$(scripts/tools.sh env)"
if command -v kind >/dev/null && kind get clusters 2>/dev/null | grep -qx shopwatch; then
  kind delete cluster --name shopwatch
  exit 0
fi
[[ -f .local/kubeconfig ]] || { echo "down: no local cluster running; nothing to do"; exit 0; }
export KUBECONFIG="$root/.local/kubeconfig"
if "$HELM" status "$release" --namespace "$namespace" >/dev/null 2>&1; then
  "$HELM" uninstall "$release" --namespace "$namespace" --wait --timeout 5m
fi
"$KUBECTL" delete namespace "$namespace" --ignore-not-found --wait=true --timeout=5m
