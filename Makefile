# The two commands of the README: `make run` and `make test`. Everything they need is installed
# by the targets below, from the lock files (uv.lock, package-lock.json).
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist), each with its own test database; `auto` is one per core.
TEST_WORKERS ?= auto
# uv must use this machine's Python 3.11, never download one.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help setup venv assets run test test-fast lint format bench bench-dataset chromium clean

help:
	@echo "make run    - set up and serve the app with demo data on SQLite (http://$(HOST):$(PORT))"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lint   - ruff, djlint, migrations check"
	@echo "make bench  - benchmarks in tests/perf (not part of make test)"
	@echo "make bench-dataset - build the national dataset once (for the load benchmark)"

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	@touch $@

venv: $(VENV)/.synced

static/vendor/.built: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/dkfds static/vendor/htmx
	cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img node_modules/dkfds/dist/js static/vendor/dkfds/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	@touch $@

assets: static/vendor/.built

setup: venv assets

run: setup
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo --if-empty
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# Debian's Chromium drives the browser tests; installed here when we may (root, apt).
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-liberation >/dev/null; \
	else echo "chromium is missing: browser tests will be skipped (install Debian's chromium to run them)"; fi

test: setup chromium
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-fast: setup
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not e2e and not celery" $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates */templates --lint
	$(PY) manage.py makemigrations --check --dry-run

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks need PostgreSQL: the local one unless DATABASE_URL says otherwise.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helhedsindsats_bench
bench: setup
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(VENV)/bin/pytest tests/perf -p no:cacheprovider $(PYTEST_ARGS)

# The national-size dataset the load benchmark (tests/perf/test_load.py) runs against: built
# once into its own database (created if missing), then kept. See docs/perf/README.md.
BENCH_NATIONAL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helhedsindsats_national
export BENCH_NATIONAL_DATABASE_URL
bench-dataset: setup
	$(PY) -c "import sys, psycopg; url = sys.argv[1]; name = url.rsplit('/', 1)[1]; c = psycopg.connect(url.rsplit('/', 1)[0] + '/postgres', autocommit=True); c.execute('SELECT 1 FROM pg_database WHERE datname = %s', [name]).fetchone() or c.execute('CREATE DATABASE \"' + name + '\"')" "$(BENCH_NATIONAL_DATABASE_URL)"
	env $$($(PY) -m tests.keys) DATABASE_URL=$(BENCH_NATIONAL_DATABASE_URL) $(PY) manage.py migrate --noinput
	env $$($(PY) -m tests.keys) DATABASE_URL=$(BENCH_NATIONAL_DATABASE_URL) $(PY) manage.py seed_demo --scale national --allow-demo-users

clean:
	rm -rf $(VENV) $(TOOLS) node_modules static/vendor var/staticfiles
