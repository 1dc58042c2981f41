#!/usr/bin/env bash
# Controls single components of the local control plane (started by up.sh), e.g. for tests
# that need the API server to go away and come back while a client keeps running.
#
#   ctl.sh status                      every component: pid, port, healthy or not
#   ctl.sh stop|start|restart NAME     NAME: etcd kube-apiserver kube-controller-manager kube-scheduler kwok,
#                                      or the real node's containerd kubelet kube-proxy (pods keep running)
#                                      (start and restart return once NAME is healthy again)
#   ctl.sh logs NAME [N]               the last N (default 50) lines of NAME's log
#   ctl.sh pids                        NAME=PID for every running component
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
known() { [[ " ${COMPONENTS[*]} " == *" $1 "* ]] || { log "unknown component '$1' (one of: ${COMPONENTS[*]})"; exit 2; }; }

cmd="${1:-}"; name="${2:-}"
case "$cmd" in
  status)
    for c in "${COMPONENTS[@]}"; do
      pid="$(pid_of "$c")"
      if [[ -z "$pid" ]]; then state="stopped"; elif healthy "$c"; then state="healthy"; else state="unhealthy"; fi
      port="$(port_of "$c")"
      printf '%-24s pid=%-8s port=%-6s %s\n' "$c" "${pid:--}" "${port:--}" "$state"
    done ;;
  pids) for c in "${COMPONENTS[@]}"; do pid="$(pid_of "$c")"; [[ -n "$pid" ]] && echo "$c=$pid"; done; true ;;
  stop) known "$name"; lock_cluster; stop_component "$name" ;;
  start) known "$name"; lock_cluster; start_component "$name" 90 ;;
  restart) known "$name"; lock_cluster; stop_component "$name"; start_component "$name" 90 ;;
  logs) known "$name"; tail -n "${3:-50}" "$LOG_DIR/$name.log" ;;
  *) usage ;;
esac
