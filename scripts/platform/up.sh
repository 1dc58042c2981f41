#!/usr/bin/env bash
# `make up`: the whole platform in a Kubernetes cluster with Helm.
#   - With Docker and kind (a developer laptop): a kind cluster `shopwatch` from k8s/kind.yaml, every
#     image built (by skaffold from skaffold.yaml when it is installed, else docker build) and
#     loaded into it, charts/shopwatch installed.
#   - Without Docker (CI, this repository's machines): the local control plane with its real node
#     (`make cluster-up`), every image built here (`make images`, the test-infra images for
#     PostgreSQL, Kafka and Redis) and loaded into the node, charts/shopwatch installed with
#     values-local.yaml.
# Either way into namespace $SHOPWATCH_NAMESPACE (default shop), which enforces Pod Security
# `restricted`, release $SHOPWATCH_RELEASE (default shop); extra arguments go to `helm upgrade`.
# Waits until every pod is ready and prints how to reach the shop.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
namespace="${SHOPWATCH_NAMESPACE:-shop}"
release="${SHOPWATCH_RELEASE:-shop}"
services=(gateway users catalog inventory orders payments psp shipping notifications support analytics storefront loadgen)
log() { echo "up: $*" >&2; }
die() { echo "up: error: $*" >&2; exit 1; }

eval "$(scripts/tools.sh env)"   # HELM, KUBECTL (pinned)
values=()
if command -v docker >/dev/null && docker info >/dev/null 2>&1 && command -v kind >/dev/null; then
  mode=kind
  # k8s/kind.yaml: one node on the node image pinned there (kind's strict decoder checks the file
  # in test/gitops/kind.int.test.ts).
  kind get clusters 2>/dev/null | grep -qx shopwatch || kind create cluster --name shopwatch --config k8s/kind.yaml --wait 120s
  export KUBECONFIG="${KUBECONFIG:-$HOME/.kube/config}"
  kind export kubeconfig --name shopwatch
  images=()
  for service in "${services[@]}" operator; do images+=("shopwatch/$service:dev"); done
  if command -v skaffold >/dev/null; then
    # skaffold.yaml's artifacts (profile kind: Docker with BuildKit, nothing pushed), in parallel
    # and cached by their inputs, under the fixed tag the install below names.
    log "building the images with skaffold (profile kind)"
    skaffold build --profile kind --kube-context kind-shopwatch --tag dev >&2
  else
    for service in "${services[@]}"; do
      docker build -q -f "services/$service/Dockerfile" -t "shopwatch/$service:dev" . >/dev/null
    done
    docker build -q -f operator/Dockerfile -t shopwatch/operator:dev . >/dev/null
  fi
  kind load docker-image --name shopwatch "${images[@]}"
  values+=(--set image.tag=dev --set shopwatch-operator.image.tag=dev)
else
  mode=local
  [[ "${SHOPWATCH_REAL_NODE:-1}" != 0 ]] || die "SHOPWATCH_REAL_NODE=0: no node can run the shop's pods (unset it)"
  make -s cluster-up
  export KUBECONFIG="$root/.local/kubeconfig"
  make -s images
  scripts/containers/test-infra-images.sh
  scripts/node/load-images.sh $(for s in "${services[@]}" operator; do echo "localhost/shopwatch/$s:dev"; done) \
    localhost/shopwatch/postgres-test:15 localhost/shopwatch/redis-test:7.0 "localhost/shopwatch/kafka-test:$(. scripts/infra/lib.sh && echo "$KAFKA_VERSION")"
  values+=(-f charts/shopwatch/values-local.yaml)
fi

"$KUBECTL" create namespace "$namespace" --dry-run=client -o yaml | "$KUBECTL" apply -f - >/dev/null
"$KUBECTL" label --overwrite namespace "$namespace" pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest >/dev/null
started=$SECONDS
log "installing charts/shopwatch as $release in $namespace ($mode)"
"$HELM" upgrade --install "$release" charts/shopwatch --namespace "$namespace" "${values[@]}" "$@" >/dev/null
log "waiting for every pod to be ready"
"$KUBECTL" -n "$namespace" rollout status statefulset,deployment -l "app.kubernetes.io/instance=$release" --timeout=15m >/dev/null
log "ready in $((SECONDS - started)) s"
"$HELM" get notes "$release" --namespace "$namespace"
