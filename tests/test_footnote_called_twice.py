"""A footnote called twice: the second call is ``authorialNote_1__ref_2`` in every format, and ``publish check``
(read-backs, cross-format comparison and every validator) passes over the document."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, SMALL
from lxml import etree, html

from publish import anchors, reader
from publish.build import build
from publish.model import FootnoteRef

#: The small source with its one note called a second time, in paragraph 3.
TWICE = SMALL.replace("3. Instructs its President to forward this resolution.", "3. Instructs its President[^1].")
SECOND_CALL = "authorialNote_1__ref_2"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The document built in every format, then ``publish check`` run over it as a user runs it."""
    root = tmp_path_factory.mktemp("twice")
    source = root / "twice.md"
    source.write_text(TWICE, encoding="utf-8")
    build([source], root / "build")
    folder = root / "build" / "twice"
    cmd = [sys.executable, "-m", "publish.cli", "check", str(folder), "--source", str(source)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False), folder


def test_the_second_call_has_its_own_anchor_from_anchors_py():
    document = reader.parse(TWICE, Path("twice.md"))
    calls = [node for clause in document.iter_clauses() for node in clause.content if isinstance(node, FootnoteRef)]
    assert [call.eid for call in calls] == [anchors.footnote_ref_eid(1), anchors.footnote_ref_eid(1, 2)]
    assert [call.eid for call in calls] == ["authorialNote_1__ref", SECOND_CALL]
    assert anchors.NON_CLAUSE.fullmatch(SECOND_CALL)
    assert not anchors.NON_CLAUSE.fullmatch("authorialNote_1__ref_x")


def test_publish_check_passes(checked):
    run, folder = checked
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "pass" and report["problems"] == []


def test_every_format_carries_the_second_call(checked):
    _, folder = checked
    page = html.parse(str(folder / "twice.html")).getroot()
    assert [a.get("href") for a in page.iterfind(".//a[@id]") if a.get("id").startswith("authorialNote_1__ref")] == [
        "#authorialNote_1",
        "#authorialNote_1",
    ]
    assert page.get_element_by_id(SECOND_CALL) is not None
    with zipfile.ZipFile(folder / "twice.epub") as book:
        xhtml = etree.fromstring(book.read("EPUB/text.xhtml"))
    assert xhtml.xpath("//*[@id=$id]", id=SECOND_CALL)
    for name in ("twice.pdf", "twice-large-print.pdf"):
        with pikepdf.open(folder / name) as pdf:
            names = {str(key) for key in _dests(pdf)}
        assert SECOND_CALL in names, name


def _dests(pdf: pikepdf.Pdf) -> list[str]:
    """The names of the PDF's named destinations (its ``/Dests`` name tree)."""
    tree = pikepdf.NameTree(pdf.Root.Names.Dests)
    return list(tree.keys())
