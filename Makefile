# The two commands in the README are a contract: `make demo` and `make test` work on a fresh
# clone with only Python 3.11+ and make; everything else is installed here, into .venv/.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml packaging/pyicu/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "graphkit needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# PyICU from a wheel (packaging/pyicu says why); a PyICU built here before is removed first,
	@# since both put their files in icu/.
	@$(BIN)/python -c 'import importlib.metadata as m; assert "+wheels" in m.version("pyicu")' 2>/dev/null \
		|| $(BIN)/python -m pip uninstall --quiet --yes pyicu 2>/dev/null || true
	$(BIN)/python -m pip install --quiet ./packaging/pyicu
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
