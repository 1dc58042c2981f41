#!/usr/bin/env bash
# Makes the dev shop's loadgen drive traffic: unpaused, at RATE journeys per second (default 2)
# with every journey in the mix (browse, search, cart, checkout, signup, support), so every panel
# has something to show. `make test-observability` calls it after dev-up; loadgen applies it at
# once through its PUT /control (no restart).
#   scripts/dev/loadgen.sh [RATE]
set -euo pipefail
rate="${1:-2}"
port="$(awk -F'\t' '$1 == "loadgen" { print $2 }' "$(dirname "$0")/services.tsv")"
curl -fsS -m 10 -X PUT "http://127.0.0.1:$port/control" -H 'content-type: application/json' \
  -d "{\"paused\": false, \"rate\": $rate, \"mix\": {\"browse\": 40, \"search\": 20, \"cart\": 10, \"checkout\": 20, \"signup\": 5, \"support\": 5}}" >/dev/null
echo "dev-loadgen: $rate journeys/s, every journey in the mix"
