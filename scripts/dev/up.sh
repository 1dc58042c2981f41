#!/usr/bin/env bash
# Starts every service in services.tsv as a background Node process on its local port, with the
# local infrastructure's settings, waits until each answers /readyz, and registers it with the
# local Prometheus (file-based service discovery). Idempotent: running services are left alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[[ -f .local/infra.env ]] || { echo "dev-up: .local/infra.env missing; run make infra-up" >&2; exit 1; }
mkdir -p .local/logs .local/run/dev .local/faults
set -a; . .local/infra.env; set +a

# A per-checkout development secret, generated once and kept, so tokens survive restarts.
if [[ ! -f .local/dev.env ]]; then
  umask 077
  echo "JWT_SECRET=$(openssl rand -hex 32)" > .local/dev.env
fi
set -a; . .local/dev.env; set +a
export LOG_LEVEL="${LOG_LEVEL:-info}"
# Traces go to the local Jaeger when infra-up started it (JAEGER_OTLP_URL in infra.env), sampled
# at the services' default ratio (OTEL_TRACES_SAMPLER_ARG, 0.1); an endpoint already set wins.
if [[ -n "${JAEGER_OTLP_URL:-}" ]]; then export OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-$JAEGER_OTLP_URL}"; fi

running() { [[ -f ".local/run/dev/$1.pid" ]] && kill -0 "$(cat ".local/run/dev/$1.pid")" 2>/dev/null; }

. scripts/dev/databases.sh

# The storefront serves a Vite build of services/storefront/web: (re)built when missing or stale.
if [[ ! -f services/storefront/dist/index.html ]] || [[ -n "$(find services/storefront/web -newer services/storefront/dist/index.html -print -quit)" ]]; then
  echo "dev-up: building the storefront"
  node services/storefront/src/build.ts >> .local/logs/storefront-build.log 2>&1 \
    || { echo "dev-up: storefront build failed; see .local/logs/storefront-build.log" >&2; exit 1; }
fi

# The demo catalogue and its stock first (each seed migrates its database), so loadgen's first
# shoppers find something to buy.
scripts/dev/seed.sh

started=()
while IFS=$'\t' read -r name port extra; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if running "$name"; then echo "dev-up: $name already running (pid $(cat ".local/run/dev/$name.pid"))"; continue; fi
  echo "dev-up: starting $name on :$port"
  db=()
  if [[ -d "services/$name/migrations" ]]; then ensure_database "$name"; db=(DATABASE_URL="$(database_url "$name")"); fi
  # Each service follows its own faults file (absent = no faults), so a fault can be turned on and
  # off at run time without a restart (`scripts/dev/drill-service.sh faults`, the alert drills).
  # The optional third column is extra environment for that service (space-separated NAME=value).
  # shellcheck disable=SC2086
  env PORT="$port" HOST=127.0.0.1 FAULTS_FILE="$root/.local/faults/$name.json" "${db[@]}" ${extra:-} setsid nohup node "services/$name/src/server.ts" >> ".local/logs/$name.log" 2>&1 < /dev/null &
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

echo "dev-up: all services ready. Shop: http://127.0.0.1:8080/  API: http://127.0.0.1:8080/api/openapi.json  Prometheus: ${PROMETHEUS_URL}${JAEGER_QUERY_URL:+  Traces (Jaeger query API): $JAEGER_QUERY_URL/api/traces?service=gateway}"
