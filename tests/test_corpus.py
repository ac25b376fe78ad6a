"""Real resolutions as they come (issue 13): every text of ``tests/corpus/`` imports as it was copied, its clauses are
the ones a person counted by reading it, and it builds in every format and passes ``publish check``."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT

from publish import reader
from publish.build import build
from publish.check import run
from publish.importer import import_file
from publish.model import ClauseKind, Document, SectionKind

CORPUS = ROOT / "tests" / "corpus"
ROWS = list(csv.DictReader((CORPUS / "counts.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t"))
NAMES = [row["file"].removesuffix(".txt") for row in ROWS]
COUNTED = ("citations", "recitals", "paragraphs", "points", "indents", "subheadings", "footnotes")
#: ``corpus_build`` is every corpus text built in every format.
FIXTURE_MARKERS = {"corpus_build": ("build",)}


def counts(document: Document) -> dict[str, int]:
    """What the model holds, counted as the table counts it."""
    kinds = Counter(clause.kind for clause in document.iter_clauses())

    def top(kind: SectionKind) -> int:
        section = document.section(kind)
        return len(section.clauses) if section else 0

    return {
        "citations": top(SectionKind.CITATIONS),
        "recitals": top(SectionKind.RECITALS),
        "paragraphs": top(SectionKind.PARAGRAPHS),
        "points": kinds[ClauseKind.POINT],
        "indents": kinds[ClauseKind.INDENT],
        "subheadings": sum(1 for _ in document.iter_subheadings()),
        "footnotes": len(document.footnotes),
    }


def test_the_corpus_is_real_texts_of_every_kind_each_with_its_provenance():
    others = (CORPUS / "languages.tsv").read_text(encoding="utf-8").splitlines()[1:]  # tests/test_languages.py
    files = sorted(row["file"] for row in ROWS)
    assert sorted(files + [line.split("\t")[0] for line in others]) == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert len(ROWS) >= 12
    assert {row["kind"] for row in ROWS} == {"motion", "joint-motion", "text-adopted", "report"}
    assert sum(int(row["subheadings"]) > 0 for row in ROWS) >= 3
    assert sum(int(row["points"]) > 0 for row in ROWS) >= 2
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    for name in files:
        section = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## |\Z)", sources, re.MULTILINE | re.DOTALL)
        assert section is not None, f"SOURCES.md has no section for {name}"
        assert re.search(r"https?://", section[1]), f"SOURCES.md gives no address for {name}"


@pytest.mark.parametrize("row", ROWS, ids=NAMES)
def test_each_text_imports_as_copied_with_the_clauses_a_person_counted(row):
    path = CORPUS / row["file"]
    imported = import_file(path)  # never --lenient, never an edited text
    document = reader.parse(imported.source, path.with_suffix(".md"))
    assert document.metadata.reference == row["reference"]
    assert counts(document) == {key: int(row[key]) for key in COUNTED}


@pytest.mark.parametrize("row", [r for r in ROWS if int(r["subheadings"])], ids=lambda r: r["file"])
def test_subheadings_rename_no_clause(row):
    path = CORPUS / row["file"]
    source = import_file(path).source
    without = "\n".join(line for line in source.splitlines() if not line.startswith("###"))
    with_them = reader.parse(source, path)
    assert with_them.anchors == reader.parse(without, path).anchors
    assert [s.eid for s in with_them.iter_subheadings()] == [
        f"hcontainer_{n}" for n in range(1, int(row["subheadings"]) + 1)
    ]


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    """Every corpus text imported into a source and built in every format: (sources, build folders)."""
    folder = tmp_path_factory.mktemp("corpus")
    sources = []
    for row in ROWS:
        source = folder / "sources" / row["file"].replace(".txt", ".md")
        source.parent.mkdir(exist_ok=True)
        source.write_text(import_file(CORPUS / row["file"]).source, encoding="utf-8")
        sources.append(source)
    build(sources, folder / "build")
    return sources, [folder / "build" / source.stem for source in sources]


@pytest.mark.browser
@pytest.mark.jvm
@pytest.mark.node
def test_every_text_builds_in_every_format_and_passes_publish_check(corpus_build):
    """Anchors agree in every format, the words round-trip to the HTML, the PDF text, the EPUB and the captions, and
    every validator (axe, Nu, veraPDF, outloud, EPUBCheck, Ace, the audio gate) passes."""
    sources, folders = corpus_build
    outcomes = run.check(folders, sources)
    assert {outcome.folder.name: outcome.problems for outcome in outcomes} == {name: [] for name in NAMES}
    for outcome in outcomes:
        assert {f.format for f in outcome.formats if f.found} == set(run.FILES) | set(run.BRAILLE_FILES)
