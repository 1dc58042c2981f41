#!/usr/bin/env bash
# make infra-up: fetch the Kafka jars if needed, start PostgreSQL, Redis, Kafka, Prometheus and
# Jaeger (when scripts/setup.sh jaeger has built it) on loopback (programs already healthy are left
# alone), wait until each is healthy, and write .local/infra.env. See docs/local-infra.md.
set -euo pipefail
"$(dirname "$0")/install.sh"
exec "$(dirname "$0")/ctl.sh" up
