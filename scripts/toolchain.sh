#!/usr/bin/env bash
# Ensures the pinned toolchain (Node 24 LTS from the npm registry) is present under
# ~/.cache/shopwatch and prints the directory to put first on PATH.
# Why: the machine ships Node 20, while images and CI run Node 24; the npm registry
# carries Node itself as the `node` package, so no other download source is needed.
set -euo pipefail
NODE_VERSION="${SHOPWATCH_NODE_VERSION:-24.21.0}"
CACHE="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}"
dir="$CACHE/node-$NODE_VERSION"
if [[ ! -x "$dir/bin/node" ]]; then
  mkdir -p "$CACHE"
  tmp="$(mktemp -d "$CACHE/.node.XXXXXX")"
  npm install --silent --no-save --no-audit --no-fund --prefix "$tmp" "node@$NODE_VERSION" >&2
  real="$(readlink -f "$tmp/node_modules/node/bin/node")"
  mkdir -p "$dir/bin"
  cp "$real" "$dir/bin/node.tmp" && mv "$dir/bin/node.tmp" "$dir/bin/node"
  rm -rf "$tmp"
fi
"$dir/bin/node" -e 'if (!process.version.startsWith("v24.")) process.exit(1)' >&2
echo "$dir/bin"
