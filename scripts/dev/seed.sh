#!/usr/bin/env bash
# The demo catalogue and its stock in the dev databases, so the local shop has something to sell.
# Both seeds are idempotent and never clobber: run it any time (`make seed`, and `make dev-up` does).
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ -f .local/infra.env ]] || { echo "seed: .local/infra.env missing; run make infra-up" >&2; exit 1; }
set -a; . .local/infra.env; set +a
. scripts/dev/databases.sh
ensure_database catalog
ensure_database inventory
DATABASE_URL="$(database_url catalog)" node services/catalog/src/seed.ts
DATABASE_URL="$(database_url inventory)" node services/inventory/src/seed.ts
