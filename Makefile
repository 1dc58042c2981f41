# Shopwatch — the front door. `make help` lists every target.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Node 24 LTS (from the npm registry, cached under ~/.cache/shopwatch) goes first on PATH
# for every recipe, so `npm`, `npx` and `node` all run on the version our images use.
NODE_BIN := $(shell scripts/toolchain.sh)
export PATH := $(CURDIR)/.local/bin:$(CURDIR)/node_modules/.bin:$(NODE_BIN):$(PATH)
# Integration tests and local runs find the infrastructure through these files.
export SHOPWATCH_ROOT := $(CURDIR)

.PHONY: help
help: ## List every target with one line
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}'

.PHONY: install
install: ## (Re)install Node 24 and every workspace's dependencies (npm ci); run it when nothing is running
	npm ci --no-audit --no-fund
	@touch node_modules/.installed

# Targets depend on `deps`, not `install`: it installs on a fresh clone but never re-installs under
# running tests or services; when a manifest changed it asks for `make install` instead.
.PHONY: deps
deps: ## Check the npm workspaces: installs on a fresh clone, asks for `make install` when a manifest changed
	@scripts/check-deps.sh

.PHONY: lint
lint: deps ## Lint every workspace (type-aware ESLint) and every Dockerfile (hadolint)
	@# Type-aware linting holds every workspace's TypeScript program at once: ~6 GB for the whole shop.
	NODE_OPTIONS=--max-old-space-size=10240 eslint .
	scripts/lint-dockerfiles.sh

.PHONY: typecheck
typecheck: deps ## Type-check every workspace (tsc project references)
	tsc -b

.PHONY: test-unit
test-unit: deps ## Unit tests (pure logic, no infrastructure)
	vitest run --project unit

.PHONY: test-integration
test-integration: deps infra-up cluster-up images ## Integration tests against real PostgreSQL, Kafka, Redis, Prometheus and Kubernetes
	@# The chart's install test runs the in-chart PostgreSQL, Kafka and Redis from these (built once).
	scripts/containers/test-infra-images.sh
	scripts/with-env.sh vitest run --project integration
	scripts/with-env.sh vitest run --project disruptive

.PHONY: test-containers
test-containers: deps prereqs ## The platform's integration tests against PostgreSQL, Kafka and Redis in containers (testcontainers on podman; images built here)
	scripts/containers/test-infra-images.sh
	scripts/containers/podman-service.sh start
	@# The service stops (and reaps this checkout's containers) whether the tests pass or not.
	status=0; eval "$$(scripts/containers/podman-service.sh env)"; eval "$$(scripts/containers/test-infra-images.sh env)"; \
	  SHOPWATCH_TEST_INFRA=containers vitest run --project integration-containers || status=$$?; \
	  scripts/containers/podman-service.sh stop; exit $$status

.PHONY: test-observability
test-observability: deps infra-up ## Panels, recording rules and alert drills against the dev shop (test-profile rules, loadgen driving it); stops the shop at the end
	@# The dev shop is stopped whether the tests pass or not (infra keeps running).
	status=0; { scripts/dev/up.sh && OBS_PROFILE=test scripts/dev/rules.sh && scripts/dev/loadgen.sh 2 && \
	  scripts/with-env.sh vitest run --project observability; } || status=$$?; \
	  scripts/dev/down.sh; exit $$status

.PHONY: test
test: lint typecheck test-unit test-integration test-containers test-observability ## Everything CI runs: lint, typecheck, unit, integration, observability and containers-mode tests

.PHONY: dashboards
dashboards: deps ## Render every dashboard and rule file the operator would write into .local/rendered/ (OBS_PROFILE=test: rule durations ÷20)
	node operator/src/render/main.ts $(if $(filter test,$(OBS_PROFILE)),--test-profile)

.PHONY: prereqs
prereqs: ## Install missing Debian packages (PostgreSQL, Redis, Prometheus, Java, Maven, ...)
	scripts/setup.sh apt

.PHONY: infra-up
infra-up: prereqs ## Start local PostgreSQL, Redis, Kafka, Prometheus and Jaeger (when built) on loopback (writes .local/infra.env)
	scripts/infra/up.sh

.PHONY: infra-down
infra-down: ## Stop the local infrastructure (data stays in .local/)
	scripts/infra/down.sh

.PHONY: cluster-up
cluster-up: prereqs ## Start a local Kubernetes control plane with simulated nodes and a real node (writes .local/kubeconfig)
	scripts/cluster/up.sh

.PHONY: cluster-down
cluster-down: ## Stop the local Kubernetes control plane and the real node (its pods, mounts, bridge, iptables chains)
	scripts/cluster/down.sh

.PHONY: up
up: deps ## The platform in Kubernetes with Helm (charts/shopwatch): kind where Docker exists, else the local cluster's real node
	scripts/platform/up.sh

.PHONY: down
down: ## Remove what `make up` installed (kind: its cluster; local: the release and its namespace)
	scripts/platform/down.sh

.PHONY: dev-up
dev-up: deps infra-up ## Start infra and every service in the background; waits until all are ready; loads the rendered rules (OBS_PROFILE=test: short windows)
	scripts/dev/up.sh
	scripts/dev/rules.sh

.PHONY: dev-down
dev-down: ## Stop every service started by dev-up (infra keeps running; `make infra-down` stops it)
	scripts/dev/down.sh

.PHONY: dev
dev: dev-up ## Run the shop locally in the foreground; Ctrl-C stops everything
	scripts/dev/foreground.sh

.PHONY: seed
seed: deps infra-up ## Load the demo catalogue (~200 products) and its stock into the dev databases
	scripts/dev/seed.sh

.PHONY: bench-catalog
bench-catalog: deps infra-up ## Benchmark catalog GET /products/:id: telemetry on vs off vs bare Fastify
	scripts/with-env.sh node bench/catalog/run.ts

.PHONY: bench-gateway
bench-gateway: deps infra-up ## Benchmark the gateway: throughput and p99 through it vs calling catalog directly
	scripts/with-env.sh node bench/gateway/run.ts

.PHONY: bench-rss
bench-rss: deps infra-up ## Idle and under-load RSS of every service process (JS build, telemetry on); target idle ≤ 120 MB
	scripts/with-env.sh node bench/rss/run.ts

.PHONY: bench-checkout
bench-checkout: deps infra-up ## Benchmark the checkout saga: orders/s reaching confirmed/cancelled and p50/p99 POST → terminal
	scripts/with-env.sh node bench/checkout/run.ts

.PHONY: drill
drill: deps infra-up ## Issue 12's drill: DRILL_ORDERS (10000) orders at DRILL_RATE/s (15) through kills, Kafka/PostgreSQL restarts, a pause, a rebalance; zero violations (restarts the shared infra)
	scripts/with-env.sh node test/drill/run.ts

.PHONY: images
images: prereqs ## Build every service image and the operator's with buildah on a Node base made here (localhost/shopwatch/<name>:dev); loads them onto the local node if it runs
	scripts/images/build.sh

.PHONY: bench-images
bench-images: prereqs ## Image targets as measured/target: warm rebuild after touching one service (≤ 30 s), own layers per image (≤ 60 MB), base (≤ 200 MB)
	bench/images.sh

.PHONY: operator-run
operator-run: deps cluster-up ## Run the operator locally against .local/kubeconfig (installs the CRD first)
	scripts/operator-run.sh

.PHONY: bench-chart
bench-chart: deps cluster-up images ## charts/shopwatch on the real node: install time, RSS per pod idle and under loadgen vs requests/limits
	scripts/with-env.sh node bench/chart/run.ts

.PHONY: bench-operator
bench-operator: deps cluster-up ## Benchmark the operator with 500 resources against the local control plane
	scripts/with-env.sh node bench/operator/run.ts

.PHONY: clean
clean: ## Stop everything and remove .local/ (caches under ~/.cache stay)
	-scripts/dev/down.sh
	-scripts/cluster/down.sh
	-scripts/infra/down.sh
	if [ -f .local/postgres-location ]; then rm -rf "$$(cat .local/postgres-location)"; fi
	rm -rf .local
