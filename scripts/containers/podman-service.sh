#!/usr/bin/env bash
# podman's Docker-compatible API on a socket of this checkout's own, for testcontainers.
#   scripts/containers/podman-service.sh start    start (idempotent), reap leftovers, wait until it answers
#   scripts/containers/podman-service.sh stop     reap this checkout's test containers, stop the service
#   scripts/containers/podman-service.sh env      print the variables a test run needs (eval-able)
#   scripts/containers/podman-service.sh reap     remove this checkout's test containers (any state)
#   scripts/containers/podman-service.sh status   say whether the service answers
#
# Why a socket of our own: the system-wide podman.socket needs systemd (absent here) and would
# read /etc's containers.conf; ours runs with the project's containers.conf (scripts/containers/
# env.sh: runc, cgroupfs, ulimits under the hard limit), and a second checkout gets its own.
#
# Why our own reaper instead of Ryuk: testcontainers' Ryuk is an image pulled from Docker Hub,
# which cannot be reached here, so TESTCONTAINERS_RYUK_DISABLED=true. Every container the testkit
# starts carries the label dev.shopwatch.checkout=<id of this checkout>; the testkit removes its
# containers when the run ends, and `start`/`stop`/`reap` remove whatever a crashed run left.
set -euo pipefail
SCRIPTS="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$SCRIPTS/../.." && pwd -P)"
# shellcheck source=env.sh
. "$SCRIPTS/env.sh"

# A short, stable id of this checkout: two checkouts on one machine never share a socket or
# reap each other's containers.
CHECKOUT_ID="$(printf '%s' "$ROOT" | sha256sum | cut -c1-10)"
RUN_DIR="/run/shopwatch-podman-$CHECKOUT_ID"
SOCKET="$RUN_DIR/podman.sock"
PID_FILE="$RUN_DIR/service.pid"
LOG="$ROOT/.local/logs/podman-service.log"
LABEL="dev.shopwatch.checkout=$CHECKOUT_ID"
START_TIMEOUT="${SHOPWATCH_PODMAN_START_TIMEOUT:-60}"

log() { echo "podman-service: $*"; }
die() { echo "podman-service: error: $*" >&2; exit 1; }

# The Docker API's ping; true when the service behind the socket answers.
answers() {
  [[ -S "$SOCKET" ]] && [[ "$(curl -fsS -m 5 --unix-socket "$SOCKET" http://d/_ping 2>/dev/null)" == OK ]]
}

service_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 0
  pid="$(<"$PID_FILE")"
  # The command line must name our socket: a stale pid reused by another process is left alone.
  if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$SOCKET"; then
    echo "$pid"
  fi
}

reap() {
  local ids
  ids="$(podman ps -aq --filter "label=$LABEL")"
  if [[ -n "$ids" ]]; then
    # shellcheck disable=SC2086 # one id per word
    podman rm -f -v -t 2 $ids >/dev/null
    log "removed $(wc -w <<<"$ids") leftover test container(s) of this checkout"
  fi
}

start() {
  command -v podman >/dev/null || die "podman is not installed (run scripts/setup.sh apt)"
  if answers; then
    log "already answering on $SOCKET"
    reap
    return 0
  fi
  mkdir -p "$RUN_DIR" "$(dirname "$LOG")"
  rm -f "$SOCKET"
  echo "---- $(date -u +%FT%TZ) starting podman system service on $SOCKET" >>"$LOG"
  # --time=0: never exit on idle (a long test file may not call the API for minutes).
  # setsid + nohup: the service outlives the make recipe that started it, until `stop`.
  setsid nohup podman system service --time=0 "unix://$SOCKET" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local deadline=$((SECONDS + START_TIMEOUT))
  until answers; do
    if ! kill -0 "$(<"$PID_FILE")" 2>/dev/null; then
      tail -n 15 "$LOG" >&2
      die "podman system service exited while starting (log: .local/logs/podman-service.log)"
    fi
    ((SECONDS < deadline)) || die "podman system service not answering after ${START_TIMEOUT}s (log: .local/logs/podman-service.log)"
    sleep 0.3
  done
  log "answering on $SOCKET (pid $(<"$PID_FILE"))"
  reap
}

stop() {
  reap
  local pid
  pid="$(service_pid)"
  if [[ -z "$pid" ]]; then
    log "not running"
  else
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then kill -KILL "$pid" 2>/dev/null || true; break; fi
      sleep 0.2
    done
    log "stopped (pid $pid)"
  fi
  rm -f "$PID_FILE" "$SOCKET"
  rmdir "$RUN_DIR" 2>/dev/null || true
}

env_lines() {
  # testcontainers reads DOCKER_HOST; the host override makes it reach mapped ports on IPv4
  # loopback (podman publishes on 0.0.0.0; "localhost" may resolve to ::1 first).
  cat <<EOF
export DOCKER_HOST=unix://$SOCKET
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
export SHOPWATCH_CONTAINERS_LABEL=$LABEL
EOF
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  reap) reap ;;
  env) env_lines ;;
  status) if answers; then log "answering on $SOCKET"; else log "not answering"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|env|reap|status" >&2; exit 2 ;;
esac
