#!/usr/bin/env bash
# Builds (once) the Prometheus side of kube-prometheus-stack from the Go modules of the versions
# it pins (scripts/stack/versions.sh), and makes images of them with buildah:
#   stack/prometheus-operator-<v>/  operator, prometheus-config-reloader
#                                   (github.com/prometheus-operator/prometheus-operator)
#   stack/prometheus-<v>/           prometheus (github.com/prometheus/prometheus/cmd/prometheus)
#   stack/crds-<v>/                 every monitoring.coreos.com CRD of that operator version
#   localhost/shopwatch/prometheus-operator:<v>, .../prometheus-config-reloader:<v>,
#   localhost/shopwatch/prometheus:<v>       FROM scratch: one static binary each, no shell
# No registry is reachable here, so upstream's images cannot be pulled; these run the same
# binaries with the same entrypoints (the operator only passes arguments).
#   scripts/stack/install.sh [all|binaries|images|crds]
# A second run builds nothing: binaries are cached by version, an image is skipped when the
# hash of its binary and of this script matches the label on the existing image.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/versions.sh"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
log() { echo "stack/install: $*" >&2; }

need_go() {
  command -v go >/dev/null || { log "Go is required (go.dev/dl); none found on PATH"; exit 1; }
}

# -X flags that fill github.com/prometheus/common/version (what `--version` and the
# *_build_info metrics report); upstream's release builds set the same ones.
version_ldflags() {
  local pkg=github.com/prometheus/common/version
  echo "-s -w -X $pkg.Version=${1#v} -X $pkg.Revision=$2 -X $pkg.Branch=HEAD -X $pkg.BuildUser=shopwatch -X $pkg.BuildDate=19700101-00:00:00"
}

# The operator's go.mod replaces its two API submodules with ./pkg/... paths, which only work
# inside its repository (`go install @version` refuses such a module). A wrapper module of ours
# requires it and pins the submodules to their published versions of the same release instead.
build_operator() {
  local out="$STACK_OPERATOR_DIR"
  [[ -x "$out/operator" && -x "$out/prometheus-config-reloader" ]] && return 0
  need_go
  local start=$SECONDS dir="$STACK_BUILD_DIR/prometheus-operator-$STACK_OPERATOR_VERSION"
  local module=github.com/prometheus-operator/prometheus-operator
  log "building operator and prometheus-config-reloader $STACK_OPERATOR_VERSION (first time only; ~6 min on 2 cores)"
  mkdir -p "$dir"
  cat >"$dir/go.mod" <<EOF
module shopwatch.local/build/prometheus-operator

go $(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1.0/')

require $module $STACK_OPERATOR_VERSION

replace (
	$module/pkg/apis/monitoring => $module/pkg/apis/monitoring $STACK_OPERATOR_VERSION
	$module/pkg/client => $module/pkg/client $STACK_OPERATOR_VERSION
)
EOF
  : >"$dir/go.sum"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  # One invocation for both commands: they share most packages, compiled once.
  (cd "$dir" && go build -trimpath -ldflags="$(version_ldflags "$STACK_OPERATOR_VERSION" "$STACK_OPERATOR_VERSION")" -o "$out.tmp/" \
    "$module/cmd/operator" "$module/cmd/prometheus-config-reloader")
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "built operator and prometheus-config-reloader $STACK_OPERATOR_VERSION in $((SECONDS - start)) s"
}

# Built as the dependency of a wrapper module too: Prometheus' go.mod carries `replace` and
# `exclude` directives (v0.314.0 replaces cloud.google.com/go), so `go install @version` refuses
# it, and a dependency's directives are ignored anyway. The wrapper repeats them as its own, so
# the build resolves exactly the versions Prometheus' own build does.
# The `builtinassets` tag of upstream's build is left out: the compiled React UI is not in the Go
# module (it is built with npm in their release pipeline). The HTTP API, which is what the tests
# and Grafana use, is complete; the UI pages answer that the assets are missing.
build_prometheus() {
  local out="$STACK_PROMETHEUS_DIR"
  [[ -x "$out/prometheus" ]] && return 0
  need_go
  local start=$SECONDS dir="$STACK_BUILD_DIR/prometheus-$STACK_PROMETHEUS_VERSION" module=github.com/prometheus/prometheus gomod
  log "building prometheus $STACK_PROMETHEUS_VERSION (module $STACK_PROMETHEUS_MODULE_VERSION; first time only; ~8 min on 2 cores)"
  gomod="$(go mod download -json "$module@$STACK_PROMETHEUS_MODULE_VERSION" | sed -nE 's/^\s*"GoMod": "(.*)",?$/\1/p')"
  if grep -qE '=>\s*\.{1,2}/' "$gomod"; then
    log "$module@$STACK_PROMETHEUS_MODULE_VERSION replaces a module with a local path; pin it in this script"; exit 1
  fi
  mkdir -p "$dir"
  {
    echo "module shopwatch.local/build/prometheus"
    echo
    echo "go $(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1.0/')"
    echo
    echo "require $module $STACK_PROMETHEUS_MODULE_VERSION"
    echo
    # Everything from the first replace/exclude directive on: they follow the require blocks.
    awk '/^(replace|exclude)/ { on = 1 } on' "$gomod"
  } >"$dir/go.mod"
  : >"$dir/go.sum"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  (cd "$dir" && go build -trimpath -tags netgo \
    -ldflags="$(version_ldflags "$STACK_PROMETHEUS_VERSION" "$STACK_PROMETHEUS_MODULE_VERSION")" \
    -o "$out.tmp/" "$module/cmd/prometheus")
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "built prometheus $STACK_PROMETHEUS_VERSION in $((SECONDS - start)) s"
}

# Every CRD the operator version knows (the cluster's scripts/cluster installs only the four our
# operator writes; running the Prometheus Operator needs Prometheus, Alertmanager and the rest).
crds() {
  [[ -f "$STACK_CRD_DIR/monitoring.coreos.com_prometheuses.yaml" ]] && return 0
  need_go
  local src
  src="$(go mod download -json "github.com/prometheus-operator/prometheus-operator@$STACK_OPERATOR_VERSION" |
    sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')/example/prometheus-operator-crd"
  rm -rf "$STACK_CRD_DIR.tmp" && mkdir -p "$STACK_CRD_DIR.tmp"
  cp "$src"/monitoring.coreos.com_*.yaml "$STACK_CRD_DIR.tmp/"
  chmod u+w "$STACK_CRD_DIR.tmp"/*
  rm -rf "$STACK_CRD_DIR" && mv "$STACK_CRD_DIR.tmp" "$STACK_CRD_DIR"
}

# image NAME BINARY TITLE: a FROM-scratch image holding /bin/<binary> as its entrypoint, running
# as nobody (65534) unless the pod says otherwise, as upstream's images do.
image() {
  local name="$1" binary="$2" title="$3" label=dev.shopwatch.stack.input input ctr start=$SECONDS
  input="$( { sha256sum "$binary" | cut -d' ' -f1; cat "$0"; } | sha256sum | cut -c1-32)"
  if [[ "$(podman image inspect --format "{{ index .Labels \"$label\" }}" "$name" 2>/dev/null || true)" == "$input" ]]; then
    log "$name is up to date"
    return 0
  fi
  ctr="$(buildah from --quiet scratch)"
  # The tarball carries the binary as root:root 0755 whoever runs this script.
  local work; work="$(mktemp -d "${TMPDIR:-/tmp}/shopwatch-stack.XXXXXX")"
  mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp"
  install -m 0755 "$binary" "$work/rootfs/bin/"
  chmod 1777 "$work/rootfs/tmp"
  tar -C "$work/rootfs" --numeric-owner --owner=0 --group=0 -cf "$work/rootfs.tar" .
  buildah add --quiet "$ctr" "$work/rootfs.tar" / >/dev/null
  rm -rf "$work"
  buildah config --entrypoint "[\"/bin/$(basename "$binary")\"]" --cmd '[]' --user 65534:65534 \
    --label "$label=$input" --label org.opencontainers.image.title="$title" \
    --label org.opencontainers.image.description="$title, built from its Go module by Shopwatch's scripts/stack/install.sh" \
    "$ctr"
  buildah commit --quiet --rm "$ctr" "$name" >/dev/null
  log "image $name in $((SECONDS - start)) s ($(podman image inspect --format '{{.Size}}' "$name" | awk '{printf "%.0f MB", $1/1e6}'))"
}

images() {
  . "$root/scripts/containers/env.sh"
  image "$STACK_IMAGE_OPERATOR" "$STACK_OPERATOR_DIR/operator" "Prometheus Operator $STACK_OPERATOR_VERSION"
  image "$STACK_IMAGE_RELOADER" "$STACK_OPERATOR_DIR/prometheus-config-reloader" "prometheus-config-reloader $STACK_OPERATOR_VERSION"
  image "$STACK_IMAGE_PROMETHEUS" "$STACK_PROMETHEUS_DIR/prometheus" "Prometheus $STACK_PROMETHEUS_VERSION"
}

case "${1:-all}" in
  all) crds; build_operator; build_prometheus; images ;;
  binaries) build_operator; build_prometheus ;;
  operator) build_operator ;;
  prometheus) build_prometheus ;;
  images) images ;;
  crds) crds ;;
  *) log "usage: install.sh [all|binaries|operator|prometheus|images|crds]"; exit 2 ;;
esac
