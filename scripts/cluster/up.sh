#!/usr/bin/env bash
# Starts the local Kubernetes control plane on loopback and waits until it is usable:
#   etcd :52379 → kube-apiserver :56443 → kube-controller-manager :50257, kube-scheduler :50259
#   → kwok (simulated nodes; pods scheduled to them become Running and Ready)
# then applies the Prometheus Operator and grafana-operator CRDs and waits for Ready nodes,
# then starts the real node (scripts/node/up.sh: containerd, kubelet, kube-proxy, CoreDNS;
# SHOPWATCH_REAL_NODE=0 leaves it out).
# Writes .local/kubeconfig (admin). Idempotent: running components (pid files under
# .local/cluster/run) are left alone. Logs: .local/logs/<component>.log. Stop: down.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
start=$SECONDS
lock_cluster

"$here/install.sh" all
"$here/pki.sh"

# kwok's configuration: how many objects it works on at once, plus the stock stages.
{
  cat <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  enableCRDs: []
  nodeLeaseParallelism: 2
  podPlayStageParallelism: 4
  nodePlayStageParallelism: 2
EOF
  for f in "$KWOK_DIR"/stages/*.yaml; do echo "---"; cat "$f"; done
} >"$CLUSTER_DIR/kwok.yaml.tmp"
mv "$CLUSTER_DIR/kwok.yaml.tmp" "$CLUSTER_DIR/kwok.yaml"

# The node's network and iptables chains come first: with the real node, the API server listens
# beyond loopback, and only the chains keep it from the machine's other interfaces.
node_enabled && "$root/scripts/node/up.sh" network
start_component etcd 30
start_component kube-apiserver 90
start_component kube-controller-manager 60
start_component kube-scheduler 60
start_component kwok 60

# Fake nodes: kwok manages the ones annotated kwok.x-k8s.io/node=fake. While the real node runs,
# they carry the taint shopwatch.dev/simulated=true:NoSchedule, so workloads go to the real node
# unless they tolerate it (tests that want simulated pods: simulatedNodePlacement in the testkit).
# With SHOPWATCH_REAL_NODE=0 the list is emptied, and every workload schedules onto them as
# before. (The node controller writes taints too, so the list is set, not left out, and forced.)
taints="  taints: []"
node_enabled && taints="  taints: [{ key: $SIMULATED_TAINT, value: \"true\", effect: NoSchedule }]"
nodes=""
for ((i = 0; i < KWOK_NODES; i++)); do
  nodes+="$(cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    node-role.kubernetes.io/agent: ""
    topology.kubernetes.io/zone: zone-$((i % 2))
    type: kwok
spec:
$taints
status:
  allocatable: { cpu: "16", memory: 64Gi, pods: "110", ephemeral-storage: 100Gi }
  capacity: { cpu: "16", memory: 64Gi, pods: "110", ephemeral-storage: 100Gi }
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: fake
    kubeProxyVersion: fake
EOF
)"$'\n'
done
kubectl_admin apply --server-side --force-conflicts --field-manager=shopwatch-cluster-up -f - <<<"$nodes" >/dev/null
# The default StorageClass whose claims kwok provisions and binds at once (PVCs of StatefulSets
# and charts become Bound; nothing is stored anywhere).
kubectl_admin apply --server-side --field-manager=shopwatch-cluster-up -f "$KWOK_DIR/storage-class.yaml" >/dev/null

# CRDs other components expect (the operator writes ServiceMonitors, PrometheusRules and
# GrafanaDashboards). Server-side apply: the Prometheus CRDs exceed the client-side
# last-applied annotation limit.
crd_files=("$SHOPWATCH_CACHE/crds/prometheus-operator-$PROM_OPERATOR_VERSION"/*.yaml
  "$SHOPWATCH_CACHE/crds/grafana-operator-$GRAFANA_OPERATOR_VERSION"/*.yaml)
crd_args=()
for f in "${crd_files[@]}"; do crd_args+=(-f "$f"); done
kubectl_admin apply --server-side --force-conflicts --field-manager=shopwatch-cluster-up "${crd_args[@]}" >/dev/null
kubectl_admin wait --for=condition=Established --timeout=60s "${crd_args[@]}" >/dev/null

kubectl_admin wait --for=condition=Ready --timeout=90s node -l type=kwok >/dev/null \
  || { kubectl_admin get nodes -o wide >&2; die "nodes not Ready (see .local/logs/kwok.log)"; }
# Namespaces are only usable for pods once their default ServiceAccount exists.
until kubectl_admin get serviceaccount default -n default >/dev/null 2>&1; do
  ((SECONDS - start < 120)) || die "no default ServiceAccount (see .local/logs/kube-controller-manager.log)"
  sleep 0.2
done

node_enabled && "$root/scripts/node/up.sh" all
log "ready in $((SECONDS - start)) s: Kubernetes $KUBE_VERSION at https://127.0.0.1:$APISERVER_PORT, $KWOK_NODES kwok nodes$(node_enabled && echo ", real node $NODE_NAME")"
log "KUBECONFIG=.local/kubeconfig  (kubectl and helm are in .local/bin; stop with make cluster-down)"
