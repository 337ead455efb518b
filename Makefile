# Podlab's two commands: `make serve` (build and serve the app) and `make test` (everything).
# Both install the tools they miss first (scripts/install-tools.sh), so a fresh machine works.
SHELL := /bin/bash
TOOLS_DIR ?= $(HOME)/.cache/podlab/tools
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(TOOLS_DIR)/node_modules/.bin:$(PATH)
export PODLAB_TOOLS_DIR := $(TOOLS_DIR)
PUBLIC_URL ?= ./
SIZE_BUDGET_GZIP_KB ?= 1720
SIZE_TARGET_GZIP_KB ?= 400

.PHONY: serve test tools browser-tools dist size test-native test-wasm test-e2e bench bench-plain

tools:
	@scripts/install-tools.sh

browser-tools:
	@scripts/install-tools.sh --browser

## Build and serve the app on http://127.0.0.1:8080 (release: the simulation runs in the page,
## and a debug build of it is too slow to be fair)
serve: tools
	@echo "Podlab: building, then serving on http://127.0.0.1:8080/"
	trunk serve --release --address 127.0.0.1 --port 8080

## Release build into dist/ (PUBLIC_URL=/podlab/ for a GitHub Pages sub-path)
dist: tools
	trunk build --release --public-url "$(PUBLIC_URL)"

## wasm/js/css sizes, raw and gzip, against the budget, and what each crate adds to the wasm
size: dist
	@scripts/size-report.sh dist $(SIZE_BUDGET_GZIP_KB) $(SIZE_TARGET_GZIP_KB) \
		"$(or $(CARGO_TARGET_DIR),target)/wasm32-unknown-unknown/release/podlab-web.wasm"

## Everything: native tests, component tests in Chromium, end-to-end tests on the release dist/
test: browser-tools test-native test-wasm test-e2e

test-native:
	cargo test --workspace --exclude podlab-web
	cargo test -p podlab-web --lib

test-wasm: browser-tools
	cargo test -p podlab-web --target wasm32-unknown-unknown --test web

test-e2e: browser-tools dist
	@scripts/size-report.sh dist $(SIZE_BUDGET_GZIP_KB) $(SIZE_TARGET_GZIP_KB)
	node --test tests/e2e/

# The scale benchmark (issue 3) and the kubectl command benchmark (issue 6), in the bench profile
# (opt-level 3, fat LTO) with profile-guided optimisation (scripts/bench.sh says how); each prints
# its own numbers. `bench-plain` measures the same without PGO.
bench:
	@scripts/bench.sh

bench-plain:
	@scripts/bench.sh --plain
