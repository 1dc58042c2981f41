#!/usr/bin/env bash
# Stops every component up.sh started (by the pids in .local/cluster/run), in reverse start
# order, and waits until each has exited. Data (etcd, certificates) stays in .local/cluster,
# so the next `make cluster-up` resumes the same cluster; `make clean` removes it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
lock_cluster
for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop_component "${COMPONENTS[i]}"; done
