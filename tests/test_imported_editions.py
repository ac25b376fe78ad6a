"""Every imported fixture builds in every format and passes every format's gate (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from publish import reader
from publish.build import build
from publish.check import audio as check_audio
from publish.check import epub as check_epub
from publish.check import html as check_html
from publish.check import pdf as check_pdf
from publish.importer import import_file
from publish.writers.audio import spoken_units

TEXTS = sorted((ROOT / "tests" / "fixtures" / "import").glob("*.txt"))
NAMES = [text.stem for text in TEXTS]
#: ``editions`` is every imported fixture built in every format.
FIXTURE_MARKERS = {"editions": ("build",)}


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    """The fixtures imported into sources, then built in every format into one folder."""
    folder = tmp_path_factory.mktemp("imported")
    sources = []
    for text in TEXTS:
        source = folder / "sources" / f"{text.stem}.md"
        source.parent.mkdir(exist_ok=True)
        source.write_text(import_file(text).source, encoding="utf-8")
        sources.append(source)
    build(sources, folder / "build")
    return folder


def _files(editions: Path, suffix: str) -> list[Path]:
    return [editions / "build" / name / f"{name}{suffix}" for name in NAMES]


def test_every_fixture_was_built_in_every_format(editions):
    for name in NAMES:
        built = {p.name for p in (editions / "build" / name).iterdir()}
        expected = {f"{name}{s}" for s in (".html", ".pdf", "-large-print.pdf", ".epub", ".mp3", ".vtt")}
        assert expected <= built


@pytest.mark.browser
@pytest.mark.jvm
def test_imported_html_passes_axe_in_both_schemes_and_the_nu_checker(editions):
    assert [str(f) for f in check_html.gate(_files(editions, ".html"))] == []


@pytest.mark.jvm
def test_imported_pdfs_pass_verapdf_outloud_and_the_structure_checks(editions):
    assert [str(f) for f in check_pdf.gate(_files(editions, ".pdf") + _files(editions, "-large-print.pdf"))] == []


@pytest.mark.jvm
@pytest.mark.node
def test_imported_epubs_pass_epubcheck_and_ace(editions):
    assert [str(f) for f in check_epub.gate(_files(editions, ".epub"))] == []


@pytest.mark.parametrize("name", NAMES)
def test_imported_audio_passes_the_chapter_and_caption_gate(editions, name):
    document = reader.read(editions / "sources" / f"{name}.md")
    units = spoken_units(document)
    folder = editions / "build" / name
    findings = check_audio.gate(
        folder / f"{name}.mp3", folder / f"{name}.vtt", [u.id for u in units], [u.title for u in units]
    )
    assert [str(f) for f in findings] == []
