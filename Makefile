# publish: `make` builds every format of every source into build/; `make test` runs the whole suite.
# Both set up what they need first: a .venv with the Python dependencies, node_modules for the
# JavaScript validators, and (for the tests) Debian packages, installed with apt-get when run as root.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
SOURCES := $(wildcard sources/*.md)
PUBLISH := $(BIN)/publish
# Debian packages the build needs: Pango and the DejaVu fonts (italics are in -extra) for WeasyPrint (PDF editions).
DEBIAN_RUNTIME := lib:pango-1.0=libpango-1.0-0 lib:pangoft2-1.0=libpangoft2-1.0-0 \
	file:/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf=fonts-dejavu-core \
	file:/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf=fonts-dejavu-extra

.PHONY: all build html pdf epub audio test lint check-python setup setup-test clean distclean .debian-test-packages

all: build

build: $(VENV)/.installed
	$(PUBLISH) build $(SOURCES)

# One target per format, named as the writer is (`publish build --to NAME`).
html pdf epub audio: $(VENV)/.installed
	$(PUBLISH) build --to $@ $(SOURCES)

test: setup-test
	$(BIN)/ruff check publish tests
	$(BIN)/ruff format --check publish tests
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check publish tests
	$(BIN)/ruff format --check publish tests

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed node_modules/.installed .debian-test-packages

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "publish needs Python 3.11 or newer, found " + sys.version.split()[0])'
	@PYTHON=$(PYTHON) scripts/debian-packages py:ensurepip=python3-venv $(DEBIAN_RUNTIME)

$(VENV)/.installed: pyproject.toml | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@scripts/debian-packages npm:npm node:nodejs
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# Headless Chromium (axe-core, the accessibility tree), Java (the Nu Html Checker, veraPDF), poppler (pdftotext),
# ffmpeg (ffprobe's chapters and decoding in the audio checks).
.debian-test-packages:
	@scripts/debian-packages chromium:chromium java:default-jre-headless pdftotext:poppler-utils ffprobe:ffmpeg

clean:
	rm -rf build

distclean: clean
	rm -rf $(VENV) node_modules
