# CPIMS Kenya. Two set-up commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on both cores (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

.PHONY: run test install install-dev serve demo lint typecheck typecheck-baseline layers test-sqlite test-postgres test-browser bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

# Installs are stamped, so a second `make run` does not reinstall anything.
$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.base-installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

# Demo settings: SQLite under var/, 2FA relaxed so demo users can sign in without an authenticator.
DEMO_ENV := CPIMS_DEMO=true CPIMS_REQUIRE_2FA=false

run: install
	$(BIN)/python manage.py compile_translations --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py load_reference
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	$(MAKE) --no-print-directory serve

# The web server, the background-task worker and the scheduler of periodic tasks run together;
# Ctrl-C stops them all.
serve:
	@set -m; trap 'kill 0' EXIT INT TERM; \
	rm -rf var/prometheus && mkdir -p var/prometheus; \
	$(DEMO_ENV) $(BIN)/python manage.py db_worker --verbosity 0 & \
	$(DEMO_ENV) $(BIN)/python manage.py run_schedule > /dev/null & \
	echo "CPIMS is at http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the worker)"; \
	PROMETHEUS_MULTIPROC_DIR=var/prometheus $(DEMO_ENV) $(BIN)/gunicorn cpims.wsgi:application --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - --log-level warning

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Types against the committed baseline (mypy-baseline.txt): an error not in it fails, and so does
# one listed that no longer happens (run `make typecheck-baseline` to shrink the list).
typecheck: install-dev
	@$(BIN)/mypy | $(BIN)/mypy-baseline filter || { \
		echo "typecheck: fix the new errors above; if errors were fixed, run 'make typecheck-baseline' and commit mypy-baseline.txt."; \
		exit 1; }

# Rewrites the baseline from today's errors: after fixing errors, or once after merging moved code.
typecheck-baseline: install-dev
	$(BIN)/mypy | $(BIN)/mypy-baseline sync

# The layering contracts between the apps ([tool.importlinter] in pyproject.toml).
layers: install-dev
	$(BIN)/lint-imports --no-cache

# The whole suite: lint, types, layers, migrations in step with models, then every test on
# SQLite, then on PostgreSQL when it answers. The browser journeys run once, on PostgreSQL (the
# production database, and the stack journey needs it) or on SQLite when PostgreSQL is absent:
# twice would double their minutes for little. In CI (CI=true) PostgreSQL must answer.
test: install-dev
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory typecheck
	$(MAKE) --no-print-directory layers
	CPIMS_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python manage.py compile_translations --verbosity 0
	@echo "== SQLite =="
	CPIMS_ENV=test DATABASE_URL= $(BIN)/pytest -q -m "not browser" -n $(TEST_WORKERS) --dist worksteal
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL does not answer at $(PG_TEST_URL): CI needs the PostgreSQL run."; exit 1; \
	else echo "PostgreSQL does not answer at $(PG_TEST_URL): PostgreSQL run skipped, browser journeys on SQLite."; \
		DATABASE_URL= $(MAKE) --no-print-directory test-browser; fi

# Each database on its own, browser journeys included.
test-sqlite:
	@echo "== SQLite =="
	CPIMS_ENV=test DATABASE_URL= $(BIN)/pytest -q -m "not browser" -n $(TEST_WORKERS) --dist worksteal
	DATABASE_URL= $(MAKE) --no-print-directory test-browser

test-postgres:
	@echo "== PostgreSQL =="
	CPIMS_ENV=test DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -m "not browser" -n $(TEST_WORKERS) --dist worksteal
	CPIMS_ENV=test DATABASE_URL=$(PG_TEST_URL) $(MAKE) --no-print-directory test-browser

# Browser journeys drive Debian's chromium (apt-get install chromium); CI always has it. They run
# on both cores too: each process has its own live server, database and browser.
test-browser:
	@if [ -x /usr/bin/chromium ]; then \
		CPIMS_ENV=test DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q -m browser -n $(TEST_WORKERS) --dist worksteal; \
	elif [ -n "$$CI" ]; then echo "chromium is missing in CI"; exit 1; \
	else echo "WARNING: /usr/bin/chromium not found, browser journeys NOT run (apt-get install chromium)."; fi

messages:
	@root=$$(pwd); for loc in $$(find cpims -type d -name locale -not -path '*/node_modules/*'); do \
		(cd $$(dirname $$loc) && $$root/$(BIN)/django-admin makemessages -l sw --no-obsolete >/dev/null); done
	$(BIN)/python manage.py compile_translations

bench: install-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf var

# The production topology on this machine from local services (docs/operator-guide.md, "The stack
# on one machine"): two web processes (ports 8001 and 8002), two workers, two schedulers,
# PostgreSQL at 127.0.0.1:5432 (database `stack`), Redis at 127.0.0.1:6379 and moto's S3 server as
# the private file store. Ctrl-C stops them all.
.PHONY: stack
stack: install-dev
	VENV_BIN=$(BIN) scripts/stack.sh
