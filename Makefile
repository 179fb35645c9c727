# Stockroom: `make run` and `make test` are all a fresh machine needs (Python 3.11+ and make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
E2E_CHROMIUM ?= /usr/bin/chromium
E2E_ARGS ?=
COVERAGE_ARGS := --cov=stockroom --cov-report=term:skip-covered --cov-report=xml:artifacts/coverage.xml \
	--cov-fail-under=90

.DEFAULT_GOAL := help
.PHONY: help run test coverage e2e-browser lint typecheck format migrate seed worker beat e2e bench assets check-deploy clean lock \
	collectstatic backup restore owner audit scaleout messages compile-messages

help:  ## list the targets
	@grep -E '^[a-z-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Runtime dependencies only; stamp files make a second run skip the install.
$(VENV)/.base-installed: requirements/base.lock | $(BIN)/activate
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	@touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(BIN)/activate
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	@touch $@ $(VENV)/.base-installed

static/vendor/.lock-digest: package-lock.json | $(VENV)/.base-installed
	$(MANAGE) vendor_assets

assets: static/vendor/.lock-digest  ## fetch the pinned front-end packages

run: $(VENV)/.base-installed assets  ## set up, load the demo organization and serve on :8000
	$(MANAGE) migrate --noinput
	SITE_URL=http://$(HOST):$(PORT) $(MANAGE) seed_demo
	$(BIN)/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --lifespan off

test: $(VENV)/.dev-installed  ## the whole test suite (PostgreSQL/Redis too when their URLs are set)
	$(MANAGE) vendor_assets
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

coverage: $(VENV)/.dev-installed  ## the test suite measuring line coverage of the stockroom package
	$(MAKE) --no-print-directory test PYTEST_ARGS="$(COVERAGE_ARGS) $(PYTEST_ARGS)"

e2e-browser:
	@if [ ! -x "$(E2E_CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "make e2e needs Debian's chromium at $(E2E_CHROMIUM): run 'sudo apt-get install chromium'" \
	      "(or set E2E_CHROMIUM to a chromium binary)" >&2; \
	    exit 1; \
	  fi; \
	fi

e2e: $(VENV)/.dev-installed assets e2e-browser  ## browser tests: the app as a real process, headless chromium
	$(MANAGE) vendor_assets --dev
	$(BIN)/pytest -c e2e/pytest.ini e2e $(E2E_ARGS)

lint: $(VENV)/.dev-installed  ## ruff lint and format check, the layer contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed  ## mypy with django-stubs on the typed packages (pyproject.toml lists the rest)
	$(BIN)/mypy stockroom config

format: $(VENV)/.dev-installed  ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-deploy: $(VENV)/.base-installed  ## Django's deployment checklist under production settings
	DJANGO_SETTINGS_MODULE=config.settings.prod \
	SECRET_KEY=$${SECRET_KEY:-check-deploy-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-stockroom.example.com} \
	$(MANAGE) check --deploy --fail-level WARNING

migrate: $(VENV)/.base-installed  ## apply database migrations
	$(MANAGE) migrate --noinput

seed: $(VENV)/.base-installed  ## load (or refresh) the demo organization
	$(MANAGE) seed_demo

worker: $(VENV)/.base-installed  ## a real Celery worker (needs REDIS_URL)
	$(BIN)/celery -A config worker --loglevel=INFO

beat: $(VENV)/.base-installed  ## the Celery beat scheduler (needs REDIS_URL)
	$(BIN)/celery -A config beat --loglevel=INFO

collectstatic: $(VENV)/.base-installed assets  ## gather hashed, compressed static files (production)
	DJANGO_SETTINGS_MODULE=config.settings.prod \
	SECRET_KEY=$${SECRET_KEY:-collectstatic-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost} $(MANAGE) collectstatic --noinput

backup: $(VENV)/.base-installed  ## back up the database and media into ./backups (BACKUP_DIR=...)
	$(MANAGE) backup --output $${BACKUP_DIR:-backups}

restore: $(VENV)/.base-installed  ## restore DUMP=backups/db-....dump [MEDIA=backups/media-....tar.gz]
	$(MANAGE) restore $(DUMP) $(if $(MEDIA),--media $(MEDIA)) --yes

owner: $(VENV)/.base-installed  ## create the first owner: EMAIL=... ORG=... (password from OWNER_PASSWORD)
	$(MANAGE) create_owner --email "$(EMAIL)" --organization "$(ORG)" --staff

audit: $(VENV)/.dev-installed  ## supply chain: pip-audit on the locks, bandit on the code
	$(BIN)/pip-audit --strict --require-hashes -r requirements/base.lock
	$(BIN)/bandit -q -c pyproject.toml -r stockroom config -ll

scaleout: $(VENV)/.dev-installed assets  ## prove the production layout: nginx, 2 web, worker, PostgreSQL, Redis
	$(PY) deploy/scaleout_check.py

bench: $(VENV)/.dev-installed assets  ## load benchmarks on PostgreSQL + Redis (BENCH_ARGS=...): BENCHMARKS.md
	$(PY) -m bench.run $(BENCH_ARGS)

# The compiled catalogs are committed: `make run` needs no gettext tools.
messages: $(VENV)/.dev-installed  ## extract strings into locale/es/LC_MESSAGES/django.po (needs gettext), compile
	$(MANAGE) makemessages -l es --no-obsolete --ignore=.venv --ignore=node_modules --ignore=static \
		--ignore=staticfiles --ignore=bench --ignore=deploy --ignore=e2e --ignore=media
	$(MANAGE) compile_translations

compile-messages: $(VENV)/.dev-installed  ## compile the .po catalogs into the committed .mo files (polib)
	$(MANAGE) compile_translations

lock:  ## re-resolve the pinned lock files from pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --extra monitoring -o requirements/monitoring.lock pyproject.toml

clean:  ## remove the virtualenv, the SQLite database and fetched assets
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* static/vendor staticfiles .pytest_cache .pytest_media
