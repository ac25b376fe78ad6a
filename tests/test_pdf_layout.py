"""The PDF editions' layout read back (issue 17): full pages, clauses broken across pages yet one element each, a
space at every line end in structure order, the A4 measure, and a large-print running head set apart."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SMALL
from PIL import Image

from publish import reader
from publish.check import pdfpages
from publish.check.pdfread import PdfReading, StructNode
from publish.model import Document
from publish.writers import pdf as pdf_writer
from publish.writers import pdfpost
from publish.writers.html import DASH, print_page
from publish.writers.shared import Options

EDITIONS = {"pdf": ("", "print"), "pdf-large": ("-large-print", "large-print")}
CASES = [(name, edition) for name in ("B9-0311-2022", "small", "subheaded") for edition in EDITIONS]
MM = 72 / 25.4


def _path(built: Path, name: str, edition: str) -> Path:
    return built / name / f"{name}{EDITIONS[edition][0]}.pdf"


def struct_text(path: Path) -> list[tuple[str, str]]:
    """poppler's structure-order text (``pdfinfo -struct-text``): each top-level element's type and its spans'
    texts run together, as a reader that follows the tags gets them."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.fail("pdfinfo not found: apt-get install poppler-utils")
    out = subprocess.run([pdfinfo, "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    blocks: list[tuple[str, list[str]]] = []
    for line in out.splitlines():
        if line.startswith("  ") and not line.startswith("   ") and line.endswith("(block)"):
            blocks.append((line.split()[0], []))
        elif line.strip().startswith('"') and blocks:
            blocks[-1][1].append(line.strip()[1:-1])
    return [(kind, "".join(texts)) for kind, texts in blocks]


def page_words(document: Document, flavour: str) -> set[str]:
    """Every word of the print page the edition is rendered from, as the HTML spaces them."""
    root = print_page(document, Options(), flavour)
    return {word for element in root.iter("p", "h1", "h2", "h3", "h4", "li") for word in element.text_content().split()}


def broken_words(path: Path, words: set[str]) -> list[str]:
    """Tokens of the structure-order text that are no word of the page: two words run together, or one cut."""
    return [token for _, text in struct_text(path) for token in text.split() if token not in words]


@pytest.fixture(scope="module")
def documents(seed, small_source, subheaded_source) -> dict[str, Document]:
    return {"B9-0311-2022": seed, "small": reader.read(small_source), "subheaded": reader.read(subheaded_source)}


@pytest.mark.parametrize(("name", "edition"), CASES)
def test_structure_order_text_keeps_a_space_at_every_line_end(built, documents, name, edition):
    path = _path(built, name, edition)
    assert broken_words(path, page_words(documents[name], EDITIONS[edition][1])) == []


def test_without_the_line_end_spaces_the_seeds_lines_run_together(seed, tmp_path, monkeypatch):
    # What the fix is for (issue 17: "…reports of thehuman rights…" at 98 line ends of the A4 edition).
    monkeypatch.setattr(pdfpost, "space_line_ends", lambda pdf, document: 0)
    path = tmp_path / "joined.pdf"
    path.write_bytes(pdf_writer.render(seed, Options()).pdf)
    broken = broken_words(path, page_words(seed, "print"))
    assert len(broken) >= 90 and "thehuman" in broken


def test_a_line_ending_in_a_font_without_a_space_borrows_one(tmp_path):
    # Single emphasised words: the italic face never shows a space of its own, yet lines end in it.
    words = " ".join(f"*term{i}*" for i in range(90))
    source = tmp_path / "italic.md"
    source.write_text(SMALL.replace("Calls for one thing", f"Calls for {words} one thing"), encoding="utf-8")
    document = reader.read(source)
    path = tmp_path / "italic.pdf"
    path.write_bytes(pdf_writer.render(document, Options()).pdf)
    assert broken_words(path, page_words(document, "print")) == []


def _clause_nodes(reading: PdfReading) -> list[StructNode]:
    return [node for node in reading.structure.kids[0].kids if node.type == "P"]


def test_large_print_seed_fills_its_pages_with_clauses_broken_across_them(built):
    with PdfReading(_path(built, "B9-0311-2022", "pdf-large")) as reading:
        fills = pdfpages.page_fills(reading)
        spanning = [node for node in _clause_nodes(reading) if len({run.page for run in node.all_runs()}) > 1]
        findings = pdfpages.page_findings(reading)
    assert len(fills) < 13  # 13 when every clause was kept whole
    short = [(fill.page + 1, round(fill.fill, 2)) for fill in fills if fill.fill < 0.9 and not fill.section_end]
    assert short == []
    assert len(spanning) >= 5  # broken clauses, each still one P
    assert findings == []


@pytest.mark.parametrize("name", ["B9-0311-2022", "small", "subheaded"])
def test_every_edition_passes_the_page_checks(built, name):
    for edition in EDITIONS:
        with PdfReading(_path(built, name, edition)) as reading:
            assert pdfpages.page_findings(reading) == [], edition


def _line_lengths(reading: PdfReading) -> list[int]:
    """Characters of every full line of a paragraph (all lines but its last), without the label in its column."""
    lengths = []
    for node in _clause_nodes(reading):
        lines: dict[tuple[int, float], list] = {}
        for run in node.all_runs():
            lines.setdefault((run.page, round(run.y, 1)), []).append(run)
        rows = list(lines.values())
        for number, runs in enumerate(rows[:-1]):
            runs.sort(key=lambda run: run.x)
            if number == 0 and (runs[0].text.strip() == DASH or runs[0].text.strip().endswith((".", ")"))):
                runs = runs[1:]  # the label, hung in its column
            lengths.append(len("".join(run.text for run in runs).strip()))
    return lengths


@pytest.mark.parametrize("name", ["B9-0311-2022", "small"])
def test_a4_lines_run_to_at_most_75_characters(built, name):
    with PdfReading(_path(built, name, "pdf")) as reading:
        lengths = _line_lengths(reading)
    assert lengths and max(lengths) <= 75, sorted(lengths)[-5:]


def test_a4_seed_measure_is_not_so_short_it_wastes_pages(built):
    with PdfReading(_path(built, "B9-0311-2022", "pdf")) as reading:
        lengths = sorted(_line_lengths(reading))
        pages = reading.pages
    assert lengths[len(lengths) // 2] >= 60 and pages <= 5


def test_large_print_running_head_is_set_apart_from_the_text_by_a_rule_and_space(built):
    path = _path(built, "B9-0311-2022", "pdf-large")
    with PdfReading(path) as reading:
        height = float(reading.pdf.pages[1].mediabox[3])
        head = next(run for run in reading.artifact_runs() if run.page == 1 and run.y > height / 2)
        first = max((run for run in reading.content_runs() if run.page == 1 and run.text.strip()), key=lambda r: r.y)
    assert round(head.size) == 16 and round(first.size) == 18
    gap = (head.y - first.y) / MM  # baseline to baseline
    assert gap >= 15, gap  # the bold head sat 1.4 lines (about 13 mm) above the text
    png = subprocess.run(
        ["pdftoppm", "-f", "2", "-l", "2", "-r", "72", "-gray", "-png", str(path)], capture_output=True, check=True
    ).stdout
    image = Image.open(io.BytesIO(png)).convert("L")
    top, bottom = round(height - head.y + 0.3 * head.size), round(height - first.y - first.size)
    width = image.size[0]
    ruled = [
        y for y in range(top, bottom) if sum(image.getpixel((x, y)) < 160 for x in range(width)) > 0.75 * width * 0.8
    ]
    assert ruled, "no rule between the running head and the text"


#: The small source with its first sub-point long enough to run over three large-print pages, links and emphasis
#: on every page of it.
LONG_POINT = SMALL.replace(
    "(i) sub one;",
    "(i) sub one " + " ".join(f"whereas item {i} is [paragraph 1](#para_1) and *this*;" for i in range(45)),
)


def test_a_sub_point_broken_over_three_pages_is_one_element_with_its_links_and_spaces(tmp_path):
    source = tmp_path / "long-point.md"
    source.write_text(LONG_POINT, encoding="utf-8")
    document = reader.read(source)
    path = tmp_path / "long-point.pdf"
    path.write_bytes(pdf_writer.render(document, Options(), "large-print").pdf)
    point = next(clause for clause in document.iter_clauses() if clause.eid.endswith("__point_i"))
    with PdfReading(path) as reading:
        top = reading.structure.kids[0].kids
        node = next(node for node in top if node.text.startswith("(i) sub one"))
        links = [kid for kid in node.walk() if kid.type == "Link"]
        assert len({run.page for run in node.all_runs()}) >= 3
        assert [n.type for n in top].count("P") == 4 + len(list(document.iter_clauses())) + len(document.footnotes)
        assert node.text.split() == ["(i)", *point.text.split()]
        # a link broken over two lines is one Link element holding the annotation of each line's part
        assert " ".join(link.text for link in links).split().count("paragraph") == 45
        assert len(links) == 45 and all(len(link.annotations) >= 1 for link in links)
        assert pdfpages.page_findings(reading) == []
    assert broken_words(path, page_words(document, "large-print")) == []
