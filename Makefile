# podfsm's set-up and checks. The README's Quickstart uses `make demo` and `make test`;
# both create the virtual environment and install what they need on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test lint typecheck unit docs docs-serve diagrams vectors traces bench system-deps browser-deps clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[test]'
	@$(BIN)/python -m pip install -q -e '.[cluster]' || echo "note: Ray (podfsm[cluster]) could not be installed; the Ray test will skip"
	@touch $(STAMP)

system-deps:
	@scripts/ensure-system-deps

browser-deps:
	@scripts/ensure-system-deps --browser

## The main job: run every built-in example scenario through the model and print its timeline.
demo: $(STAMP) system-deps
	$(BIN)/podfsm examples

## The whole test suite: lint, strict type check, tests (incl. the browser test), docs build.
test: $(STAMP) browser-deps
	$(BIN)/ruff check podfsm tests benchmarks
	$(BIN)/ruff format --check podfsm tests benchmarks
	$(BIN)/mypy podfsm
	$(BIN)/python -m pytest
	$(BIN)/mkdocs build --strict --quiet --site-dir build/site

lint: $(STAMP)
	$(BIN)/ruff check podfsm tests benchmarks
	$(BIN)/ruff format --check podfsm tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy podfsm

unit: $(STAMP) system-deps
	$(BIN)/python -m pytest -x -q

docs: $(STAMP) system-deps
	$(BIN)/mkdocs build --strict --site-dir build/site

docs-serve: $(STAMP) system-deps
	$(BIN)/mkdocs serve

## Regenerate the committed diagrams and generated doc pages from the machines.
diagrams: $(STAMP) system-deps
	$(BIN)/podfsm diagram --out diagrams --format svg,dot
	$(BIN)/python -m podfsm.docgen docs

## Regenerate the test vectors and example traces shipped in the package (tests fail when stale).
vectors: $(STAMP)
	$(BIN)/podfsm vectors --out podfsm/conformance/data/vectors

traces: $(STAMP)
	$(BIN)/python scripts/make_traces.py

bench: $(STAMP) system-deps
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache .hypothesis
