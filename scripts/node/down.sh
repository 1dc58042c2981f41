#!/usr/bin/env bash
# Tears the real node down (run by scripts/cluster/down.sh, which stops the programs):
#   pods      stops and removes every pod sandbox through containerd (while it still runs), so no
#             container, mount or network namespace of ours outlives cluster-down
#   network   unmounts what is left under .local/node and /run/shopwatch-<hash>, removes
#             kube-proxy's and kubelet's iptables rules, our chains and the bridge
# Safe to run when nothing is there.
set -euo pipefail
. "$(dirname "$0")/../cluster/lib.sh"
lock_cluster

pods_down() {
  [[ -S "$CONTAINERD_SOCK" && -x "$CRICTL_DIR/crictl" ]] || return 0
  healthy containerd || return 0
  local ids
  ids="$(node_crictl pods -q 2>/dev/null || true)"
  [[ -n "$ids" ]] || return 0
  # shellcheck disable=SC2086  # one argument per pod id
  node_crictl stopp $ids >/dev/null 2>&1 || true
  # shellcheck disable=SC2086
  node_crictl rmp -f $ids >/dev/null 2>&1 || log "some pods could not be removed (see scripts/node/crictl.sh pods)"
  log "removed $(wc -w <<<"$ids") pod sandbox(es)"
}

# Every mount point below our directories, deepest first.
our_mounts() {
  awk '{ print $2 }' /proc/self/mounts | sed 's/\\040/ /g' \
    | grep -E "^($NODE_DIR|$NODE_RUN)(/|$)" | sort -r || true
}

network_down() {
  local m n=0 name pid
  for name in postgres redis; do
    pid="$(forward_pid "$name")"
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null
    rm -f "$NODE_DIR/run/forward-$name.pid"
  done
  while IFS= read -r m; do
    [[ -n "$m" ]] || continue
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
    n=$((n + 1))
  done < <(our_mounts)
  ((n == 0)) || log "unmounted $n leftover mount(s)"
  command -v iptables >/dev/null || return 0
  # kube-proxy removes its own chains (KUBE-SERVICES, KUBE-NODEPORTS, ...).
  if [[ -x "$KUBE_DIR/kube-proxy" ]] && iptables -w -t nat -S KUBE-SERVICES >/dev/null 2>&1; then
    "$KUBE_DIR/kube-proxy" --cleanup >>"$LOG_DIR/kube-proxy.log" 2>&1 || log "kube-proxy --cleanup failed (see .local/logs/kube-proxy.log)"
  fi
  # kubelet's canary chains, by which it notices a flushed iptables.
  # kubelet's chains (KUBE-FIREWALL drops martian packets to 127/8; the others are canaries by
  # which it notices a flushed iptables): the jumps into them first, then the chains.
  local table chain rule
  for table in mangle nat filter; do
    for chain in KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT; do
      iptables -w -t "$table" -S "$chain" >/dev/null 2>&1 || continue
      while IFS= read -r rule; do
        # shellcheck disable=SC2086  # a rule as iptables -S prints it, split into its words
        iptables -w -t "$table" ${rule/#-A/-D} 2>/dev/null || true
      done < <(iptables -w -t "$table" -S | grep -E -- "-j $chain\$" || true)
      iptables -w -t "$table" -F "$chain" 2>/dev/null && iptables -w -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
  local hook
  for hook in INPUT:$CHAIN_INPUT FORWARD:$CHAIN_FORWARD; do
    chain="${hook#*:}"
    while iptables -w -D "${hook%%:*}" -j "$chain" 2>/dev/null; do :; done
    iptables -w -F "$chain" 2>/dev/null && iptables -w -X "$chain" 2>/dev/null || true
  done
  if command -v ip6tables >/dev/null; then
    while ip6tables -w -D INPUT -j "$CHAIN_INPUT" 2>/dev/null; do :; done
    ip6tables -w -F "$CHAIN_INPUT" 2>/dev/null && ip6tables -w -X "$CHAIN_INPUT" 2>/dev/null || true
  fi
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link del "$BRIDGE"
    log "removed bridge $BRIDGE and our iptables chains"
  fi
  # Empty pod cgroups kubelet left behind (a directory per pod and QoS class).
  local d
  for d in /sys/fs/cgroup/*/kubepods; do
    [[ -d "$d" ]] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

case "${1:-}" in
  pods) pods_down ;;
  network) network_down ;;
  *) die "usage: scripts/node/down.sh pods|network" ;;
esac
