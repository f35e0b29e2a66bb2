# Shuangsui — the two commands a newcomer needs are `make run` and `make test`.
# Neither calls cargo-leptos: the site is built by scripts/build-site.sh and the server by
# cargo, which embeds the site in the one binary. `make dev` is the optional live loop.
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(PATH):$(HOME)/.cargo/bin
TARGET := $(or $(CARGO_TARGET_DIR),target)

.PHONY: run setup build serve dev test test-rust test-python test-browser site lint fmt bench bench-portal bench-task bench-staff lighthouse access fuzz crash

## Install what is missing (wasm target, wasm-bindgen-cli, wasm-opt), build the site and the
## release server (one self-contained binary), and serve the demo on http://127.0.0.1:3000
run: setup build serve

setup:
	scripts/setup.sh run

build:
	scripts/build.sh

serve:
	$(TARGET)/release/shuangsui serve

## The development loop: `cargo leptos watch` rebuilds and reloads on every change. Installs
## cargo-leptos on first use (about 25 min of compiling on 2 cores, once).
dev:
	scripts/setup.sh dev
	cargo leptos watch

## Every test: unit, integration (real server, real binary; once on a SQLite file, once
## on PostgreSQL), the independent Python verifier, and headless-Chromium browser tests.
# The PostgreSQL server for the second integration run and the schema parity test
# (scripts/setup.sh test installs and starts it and creates the role).
test test-rust crash: export SHUANGSUI_TEST_PG ?= postgres://shuangsui:shuangsui@127.0.0.1:5432/postgres

test:
	scripts/setup.sh test
	$(MAKE) site test-rust test-python test-browser

site:
	scripts/build-site.sh

# Every package's tests, with the integration suite on SQLite and, beside it, again on
# PostgreSQL (each test on a database of its own).
test-rust:
	scripts/test-rust.sh

test-python:
	python3 -m unittest discover -s tests/python

test-browser:
	# The binary cargo test builds (same features: no second build).
	cargo test -p dr1 -p verifier -p app -p server --no-run
	node tests/browser/run.mjs
	node tests/browser/calendar.mjs
	node tests/browser/workflow.mjs
	node tests/browser/ceremony.mjs
	node tests/browser/registry.mjs
	node tests/browser/portal.mjs
	node tests/browser/security.mjs
	node tests/browser/standalone.mjs
	node tests/browser/ux.mjs
	node tests/browser/ux2.mjs
	node tests/browser/stats.mjs
	node tests/browser/batches.mjs
	node tests/browser/onsite.mjs

lint:
	cargo fmt --all -- --check
	cargo clippy -p dr1 -p verifier -p app -p server --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all

## Draw and verification speed: prints a table.
bench:
	scripts/bench.sh

## A province-size task end to end on 10^6 enterprises, SQLite and PostgreSQL: freeze, draw,
## the public pages; each phase's median.
bench-task:
	scripts/bench-large.sh task

## 50 staff signed in at once for a minute on 10^6 enterprises, SQLite and PostgreSQL: results
## entered and published, conflicts declared, pages read, an import in the middle; writes
## counted against what the clients were told, latencies in a table.
bench-staff:
	scripts/bench-large.sh staff

## Portal server speed: wrk on loopback with 10^6 enterprises and ~20,000 published results.
bench-portal:
	scripts/bench-portal.sh

## Portal on a phone: Lighthouse (mobile defaults) on the home, draw and search pages, 3 runs each.
lighthouse:
	scripts/lighthouse.sh

## Every endpoint × every demo account and anonymous against domain::endpoints, and the proxy cases, on both backends.
access:
	cargo test -p dr1 -p verifier -p app -p server --test api -- access:: proxy:: --nocapture
	SHUANGSUI_TEST_DB=postgres SHUANGSUI_TEST_PG=$${SHUANGSUI_TEST_PG:-postgres://shuangsui:shuangsui@127.0.0.1:5432/postgres} \
	  cargo test -p dr1 -p verifier -p app -p server --test api -- access:: proxy:: --nocapture

## The property tests of every reader of outside bytes (`props::` in app and dr1) with many
## more cases than `cargo test` runs (64 each); FUZZ_CASES=N to change.
FUZZ_CASES ?= 20000
fuzz:
	PROPTEST_CASES=$(FUZZ_CASES) cargo test -p dr1 -p verifier -p app -p server --lib --no-fail-fast -- props::

## Crash consistency (tests/api/crash.rs): the real server or command killed 50 times per
## operation kind (freeze, draw, 10^5-row import, publication, backup) on each backend, each
## run restarted and checked; prints a row of figures per kind. `make test` kills 3 per kind.
crash: export SHUANGSUI_CRASH_IMPORT_ROWS ?= 100000
crash:
	scripts/setup.sh test
	SHUANGSUI_CRASH_KILLS=50 cargo test -p dr1 -p verifier -p app -p server --test api -- crash:: --test-threads=1 --nocapture
	SHUANGSUI_CRASH_KILLS=50 SHUANGSUI_TEST_DB=postgres cargo test -p dr1 -p verifier -p app -p server --test api -- crash:: --test-threads=1 --nocapture
