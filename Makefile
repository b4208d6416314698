# RJ Archive: `make run` sets up and serves the archive; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve setup install install-dev browser ocr wacz-check migrate seed index test test-postgres messages lint format clean

# The archive's address follows HOST and PORT (its links, and its replay origin: the other
# spelling of the local host on the same port, e.g. http://localhost:8000 for replays).
run: setup ## Set everything up and serve the archive with its seed content
	DEBUG=$${DEBUG:-true} ARCHIVE_BASE_URL=$${ARCHIVE_BASE_URL:-http://$(HOST):$(PORT)} \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production server: gunicorn with several workers, static files hashed and compressed.
# Needs SECRET_KEY and ALLOWED_HOSTS (see README); ARCHIVE_HTTPS=false when not behind TLS.
WORKERS ?= 3
# Names (people, places, organizations) and scans (OCR) are read by one process each
# beside the workers.
serve: setup
	PRODUCTION=true $(BIN)/python manage.py collectstatic --noinput -v0
	PRODUCTION=true $(BIN)/python manage.py extract_entities --follow & follower=$$!; \
	PRODUCTION=true $(BIN)/python manage.py ocr --follow & reader=$$!; \
	trap 'kill $$follower $$reader 2>/dev/null' EXIT INT TERM; \
	PRODUCTION=true $(BIN)/gunicorn rjsite.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --graceful-timeout 20

setup: install ocr migrate seed index

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here),
# with a Japanese font so that the screenshots of Japanese pages can be read.
browser:
	@{ command -v chromium >/dev/null && dpkg -s fonts-ipafont-gothic >/dev/null 2>&1; } || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		$$SUDO apt-get install -y -qq chromium fonts-ipafont-gothic >/dev/null; }
	@chromium --version 2>/dev/null | head -1

# OCR of scans: OCRmyPDF and Tesseract with the English, Russian, Japanese and vertical
# Japanese models, from Debian's packages (nothing is downloaded at run time).
OCR_PACKAGES := ocrmypdf tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-jpn tesseract-ocr-jpn-vert
ocr:
	@{ command -v ocrmypdf >/dev/null && dpkg -s $(OCR_PACKAGES) >/dev/null 2>&1; } || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		$$SUDO apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; }
	@ocrmypdf --version 2>/dev/null | sed 's/^/OCRmyPDF /'

# `wacz validate` (Webrecorder's py-wacz), which the tests run on every WACZ the archive
# writes, in a venv of its own: its pins (python-dateutil, frictionless) differ from ours.
WACZ_VENV := .venv-wacz
$(WACZ_VENV)/.installed: requirements-wacz.txt
	$(PYTHON) -m venv $(WACZ_VENV)
	$(WACZ_VENV)/bin/pip install --quiet --upgrade pip
	$(WACZ_VENV)/bin/pip install --quiet -r requirements-wacz.txt
	touch $@

wacz-check: $(WACZ_VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seed

# Builds the search index if there is none, and repairs any drift from the database.
index: seed
	$(BIN)/python manage.py check_index --fix

test: install-dev browser ocr wacz-check ## Install what the tests need and run them all
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n 2

# The suite against PostgreSQL: installs and starts Debian's server on loopback if needed.
test-postgres: install-dev browser ocr wacz-check
	scripts/with_postgres.sh $(BIN)/pytest -n 2

# The interface's catalogues: find new strings (needs GNU gettext's xgettext), keep the
# translations, and compile the .mo files (with polib; they are committed).
LANGUAGES ?= ru ja
messages: install-dev
	$(BIN)/python manage.py makemessages $(addprefix -l ,$(LANGUAGES)) --add-location=file \
		--ignore=.venv --ignore=tests --ignore=scripts --ignore=var --ignore=test-artifacts \
		--ignore=archive/templates/admin/archive/widgets/*
	$(BIN)/python scripts/compile_messages.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache test-artifacts
