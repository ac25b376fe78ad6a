# publish: `make` builds every format of every source into build/; `make test` runs the whole suite, `make test-fast`
# in under a minute the tests that need no full build, browser, Java, Node.js or speech.
# Both set up what they need first: a .venv with the Python dependencies, node_modules for the
# JavaScript validators, and (for the tests) Debian packages, installed with apt-get when run as root.
#
# The build is incremental and parallel: every output file is a target that depends on exactly what it is
# made of (its source, the build code, its theme), so `make` after no change runs nothing, a theme change
# rebuilds only the outputs styled by it, and independent formats and documents are built at once: plain `make`
# runs as many jobs as there are cores (`make -j1` or `make -j4` says otherwise). `make bench` measures the build
# against the engines called directly (bench/README.md).

ifeq ($(filter -j% j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
SOURCES := $(wildcard sources/*.md)
SEED    := sources/B9-0311-2022.md
OTHER_SOURCES := $(filter-out $(SEED),$(SOURCES))
PUBLISH := $(BIN)/publish
# Debian packages the build needs: Pango for WeasyPrint (PDF editions). No font package: the print themes ship their
# fonts (themes/fonts/) and WeasyPrint uses no other.
DEBIAN_RUNTIME := lib:pango-1.0=libpango-1.0-0 lib:pangoft2-1.0=libpangoft2-1.0-0
# liblouis for the braille edition: its tables, its Python binding (loaded by path: publish/writers/louis.py) and
# lou_translate, which the check back-translates with.
DEBIAN_RUNTIME += lou_translate:liblouis-bin file:/usr/share/liblouis/tables/en-ueb-g2.ctb=liblouis-data \
	file:/usr/lib/python3/dist-packages/louis/__init__.py=python3-louis

# What every output is made of besides its source and theme: the build code (publish/check/ only reads outputs
# back and is not imported by a build), the pronunciation lexicons, and the installed dependencies (the stamp).
OUT  := build
DOCS := $(basename $(notdir $(SOURCES)))
CODE := $(shell find publish -name '*.py' -not -path 'publish/check/*') $(wildcard publish/lexicons/*) $(wildcard publish/languages/*) \
	$(VENV)/.installed
# The theme files each format is styled with (audio has none); the PDF's include the fonts the print theme declares,
# the page's its read-along script (inlined, so a change to it rewrites the pages alone).
THEME_html := themes/default.css publish/writers/readalong.js
THEME_pdf  := themes/default-print.css $(wildcard themes/fonts/*.ttf)
THEME_pdf_large := $(THEME_pdf) themes/default-large-print.css
THEME_epub := themes/default-epub.css
# The files each writer makes for document $(1), in $(OUT)/$(1)/.
html_files  = $(OUT)/$(1)/$(1).html
pdf_files   = $(OUT)/$(1)/$(1).pdf $(OUT)/$(1)/$(1)-large-print.pdf
audio_files = $(OUT)/$(1)/$(1).mp3 $(OUT)/$(1)/$(1).vtt
epub_files  = $(OUT)/$(1)/$(1).epub
m4b_files   = $(OUT)/$(1)/$(1).m4b
akn_files   = $(OUT)/$(1)/$(1).akn.xml
braille_files = $(OUT)/$(1)/$(1).brf $(OUT)/$(1)/$(1).pef
FORMATS := html pdf audio epub m4b akn braille
$(foreach f,$(FORMATS),$(eval $(f)_outputs := $(foreach d,$(DOCS),$(call $(f)_files,$(d)))))

.PHONY: all build html pdf epub audio m4b akn braille test test-fast lint bench check-python setup setup-test clean distclean \
	.debian-test-packages

all: build

build: $(foreach f,$(FORMATS),$($(f)_outputs))

# One target per format, named as the writer is (`publish build --to NAME`).
html: $(html_outputs)
pdf: $(pdf_outputs)
audio: $(audio_outputs)
epub: $(epub_outputs)
m4b: $(m4b_outputs)
akn: $(akn_outputs)
braille: $(braille_outputs)

# One `publish build --to FORMAT` per document and writer, writing only that writer's files (one per PDF edition, so
# the two are laid out at once): pattern rules, as the audio writer makes its two files at once (and, unlike `&:`
# rules, they let `make -n` show what follows). The stem is DOC/DOC, the source sources/DOC.md; for
# DOC-large-print.pdf make picks the rule with the shorter stem. The EPUB reads the standard PDF's pages and the
# audio's times from $(OUT)/DOC/anchors.json, so it is built after them; writers of one document update
# anchors.json under a lock.
.SECONDEXPANSION:
SOURCE_OF = sources/$$(notdir $$*).md
$(OUT)/%.html: $(SOURCE_OF) $(THEME_html) $(CODE)
	$(PUBLISH) build --to html -o $(OUT) $<
$(OUT)/%-large-print.pdf: $(SOURCE_OF) $(THEME_pdf_large) $(CODE)
	$(PUBLISH) build --to pdf --edition pdf-large -o $(OUT) $<
$(OUT)/%.pdf: $(SOURCE_OF) $(THEME_pdf) $(CODE)
	$(PUBLISH) build --to pdf --edition pdf -o $(OUT) $<
$(OUT)/%.mp3 $(OUT)/%.vtt: $(SOURCE_OF) $(CODE)
	$(PUBLISH) build --to audio -o $(OUT) $<
$(OUT)/%.epub: $(SOURCE_OF) $(THEME_epub) $(CODE) $(OUT)/%.pdf $(OUT)/%.mp3 $(OUT)/%.vtt
	$(PUBLISH) build --to epub -o $(OUT) $<

# The audiobook is the audio edition's narration again, as AAC in MP4 with chapter atoms.
$(OUT)/%.m4b: $(SOURCE_OF) $(CODE) $(OUT)/%.mp3 $(OUT)/%.vtt
	$(PUBLISH) build --to m4b -o $(OUT) $<

# The Akoma Ntoso edition: the text as OASIS legal XML, written from the model alone (no theme).
$(OUT)/%.akn.xml: $(SOURCE_OF) $(CODE)
	$(PUBLISH) build --to akn -o $(OUT) $<

# The braille edition: the BRF and the PEF of the same pages, made at once (liblouis, publish/writers/braille.py).
$(OUT)/%.brf $(OUT)/%.pef: $(SOURCE_OF) $(CODE)
	$(PUBLISH) build --to braille -o $(OUT) $<

# pytest runs as `python -m pytest`, so the tests import this checkout's package even from a .venv another checkout
# installed (a git worktree's). The suite runs `publish check` on the seed (tests/test_check_command.py); `make check`
# adds the other committed sources, the language versions with their switcher, as `make` builds them.
test: setup-test lint
	$(BIN)/python -m pytest --durations=15
	$(if $(OTHER_SOURCES),$(MAKE) --no-print-directory check SOURCES="$(OTHER_SOURCES)")

# The tests of pyproject.toml's markers that need none of these (pdftotext reads the PDFs' words back in some).
FAST_TESTS := not (build or browser or jvm or node or speech)
test-fast: lint
	@scripts/debian-packages pdftotext:poppler-utils
	$(BIN)/python -m pytest -m "$(FAST_TESTS)"

# Read every built document back, compare each format with its source and run every validator once per batch;
# writes build/<document>/report.html and report.json, and fails when anything does.
.PHONY: check
check: setup-test build
	$(PUBLISH) check $(SOURCES:sources/%.md=build/%)

lint: $(VENV)/.installed
	$(BIN)/ruff check publish tests
	$(BIN)/ruff format --check publish tests

# The benchmark (not part of `make test`): pandoc and espeak-ng are the engines it compares with, GNU time
# measures peak memory.
bench: $(VENV)/.installed
	@scripts/debian-packages pandoc:pandoc espeak-ng:espeak-ng file:/usr/bin/time=time
	$(BIN)/python bench/bench.py

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed node_modules/.installed .debian-test-packages

# Python ≥ 3.11 and the Debian packages the build needs; run by the set-up of .venv (so not on every `make`).
define check-python-recipe
@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "publish needs Python 3.11 or newer, found " + sys.version.split()[0])'
@PYTHON=$(PYTHON) scripts/debian-packages py:ensurepip=python3-venv $(DEBIAN_RUNTIME)
endef

check-python:
	$(check-python-recipe)

$(VENV)/.installed: pyproject.toml
	$(check-python-recipe)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@scripts/debian-packages npm:npm node:nodejs
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# Headless Chromium (axe-core, the accessibility tree), Java (the Nu Html Checker, veraPDF), poppler (pdftotext),
# ffmpeg (ffprobe's chapters and decoding in the audio checks), mediainfo (the audiobook's chapters as players read them),
# calibre (ebook-convert and ebook-meta: the EPUB as a third reader sees it), jing (the PEF against its RELAX NG schema).
.debian-test-packages:
	@scripts/debian-packages chromium:chromium java:default-jre-headless pdftotext:poppler-utils ffprobe:ffmpeg mediainfo:mediainfo \
		ebook-convert:calibre jing:jing

clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf $(VENV) node_modules
