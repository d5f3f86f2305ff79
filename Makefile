# Developer entry points. `make test` is the README's test command and what CI runs.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: help dev test test-rust test-python lint check bench clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

dev: ## install mathb (release build of the core) with the test and lint tools and the extras the tests use
	$(PIP) install -q -e '.[test,lint,fallback,report,parquet]'

test: dev check test-rust test-python ## install test dependencies and run every check and test

test-rust: ## the Rust tests (unit, integration, property)
	cargo test --workspace --exclude mathb-py

test-python: ## the Python test-suite (API, CLI, properties, conformance)
	$(PYTHON) -m pytest -q

lint: dev check ## install the tools, then run the static checks

check: ## rustfmt, clippy, ruff, mypy, and the stubs checked against the compiled module
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	$(PYTHON) -m ruff check python tests benches examples
	$(PYTHON) -m ruff format --check python tests benches examples
	$(PYTHON) -m mypy
	$(PYTHON) -m mypy.stubtest mathb._core --allowlist .mypy-stubtest-allowlist

bench: ## criterion benches of the core, then the end-to-end comparison
	cargo bench -p mathb-core
	$(PIP) install -q -e '.[bench]'
	$(PYTHON) benches/bench_grade.py

clean:
	cargo clean
	rm -rf .pytest_cache .hypothesis
