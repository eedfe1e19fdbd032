# leder: `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
VENV := .venv
CHROMIUM ?= /usr/bin/chromium
# The Node.js packages of the test OpenID provider (tests/oidc) and the browser test
# (tests/browser): `npm ci` again whenever a lock file changes.
NODE_DEPS := tests/oidc/node_modules/.package-lock.json tests/browser/node_modules/.package-lock.json

.PHONY: help run build test test-sqlite test-pg unit lint fmt fmt-check clippy deps-check node-deps browser-test \
        openapi openapi-check spec-validate contract-test schema bench bench-micro migrate clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

run: ## Build and serve on the embedded SQLite database (http://127.0.0.1:8080/swagger-ui/)
	$(CARGO) run -p leder-api --bin leder -- serve

build: ## Build everything
	$(CARGO) build --workspace --all-targets

test: lint node-deps ## The whole suite: fmt, clippy, dependency direction, every test (PostgreSQL too when LEDER_TEST_POSTGRES_URL is set), then the browser test
	$(CARGO) test --workspace
	$(MAKE) --no-print-directory browser-test
	@if [ -z "$$LEDER_TEST_POSTGRES_URL" ]; then \
	    echo ""; \
	    echo "NOTE: the PostgreSQL half of the black-box tests was SKIPPED (each printed 'skipped')."; \
	    echo "      Run them with: LEDER_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres make test"; \
	else \
	    echo ""; echo "Black-box tests ran on SQLite and on PostgreSQL ($$LEDER_TEST_POSTGRES_URL)."; \
	fi

tests/%/node_modules/.package-lock.json: tests/%/package.json tests/%/package-lock.json
	npm ci --prefix tests/$* --no-audit --no-fund

node-deps: $(NODE_DEPS) ## npm ci for the test OpenID provider and the browser test, when their lock files changed

browser-test: node-deps ## Headless Chromium (Debian's) signs in through leder's page, the test OpenID provider and Swagger UI, then calls GET /api/v1/me
	@[ -x $(CHROMIUM) ] || (echo "browser-test needs Debian's Chromium at $(CHROMIUM): apt-get install chromium chromium-driver"; exit 1)
	$(CARGO) build -q -p leder-api --bin leder
	CHROMIUM=$(CHROMIUM) node tests/browser/browser.mjs

test-sqlite: node-deps ## Every test, SQLite only
	env -u LEDER_TEST_POSTGRES_URL $(CARGO) test --workspace

test-pg: node-deps ## Every test, PostgreSQL included (default server postgres://postgres@127.0.0.1:5432/postgres)
	LEDER_TEST_POSTGRES_URL=$${LEDER_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(CARGO) test --workspace

unit: ## The domain crate's tests only
	$(CARGO) test -p leder-domain

lint: fmt-check clippy deps-check ## fmt check, clippy -D warnings, dependency direction

fmt: ## Format the code
	$(CARGO) fmt --all

fmt-check: ## Fail when the code is not formatted
	$(CARGO) fmt --all -- --check

clippy: ## Clippy on every target, warnings are errors
	$(CARGO) clippy --workspace --all-targets -- -D warnings

deps-check: ## Prove the domain is pure and the API never uses Diesel
	./scripts/check-deps.sh

openapi: ## Regenerate openapi.yaml from the code
	$(CARGO) run -q -p leder-api --bin leder -- openapi > openapi.yaml.tmp && mv openapi.yaml.tmp openapi.yaml

openapi-check: ## Fail when openapi.yaml differs from the code
	$(CARGO) run -q -p leder-api --bin leder -- openapi | diff -u openapi.yaml - || (echo "openapi.yaml is stale: run make openapi"; exit 1)

spec-validate: ## Validate openapi.yaml with openapi-spec-validator (installed in .venv)
	@[ -x $(VENV)/bin/openapi-spec-validator ] || (python3 -m venv $(VENV) && $(VENV)/bin/pip install -q openapi-spec-validator)
	$(VENV)/bin/openapi-spec-validator openapi.yaml

contract-test: ## Fuzz a fresh server with the pinned schemathesis (.venv), as an ICB lead and as admin; fails on any contract mismatch
	@$(VENV)/bin/pip --version >/dev/null 2>&1 || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r scripts/contract-test-requirements.txt
	CARGO=$(CARGO) $(VENV)/bin/python scripts/contract_test.py

schema: ## Regenerate persistence/src/schema.rs with diesel print-schema (needs diesel_cli)
	@command -v diesel >/dev/null || (echo "install diesel_cli: cargo install diesel_cli --no-default-features --features sqlite-bundled"; exit 1)
	rm -f target/schema.db && DATABASE_URL=target/schema.db diesel migration run --migration-dir migrations/sqlite
	DATABASE_URL=target/schema.db diesel print-schema > persistence/src/schema.rs

bench: ## Speed goals of issue 14 as one table of side-by-side ratios, SQLite and PostgreSQL, release build (BENCH_REVIEWS=1000000 by default; see scripts/bench.py)
	CARGO=$(CARGO) ./scripts/bench.sh

bench-micro: ## The in-process benchmarks: audit-writer throughput; national statistics and extract (LEDER_BENCH_REVIEWS)
	LEDER_TEST_POSTGRES_URL=$${LEDER_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(CARGO) bench -p leder-tests --bench audit
	$(CARGO) bench -p leder-tests --bench national

migrate: ## Apply migrations to LEDER_DATABASE_URL (default sqlite://data/leder.db)
	$(CARGO) run -p leder-api --bin leder -- migrate

clean: ## Remove build output and the local database
	$(CARGO) clean
	rm -rf data $(VENV)
