# firpath — `make run` starts the demo, `make test` runs the whole suite on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_FILE := firpath-demo.db
DEMO_DB ?= sqlite:///$(DEMO_FILE)

.PHONY: run test lint typecheck unit integration bench test-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: create .venv, install, start the server on a fresh SQLite file with the demo CPL and accounts
run: $(STAMP)
	rm -rf $(DEMO_FILE) $(DEMO_FILE)-wal $(DEMO_FILE)-shm firpath-demo-images
	$(BIN)/firpath --db $(DEMO_DB) serve --demo

## test-deps: what the tests need from the system (a PostgreSQL server)
test-deps:
	./scripts/install-test-deps.sh

## test: install everything, then lint, type-check and run every test on SQLite and PostgreSQL
test: test-deps $(STAMP) lint typecheck
	$(BIN)/pytest -q -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/import_cpl.py
	$(BIN)/python benchmarks/fleet_plan.py
	./scripts/install-bench-deps.sh
	$(BIN)/python benchmarks/api_load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache firpath-demo.db* firpath-demo-images
