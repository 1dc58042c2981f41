#!/usr/bin/env bash
# Builds (once) the binaries of the local Kubernetes control plane with the Go module toolchain
# and caches them under ~/.cache/shopwatch, keyed by version:
#   k8s-<v>/  kube-apiserver, kube-controller-manager, kube-scheduler,  (k8s.io/kubernetes)
#             kubelet, kube-proxy
#   etcd-<v>/ etcd                                                      (go.etcd.io/etcd/server/v3)
#   kwok-<v>/ kwok                                                      (sigs.k8s.io/kwok)
#   coredns-<v>/ coredns, crictl-<v>/ crictl    the real node's DNS and CRI debugging tool
# and installs the pinned helm and kubectl (scripts/tools.sh). A second run builds nothing.
#
# Why a wrapper module: k8s.io/kubernetes (and etcd's server module) `replace` their sibling
# modules with relative paths, which only work inside their own repository. Built as a
# dependency of a small module of ours that pins every k8s.io/* staging module to the matching
# published v0.x.y, they build straight from the module proxy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
# -trimpath and stripped symbols keep the three kube binaries around 100 MB instead of 400.
build_flags=(-trimpath)
log() { echo "cluster/install: $*" >&2; }

need_go() {
  command -v go >/dev/null || { log "Go is required (go.dev/dl); none found on PATH"; exit 1; }
}

# Writes go.mod of a wrapper module in $1 that requires $2@$3, plus extra lines from stdin.
wrapper_module() {
  local dir="$1" module="$2" version="$3"
  mkdir -p "$dir"
  {
    echo "module shopwatch.local/build/$(basename "$dir")"
    echo
    echo "go $(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1.0/')"
    echo
    echo "require $module $version"
    cat
  } >"$dir/go.mod"
  : >"$dir/go.sum"
}

build_kube() {
  local out="$KUBE_DIR"
  local bin missing=0
  for bin in "${KUBE_BINARIES[@]}"; do [[ -x "$out/$bin" ]] || missing=1; done
  ((missing)) || return 0
  need_go
  local start=$SECONDS dir="$BUILD_DIR/k8s-$KUBE_VERSION" minor staging
  log "building ${KUBE_BINARIES[*]} $KUBE_VERSION (first time only; 30-40 min on 2 cores)"
  local modfile
  modfile="$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -nE 's/^\s*"GoMod": "(.*)",?$/\1/p')"
  # Every `k8s.io/x => ./staging/src/k8s.io/x` becomes `k8s.io/x => k8s.io/x v0.<minor>.<patch>`.
  staging="$(sed -nE 's#^\s*(k8s\.io/[^ ]+) => \./staging/src/.*#\1#p' "$modfile")"
  local staging_version="v0.${KUBE_VERSION#v1.}"
  {
    echo
    echo "godebug default=go1.26"
    echo
    echo "replace ("
    for m in $staging; do echo "	$m => $m $staging_version"; done
    echo ")"
  } | wrapper_module "$dir" k8s.io/kubernetes "$KUBE_VERSION"
  local major="${KUBE_VERSION#v}"; major="${major%%.*}"
  minor="${KUBE_VERSION#v*.}"; minor="${minor%%.*}"
  local ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p "$out.tmp"
  # One invocation for every command (control plane and the real node's kubelet and kube-proxy):
  # they share most packages, which are then compiled once.
  (cd "$dir" && go build "${build_flags[@]}" -ldflags="$ld" -o "$out.tmp/" \
    "${KUBE_BINARIES[@]/#/k8s.io/kubernetes/cmd/}")
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "built kubernetes $KUBE_VERSION in $((SECONDS - start)) s"
}

build_etcd() {
  [[ -x "$ETCD_DIR/etcd" ]] && return
  need_go
  local start=$SECONDS dir="$BUILD_DIR/etcd-$ETCD_VERSION"
  log "building etcd $ETCD_VERSION"
  # The server module replaces its siblings (api, client, pkg) with ../ paths; pin them instead.
  {
    echo
    echo "replace ("
    for m in go.etcd.io/etcd/api/v3 go.etcd.io/etcd/client/pkg/v3 go.etcd.io/etcd/client/v3 go.etcd.io/etcd/pkg/v3; do
      echo "	$m => $m $ETCD_VERSION"
    done
    echo ")"
  } | wrapper_module "$dir" go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
  mkdir -p "$ETCD_DIR.tmp"
  (cd "$dir" && go build "${build_flags[@]}" -ldflags="-s -w" -o "$ETCD_DIR.tmp/etcd" go.etcd.io/etcd/server/v3)
  rm -rf "$ETCD_DIR" && mv "$ETCD_DIR.tmp" "$ETCD_DIR"
  log "built etcd $ETCD_VERSION in $((SECONDS - start)) s"
}

# go_install_cached DIR PACKAGE VERSION [BINARY]: `go install PACKAGE@VERSION` into DIR (a cache
# directory keyed by version), once. Built into DIR.tmp and renamed, so an interrupted build never
# leaves a half-filled DIR behind. Used for every tool taken straight from its own Go module.
go_install_cached() {
  local dir="$1" pkg="$2" version="$3" bin="${4:-${2##*/}}"
  [[ -x "$dir/$bin" ]] && return
  need_go
  local start=$SECONDS
  log "building $bin $version ($pkg)"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  GOBIN="$dir.tmp" go install "${build_flags[@]}" -ldflags="-s -w" "$pkg@$version"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  log "built $bin $version in $((SECONDS - start)) s"
}

build_kwok() { go_install_cached "$KWOK_DIR" sigs.k8s.io/kwok/cmd/kwok "$KWOK_VERSION"; }

# The real node's extras: CoreDNS (the cluster DNS, run as a Deployment) and crictl (to look at
# containerd's pods and containers when debugging the node).
build_node_tools() {
  go_install_cached "$COREDNS_DIR" github.com/coredns/coredns "$COREDNS_VERSION" coredns
  go_install_cached "$CRICTL_DIR" sigs.k8s.io/cri-tools/cmd/crictl "$CRICTL_VERSION"
}

# module_dir MODULE@VERSION: where the Go module cache holds that module's files.
module_dir() {
  need_go
  go mod download -json "$1" | sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p'
}

# kwok's stock stages (node initialise + lease heartbeat, pod ready/complete/delete, volume
# provisioning and binding for the `kwok-volume` default StorageClass): the kwok binary has
# none built in, up.sh hands them over in its --config file.
kwok_stages() {
  local out="$KWOK_DIR/stages"
  [[ -f "$out/pvc-provision.yaml" && -f "$KWOK_DIR/storage-class.yaml" ]] && return
  local src; src="$(module_dir "sigs.k8s.io/kwok@$KWOK_VERSION")/kustomize/stage"
  mkdir -p "$out.tmp"
  cp "$src/node/fast/node-initialize.yaml" "$src/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
    "$src/pod/fast/pod-ready.yaml" "$src/pod/fast/pod-complete.yaml" "$src/pod/fast/pod-delete.yaml" \
    "$src/volume/fast/pvc-provision.yaml" "$src/volume/fast/pvc-delete.yaml" \
    "$src/volume/fast/pv-bind.yaml" "$src/volume/fast/pv-delete.yaml" "$out.tmp/"
  cp "$src/volume/fast/storage-class.yaml" "$KWOK_DIR/storage-class.yaml"
  rm -rf "$out" && mv "$out.tmp" "$out"
}

# The real CRD manifests of the Prometheus Operator (ServiceMonitor, PodMonitor, PrometheusRule,
# Probe) and of grafana-operator (GrafanaDashboard), taken from their pinned Go modules.
crds() {
  local prom="$SHOPWATCH_CACHE/crds/prometheus-operator-$PROM_OPERATOR_VERSION"
  if [[ ! -f "$prom/monitoring.coreos.com_servicemonitors.yaml" ]]; then
    local src; src="$(module_dir "github.com/prometheus-operator/prometheus-operator@$PROM_OPERATOR_VERSION")/example/prometheus-operator-crd"
    mkdir -p "$prom.tmp"
    for kind in servicemonitors podmonitors prometheusrules probes; do
      cp "$src/monitoring.coreos.com_$kind.yaml" "$prom.tmp/"
    done
    rm -rf "$prom" && mv "$prom.tmp" "$prom"
  fi
  local graf="$SHOPWATCH_CACHE/crds/grafana-operator-$GRAFANA_OPERATOR_VERSION"
  if [[ ! -f "$graf/grafana.integreatly.org_grafanadashboards.yaml" ]]; then
    local src; src="$(module_dir "github.com/grafana/grafana-operator/v5@$GRAFANA_OPERATOR_VERSION")/config/crd/bases"
    mkdir -p "$graf.tmp"
    cp "$src/grafana.integreatly.org_grafanadashboards.yaml" "$graf.tmp/"
    rm -rf "$graf" && mv "$graf.tmp" "$graf"
  fi
}

case "${1:-all}" in
  all) "$here/../tools.sh" install; crds; build_etcd; build_kwok; kwok_stages; build_kube; build_node_tools ;;
  crds) crds ;;
  kube) build_kube ;;
  etcd) build_etcd ;;
  kwok) build_kwok; kwok_stages ;;
  node) build_node_tools ;;
  *) log "usage: install.sh [all|kube|etcd|kwok|crds|node]"; exit 2 ;;
esac
