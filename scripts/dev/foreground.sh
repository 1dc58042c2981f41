#!/usr/bin/env bash
# `make dev`: after dev-up, follow every service's log in the foreground; Ctrl-C (or SIGTERM) stops
# the services and the local infrastructure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
stop() {
  trap - INT TERM
  echo; echo "dev: stopping"
  scripts/dev/down.sh
  scripts/infra/down.sh
  exit 0
}
trap stop INT TERM
echo "dev: shop running; Ctrl-C stops everything. The services' logs follow."
mapfile -t logs < <(awk -F'\t' '!/^#/ && NF { print ".local/logs/" $1 ".log" }' scripts/dev/services.tsv)
tail -n 0 -F "${logs[@]}" &
wait $!
