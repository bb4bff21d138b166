# `make test` is the README's test command; .ci/run runs exactly it.
PYTHON ?= python3

.PHONY: install test test-fast test-rust test-python lint layout bench-trie docs

install:
	bash tools/install.sh

test: install
	cargo test --release
	$(PYTHON) -m pytest -q

# The developer loop: every Rust test, and the Python tests but those marked
# `slow` (model generations, long sweeps), which `make test` and CI still run.
test-fast: install
	cargo test --release
	$(PYTHON) -m pytest -q -m "not slow"

# The Rust tests alone, and the Python tests alone (every one, the slow too).
test-rust: install
	cargo test --release

test-python: install
	$(PYTHON) -m pytest -q

# The documentation site (docs/, mkdocs.yml) into site/.
docs: install
	$(PYTHON) -m mkdocs build --strict

# The architecture's rules: no import cycle between modules or layers, no
# source file over 800 lines.
layout:
	$(PYTHON) tools/modgraph.py rust/core/src rust/bindings/src rust/fuzz/src
	$(PYTHON) tools/filesizes.py

lint: install layout
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(PYTHON) -m ruff check python tests benches tools
	$(PYTHON) -m ruff format --check python tests benches tools
	$(PYTHON) -m mypy --strict python/corral
	$(PYTHON) -m mypy.stubtest corral._core

bench-trie:
	cargo run --release -q -p corral-benches --bin triebench -- \
		tests/data/tokenizers/gemma3 tests/data/tokenizers/llama3 \
		tests/data/tokenizers/o200k tests/data/tokenizers/qwen3
