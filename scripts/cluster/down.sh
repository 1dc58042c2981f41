#!/usr/bin/env bash
# Stops every component up.sh started (by the pids in .local/cluster/run), in reverse start
# order, and waits until each has exited; the real node's pods, mounts, bridge and iptables
# chains go too (scripts/node/down.sh). Data (etcd, certificates) stays in .local/cluster,
# so the next `make cluster-up` resumes the same cluster; `make clean` removes it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
lock_cluster
for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
  # Pods outlive kubelet (containerd's shims hold them); they go while containerd still runs.
  [[ "${COMPONENTS[i]}" == containerd ]] && "$root/scripts/node/down.sh" pods
  stop_component "${COMPONENTS[i]}"
done
# Mounts, network namespaces, the bridge and our iptables chains (also when the node is off now
# but ran before).
"$root/scripts/node/down.sh" network
