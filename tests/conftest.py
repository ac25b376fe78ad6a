"""Shared fixtures: the repository's paths, a small valid source, and the seed built once per session; the markers
a test gets from the fixtures it uses."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import strategies as st

from publish import reader
from publish.build import build
from publish.model import Document

ROOT = Path(__file__).resolve().parents[1]

# One cache of spoken units for the whole test session, so each unit is synthesized once however many builds run.
os.environ.setdefault("PUBLISH_SPEECH_CACHE", tempfile.mkdtemp(prefix="publish-test-speech-"))
SEED_TEXT = ROOT / "tests" / "fixtures" / "B9-0311-2022.txt"
SEED_SOURCE = ROOT / "sources" / "B9-0311-2022.md"

#: A small source that uses every construct: footnote, emphasis, links, points, sub-points, indents.
SMALL = """\
---
reference: B9-0001/2024
procedure: 2024/0001(RSP)
type: Motion for a resolution
title: A test resolution on everything a source can hold
language: en
issued_by: European Parliament
---

The European Parliament,

## Citations

- having regard to the first thing,

- having regard to the second thing,

## Recitals

A. whereas one;

B. whereas two:

   (a) first point;

   (b) second point:

       (i) sub one;

       (ii) sub two;

## Paragraphs

1. Calls for one thing[^1];

2. Calls for *another* thing, see [paragraph 1](#para_1) and [the Parliament](https://www.europarl.europa.eu/):

   - first indent;

   - second indent;

3. Instructs its President to forward this resolution.

[^1]: A footnote text.
"""


#: The small source with subheadings between its clauses: one before a recital, and in the paragraphs a level-1
#: subheading with two level-2 ones below it (the first right after it, so that it heads no clause of its own).
SUBHEADED = (
    SMALL.replace("A. whereas one;\n\nB.", "A. whereas one;\n\n### Points and sub-points\n\nB.")
    .replace("## Paragraphs\n\n1.", "## Paragraphs\n\n### I. General remarks\n\n#### The first call\n\n1.")
    .replace("\n\n2. Calls", "\n\n#### Links and *indents*\n\n2. Calls")
)


@pytest.fixture(scope="session")
def seed() -> Document:
    return reader.read(SEED_SOURCE)


@pytest.fixture(scope="session")
def small_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.md"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def subheaded_source(small_source: Path) -> Path:
    path = small_source.parent / "subheaded.md"
    path.write_text(SUBHEADED, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, small_source: Path, subheaded_source: Path) -> Path:
    """The seed, the small source and the small source with subheadings built into a temporary build folder (all
    formats)."""
    out = tmp_path_factory.mktemp("build")
    build([SEED_SOURCE, small_source, subheaded_source], out)
    return out


#: The markers (declared in pyproject.toml) a test gets from a fixture it uses, directly or through another fixture:
#: the fixture needs what they name, so its tests cannot forget them. A test module may add its own fixtures in a
#: ``FIXTURE_MARKERS`` dict of the same shape; what a test needs in its own body it is marked for where it is defined.
FIXTURE_MARKERS: dict[str, tuple[str, ...]] = {
    "built": ("build",),  # every format of three documents, the audio spoken
    "browser": ("browser",),  # a headless Chromium (test_check_html's waits for the Nu Html Checker, below)
    "vnu": ("jvm",),  # test_check_html: the Nu Html Checker run in the background
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with what the fixtures it uses need (:data:`FIXTURE_MARKERS`, and its module's)."""
    for item in items:
        fixtures = FIXTURE_MARKERS | getattr(getattr(item, "module", None), "FIXTURE_MARKERS", {})
        needed = {marker for name in getattr(item, "fixturenames", ()) for marker in fixtures.get(name, ())}
        for marker in sorted(needed - {mark.name for mark in item.iter_markers()}):
            item.add_marker(marker)


def seed_words() -> list[str]:
    """The words of the official seed text in order, without the recital and paragraph labels ("A.", "3.")."""
    words = []
    for line in SEED_TEXT.read_text(encoding="utf-8").splitlines():
        line_words = line.split()
        if line_words and re.fullmatch(r"[A-Z]{1,2}\.|\d+\.", line_words[0]):
            line_words = line_words[1:]
        words += line_words
    return words


def mutated(lines: list[str], markup: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Inputs made from real ones by deleting, duplicating, swapping lines and inserting ``markup`` or text (the
    fuzz tests of the reader, the importer and the AKN import)."""
    edits = st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "swap", "insert"]),
            st.integers(min_value=0, max_value=len(lines) - 1),
            st.one_of(markup, st.text(max_size=12)),
        ),
        min_size=1,
        max_size=6,
    )

    def apply(ops: list[tuple[str, int, str]]) -> str:
        out = list(lines)
        for op, index, text in ops:
            index %= len(out)
            if op == "delete" and len(out) > 1:
                del out[index]
            elif op == "duplicate":
                out.insert(index, out[index])
            elif op == "swap" and index + 1 < len(out):
                out[index], out[index + 1] = out[index + 1], out[index]
            elif op == "insert":
                cut = len(out[index]) // 2
                out[index] = out[index][:cut] + text + out[index][cut:]
        return "".join(out)

    return edits.map(apply)
