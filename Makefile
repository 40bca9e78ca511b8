# Two commands from a fresh clone:  make run   (demo on SQLite)   and   make test   (ruff + pytest).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# make run serves the development server with demo data; production uses gunicorn (see README).
RUN_ENV := DEBUG=1

.PHONY: run setup test lint format system-packages messages bench schema fuzz clean

run: setup
	$(RUN_ENV) $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

setup: system-packages $(VENV)/.installed messages
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py load_demo

test: system-packages $(VENV)/.installed-dev messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest
	$(BIN)/pytest -m live

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# What pip cannot bring: gettext (compilemessages), pango (WeasyPrint), fonts with Vietnamese glyphs.
system-packages:
	@scripts/install-system-packages.sh

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

messages: $(VENV)/.installed
	@DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv -v 0

# The committed OpenAPI description; tests fail when the code and this file drift apart.
schema: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py spectacular --file docs/openapi.yaml

# A longer run of the API fuzzing than the suite's: every phase and check, FUZZ_EXAMPLES per operation (300 by
# default; the suite and CI run 15). OPENAPI_SCHEMA=file fuzzes another description than docs/openapi.yaml.
fuzz: $(VENV)/.installed-dev
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(BIN)/pytest -m fuzz tests/hardening/test_api_fuzz.py

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

# Issue 11's load test alone: 50 officers and 10 API clients while 50,000 households are imported.
.PHONY: load
load: $(VENV)/.installed-dev
	$(BIN)/python bench/load.py

# Issue 20's sign-in storm alone: 50 officers sign in at once, before and after argon2id.
.PHONY: login-storm
login-storm: $(VENV)/.installed-dev
	$(BIN)/python bench/login_storm.py

# Issue 25's country alone: 1M then 10M households over the 34 provinces (an hour or more, ~30 GB of disk).
.PHONY: national
national: $(VENV)/.installed-dev
	$(BIN)/python bench/national.py --sizes 1000000 10000000

# The attack tour against a production-like server (gunicorn, DEBUG=0, behind TLS-proxy headers) on a fresh
# PostgreSQL database with the demo: about 7 minutes; fails when a defect of medium severity or more is left.
.PHONY: attack-tour
attack-tour: $(VENV)/.installed-dev
	$(BIN)/python scripts/attack_tour.py

# The offline app's browser libraries, vendored: npm installs exactly the lock file's versions, the built files
# are copied to static/vendor/ and committed, so neither `make run` nor `make test` needs npm. The source-map
# comments are dropped (the maps are not vendored; the manifest static storage would look for them).
WORKBOX_MODULES := core routing strategies precaching
.PHONY: frontend
frontend:
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund
	rm -rf static/vendor/workbox static/vendor/idb
	mkdir -p static/vendor/workbox static/vendor/idb
	cp frontend/node_modules/workbox-sw/build/workbox-sw.js frontend/node_modules/workbox-sw/LICENSE static/vendor/workbox/
	cp frontend/node_modules/workbox-window/build/workbox-window.prod.umd.js static/vendor/workbox/
	for module in $(WORKBOX_MODULES); do \
		cp frontend/node_modules/workbox-$$module/build/workbox-$$module.prod.js static/vendor/workbox/ || exit 1; \
	done
	cp frontend/node_modules/idb/build/umd.js static/vendor/idb/idb.umd.js
	cp frontend/node_modules/idb/LICENSE static/vendor/idb/LICENSE
	sed -i '/^\/\/# sourceMappingURL=/d' static/vendor/workbox/*.js static/vendor/idb/*.js

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm db.sqlite3-progress staticfiles .pytest_cache .ruff_cache
