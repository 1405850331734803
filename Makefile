# OpenBatignolles portal. `make run` sets everything up and serves the portal;
# `make test` runs the whole test suite. Both create .venv when needed.
# Without DATABASE_URL and REDIS_URL both use the embedded PostgreSQL and Redis
# (portal/devstack.py, data under var/); with them, the servers they name.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat requirements/*.txt | sha1sum | cut -c1-12)

.PHONY: run stop test browser venv lock migrate seed worker beat bench lint messages compilemessages clean security-report

# Every dependency, direct and indirect, comes from the lock file with its
# hashes (requirements/lock.txt): a package changed on the index is refused.
$(STAMP): requirements/base.txt requirements/dev.txt requirements/lock.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

# Compile requirements/lock.txt again from base.txt and dev.txt (after a pin
# changes there): every package of the resolution, with the hashes of its files.
UV ?= $(shell command -v uv || echo $(BIN)/uv)
lock:
	@test -x $(UV) || $(BIN)/python -m pip install --quiet uv==0.13.8
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11 \
		--output-file requirements/lock.txt requirements/dev.txt

migrate: venv
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# PostgreSQL and Redis, migrations, the demo, then the web server, a Celery
# worker and beat under honcho. Ctrl-C stops them all, servers included.
run: venv
	DJANGO_SETTINGS_MODULE=portal.settings.dev PORT=$(PORT) \
		$(BIN)/python -m portal.devstack run --port $(PORT)

# Stop the embedded servers whoever uses them (after a `kill -9`, say).
stop: venv
	$(BIN)/python -m portal.devstack stop

# Debian's Chromium for the browser tests (tests/browser/), never a download.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@test -x $(CHROMIUM) || { echo "Installing Debian's Chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

test: venv browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .

worker: venv
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(BIN)/celery -A portal worker --loglevel=INFO

beat: venv
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(BIN)/celery -A portal beat \
		--loglevel=INFO --schedule var/celerybeat-schedule

bench: venv
	$(BIN)/python bench/run_all.py
	$(BIN)/python bench/jury_assignment.py
	$(BIN)/python bench/jury_ranking.py
	$(BIN)/python bench/jury_dossier.py

# The security figures (docs/security.md): hostile files and fetches, then the
# access-control suites under pytest (URL x role x method matrix, API key
# matrix, schemathesis), which use PostgreSQL and Redis like `make test`.
security-report: venv
	$(BIN)/python scripts/security_report.py

# Extract the strings to translate (needs GNU gettext: installed here if missing).
messages: venv
	@command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles --ignore=scripts
	$(BIN)/python scripts/merge_translations.py

# Compile .po into .mo with polib (no gettext needed); the .mo files are committed.
compilemessages: venv
	$(BIN)/python manage.py compile_translations

clean:
	-test -x $(BIN)/python && $(BIN)/python -m portal.devstack stop
	rm -rf $(VENV) var staticfiles .pytest_cache
