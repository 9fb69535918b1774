# Two commands on a fresh machine: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

# Local development and tests run with DEBUG on (no HTTPS redirect, plain static files);
# production sets DEBUG=false, SECRET_KEY and the rest, see .env.example.
export DEBUG ?= true

.PHONY: run test setup messages migrate seed lint format check prodcheck benchmark loadtest clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed messages

# Swedish translations are compiled from the committed .po files (gettext's msgfmt).
messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: setup
	$(PY) manage.py migrate --no-input -v0

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo "Serving MIO Tidsdagbok on http://$(HOST)/ (log in with a demo login above)"
	$(PY) manage.py runserver $(HOST)

# One pytest worker per core (pytest-xdist; each worker has its own test database): the suite takes
# about 6 minutes on SQLite on two cores instead of 10. TESTS=-n0 runs in one process.
TESTS ?= -n auto
test: setup
	$(PY) -m pytest $(TESTS)

# The analysis benchmark in the configured database (set DATABASE_URL for PostgreSQL), e.g.
# `make benchmark MANAGERS=15000`; it prints JSON with the timings the README records.
MANAGERS ?= 300
DAYS ?= 10
benchmark: migrate
	$(PY) manage.py benchmark_analysis --managers $(MANAGERS) --days $(DAYS) --page

# The diary under load (loadtest/run.py): its own PostgreSQL database (LOADTEST_DATABASE_URL, default
# mio_loadtest on 127.0.0.1), gunicorn, 500 managers in locust opening and saving a day every 10 s for 75 s,
# then every acknowledged save checked in the database. Prints a JSON summary; fails when the goal is missed.
loadtest: setup
	$(PY) loadtest/run.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: setup
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The production settings boot: check --deploy, collectstatic, migrate, then gunicorn serves the login
# page with its security headers, a hashed static file and a signed-in page (see .ci/prodcheck).
prodcheck: setup
	PY=$(PY) .ci/prodcheck

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
