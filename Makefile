# make run   — install what is missing, migrate the SQLite database, load demo data (with the
#              monthly reports of past months), then serve the web and the scheduler together
# make test  — install what is missing and run the whole suite
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# the job worker runs only when jobs go on a Redis queue (REDIS_URL); else they run in-process
PROCESSES = web scheduler $(if $(REDIS_URL),worker)
DEPS_STAMP := $(VENV)/.installed-$(shell cat setup.cfg | sha1sum | cut -c1-10)
DEBIAN_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 poppler-utils graphviz
BROWSER_PACKAGES := chromium chromium-driver

.PHONY: run test bench lint system-deps browser-deps translations catalog clean

run: system-deps $(DEPS_STAMP) translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo
	@echo "  Serving on http://$(HOST):$(PORT)/  with the scheduler beside it$(if $(REDIS_URL), and a job worker,) (Ctrl+C stops all)"
	@echo
	PATH="$(abspath $(VENV))/bin:$$PATH" HOST=$(HOST) $(VENV)/bin/honcho start -f Procfile -p $(PORT) $(PROCESSES)

# one test worker per core, each with its own database (tests/conftest.py)
TEST_WORKERS ?= auto

test: system-deps browser-deps $(DEPS_STAMP) translations
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: system-deps $(DEPS_STAMP) translations
	$(PY) -m bench

lint: $(DEPS_STAMP)
	$(VENV)/bin/ruff check mediation_app tests bench
	$(VENV)/bin/lint-imports

system-deps:
	@./scripts/apt-ensure $(DEBIAN_PACKAGES)

browser-deps:
	@./scripts/apt-ensure $(BROWSER_PACKAGES)

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(DEPS_STAMP): setup.cfg pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

translations: $(DEPS_STAMP)
	@$(VENV)/bin/pybabel compile --use-fuzzy -d mediation_app/translations

# Refresh the message catalogue after changing UI strings, then translate the new entries.
catalog: $(DEPS_STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ -o mediation_app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i mediation_app/translations/messages.pot -d mediation_app/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
