#!/usr/bin/env bash
# `make operator-run`: runs the Shopwatch operator in the foreground against the cluster in
# .local/kubeconfig (the local control plane of `make cluster-up`, or any cluster you point
# KUBECONFIG at). Installs or refreshes the ServiceObservability CRD first, then starts the
# operator with leader election off, metrics on :8200. Extra flags pass through:
#   scripts/operator-run.sh --namespaces shop --log-level debug
# Ctrl-C stops it gracefully.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
PATH="$root/.local/bin:$root/node_modules/.bin:$("$root/scripts/toolchain.sh"):$PATH"

if [[ -z "${KUBECONFIG:-}" ]]; then
  if [[ -f .local/kubeconfig ]]; then export KUBECONFIG="$root/.local/kubeconfig"
  else echo "operator-run: no .local/kubeconfig; run \`make cluster-up\` first (or set KUBECONFIG)" >&2; exit 1; fi
fi
kubectl="${KUBECTL:-$(command -v kubectl || true)}"
if [[ -z "$kubectl" ]]; then echo "operator-run: kubectl not found; run \`make cluster-up\` (it installs the pinned tools)" >&2; exit 1; fi

crd=charts/shopwatch-operator/crds/serviceobservabilities.observability.shopwatch.dev.yaml
echo "operator-run: applying the ServiceObservability CRD to $("$kubectl" config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
"$kubectl" apply --server-side --force-conflicts --field-manager=shopwatch-operator-run -f "$crd" >/dev/null
"$kubectl" wait --for=condition=Established --timeout=60s crd/serviceobservabilities.observability.shopwatch.dev >/dev/null

echo "operator-run: starting the operator (metrics, /livez, /readyz on :${SHOPWATCH_PORT:-8200}); try: kubectl apply -f k8s/examples/"
# The same memory settings as the image (operator/Dockerfile).
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$root/.local/node-compile-cache}"
export NODE_OPTIONS="${NODE_OPTIONS:---max-semi-space-size=2 --max-old-space-size=96}"
exec node operator/src/main.ts "$@"
