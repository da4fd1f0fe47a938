# desk — two commands on a fresh machine with Python 3.11+ and make:
#   make run    create .venv, install, migrate, load demo data, serve http://127.0.0.1:5000
#   make test   install the test dependencies and run the whole suite

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: run test install install-test lint translations clean bench

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
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check desk tests bench

bench: install-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
