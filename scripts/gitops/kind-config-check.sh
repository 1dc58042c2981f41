#!/usr/bin/env bash
# Checks kind cluster configurations with kind's own decoder and validation (no Docker needed):
#   scripts/gitops/kind-config-check.sh k8s/kind.yaml     prints what kind would create (JSON)
# Exit status 1 and kind's message when the file does not load or validate.
# The checker (kind-config-check/main.go) is built once against sigs.k8s.io/kind $KIND_VERSION from
# the Go module proxy, inside a copy of the kind module (kind's decoder is an internal package),
# and cached under ~/.cache/shopwatch; it is rebuilt when main.go or the version changes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
KIND_VERSION="${SHOPWATCH_KIND_VERSION:-v0.33.0}"
cache="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}"
die() { echo "kind-config-check: error: $*" >&2; exit 1; }
(($# == 1)) || die "usage: $0 FILE"

input="$( { echo "$KIND_VERSION"; cat "$here/kind-config-check/main.go"; } | sha256sum | cut -c1-16)"
dir="$cache/kind-config-check-$KIND_VERSION-$input"
bin="$dir/kind-config-check"
if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null || die "go is not installed (scripts/setup.sh installs it)"
  module="$(go mod download -json "sigs.k8s.io/kind@$KIND_VERSION" | sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')"
  [[ -d "$module" ]] || die "could not download sigs.k8s.io/kind@$KIND_VERSION"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -r "$module" "$dir/src"
  chmod -R u+w "$dir/src"
  mkdir -p "$dir/src/pkg/shopwatch-kind-config-check"
  cp "$here/kind-config-check/main.go" "$dir/src/pkg/shopwatch-kind-config-check/"
  echo "kind-config-check: building against sigs.k8s.io/kind $KIND_VERSION" >&2
  (cd "$dir/src" && GOFLAGS=-mod=mod go build -trimpath -o "$bin.tmp" ./pkg/shopwatch-kind-config-check)
  mv "$bin.tmp" "$bin"
fi
file="$1"
[[ "$file" == /* ]] || file="$PWD/$file"
exec "$bin" "$file"
