#!/usr/bin/env bash
# The alert drills' hook into `make dev` (test/observability/drills.observability.test.ts): stops
# or restarts ONE service that scripts/dev/up.sh started, with the environment it was started with
# (read from /proc, so whatever up.sh passes — database, OTLP, extra columns — is kept).
#
#   drill-service.sh stop <name>    SIGTERM (KILL after 15 s). Its Prometheus target file stays, so
#                                   `up` reads 0 and ServiceDown can fire.
#   drill-service.sh start <name>   starts it again with the saved environment; waits for /readyz.
#   drill-service.sh faults <name>  prints the service's faults file; a service started without
#                                   FAULTS_FILE is restarted once with .local/faults/<name>.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
verb="${1:-}"; name="${2:-}"
[[ -n "$verb" && -n "$name" ]] || { echo "usage: $0 stop|start|faults <service>" >&2; exit 2; }
grep -q "^$name"$'\t' scripts/dev/services.tsv || { echo "drill-service: $name is not in scripts/dev/services.tsv" >&2; exit 2; }
pidfile=".local/run/dev/$name.pid"
envfile=".local/run/dev/$name.environ"
port="$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' scripts/dev/services.tsv)"

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

save_environment() {
  running || { echo "drill-service: $name is not running (make dev-up starts it)" >&2; exit 1; }
  cat "/proc/$(cat "$pidfile")/environ" > "$envfile"
}

stop_service() {
  local pid; pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then echo "drill-service: $name did not stop in 15 s, killing" >&2; kill -KILL "$pid" || true; fi
  rm -f "$pidfile"
  echo "drill-service: stopped $name"
}

start_service() {
  [[ -f "$envfile" ]] || { echo "drill-service: no saved environment for $name (stop it through this script first)" >&2; exit 1; }
  running && { echo "drill-service: $name already running"; return; }
  local vars=()
  mapfile -d '' vars < "$envfile"
  env -i "${vars[@]}" "$@" setsid nohup node "services/$name/src/server.ts" >> ".local/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  for _ in $(seq 1 120); do
    if curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/readyz"; then echo "drill-service: $name ready"; return; fi
    running || { echo "drill-service: $name exited; see .local/logs/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "drill-service: $name not ready after 60 s; see .local/logs/$name.log" >&2
  exit 1
}

case "$verb" in
  stop) save_environment; stop_service ;;
  start) start_service ;;
  faults)
    save_environment
    current="$(tr '\0' '\n' < "$envfile" | sed -n 's/^FAULTS_FILE=//p')"
    if [[ -n "$current" ]]; then echo "$current"; exit 0; fi
    mkdir -p .local/faults
    file="$root/.local/faults/$name.json"
    [[ -f "$file" ]] || echo '{}' > "$file"
    stop_service >&2
    start_service FAULTS_FILE="$file" >&2
    echo "$file"
    ;;
  *) echo "usage: $0 stop|start|faults <service>" >&2; exit 2 ;;
esac
