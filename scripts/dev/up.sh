#!/usr/bin/env bash
# Starts every service in services.tsv as a background Node process on its local port, with the
# local infrastructure's settings, waits until each answers /readyz, and registers it with the
# local Prometheus (file-based service discovery). Idempotent: running services are left alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[[ -f .local/infra.env ]] || { echo "dev-up: .local/infra.env missing; run make infra-up" >&2; exit 1; }
mkdir -p .local/logs .local/run/dev
set -a; . .local/infra.env; set +a

# A per-checkout development secret, generated once and kept, so tokens survive restarts.
if [[ ! -f .local/dev.env ]]; then
  umask 077
  echo "JWT_SECRET=$(openssl rand -hex 32)" > .local/dev.env
fi
set -a; . .local/dev.env; set +a
export LOG_LEVEL="${LOG_LEVEL:-info}"

running() { [[ -f ".local/run/dev/$1.pid" ]] && kill -0 "$(cat ".local/run/dev/$1.pid")" 2>/dev/null; }

started=()
while IFS=$'\t' read -r name port extra; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if running "$name"; then echo "dev-up: $name already running (pid $(cat ".local/run/dev/$name.pid"))"; continue; fi
  echo "dev-up: starting $name on :$port"
  # The optional third column is extra environment for that service (space-separated NAME=value).
  # shellcheck disable=SC2086
  env PORT="$port" HOST=127.0.0.1 ${extra:-} setsid nohup node "services/$name/src/server.ts" >> ".local/logs/$name.log" 2>&1 < /dev/null &
  echo $! > ".local/run/dev/$name.pid"
  started+=("$name:$port")
  # Prometheus picks the target up within its file_sd refresh interval.
  printf '[{"targets":["127.0.0.1:%s"],"labels":{"service":"%s","namespace":"local"}}]\n' "$port" "$name" \
    > "${PROMETHEUS_TARGETS_DIR}/$name.json"
done < scripts/dev/services.tsv

for entry in "${started[@]}"; do
  name="${entry%%:*}"; port="${entry##*:}"
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then echo "dev-up: $name ready"; continue 2; fi
    if ! running "$name"; then echo "dev-up: $name exited; last lines of .local/logs/$name.log:" >&2; tail -n 20 ".local/logs/$name.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "dev-up: $name not ready after 60 s; see .local/logs/$name.log" >&2
  exit 1
done

# The demo catalogue and its stock, so the shop has something to sell (both idempotent).
node services/catalog/src/seed.ts
if [[ -f services/inventory/src/seed.ts ]]; then node services/inventory/src/seed.ts; fi
echo "dev-up: all services ready. Shop API: http://127.0.0.1:8080/api/catalog/products  Prometheus: ${PROMETHEUS_URL}"
