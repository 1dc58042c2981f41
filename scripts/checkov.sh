#!/usr/bin/env bash
# The pinned checkov (Kubernetes manifest checks) from PyPI, in a virtualenv of its own under
# ~/.cache/shopwatch, installed on first use:
#   scripts/checkov.sh install      ensure it is installed
#   scripts/checkov.sh ARGS...      run it (e.g. -f manifests.yaml --framework kubernetes -o json)
set -euo pipefail
CHECKOV_VERSION="${SHOPWATCH_CHECKOV_VERSION:-3.3.30}"
CACHE="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}"
dir="$CACHE/checkov-$CHECKOV_VERSION"
log() { echo "checkov: $*" >&2; }

if [[ ! -f "$dir/.installed" ]]; then
  command -v python3 >/dev/null || { log "python3 is missing (apt-get install python3 python3-venv)"; exit 1; }
  log "installing checkov $CHECKOV_VERSION into $dir (once)"
  # A virtualenv records its own path, so it is built in place; the stamp marks it complete.
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.checkov.lock"
  flock 9
  if [[ ! -f "$dir/.installed" ]]; then
    rm -rf "$dir"
    python3 -m venv "$dir" || { log "python3 -m venv failed (apt-get install python3-venv)"; exit 1; }
    "$dir/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" || { rm -rf "$dir"; exit 1; }
    touch "$dir/.installed"
  fi
fi
[[ "${1:-}" == install ]] && exit 0
exec "$dir/bin/checkov" "$@"
