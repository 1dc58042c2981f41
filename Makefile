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

node_modules/.installed: package.json package-lock.json $(wildcard */package.json */*/package.json)
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: install
install: node_modules/.installed ## Install Node 24 and every workspace's dependencies

.PHONY: lint
lint: install ## Lint every workspace (type-aware ESLint) and every Dockerfile (hadolint)
	@# Type-aware linting holds every workspace's TypeScript program at once: ~6 GB for the whole shop.
	NODE_OPTIONS=--max-old-space-size=10240 eslint .
	scripts/lint-dockerfiles.sh

.PHONY: typecheck
typecheck: install ## Type-check every workspace (tsc project references)
	tsc -b

.PHONY: test-unit
test-unit: install ## Unit tests (pure logic, no infrastructure)
	vitest run --project unit

.PHONY: test-integration
test-integration: install infra-up cluster-up ## Integration tests against real PostgreSQL, Kafka, Redis, Prometheus and Kubernetes
	scripts/with-env.sh vitest run --project integration
	scripts/with-env.sh vitest run --project disruptive

.PHONY: test
test: lint typecheck test-unit test-integration ## Everything CI runs: lint, typecheck, unit and integration tests

.PHONY: prereqs
prereqs: ## Install missing Debian packages (PostgreSQL, Redis, Prometheus, Java, Maven, ...)
	scripts/setup.sh apt

.PHONY: infra-up
infra-up: prereqs ## Start local PostgreSQL, Redis, Kafka and Prometheus on loopback (writes .local/infra.env)
	scripts/infra/up.sh

.PHONY: infra-down
infra-down: ## Stop the local infrastructure (data stays in .local/)
	scripts/infra/down.sh

.PHONY: cluster-up
cluster-up: prereqs ## Start a local Kubernetes control plane with simulated nodes (writes .local/kubeconfig)
	scripts/cluster/up.sh

.PHONY: cluster-down
cluster-down: ## Stop the local Kubernetes control plane
	scripts/cluster/down.sh

.PHONY: dev-up
dev-up: install infra-up ## Start infra and every service in the background; waits until all are ready
	scripts/dev/up.sh

.PHONY: dev-down
dev-down: ## Stop every service started by dev-up (infra keeps running; `make infra-down` stops it)
	scripts/dev/down.sh

.PHONY: dev
dev: dev-up ## Run the shop locally in the foreground; Ctrl-C stops everything
	scripts/dev/foreground.sh

.PHONY: seed
seed: install infra-up ## Load the demo catalogue (~200 products) and its stock into the dev databases
	scripts/dev/seed.sh

.PHONY: bench-catalog
bench-catalog: install infra-up ## Benchmark catalog GET /products/:id: telemetry on vs off vs bare Fastify
	scripts/with-env.sh node bench/catalog/run.ts

.PHONY: bench-gateway
bench-gateway: install infra-up ## Benchmark the gateway: throughput and p99 through it vs calling catalog directly
	scripts/with-env.sh node bench/gateway/run.ts

.PHONY: bench-rss
bench-rss: install infra-up ## Idle and under-load RSS of every service process (JS build, telemetry on); target idle ≤ 120 MB
	scripts/with-env.sh node bench/rss/run.ts

.PHONY: bench-checkout
bench-checkout: install infra-up ## Benchmark the checkout saga: orders/s reaching confirmed/cancelled and p50/p99 POST → terminal
	scripts/with-env.sh node bench/checkout/run.ts

.PHONY: operator-run
operator-run: install cluster-up ## Run the operator locally against .local/kubeconfig (installs the CRD first)
	scripts/operator-run.sh

.PHONY: bench-operator
bench-operator: install cluster-up ## Benchmark the operator with 500 resources against the local control plane
	scripts/with-env.sh node bench/operator/run.ts

.PHONY: clean
clean: ## Stop everything and remove .local/ (caches under ~/.cache stay)
	-scripts/dev/down.sh
	-scripts/cluster/down.sh
	-scripts/infra/down.sh
	if [ -f .local/postgres-location ]; then rm -rf "$$(cat .local/postgres-location)"; fi
	rm -rf .local
