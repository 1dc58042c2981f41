# Shared by up.sh, down.sh and ctl.sh (sourced): where things live, how each control-plane
# component is started, how we know it is healthy, and how it is stopped.
# shellcheck shell=bash
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/versions.sh"
. "$here/../node/lib.sh"

# Loopback ports, chosen away from the other local infrastructure (see docs/local-infra.md).
ETCD_PORT=52379
ETCD_PEER_PORT=52380
APISERVER_PORT=56443
KCM_PORT=50257
SCHEDULER_PORT=50259
KWOK_PORT=50263
KWOK_NODES="${SHOPWATCH_KWOK_NODES:-2}"
SERVICE_CIDR=10.96.0.0/16

CLUSTER_DIR="$root/.local/cluster"
PKI="$CLUSTER_DIR/pki"
RUN_DIR="$CLUSTER_DIR/run"
LOG_DIR="$root/.local/logs"
KUBECONFIG_FILE="$root/.local/kubeconfig"
# In start order; down.sh stops them in reverse. The real node's (containerd, kubelet, kube-proxy)
# are defined in scripts/node/lib.sh.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok "${NODE_COMPONENTS[@]}")

log() { echo "cluster: $*" >&2; }
die() { echo "cluster: error: $*" >&2; exit 1; }

bin_of() {
  case "$1" in
    etcd) echo "$ETCD_DIR/etcd" ;;
    kwok) echo "$KWOK_DIR/kwok" ;;
    containerd | kubelet | kube-proxy) node_bin_of "$1" ;;
    kube-*) echo "$KUBE_DIR/$1" ;;
    *) die "unknown component '$1' (one of: ${COMPONENTS[*]})" ;;
  esac
}

port_of() {
  case "$1" in
    etcd) echo "$ETCD_PORT" ;;
    kube-apiserver) echo "$APISERVER_PORT" ;;
    kube-controller-manager) echo "$KCM_PORT" ;;
    kube-scheduler) echo "$SCHEDULER_PORT" ;;
    kwok) echo "$KWOK_PORT" ;;
    containerd | kubelet | kube-proxy) node_port_of "$1" ;;
  esac
}

# Sets ARGS to the arguments of one component. Everything listens on 127.0.0.1 only, except the
# API server while the real node runs: its pods reach it on the node IP (iptables chains of
# scripts/node/up.sh admit only loopback and the pod bridge).
args_of() {
  case "$1" in
    etcd)
      # No fsync: this is throwaway test state, and fsync dominates API latency on slow disks.
      ARGS=(--name=shopwatch --data-dir="$CLUSTER_DIR/etcd" \
        --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster="shopwatch=http://127.0.0.1:$ETCD_PEER_PORT" \
        --unsafe-no-fsync --quota-backend-bytes=2147483648 --auto-compaction-retention=10m \
        --log-level=warn)
      ;;
    kube-apiserver)
      # allow-privileged so that Pod Security admission, not this flag, is what stops privileged pods.
      # shutdown-send-retry-after: on SIGTERM, drain requests then close within ~2 s; by default
      # the server waits 60 s for open watch connections, which makes ctl.sh restart slow.
      # kubelet-*: logs, exec and port-forward reach the real node's kubelet by its InternalIP
      # (its name is in no DNS), with a client certificate, verifying kubelet's serving cert.
      local bind=127.0.0.1
      node_enabled && bind=0.0.0.0
      ARGS=(--etcd-servers="http://127.0.0.1:$ETCD_PORT" \
        --bind-address="$bind" --advertise-address="$(node_enabled && echo "$NODE_IP" || echo 127.0.0.1)" \
        --secure-port="$APISERVER_PORT" \
        --kubelet-preferred-address-types=InternalIP --kubelet-certificate-authority="$PKI/ca.crt" \
        --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
        --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
        --client-ca-file="$PKI/ca.crt" \
        --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
        --service-cluster-ip-range="$SERVICE_CIDR" --allow-privileged=true \
        --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
        --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
        --requestheader-extra-headers-prefix=X-Remote-Extra- \
        --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
        --profiling=false --event-ttl=30m --shutdown-send-retry-after=true)
      ;;
    kube-controller-manager)
      ARGS=(--kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
        --authentication-kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
        --authorization-kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
        --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$CLUSTER_DIR/kube-controller-manager" \
        --controllers='*' --use-service-account-credentials=true \
        --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
        --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
        --service-cluster-ip-range="$SERVICE_CIDR" --leader-elect=false --profiling=false)
      ;;
    kube-scheduler)
      # A pod that raced its PersistentVolumeClaim (created a moment before the claim reached the
      # scheduler's cache) can wait in the unschedulable queue for 5 min by default; 10 s keeps
      # StatefulSets in tests from stalling. The flag is deprecated but still honoured.
      ARGS=(--kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
        --authentication-kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
        --authorization-kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
        --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --cert-dir="$CLUSTER_DIR/kube-scheduler" \
        --leader-elect=false --profiling=false --pod-max-in-unschedulable-pods-duration=10s)
      ;;
    containerd | kubelet | kube-proxy) node_args_of "$1" ;;
    kwok)
      ARGS=(--kubeconfig="$CLUSTER_DIR/kwok.kubeconfig" --config="$CLUSTER_DIR/kwok.yaml" \
        --server-address="127.0.0.1:$KWOK_PORT" --manage-all-nodes=false \
        --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
        --cidr=10.244.0.0/16 --node-ip=10.240.0.1 --node-lease-duration-seconds=40)
      ;;
  esac
}

# Health: etcd over plain HTTP, the API server as admin, the rest on their always-allowed /healthz.
healthy() {
  local port; port="$(port_of "$1")"
  case "$1" in
    etcd) curl -sf --max-time 2 "http://127.0.0.1:$port/health" | grep -q '"health":"true"' ;;
    kube-apiserver)
      curl -sf --max-time 3 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
        "https://127.0.0.1:$port/readyz" >/dev/null ;;
    kube-controller-manager | kube-scheduler) curl -skf --max-time 2 "https://127.0.0.1:$port/healthz" >/dev/null ;;
    containerd | kubelet | kube-proxy) node_healthy "$1" ;;
    kwok) curl -sf --max-time 2 "http://127.0.0.1:$port/healthz" >/dev/null ;;
  esac
}

# One cluster operation at a time: two `make test-integration` runs (or a test restarting the
# API server while another starts the cluster) would otherwise race to start the same program.
# The lock is released when the calling script exits; started components never inherit it.
# (fd 9; a first-time build inside up.sh can hold it for minutes, hence the long wait.)
# A script run by one that holds the lock (scripts/node/up.sh from up.sh) inherits it.
lock_cluster() {
  [[ "${SHOPWATCH_CLUSTER_LOCKED:-}" == "$$:$CLUSTER_DIR" || "${SHOPWATCH_CLUSTER_LOCKED:-}" == "$PPID:$CLUSTER_DIR" ]] && return 0
  mkdir -p "$CLUSTER_DIR"
  exec 9>"$CLUSTER_DIR/.lock"
  if ! flock -n 9; then
    log "waiting for another cluster operation (up/down/ctl) to finish"
    flock -w 1800 9 || die "gave up after 30 min waiting for .local/cluster/.lock"
  fi
  export SHOPWATCH_CLUSTER_LOCKED="$$:$CLUSTER_DIR"
}

pid_file() { echo "$RUN_DIR/$1.pid"; }

# The pid of a running component, or nothing. Checks that the pid still runs a program of that
# name, so a stale pid file (after a reboot or a crash) never makes us signal an unrelated process.
pid_of() {
  local f pid; f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if [[ -n "$pid" ]] && alive "$pid" && [[ "$(basename "$(exe_of "$pid")")" == "$1" ]]; then
    echo "$pid"
  fi
}

# The program a process runs (also after its file was replaced by a rebuild).
exe_of() { readlink "/proc/$1/exe" 2>/dev/null | sed 's/ (deleted)$//'; }

# A process that has exited may linger as a zombie until PID 1 reaps it; that counts as gone.
alive() { [[ -d "/proc/$1" ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Who listens on a port, and if it is a cluster of another checkout, how to stop it.
port_owner() {
  local pid tree
  pid="$(ss -ltnpH "sport = :$1" 2>/dev/null | sed -nE 's/.*pid=([0-9]+).*/\1/p' | head -n1)"
  [[ -n "$pid" ]] || { echo "by a process we cannot see"; return; }
  tree="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | sed -nE 's#.*=(.*)/\.local/cluster/.*#\1#p' | head -n1)"
  if [[ -n "$tree" && "$tree" != "$root" ]]; then
    echo "by $(basename "$(readlink -f "/proc/$pid/exe")") (pid $pid) of the cluster in $tree; stop it there with \`make cluster-down\`"
  elif [[ -n "$tree" ]]; then
    echo "by $(basename "$(readlink -f "/proc/$pid/exe")") (pid $pid) of this checkout, whose pid file is gone; stop it with \`kill $pid\`"
  else
    echo "by $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120) (pid $pid)"
  fi
}

# kwok only plays the nodes whose Lease it holds, under a holder id that is new in every
# process. A restarted kwok would wait for its predecessor's leases to expire (~60 s, pods
# meanwhile stuck in Pending); deleting them first lets it take the nodes over at once.
release_node_leases() {
  healthy kube-apiserver || return 0
  local nodes
  nodes="$(kubectl_admin get nodes -l type=kwok -o name 2>/dev/null | sed 's#^node/##')"
  [[ -n "$nodes" ]] || return 0
  # shellcheck disable=SC2086  # one lease per node name
  kubectl_admin delete lease -n kube-node-lease --ignore-not-found --wait=false $nodes >/dev/null
}

start_component() {
  local name="$1" timeout="${2:-60}" bin pid port
  bin="$(bin_of "$name")"
  [[ -x "$bin" ]] || die "$bin is missing; run scripts/cluster/install.sh"
  pid="$(pid_of "$name")"
  args_of "$name"
  # After a version bump the old binary may still be running: replace it. The same when its
  # arguments changed (e.g. the API server once the real node is switched on or off).
  if [[ -n "$pid" && "$(exe_of "$pid")" != "$(readlink -f "$bin")" ]]; then
    log "$name (pid $pid) runs $(exe_of "$pid"), not $bin: restarting it"
    stop_component "$name"
    pid=""
  elif [[ -n "$pid" && "$(tr '\0' '\n' <"/proc/$pid/cmdline" | tail -n +2)" != "$(printf '%s\n' "${ARGS[@]}")" ]]; then
    log "$name (pid $pid) runs with other arguments: restarting it"
    stop_component "$name"
    pid=""
  fi
  if [[ -n "$pid" ]]; then
    log "$name already running (pid $pid)"
  else
    port="$(port_of "$name")"
    [[ -n "$port" ]] && port_in_use "$port" && die "port $port (for $name) is taken: $(port_owner "$port")"
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    [[ "$name" == kwok ]] && release_node_leases
    # setsid: the component outlives the shell (and a Ctrl-C in it) that ran `make cluster-up`.
    setsid "$bin" "${ARGS[@]}" >>"$LOG_DIR/$name.log" 2>&1 </dev/null 9>&- &
    pid=$!
    echo "$pid" >"$(pid_file "$name")"
    log "started $name (pid $pid, log .local/logs/$name.log)"
  fi
  wait_healthy "$name" "$timeout"
}

wait_healthy() {
  local name="$1" timeout="$2" deadline=$((SECONDS + $2))
  until healthy "$name"; do
    if [[ -z "$(pid_of "$name")" ]]; then
      log "$name exited; last lines of .local/logs/$name.log:"
      tail -n 25 "$LOG_DIR/$name.log" >&2 || true
      die "$name failed to start"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 25 "$LOG_DIR/$name.log" >&2 || true
      die "$name not healthy after ${timeout}s (see .local/logs/$name.log)"
    fi
    sleep 0.2
  done
}

stop_component() {
  local name="$1" pid i
  pid="$(pid_of "$name")"
  if [[ -z "$pid" ]]; then rm -f "$(pid_file "$name")"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "$name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$(pid_file "$name")"
  log "stopped $name"
}

kubectl_admin() { KUBECONFIG="$KUBECONFIG_FILE" "$root/.local/bin/kubectl" "$@"; }
