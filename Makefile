# desk — two commands on a fresh machine with Python 3.11+ and make:
#   make run    create .venv, install, migrate, load demo data, serve http://127.0.0.1:5000
#   make test   install the test dependencies and run the whole suite
# and, for day-to-day work:
#   make check  lint, then the quick tests (SQLite, no browser, no slow tests), in about a minute

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
# Tests run in parallel, one pytest-xdist worker per CPU (PYTEST_WORKERS=0: one process);
# tests that share an expensive fixture (the loaded demo) stay on one worker.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

.PHONY: run test check install install-test lint translations clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "desk needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.stamp-install: pyproject.toml hatch_build.py $(wildcard translations/*/LC_MESSAGES/*.po) | $(BIN)/python
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml hatch_build.py $(wildcard translations/*/LC_MESSAGES/*.po) | $(BIN)/python
	$(PIP) install --quiet -e ".[test]"
	@touch $(VENV)/.stamp-install $@

install: $(VENV)/.stamp-install

install-test: $(VENV)/.stamp-test

translations: install
	$(BIN)/desk translate compile

run: install translations
	$(BIN)/desk init --demo
	$(BIN)/desk serve

test: install-test
	$(BIN)/desk translate compile
	$(PYTEST) $(PYTEST_ARGS)

check: lint
	$(BIN)/desk translate compile
	DESK_TEST_DATABASE_URL= HYPOTHESIS_PROFILE=quick \
		$(PYTEST) -q -m "not browser and not slow" $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check desk tests bench

bench: install-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
