# One target per job. `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The address `make run` serves on; links in emails, calendars and certificates use it too
# unless SITE_URL is set (expo/settings.py).
export HOST PORT

.PHONY: help venv run serve serve-uvicorn seed test test-fast bench faults load lint fmt worker beat lock messages catalogues clean

help:
	@echo "make run    set up and serve the demo expo on http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole suite on throwaway PostgreSQL and Redis"
	@echo "make bench  benchmarks on throwaway PostgreSQL and Redis, printed as a table"
	@echo "make faults the fault suite: Redis, PostgreSQL and worker crashes, reconnect storms"
	@echo "make load   the expo-day load test (locust) against two web processes"
	@echo "make lint | fmt | worker | beat | lock | messages | catalogues"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

# Compile the committed catalogues (locale/*/LC_MESSAGES/django.po) into the git-ignored .mo,
# with Babel so that no system gettext is needed to run the site.
messages: venv
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	  $(VENV)/bin/pybabel -q compile -d locale -D django; fi

# Update the catalogues from the code (tests/test_translations.py uses the same arguments);
# then translate the new entries in both .po files and `make messages`.
catalogues: venv
	$(PY) manage.py makemessages -l zh_Hant -l zh_Hans --ignore=.venv --ignore=var \
	  --ignore=static/vendor -e html,txt,py

run: venv messages
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	@echo
	@echo "  The expo is at http://$(HOST):$(PORT)/  (organiser admin: http://$(HOST):$(PORT)/admin/)"
	@echo "  Demo accounts are listed above. Stop with Ctrl-C."
	@echo
	@sh deploy/janus/with-media.sh $(PY) manage.py runserver $(HOST):$(PORT)

serve: venv
	$(PY) manage.py runserver $(HOST):$(PORT)

# Websockets as in production (uvicorn; runserver stays on daphne for development).
serve-uvicorn: venv
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

seed: venv
	$(PY) manage.py seed_demo

# Two pytest processes: Playwright's event loop and pytest-asyncio cannot share one
# (docs/testing.md). Exit code 5 ("nothing collected") is fine for the browser run
# when it is filtered away.
test: venv messages
	@.ci/install-system-packages
	$(PY) -m tests.harness sh -c '\
	  $(PY) -m pytest -m "not e2e" -p no:playwright $(PYTEST_ARGS) || exit $$?; \
	  $(PY) -m pytest -m e2e $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc'

test-fast: venv
	$(PY) -m tests.harness $(PY) -m pytest -m "not e2e and not slow" -p no:playwright $(PYTEST_ARGS)

bench: venv
	$(PY) -m tests.harness $(PY) -m bench.run

# The fault suite (bench/faults.py): starts its own PostgreSQL, Redis, SMTP sink, two uvicorn
# processes, a Celery worker and beat, injects the faults of an expo day, writes the counts to
# bench/results.json. A few minutes; not part of `make test`.
faults: venv
	@.ci/install-system-packages
	$(PY) -m bench.faults $(FAULTS_ARGS)

# The expo-day load test: locust's attendee mix against two uvicorn processes, a worker and
# beat, in steps of rising attendees (about 6 minutes); figures into bench/results.json.
load: venv
	$(PY) -m tests.harness $(PY) -m bench.load

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

fmt: venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

worker: venv
	$(VENV)/bin/celery -A expo worker --loglevel=INFO

beat: venv
	$(VENV)/bin/celery -A expo beat --loglevel=INFO --schedule var/celerybeat-schedule

lock: venv
	$(PY) -m pip install -q uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf var/static var/mail
