# The two commands in the README are a contract: `make demo` and `make test` work on a fresh
# clone with only Python 3.11+ and make; everything else is installed here, into .venv/.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "graphkit needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,speed]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/graphkit demo

lint: install
	$(BIN)/ruff check graphkit tests bench

typecheck: install
	$(BIN)/mypy graphkit

unit: install
	$(BIN)/pytest --durations=15

test: lint typecheck unit

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) graphkit-data graphkit-demo build *.egg-info test-artifacts
