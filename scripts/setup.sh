#!/usr/bin/env bash
# Installs everything a fresh machine lacks, idempotently: Debian packages, Node 24 and the npm
# workspaces, the Kafka broker jars, Helm/kubectl and the Kubernetes control-plane binaries.
# Downloads are cached under ~/.cache/shopwatch so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(postgresql redis-server prometheus openssl curl ca-certificates unzip procps psmisc)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

NODE_BIN="$(scripts/toolchain.sh)"
export PATH="$NODE_BIN:$PATH"
echo "setup: node $(node -v)"
npm ci --no-audit --no-fund --loglevel=error
touch node_modules/.installed

scripts/infra/install.sh
scripts/cluster/install.sh
echo "setup: done"
