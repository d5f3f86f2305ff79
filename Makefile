# Developer entry points. `make test` is the README's test command and what CI runs.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: help dev test test-rust test-python lint check bench fuzz fuzz-seeds clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

dev: ## install mathb (release build of the core) with the test and lint tools and the extras the tests use
	$(PIP) install -q -e '.[fallback,report,parquet,serve,ray]' --group dev

test: dev check test-rust test-python ## install test dependencies and run every check and test

test-rust: ## the Rust tests (unit, integration, property)
	cargo test --workspace --exclude mathb-py

test-python: ## the Python test-suite (API, CLI, properties, conformance)
	$(PYTHON) -m pytest -q

lint: dev check ## install the tools, then run the static checks

check: ## rustfmt, clippy, import circles, ruff, mypy, and the stubs checked against the compiled module
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	$(PYTHON) scripts/module_cycles.py
	$(PYTHON) -m ruff check python tests benches examples scripts
	$(PYTHON) -m ruff format --check python tests benches examples scripts
	$(PYTHON) -m mypy
	$(PYTHON) -m mypy.stubtest mathb._core --allowlist .mypy-stubtest-allowlist

bench: ## criterion benches of the grader and the record reader, then the end-to-end comparison
	cargo bench -p mathb-core -p mathb-dumps
	$(PIP) install -q -e . --group bench
	$(PYTHON) benches/bench_grade.py

# Fuzzing (docs/fuzzing.md): not part of `make test`. cargo-fuzz needs nightly-only rustc
# flags (sanitizers, coverage instrumentation); RUSTC_BOOTSTRAP=1 allows them on stable.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS ?= extract latex compare json_scan dump
FUZZ_TIMEOUT ?= 2
FUZZ_RSS_MB ?= 2048
# none: the core is safe Rust but for a few audited blocks, and without ASan the targets
# run about ten times as many inputs; FUZZ_SANITIZER=address checks those blocks too.
FUZZ_SANITIZER ?= none
FUZZ_ARGS ?=
FUZZ_CARGO = RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz
FUZZ_BUILD = --fuzz-dir fuzz -s $(FUZZ_SANITIZER) --target-dir fuzz/target/$(FUZZ_SANITIZER)

fuzz-seeds: ## write the fuzz targets' seed corpora (fuzz/seeds/) from the test cases
	$(PYTHON) fuzz/seeds.py

fuzz: fuzz-seeds ## run every fuzz target for FUZZ_SECONDS each (default 30)
	command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
	$(FUZZ_CARGO) build $(FUZZ_BUILD)
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz target $$t ($(FUZZ_SECONDS) s)"; \
		mkdir -p fuzz/corpus/$$t; \
		$(FUZZ_CARGO) run $(FUZZ_BUILD) $$t $(CURDIR)/fuzz/corpus/$$t $(CURDIR)/fuzz/seeds/$$t -- \
			-dict=$(CURDIR)/fuzz/$$(case $$t in json_scan|dump) echo json;; *) echo latex;; esac).dict \
			-max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=$(FUZZ_RSS_MB) \
			-print_final_stats=1 $(FUZZ_ARGS) || exit 1; \
	done

clean:
	cargo clean
	rm -rf .pytest_cache .hypothesis fuzz/target
