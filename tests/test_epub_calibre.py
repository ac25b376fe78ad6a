"""The EPUB as calibre reads it (Debian's calibre: ``ebook-convert`` to text, ``ebook-meta``): a third reader's view.

calibre keeps no style sheet in a text export, so what is drawn by CSS alone is lost there: the citations' dashes
were (#17). The export must hold every clause's official label, its dash included, before the clause's text, and
nothing the theme draws for reading systems (the page breaks' names, the citations' ordinals) may leak into it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from publish.model import ClauseKind

#: The dash the official text numbers citations and indents with.
DASH = "\u2013"
CALIBRE_TIMEOUT = 300


def _calibre(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: install Debian's calibre (scripts/debian-packages ebook-convert:calibre)")
    return path


@pytest.fixture(scope="module")
def seed_epub(built: Path) -> Path:
    return built / "B9-0311-2022" / "B9-0311-2022.epub"


@pytest.fixture(scope="module")
def exported(seed_epub: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed's EPUB converted to plain text by calibre, whitespace squeezed."""
    out = tmp_path_factory.mktemp("calibre") / "book.txt"
    subprocess.run(
        [_calibre("ebook-convert"), str(seed_epub), str(out)],
        check=True,
        capture_output=True,
        timeout=CALIBRE_TIMEOUT,
    )
    return re.sub(r"\s+", " ", out.read_text(encoding="utf-8"))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_text_export_has_every_clause_after_its_official_label(seed, exported):
    missing = []
    for clause in seed.iter_clauses():
        label = clause.label or (DASH if clause.kind in (ClauseKind.CITATION, ClauseKind.INDENT) else "")
        text = _squeeze(clause.text)
        if not re.search(re.escape(label) + r"\s*" + re.escape(text[:60]), exported):
            missing.append(f"{clause.eid}: {label} {text[:40]}")
    assert missing == []
    assert exported.count(f"{DASH} having regard to") == 8  # the eight citations, each with its dash


def test_the_text_export_keeps_nothing_the_theme_draws(seed, exported):
    assert "Page 2" not in exported  # the page break markers' names are drawn by the style sheet
    for clause in seed.iter_clauses():
        if clause.kind is ClauseKind.CITATION:  # no ordinal between the dash and the text
            assert f"{clause.num} {_squeeze(clause.text)[:30]}" not in exported


def test_ebook_meta_shows_the_title_language_and_identifier(seed_epub, seed):
    shown = subprocess.run(
        [_calibre("ebook-meta"), str(seed_epub)], check=True, capture_output=True, text=True, timeout=CALIBRE_TIMEOUT
    ).stdout
    fields = dict(
        (key.strip(), value.strip()) for key, _, value in (line.partition(":") for line in shown.splitlines()) if value
    )
    assert fields["Title"] == seed.metadata.title
    assert fields["Languages"] == "eng"
    assert fields["Identifiers"] == f"europarl:{seed.metadata.reference}"
