#!/usr/bin/env bash
# Stops every service started by up.sh, and only those (their pid files live in .local/run/dev,
# apart from the infrastructure's): SIGTERM, so each drains and exits cleanly, up to 15 s each
# before SIGKILL; then removes its Prometheus target.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
shopt -s nullglob
for pidfile in .local/run/dev/*.pid; do
  name="$(basename "$pidfile" .pid)"
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "dev-down: $name did not stop in 15 s, killing" >&2; kill -KILL "$pid" || true; fi
    echo "dev-down: stopped $name"
  fi
  rm -f "$pidfile"
  if [[ -f .local/infra.env ]]; then
    targets="$(grep '^PROMETHEUS_TARGETS_DIR=' .local/infra.env | cut -d= -f2-)"
    rm -f "$targets/$name.json"
  fi
done
