# The real node of the local cluster (sourced by scripts/cluster/lib.sh and the node scripts):
# containerd (CRI) + kubelet + kube-proxy on this machine, pods in network namespaces on the
# bridge shopwatch0 (10.245.0.0/24, the host is 10.245.0.1). Every setting that differs from a
# stock node is listed, with its reason, in docs/testing.md ("The real node").
# shellcheck shell=bash
node_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_root="$(cd "$node_here/../.." && pwd)"

# SHOPWATCH_REAL_NODE=0 leaves the node out (control plane and kwok only, as before it existed).
NODE_ENABLED="${SHOPWATCH_REAL_NODE:-1}"
NODE_NAME=shopwatch-node
NODE_IP=10.245.0.1
POD_CIDR=10.245.0.0/24
BRIDGE=shopwatch0
CLUSTER_DNS=10.96.0.10
# The label the real node carries (pods that must really run select it) and the taint the
# simulated ones carry (only pods that tolerate it land there).
REAL_NODE_LABEL=shopwatch.dev/real-node
SIMULATED_TAINT=shopwatch.dev/simulated
# Loopback-only ports of the node's own endpoints; kubelet's API listens on the node IP.
KUBELET_PORT=50250
KUBELET_HEALTHZ_PORT=50248
KUBE_PROXY_HEALTHZ_PORT=50256
KUBE_PROXY_METRICS_PORT=50249
# Our iptables chains (filter table), hooked into INPUT and FORWARD; removed by cluster-down.
CHAIN_INPUT=SHOPWATCH-INPUT
CHAIN_FORWARD=SHOPWATCH-FORWARD

NODE_DIR="$node_root/.local/node"
# Sockets and runtime state live on tmpfs under /run, in a directory named after this
# checkout, so two checkouts never share a containerd.
NODE_RUN="/run/shopwatch-$(printf '%s' "$node_root" | sha256sum | cut -c1-8)"
CONTAINERD_SOCK="$NODE_RUN/containerd.sock"
# Tagged by the hash of its sources: a change to pause.c builds a new image (and the node's
# containerd, whose config names it, restarts).
PAUSE_IMAGE="localhost/shopwatch/pause:$(cat "$node_root/images/pause/pause.c" "$node_root/images/pause/Containerfile" 2>/dev/null | sha256sum | cut -c1-12)"
COREDNS_IMAGE="localhost/shopwatch/coredns:${COREDNS_VERSION#v}"
NODE_COMPONENTS=(containerd kubelet kube-proxy)

# The pid of the socat that forwards NAME (postgres, redis) from the node IP, or nothing.
forward_pid() {
  local f="$NODE_DIR/run/forward-$1.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  [[ -d "/proc/$pid" && "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" == socat ]] && echo "$pid"
  return 0
}

node_enabled() { [[ "$NODE_ENABLED" != 0 ]]; }

node_ctr() { ctr --address "$CONTAINERD_SOCK" --namespace k8s.io "$@"; }
node_crictl() { "$CRICTL_DIR/crictl" --config "$NODE_DIR/crictl.yaml" "$@"; }

node_bin_of() {
  case "$1" in
    containerd) command -v containerd || echo /usr/bin/containerd ;;
    kubelet | kube-proxy) echo "$KUBE_DIR/$1" ;;
  esac
}

node_port_of() {
  case "$1" in
    kubelet) echo "$KUBELET_HEALTHZ_PORT" ;;
    kube-proxy) echo "$KUBE_PROXY_HEALTHZ_PORT" ;;
  esac
}

node_args_of() {
  case "$1" in
    containerd) ARGS=(--config "$NODE_DIR/containerd.toml") ;;
    kubelet)
      # Flags only for what KubeletConfiguration cannot say; everything else is in kubelet.yaml.
      ARGS=(--config="$NODE_DIR/kubelet.yaml" --kubeconfig="$CLUSTER_DIR/kubelet.kubeconfig" \
        --root-dir="$NODE_DIR/kubelet" --cert-dir="$NODE_DIR/kubelet/pki" \
        --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" \
        --node-labels="$REAL_NODE_LABEL=true")
      ;;
    kube-proxy) ARGS=(--config="$NODE_DIR/kube-proxy.yaml" --hostname-override="$NODE_NAME") ;;
  esac
}

node_healthy() {
  case "$1" in
    containerd) ctr --address "$CONTAINERD_SOCK" --timeout 2s version >/dev/null 2>&1 ;;
    kubelet) [[ "$(curl -s --max-time 2 "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz")" == ok ]] ;;
    kube-proxy) curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT/healthz" ;;
  esac
}
