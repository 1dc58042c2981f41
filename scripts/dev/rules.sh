#!/usr/bin/env bash
# Loads the rendered SLO, golden-signal and custom alert rules (`make dashboards`) into the local
# Prometheus: renders them for the `local` namespace label that dev-up puts on every target,
# copies them to .local/prometheus/rules/ (the template's `rule_files`), reloads Prometheus and
# waits until it reports every group. OBS_PROFILE=test loads the test profile (every rule
# duration ÷20, so a drill sees an alert in seconds); anything else the real windows.
# Idempotent; called by `make dev-up` and `make test-observability`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[[ -f .local/infra.env ]] || { echo "dev-rules: .local/infra.env missing; run make infra-up" >&2; exit 1; }
set -a; . .local/infra.env; set +a

profile=()
[[ "${OBS_PROFILE:-}" == test ]] && profile=(--test-profile)
node operator/src/render/main.ts --namespace local "${profile[@]}"

rules_dir=.local/prometheus/rules
mkdir -p "$rules_dir"
rm -f "$rules_dir"/*.yml
cp .local/rendered/rules/*.yml "$rules_dir"/

# A Prometheus started before the template named rule_files has a generated config without it;
# the next infra start regenerates the config, until then the stanza is added here (same path).
conf=.local/prometheus/prometheus.yml
if [[ -f "$conf" ]] && ! grep -q '^rule_files:' "$conf"; then
  printf 'rule_files:\n  - rules/*.yml\n' >> "$conf"
fi
if command -v promtool >/dev/null; then promtool check rules "$rules_dir"/*.yml >/dev/null; fi

curl -fsS -m 10 -X POST "$PROMETHEUS_URL/-/reload" >/dev/null
want="$(grep -h -c '^  - name:' "$rules_dir"/*.yml | awk '{ s += $1 } END { print s }')"
for _ in $(seq 1 60); do
  have="$(curl -fsS -m 5 "$PROMETHEUS_URL/api/v1/rules" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).data.groups.length))')"
  if [[ "$have" -ge "$want" ]]; then
    echo "dev-rules: Prometheus loaded $have rule groups (profile ${OBS_PROFILE:-default})"
    exit 0
  fi
  sleep 1
done
echo "dev-rules: Prometheus has $have of $want rule groups after 60 s; see .local/logs/prometheus.log" >&2
exit 1
