# OpenBatignolles portal. `make run` sets everything up and serves the portal;
# `make test` runs the whole test suite. Both create .venv when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat requirements/*.txt | sha1sum | cut -c1-12)

.PHONY: run test venv migrate seed worker beat bench lint messages compilemessages clean

$(STAMP): requirements/base.txt requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

migrate: venv
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo
	@echo "  OpenBatignolles is served on http://127.0.0.1:$(PORT)/"
	@echo "  Demo accounts: see README.md; password: $${DEMO_PASSWORD:-batignolles-demo}"
	@echo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .

worker: venv
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: venv
	$(BIN)/celery -A portal beat --loglevel=INFO

bench: venv
	$(BIN)/python bench/run_all.py
	$(BIN)/python bench/jury_assignment.py

# Extract the strings to translate (needs GNU gettext: installed here if missing).
messages: venv
	@command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles --ignore=scripts
	$(BIN)/python scripts/merge_translations.py

# Compile .po into .mo with polib (no gettext needed); the .mo files are committed.
compilemessages: venv
	$(BIN)/python manage.py compile_translations

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
