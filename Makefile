# Attune — `make run` runs the app (gunicorn, DEBUG off: fine to keep as your
# journal), `make dev` runs it for development (reload, DEBUG on), `make test`
# runs the tests.
# Both set up everything they need on a fresh machine with Python >= 3.12.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Find a Python >= 3.12: an explicit PYTHON=..., python3.13, python3.12, pyenv, python3.
PYTHON ?= $(shell for c in python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: help run dev test check lint typecheck test-unit test-e2e fuzz bench bench-smoke clean python

help:
	@echo "make run    - run Attune at http://127.0.0.1:8000 (gunicorn, SQLite, file broker, worker and beat; ADDR=host:port to change)"
	@echo "make dev    - the same with Django's development server: reloads on changes, DEBUG on"
	@echo "make test   - lint, type-check and run the whole test suite"
	@echo "make fuzz   - run every fuzz test with new random examples"
	@echo "make bench  - run the benchmarks (make bench-smoke for a small, quick run)"

python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Attune needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (python3.12 / python3.13, or 'pyenv install 3.13'), or run 'make run PYTHON=/path/to/python3.13'."; \
	  exit 1; fi

$(VENV)/.runtime: pyproject.toml | python
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(PIP) install -e .
	@touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(PIP) install -e ".[dev]"
	@touch $@

run: $(VENV)/.runtime
	$(PY) manage.py run_embedded $(if $(ADDR),--addr $(ADDR))

dev: $(VENV)/.runtime
	DEBUG=$${DEBUG:-true} $(PY) manage.py run_embedded --dev $(if $(ADDR),--addr $(ADDR))

lint: $(VENV)/.dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy .

check: $(VENV)/.dev
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) -m django check

test-unit: $(VENV)/.dev
	$(VENV)/bin/pytest -n 2 -m "not e2e and not workers" --hypothesis-profile=ci --create-db $(PYTEST_ARGS)
	$(VENV)/bin/pytest -m workers --create-db $(PYTEST_ARGS)

test-e2e: $(VENV)/.dev
	$(VENV)/bin/pytest -m e2e --create-db $(PYTEST_ARGS)

test: lint typecheck check test-unit test-e2e bench-smoke

# Every fuzz test with new random examples (make test uses fixed ones).
fuzz: $(VENV)/.dev
	$(VENV)/bin/pytest -n 2 -m "not e2e and not workers" -k fuzz $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(PY) -m bench.run

bench-smoke: $(VENV)/.dev
	$(PY) -m bench.run --smoke

clean:
	rm -rf $(VENV) var/
