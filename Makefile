# waibao: `make run` serves the platform with demo data; `make test` runs lint, types and the suite.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
WAIBAO := $(BIN)/waibao
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENTERPRISES ?= 2000

.PHONY: install install-test run serve setup-data test lint typecheck check audit pytest bench clean messages

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test-installed: requirements/test.txt $(VENV)/.base-installed
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $@

## install: create .venv, install the platform and compile its translations
install: $(VENV)/.base-installed
	$(WAIBAO) compiletranslations

## run: install, migrate, load the default data and the demo city, print the demo accounts, serve
run: install setup-data serve

setup-data:
	$(WAIBAO) migrate --no-input
	$(WAIBAO) load_defaults
	$(WAIBAO) demo --enterprises $(DEMO_ENTERPRISES) --seed 2007
	$(WAIBAO) stats demo --seed 2007
	$(WAIBAO) demo_accounts --quiet
	$(WAIBAO) applications demo
	$(WAIBAO) governance demo
	$(WAIBAO) topten demo
	$(WAIBAO) talent demo
	$(WAIBAO) recruitment demo
	$(WAIBAO) promotion demo
	$(WAIBAO) website demo
	$(WAIBAO) casework demo
	$(WAIBAO) opendata release
	$(WAIBAO) demo_accounts

# The background worker (imports, exports) runs beside the web server; Ctrl-C or the server ending stops both.
serve:
	@echo "Serving on http://$(HOST):$(PORT)/  with a background worker (Ctrl-C stops both; e-mail the platform sends is written to var/mail/)"
	@$(WAIBAO) website schedule
	@$(WAIBAO) db_worker --no-reload --interval 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(WAIBAO) runserver $(HOST):$(PORT)

## install-test: the test tools, and the Debian packages the tests need (Chromium, PostgreSQL, Redis)
install-test: install $(VENV)/.test-installed
	scripts/ensure-system-packages.sh

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/mypy src config benchmarks

check: install-test
	DJANGO_SETTINGS_MODULE=config.settings.test $(WAIBAO) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(WAIBAO) makemigrations --check --dry-run

## audit: known vulnerabilities in the pinned requirements (says NOT CHECKED, never a silent pass, when offline)
audit: install-test
	$(BIN)/python scripts/pip_audit.py

# The whole suite runs on both databases at once: SQLite in the foreground (with the browser tests), PostgreSQL
# in a second process (everything but the browser tests) whose output is kept in var/pytest-postgres.log and
# printed when both are done. Fails when either fails; the closing lines are both runs' pytest summaries.
pytest: install-test
	scripts/test-postgres.sh start
	scripts/test-redis.sh start
	@mkdir -p var; set -a; source var/test-postgres/env; source var/test-redis/env; set +a; \
	DATABASE_URL=$$WAIBAO_TEST_POSTGRES_URL $(BIN)/pytest -m "not e2e" -p no:cacheprovider $(PYTEST_ARGS) \
	  > var/pytest-postgres.log 2>&1 & pg=$$!; \
	$(BIN)/pytest -m "not postgres" $(PYTEST_ARGS) 2>&1 | tee var/pytest-sqlite.log; sqlite=$${PIPESTATUS[0]}; \
	wait $$pg; postgres=$$?; \
	echo; echo "==================== the same suite on PostgreSQL (var/pytest-postgres.log) ===================="; \
	cat var/pytest-postgres.log; echo; \
	echo "pytest exit status: SQLite $$sqlite, PostgreSQL $$postgres; summaries (a failing run last):"; \
	if [ $$sqlite -ne 0 ]; then order="postgres sqlite"; else order="sqlite postgres"; fi; \
	for db in $$order; do echo "[$$db] $$(tail -n 1 var/pytest-$$db.log)"; done; \
	passed=$$(tail -q -n 1 var/pytest-sqlite.log var/pytest-postgres.log | grep -o '[0-9]* passed' | awk '{s+=$$1} END {print s+0}'); \
	failed=$$(tail -q -n 1 var/pytest-sqlite.log var/pytest-postgres.log | grep -o '[0-9]* \(failed\|error\|errors\)' | awk '{s+=$$1} END {print s+0}'); \
	echo "total: $$passed passed, $$failed failed"; \
	[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

## test: lint, type checks, Django checks and the whole suite (browser and PostgreSQL tests included)
test: lint typecheck check audit pytest

## messages: refresh every app's Chinese catalogue from the source (needs Debian's gettext)
messages:
	$(WAIBAO) makemessages -l zh_Hans --no-obsolete -i ".venv/*" -i "src/waibao/policy/*" -i "src/waibao/statistics/*" \
	  -i "src/waibao/ledger/*" -i "src/waibao/applications/*" -i "src/waibao/talent/*" -i "tests/*" -i "benchmarks/*" -i "var/*" -i "static/*"
	for app in src/waibao/policy/ src/waibao/statistics/ src/waibao/ledger/ src/waibao/applications/ src/waibao/talent/; do \
	  if [ -d "$$app/locale" ]; then (cd "$$app" && ../../../$(WAIBAO) makemessages -l zh_Hans --no-obsolete); fi; \
	done

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
