# Pinned versions of everything the local Kubernetes control plane is made of (sourced, not run).
# Rule for bumping: the module's go.mod `go` directive must not be newer than the installed Go,
# so the build never has to fetch another toolchain (GOTOOLCHAIN=local).
KUBE_VERSION="${SHOPWATCH_KUBE_VERSION:-v1.36.3}"       # k8s.io/kubernetes (go 1.26.0)
ETCD_VERSION="${SHOPWATCH_ETCD_VERSION:-v3.7.3}"        # go.etcd.io/etcd/server/v3 (go 1.26.0)
KWOK_VERSION="${SHOPWATCH_KWOK_VERSION:-v0.8.0}"        # sigs.k8s.io/kwok
COREDNS_VERSION="${SHOPWATCH_COREDNS_VERSION:-v1.15.0}"  # github.com/coredns/coredns (go 1.26.0)
CRICTL_VERSION="${SHOPWATCH_CRICTL_VERSION:-v1.37.0}"    # sigs.k8s.io/cri-tools (go 1.26.6)
PROM_OPERATOR_VERSION="${SHOPWATCH_PROM_OPERATOR_VERSION:-v0.93.1}"       # CRD manifests only; = scripts/stack STACK_OPERATOR_VERSION (what kube-prometheus-stack 88.5.3 runs)
GRAFANA_OPERATOR_VERSION="${SHOPWATCH_GRAFANA_OPERATOR_VERSION:-v5.18.0}"  # GrafanaDashboard CRD only

# Built together from k8s.io/kubernetes into $KUBE_DIR (kubelet and kube-proxy run the real node).
KUBE_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

SHOPWATCH_CACHE="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}"
KUBE_DIR="$SHOPWATCH_CACHE/k8s-$KUBE_VERSION"
ETCD_DIR="$SHOPWATCH_CACHE/etcd-$ETCD_VERSION"
KWOK_DIR="$SHOPWATCH_CACHE/kwok-$KWOK_VERSION"
COREDNS_DIR="$SHOPWATCH_CACHE/coredns-$COREDNS_VERSION"
CRICTL_DIR="$SHOPWATCH_CACHE/crictl-$CRICTL_VERSION"
BUILD_DIR="$SHOPWATCH_CACHE/build"
