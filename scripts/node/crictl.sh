#!/usr/bin/env bash
# crictl against the local node's containerd, e.g. scripts/node/crictl.sh ps -a
set -euo pipefail
. "$(dirname "$0")/../cluster/lib.sh"
[[ -x "$CRICTL_DIR/crictl" ]] || "$root/scripts/cluster/install.sh" node
node_crictl "$@"
