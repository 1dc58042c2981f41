#!/usr/bin/env bash
# Builds (once) Jaeger v2, the trace store `make infra-up` runs, from its Go module into
# ~/.cache/shopwatch/jaeger-<version>/jaeger, keyed by version: a repeat run returns at once.
#
# Why a wrapper module rather than `go install github.com/jaegertracing/jaeger/cmd/jaeger@v`:
# Jaeger's go.mod carries a `replace` directive (sarama), and `go install pkg@version` refuses
# modules with one. Built as a dependency of a small module of ours that repeats the replace,
# it builds straight from the module proxy with the exact dependency versions Jaeger pins.
#
# The module ships WITHOUT the web UI assets (cmd/query/app/ui/actual is empty in the published
# module; the release build fills it from a git submodule), so this binary serves a placeholder
# page at / and the full query API under /api. docs/local-infra.md says how to query it.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

[[ -x "$JAEGER_BIN" ]] && exit 0
# Two callers at once (setup and a `ctl.sh start jaeger`) build once: the second waits here.
mkdir -p "$SHOPWATCH_CACHE"
exec 8>"$SHOPWATCH_CACHE/.jaeger-$JAEGER_VERSION.lock"
flock 8
[[ -x "$JAEGER_BIN" ]] && exit 0
command -v go >/dev/null || die "jaeger: Go is required to build it (scripts/setup.sh cluster brings Go)"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
module=github.com/jaegertracing/jaeger
dir="$SHOPWATCH_CACHE/build/jaeger-$JAEGER_VERSION"
start=$SECONDS
log "building jaeger $JAEGER_VERSION from $module (first time only; 10-30 min on 2 cores)"
mkdir -p "$dir"
gomod="$(go mod download -json "$module@$JAEGER_VERSION" | sed -nE 's/^\s*"GoMod": "(.*)",?$/\1/p')"
[[ -f "$gomod" ]] || die "jaeger: could not download $module@$JAEGER_VERSION"
{
  echo "module shopwatch.local/build/jaeger"
  echo
  echo "go $(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1.0/')"
  echo
  echo "require $module $JAEGER_VERSION"
  echo
  # The replace lines of Jaeger's own go.mod (single-line form), which a dependency's go.mod
  # cannot apply by itself.
  grep -E '^replace [^(]' "$gomod" || true
} >"$dir/go.mod"
: >"$dir/go.sum"
rm -rf "$JAEGER_DIR.tmp" && mkdir -p "$JAEGER_DIR.tmp"
# A version stamp like the release build's, so `jaeger version` and the query API tell the truth.
ld="-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$JAEGER_VERSION"
(cd "$dir" && go build -trimpath -ldflags="$ld" -o "$JAEGER_DIR.tmp/jaeger" "$module/cmd/jaeger")
rm -rf "$JAEGER_DIR" && mv "$JAEGER_DIR.tmp" "$JAEGER_DIR"
log "built jaeger $JAEGER_VERSION in $((SECONDS - start)) s ($(du -h "$JAEGER_BIN" | cut -f1))"
