#!/usr/bin/env bash
# Installs everything a fresh machine lacks, idempotently; each part is quick when already done.
#   scripts/setup.sh            all parts (what CI runs before `make test`)
#   scripts/setup.sh apt        only the Debian packages (the Makefile runs this before infra-up)
# Parts: apt (PostgreSQL, Redis, Prometheus, OpenSSL, Chromium for the storefront browser test, ...), node (Node 24 + npm workspaces),
# infra (Kafka broker jars), cluster (Kubernetes control plane, etcd, kwok, helm, kubectl),
# jaeger (Jaeger v2, the local trace store, built from its Go module),
# stack (the Prometheus Operator, its config reloader and Prometheus at kube-prometheus-stack's
# versions, built from their Go modules, and their images), checkov (the chart's manifest
# checks, from PyPI into a virtualenv).
# Downloads and builds are cached under ~/.cache/shopwatch.
set -euo pipefail
cd "$(dirname "$0")/.."

setup_apt() {
  local packages=(postgresql redis-server prometheus openssl curl ca-certificates unzip procps psmisc default-jre-headless maven chromium
    podman buildah mmdebstrap containerd runc containernetworking-plugins iptables conntrack socat uidmap python3-venv gcc libc6-dev)
  local missing=() p
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  if ((EUID != 0)); then
    echo "setup: missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # policy-rc.d keeps the packages' own services from starting: we run private instances.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
}

setup_node() {
  local node_bin
  node_bin="$(scripts/toolchain.sh)"
  export PATH="$node_bin:$PATH"
  echo "setup: node $(node -v)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.installed
}

parts=("$@")
((${#parts[@]})) || parts=(apt node infra cluster jaeger stack checkov)
for part in "${parts[@]}"; do
  case "$part" in
    apt) setup_apt ;;
    node) setup_node ;;
    infra) scripts/infra/install.sh ;;
    cluster) scripts/cluster/install.sh ;;
    jaeger) scripts/infra/jaeger/install.sh ;;
    stack) scripts/stack/install.sh ;;
    checkov) scripts/checkov.sh install ;;
    *) echo "setup: unknown part '$part' (apt, node, infra, cluster, jaeger, stack, checkov)" >&2; exit 2 ;;
  esac
done
echo "setup: done (${parts[*]})"
