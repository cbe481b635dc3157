# Parley — two commands on a fresh machine:
#   make run    build the optimized Parley and serve it on http://127.0.0.1:3000
#               (SQLite in data/)
#   make test   every test: Rust (SQLite, and PostgreSQL where installed) and
#               the browser end-to-end suite in Chromium, against that same
#               optimized build
# Both install what is missing first; a second run skips what is there.
# For development, `make dev` (or `cargo leptos watch`) serves a debug build.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# wasm-opt comes from npm's binaryen, installed into .tools/ (Debian's is
# too old and produces a wasm that crashes).
TOOLS_BIN := $(CURDIR)/.tools/node_modules/.bin
export PATH := $(HOME)/.cargo/bin:$(TOOLS_BIN):$(PATH)

CARGO_LEPTOS_VERSION := 0.3.10
BINARYEN_VERSION := 132.0.0
# The optimized build (SPEC B4): server in release, the wasm with the
# wasm-release profile and wasm-opt, hashed file names (cached for good)
# and brotli/gzip twins of every static file, in a site of its own.
# Panic locations in the wasm name crates by their path in the registry,
# not by this machine's home directory (14 KB less in the bundle). These
# flags replace `build.rustflags` of .cargo/config.toml for the wasm, so
# they repeat its `erase_components`.
CARGO_HOME ?= $(HOME)/.cargo
RELEASE_BUILD := LEPTOS_HASH_FILES=true LEPTOS_SITE_ROOT=target/site-release \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components --remap-path-prefix=$(CARGO_HOME)/registry/src/=" \
  cargo leptos build --release --precompress --split
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p}' Cargo.lock)
# Installing the tools compiles them: keep that quick on small machines.
TOOL_BUILD_ENV := CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

.PHONY: run dev test setup tools browser-deps build build-dev test-rust layers test-rust-postgres test-e2e bench bench-postgres fmt lint clean

run: build
	@echo "Parley: http://127.0.0.1:3000"
	./target/release/parley

# A debug build, quick to rebuild; `cargo leptos watch` rebuilds on save.
dev: build-dev
	@echo "Parley (debug build): http://127.0.0.1:3000"
	LEPTOS_SITE_ROOT=target/site ./target/debug/parley

setup: tools browser-deps

tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@if ! cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)"; then \
	  echo "Installing cargo-leptos $(CARGO_LEPTOS_VERSION) (takes a while once)"; \
	  $(TOOL_BUILD_ENV) cargo install cargo-leptos --version =$(CARGO_LEPTOS_VERSION) --locked --features no_downloads; \
	fi
	@if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then \
	  echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	  $(TOOL_BUILD_ENV) cargo install wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION) --force; \
	fi
	@if ! "$(TOOLS_BIN)/wasm-opt" --version 2>/dev/null | grep -q "version $(firstword $(subst ., ,$(BINARYEN_VERSION)))"; then \
	  echo "Installing wasm-opt (npm binaryen $(BINARYEN_VERSION)) into .tools/"; \
	  npm install --no-audit --no-fund --prefix .tools binaryen@$(BINARYEN_VERSION) >/dev/null; \
	fi

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/dev/null; \
	  else echo "Chromium is missing: sudo apt-get install chromium"; exit 1; fi; \
	fi
	@if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@slack/webhook ] \
	  || [ ! -d end2end/node_modules/discord-webhook-node ]; then \
	  (cd end2end && npm install --no-audit --no-fund); \
	fi
	@# PyPI's discord-webhook: a real Python sender for the browser tests.
	@if [ ! -d .tools/py/discord_webhook ]; then \
	  python3 -m pip install --quiet --disable-pip-version-check --target .tools/py discord-webhook==1.4.1; \
	fi

build: tools
	$(RELEASE_BUILD)

build-dev: tools
	cargo leptos build

test: tools browser-deps build test-rust test-rust-postgres test-e2e
	@echo "make test: all suites passed"

test-rust: layers
	# Both halves of the vocabulary: the server's and the browser's readers.
	cargo test -p parley-model --features server
	cargo test -p parley-model
	cargo test -p parley-core
	cargo test -p app --features ssr
	# One test binary (server/tests/it); several instances need PostgreSQL,
	# so SQLite skips those by name and the PostgreSQL pass runs them.
	cargo test -p server -- --skip multi_instance

# The domain and the shared vocabulary depend on no web framework
# (ARCHITECTURE.md): fails when leptos or axum enters their trees.
layers:
	scripts/check-layers.sh
	# No import cycle between the modules of any crate (ARCHITECTURE.md).
	python3 scripts/check-cycles.py model/src core/src app/src server/src

# The same server suite against a throwaway PostgreSQL cluster, when
# PostgreSQL's server binaries are installed (.ci/run installs them).
test-rust-postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  scripts/with-postgres.sh cargo test -p server; \
	else echo "PostgreSQL not installed: skipping the PostgreSQL run (apt-get install postgresql)"; fi

# Benchmarks print figures; they are not tests.
# Each benchmark prints its figures, then one table of all of them (SPEC §9).
bench: build browser-deps
	@rm -f target/bench.txt
	PARLEY_BIN=./target/release/parley PARLEY_BUILD=release scripts/bench-incoming.sh | tee -a target/bench.txt
	cargo run --release -p server --example bench_deliveries | tee -a target/bench.txt
	cargo run --release -p server --example bench_fanout | tee -a target/bench.txt
	node scripts/bench-page.mjs ./target/release/parley release | tee -a target/bench.txt
	@echo
	@echo "| SPEC | Figure | Value | Goal | Build | Database |"
	@echo "|---|---|---|---|---|---|"
	@grep -E '^B[0-9] \| ' target/bench.txt | sed 's/^/| /; s/$$/ |/'

# The incoming figures on a throwaway PostgreSQL cluster with fsync on.
bench-postgres: build
	PARLEY_PG_FSYNC=on scripts/with-postgres.sh bash -c 'BENCH_DATABASE_URL=$$PARLEY_TEST_POSTGRES_URL \
	  BENCH_DATABASE_LABEL="PostgreSQL (fsync on, loopback)" PARLEY_BIN=./target/release/parley \
	  PARLEY_BUILD=release scripts/bench-incoming.sh'

test-e2e:
	cd end2end && npx playwright test

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy -p parley-model --all-targets --features server -- -D warnings
	cargo clippy -p parley-model --all-targets -- -D warnings
	cargo clippy -p parley-core --all-targets -- -D warnings
	cargo clippy -p parley-model --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p app --features ssr --all-targets -- -D warnings
	cargo clippy -p server --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings

clean:
	cargo clean
