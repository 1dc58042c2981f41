#!/usr/bin/env bash
# Starts the real node of the local cluster (run by scripts/cluster/up.sh; SHOPWATCH_REAL_NODE=0
# skips it) and waits until it is usable:
#   network   the bridge shopwatch0 (10.245.0.1/24), forwarding on it only, our iptables chains
#             (run before the API server starts: it listens beyond loopback once the node exists)
#   runtime   network and containerd with the pause and CoreDNS images (no kubelet)
#   all       network, then containerd → pause/CoreDNS images → kubelet (node Ready) → kube-proxy
#             → CoreDNS (Deployment + Service 10.96.0.10 in kube-system, Available)
# Configuration is generated under .local/node/ (a changed file restarts its program; pods keep
# running). Idempotent. Logs: .local/logs/{containerd,kubelet,kube-proxy}.log. Stop: cluster-down.
set -euo pipefail
. "$(dirname "$0")/../cluster/lib.sh"
lock_cluster

# write_if_changed FILE: stdin into FILE (atomically); true if the content changed.
write_if_changed() {
  local file="$1" tmp="$1.tmp"
  cat >"$tmp"
  if [[ -f "$file" ]] && cmp -s "$tmp" "$file"; then rm -f "$tmp"; return 1; fi
  mv "$tmp" "$file"
}

network_up() {
  [[ $EUID -eq 0 ]] || die "the real node needs root (network namespaces, iptables, mounts); SHOPWATCH_REAL_NODE=0 skips it"
  command -v iptables >/dev/null || die "iptables is missing (scripts/setup.sh apt)"
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip addr replace "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Packets a pod sends to a Service IP are DNATed to another pod on the same bridge, which
  # needs forwarding; enabled on our bridge only (not net.ipv4.ip_forward: the machine does not
  # become a router). br_netfilter makes bridged pod-to-pod replies pass the iptables NAT
  # (without it, a reply from a Service's pod bypasses the un-DNAT and the client drops it).
  sysctl -qw "net.ipv4.conf.$BRIDGE.forwarding=1"
  [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || modprobe br_netfilter 2>/dev/null \
    || die "the br_netfilter kernel module is needed (modprobe br_netfilter)"
  [[ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables)" == 1 ]] || sysctl -qw net.bridge.bridge-nf-call-iptables=1

  # INPUT: the API server listens on every address (pods reach it on the node IP); only loopback
  # and the pod bridge may talk to it or to anything on the node IP (kubelet, infra forwarders).
  iptables -w -N "$CHAIN_INPUT" 2>/dev/null || iptables -w -F "$CHAIN_INPUT"
  iptables -w -A "$CHAIN_INPUT" -i lo -j RETURN
  iptables -w -A "$CHAIN_INPUT" -i "$BRIDGE" -j RETURN
  iptables -w -A "$CHAIN_INPUT" -p tcp --dport "$APISERVER_PORT" -j DROP
  iptables -w -A "$CHAIN_INPUT" -d "$POD_CIDR" -j DROP
  iptables -w -C INPUT -j "$CHAIN_INPUT" 2>/dev/null || iptables -w -I INPUT 1 -j "$CHAIN_INPUT"
  # Given 0.0.0.0, the API server listens on IPv6 too (dual-stack socket): loopback only there.
  if command -v ip6tables >/dev/null && [[ -e /proc/net/if_inet6 ]]; then
    ip6tables -w -N "$CHAIN_INPUT" 2>/dev/null || ip6tables -w -F "$CHAIN_INPUT"
    ip6tables -w -A "$CHAIN_INPUT" -i lo -j RETURN
    ip6tables -w -A "$CHAIN_INPUT" -p tcp --dport "$APISERVER_PORT" -j DROP
    ip6tables -w -C INPUT -j "$CHAIN_INPUT" 2>/dev/null || ip6tables -w -I INPUT 1 -j "$CHAIN_INPUT"
  fi
  # FORWARD: pods talk to pods (also through Service IPs); no packet of theirs leaves the
  # machine and nothing from elsewhere reaches them.
  iptables -w -N "$CHAIN_FORWARD" 2>/dev/null || iptables -w -F "$CHAIN_FORWARD"
  iptables -w -A "$CHAIN_FORWARD" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  iptables -w -A "$CHAIN_FORWARD" -i "$BRIDGE" -j DROP
  iptables -w -A "$CHAIN_FORWARD" -o "$BRIDGE" -j DROP
  iptables -w -C FORWARD -j "$CHAIN_FORWARD" 2>/dev/null || iptables -w -I FORWARD 1 -j "$CHAIN_FORWARD"
}

# The local infrastructure listens on loopback only; pods reach PostgreSQL and Redis on the node
# IP through one socat each (the connection then comes from 127.0.0.1, as the infra expects).
# Kafka is left out on purpose: its brokers advertise 127.0.0.1, which in a pod is the pod
# itself, so a forwarded bootstrap would only lead clients astray (see docs/testing.md).
infra_forwards_up() {
  command -v socat >/dev/null || die "socat is missing (scripts/setup.sh apt)"
  eval "$(grep -E '^(POSTGRES|REDIS)_PORT=' "$root/scripts/infra/lib.sh")"
  mkdir -p "$NODE_DIR/run"
  local spec name port pid
  for spec in "postgres:$POSTGRES_PORT" "redis:$REDIS_PORT"; do
    name="${spec%%:*}" port="${spec#*:}"
    pid="$(forward_pid "$name")"
    [[ -n "$pid" ]] && continue
    setsid socat "TCP-LISTEN:$port,bind=$NODE_IP,reuseaddr,fork" "TCP:127.0.0.1:$port" \
      >>"$LOG_DIR/node-forward-$name.log" 2>&1 </dev/null 9>&- &
    echo $! >"$NODE_DIR/run/forward-$name.pid"
  done
}

# Every registry (\`_default\`: any host without a directory of its own, docker.io included)
# resolves to a closed local port: an image missing from the node is an error at once
# (ErrImageNeverPull / ImagePullBackOff), never a download.
registry_blackhole() {
  mkdir -p "$NODE_DIR/certs.d/_default"
  # Only _default: a directory for one host would take precedence over it for that host.
  find "$NODE_DIR/certs.d" -mindepth 1 -maxdepth 1 ! -name _default -exec rm -rf {} +
  write_if_changed "$NODE_DIR/certs.d/_default/hosts.toml" <<TOML || true
# Generated by scripts/node/up.sh: nothing is ever pulled from a registry on the local node.
server = "https://127.0.0.1:9"
# containerd 1.6 rejects a hosts.toml without a [host] table ("invalid \`host\` tree").
[host."https://127.0.0.1:9"]
  capabilities = ["pull", "resolve"]
TOML
}

# Sets RESTART to the components whose configuration changed.
write_configs() {
  RESTART=()
  mkdir -p "$NODE_DIR/cni/net.d" "$NODE_DIR/cni/ipam" "$NODE_DIR/kubelet" "$NODE_DIR/pod-logs" "$NODE_RUN"
  registry_blackhole
  write_if_changed "$NODE_DIR/containerd.toml" <<TOML && RESTART+=(containerd)
# Generated by scripts/node/up.sh. The local node's containerd: its own root, state and socket
# (named after the checkout), the CRI plugin with runc on cgroupfs. Reasons: docs/testing.md.
version = 2
root = "$NODE_DIR/containerd"
state = "$NODE_RUN/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "$CONTAINERD_SOCK"

[ttrpc]
  address = "$NODE_RUN/containerd.sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE_DIR/containerd-opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # runc cannot lower a pod's oom_score_adj without CAP_SYS_RESOURCE, which this VM withholds.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc || echo /usr/sbin/runc)"
        Root = "$NODE_RUN/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE_DIR/cni/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$NODE_DIR/certs.d"
TOML
  # isGateway false: the bridge plugin would otherwise switch on net.ipv4.ip_forward for the
  # whole machine; we give the bridge its address ourselves and route pods through it.
  write_if_changed "$NODE_DIR/cni/net.d/10-shopwatch.conflist" <<JSON || true
{
  "cniVersion": "1.0.0",
  "name": "shopwatch",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$NODE_DIR/cni/ipam",
        "ranges": [[{ "subnet": "$POD_CIDR", "rangeStart": "${NODE_IP%.*}.10", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0", "gw": "$NODE_IP" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  write_if_changed "$NODE_DIR/crictl.yaml" <<YAML || true
runtime-endpoint: unix://$CONTAINERD_SOCK
image-endpoint: unix://$CONTAINERD_SOCK
timeout: 30
YAML
  write_if_changed "$NODE_DIR/kubelet.yaml" <<YAML && RESTART+=(kubelet)
# Generated by scripts/node/up.sh. Differences from a stock kubelet: docs/testing.md.
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
rotateCertificates: false
serverTLSBootstrap: false
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $PKI/ca.crt }
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
failCgroupV1: false
clusterDomain: cluster.local
clusterDNS: [$CLUSTER_DNS]
resolvConf: ""
podLogsDir: $NODE_DIR/pod-logs
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: "1%"
  nodefs.inodesFree: "1%"
  imagefs.available: "1%"
YAML
  write_if_changed "$NODE_DIR/kube-proxy.yaml" <<YAML && RESTART+=(kube-proxy)
# Generated by scripts/node/up.sh. Differences from a stock kube-proxy: docs/testing.md.
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection:
  kubeconfig: $CLUSTER_DIR/kube-proxy.kubeconfig
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$KUBE_PROXY_METRICS_PORT
nodePortAddresses: ["$NODE_IP/32"]
iptables:
  localhostNodePorts: false
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
YAML
  return 0
}

# kube-proxy and kubelet put their jumps at the top of INPUT and FORWARD (KUBE-FORWARD accepts
# masquerade-marked packets, KUBE-NODEPORTS node ports): ours go back in front of them, so what
# may reach pods and the node IP is decided by our chains first.
chains_first() {
  local hook chain
  for hook in INPUT:$CHAIN_INPUT FORWARD:$CHAIN_FORWARD; do
    chain="${hook#*:}" hook="${hook%%:*}"
    [[ "$(iptables -w -S "$hook" | sed -n 2p)" == "-A $hook -j $chain" ]] && continue
    while iptables -w -D "$hook" -j "$chain" 2>/dev/null; do :; done
    iptables -w -I "$hook" 1 -j "$chain"
  done
}

# A component whose configuration changed is restarted (pods keep running: containerd's shims
# hold the containers), otherwise started if it is not running.
start_node_component() {
  local name="$1"
  if [[ " ${RESTART[*]} " == *" $name "* && -n "$(pid_of "$name")" ]]; then
    log "$name: configuration changed, restarting it"
    stop_component "$name"
  fi
  start_component "$name" "${2:-60}"
}

# The pod sandbox and CoreDNS images, built once into podman storage, then into containerd.
node_images() {
  # shellcheck source=../containers/env.sh
  . "$root/scripts/containers/env.sh"
  if ! podman image exists "$PAUSE_IMAGE"; then
    local ctx; ctx="$(mktemp -d)"
    gcc -Os -static -Wall -Wextra -Werror -o "$ctx/pause" "$root/images/pause/pause.c"
    cp "$root/images/pause/Containerfile" "$ctx/"
    buildah bud --quiet --layers=false -t "$PAUSE_IMAGE" "$ctx" >/dev/null
    rm -rf "$ctx"
    log "built $PAUSE_IMAGE"
  fi
  if ! podman image exists "$COREDNS_IMAGE"; then
    local ctx; ctx="$(mktemp -d)"
    cp "$COREDNS_DIR/coredns" "$ctx/"
    printf '%s\n' "FROM scratch" "COPY coredns /coredns" "USER 65532:65532" 'ENTRYPOINT ["/coredns"]' >"$ctx/Containerfile"
    buildah bud --quiet --layers=false -t "$COREDNS_IMAGE" "$ctx" >/dev/null
    rm -rf "$ctx"
    log "built $COREDNS_IMAGE"
  fi
  "$node_here/load-images.sh" "$PAUSE_IMAGE" "$COREDNS_IMAGE"
}

coredns_up() {
  sed -e "s#@COREDNS_IMAGE@#$COREDNS_IMAGE#g" -e "s#@CLUSTER_DNS@#$CLUSTER_DNS#g" \
    -e "s#@REAL_NODE_LABEL@#$REAL_NODE_LABEL#g" "$node_here/coredns.yaml" \
    | kubectl_admin apply --server-side --force-conflicts --field-manager=shopwatch-node-up -f - >/dev/null
  kubectl_admin -n kube-system rollout status deployment/coredns --timeout=120s >/dev/null \
    || { kubectl_admin -n kube-system get pods -o wide >&2; die "CoreDNS is not Available (kubectl -n kube-system describe pods -l k8s-app=kube-dns)"; }
}

set -- "${1:-all}"
case "$1" in
  network) network_up ;;
  runtime | all)
    node_enabled || { log "real node disabled (SHOPWATCH_REAL_NODE=0)"; exit 0; }
    started=$SECONDS
    [[ -x "$COREDNS_DIR/coredns" && -x "$CRICTL_DIR/crictl" ]] || "$root/scripts/cluster/install.sh" node
    network_up
    infra_forwards_up
    write_configs
    start_node_component containerd 30
    node_images
    [[ "$1" == runtime ]] && { log "containerd ready in $((SECONDS - started)) s (socket $CONTAINERD_SOCK)"; exit 0; }
    start_node_component kubelet 60
    # `kubectl wait` fails at once with NotFound while the kubelet has not registered the Node yet
    # (seen on a loaded machine in a cold CI run): wait for the object first, then for Ready.
    registered=0
    for _ in $(seq 1 120); do
      kubectl_admin get "node/$NODE_NAME" >/dev/null 2>&1 && { registered=1; break; }
      sleep 1
    done
    ((registered)) || die "node $NODE_NAME not registered by the kubelet within 120 s (see .local/logs/kubelet.log)"
    kubectl_admin wait --for=condition=Ready --timeout=120s "node/$NODE_NAME" >/dev/null \
      || { kubectl_admin describe node "$NODE_NAME" | tail -n 30 >&2; die "node $NODE_NAME not Ready (see .local/logs/kubelet.log)"; }
    start_node_component kube-proxy 60
    chains_first
    coredns_up
    log "node $NODE_NAME ready in $((SECONDS - started)) s (pods on $POD_CIDR, DNS $CLUSTER_DNS; crictl: scripts/node/crictl.sh)"
    ;;
  *) die "usage: scripts/node/up.sh [network|runtime|all]" ;;
esac
