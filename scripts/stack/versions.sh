# Pinned versions of the Prometheus side of kube-prometheus-stack, built here (sourced, not run).
# kube-prometheus-stack 88.5.3 pins the Prometheus Operator v0.93.1 (its appVersion) and runs
# Prometheus v3; both come from their Go modules, because no image registry is reachable here.
# Rule for bumping (as in scripts/cluster/versions.sh): the module's go.mod `go` directive must
# not be newer than the installed Go (GOTOOLCHAIN=local never fetches another toolchain).
KPS_CHART_VERSION="88.5.3"                                                     # what these follow
STACK_OPERATOR_VERSION="${SHOPWATCH_STACK_OPERATOR_VERSION:-v0.93.1}"          # github.com/prometheus-operator/prometheus-operator (go 1.26.0)
# Prometheus: the image tag kube-prometheus-stack 88.5.3 sets (prometheus.prometheusSpec.image.tag
# v3.14.0-distroless; the operator alone would default to v3.13.1). Prometheus v3 is published as
# Go module versions v0.3xx.y: v0.314.0 is Prometheus 3.14.0 (v0.316.0 is 3.16.0, newer than what
# the chart runs). test/stack checks the tag against the chart's default values.
STACK_PROMETHEUS_MODULE_VERSION="${SHOPWATCH_STACK_PROMETHEUS_MODULE_VERSION:-v0.314.0}"  # github.com/prometheus/prometheus (go 1.25.8)
STACK_PROMETHEUS_VERSION="${SHOPWATCH_STACK_PROMETHEUS_VERSION:-v3.14.0}"      # the release that module version is

SHOPWATCH_CACHE="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}"
STACK_DIR="$SHOPWATCH_CACHE/stack"
STACK_OPERATOR_DIR="$STACK_DIR/prometheus-operator-$STACK_OPERATOR_VERSION"   # operator, prometheus-config-reloader
STACK_PROMETHEUS_DIR="$STACK_DIR/prometheus-$STACK_PROMETHEUS_VERSION"        # prometheus
STACK_CRD_DIR="$STACK_DIR/crds-$STACK_OPERATOR_VERSION"                        # every monitoring.coreos.com CRD
STACK_BUILD_DIR="$SHOPWATCH_CACHE/build"

# The images install.sh makes (podman storage; loaded into the node by the tests).
STACK_IMAGE_OPERATOR="localhost/shopwatch/prometheus-operator:$STACK_OPERATOR_VERSION"
STACK_IMAGE_RELOADER="localhost/shopwatch/prometheus-config-reloader:$STACK_OPERATOR_VERSION"
STACK_IMAGE_PROMETHEUS="localhost/shopwatch/prometheus:$STACK_PROMETHEUS_VERSION"
