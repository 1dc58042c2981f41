#!/usr/bin/env bash
# Runs a command with the local infrastructure's and cluster's settings in the environment:
# .local/infra.env (DATABASE_URL, KAFKA_BROKERS, REDIS_URL, PROMETHEUS_URL) and .local/kubeconfig.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -f "$root/.local/infra.env" ]]; then set -a; . "$root/.local/infra.env"; set +a; fi
if [[ -f "$root/.local/kubeconfig" ]]; then export KUBECONFIG="$root/.local/kubeconfig"; fi
if [[ -f "$root/.local/tools.env" ]]; then set -a; . "$root/.local/tools.env"; set +a; fi
exec "$@"
