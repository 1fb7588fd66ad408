# Backprop Lab: `make run` serves the lab, `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: run classroom test lint typecheck unit browser-deps bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(TSTAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install -q -e '.[test]'
	touch $@

run: $(STAMP)
	$(PY) -m app

# `make run` on every interface, for a lecture hall (README, "In a lecture hall").
classroom: $(STAMP)
	BACKPROP_HOST=0.0.0.0 $(PY) -m app

browser-deps:
	bash tests/browser/install_chromium.sh

lint: $(TSTAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(TSTAMP)
	$(PY) -m mypy

unit: $(TSTAMP) browser-deps
	$(PY) -m pytest -n 2

test: lint typecheck unit

bench: $(TSTAMP) browser-deps
	$(PY) -m tests.bench.run_all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis test-artifacts
