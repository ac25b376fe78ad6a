"""Check how a PDF's text falls on its pages: no page left short before the end of a section, no element cut in two.

Read from the file only (:class:`publish.check.pdfread.PdfReading`): the text of the structure tree's elements,
so running heads and page numbers do not count. A page's fill is the drop from its first text baseline to its
last, against the same drop on the document's fullest page (the lowest baseline anywhere is taken as the bottom
of the text area). A page may end short when the next one starts with a heading (a section ends) or when it is
the last. An element cut in two is a top-level element that starts at the top of a page with the same type as
the element before it, which ended on the page before, where no named destination marks a start: WeasyPrint's
second part of a clause broken across pages, left unmerged.
"""

from __future__ import annotations

from dataclasses import dataclass

from publish.check.findings import Finding
from publish.check.pdfcontent import TextRun
from publish.check.pdfread import PdfReading, StructNode

#: The least share of the text area a page must fill unless a section ends on it.
FULL = 0.75
HEADINGS = frozenset(("H", "H1", "H2", "H3", "H4", "H5", "H6"))


@dataclass(frozen=True, slots=True)
class PageFill:
    """How full one page is (0-based ``page``), and whether a section ends on it."""

    page: int
    fill: float
    section_end: bool


def _blocks(reading: PdfReading) -> list[StructNode]:
    """The top-level elements: the Document element's kids."""
    kids = reading.structure.kids
    return kids[0].kids if kids and kids[0].type == "Document" else kids


def _text_runs(node: StructNode) -> list[TextRun]:
    return [run for run in node.all_runs() if run.text.strip()]


def page_fills(reading: PdfReading) -> list[PageFill]:
    """Each page's fill, in page order (a page without text has 0 and ends no section)."""
    owner: dict[int, str] = {}
    pages: dict[int, list[TextRun]] = {}
    for block in _blocks(reading):
        for run in _text_runs(block):
            owner[id(run)] = block.type
            pages.setdefault(run.page, []).append(run)
    if not pages:
        return []
    bottom = min(run.y for runs in pages.values() for run in runs)
    tops = {page: max(runs, key=lambda run: run.y) for page, runs in pages.items()}
    fills = []
    for page in range(reading.pages):
        runs = pages.get(page, [])
        if not runs:
            fills.append(PageFill(page, 0.0, False))
            continue
        top, low = tops[page].y, min(run.y for run in runs)
        fill = (top - low) / (top - bottom) if top > bottom else 1.0
        following = tops.get(page + 1)
        section_end = page == reading.pages - 1 or (following is not None and owner.get(id(following)) in HEADINGS)
        fills.append(PageFill(page, fill, section_end))
    return fills


def cut_elements(reading: PdfReading) -> list[tuple[int, str]]:
    """(0-based page, type) of each top-level element that continues the element before it from the page before."""
    starts: dict[int, list[float]] = {}
    for page, top in reading.destinations.values():
        starts.setdefault(page, []).append(top)
    blocks = _blocks(reading)
    page_tops: dict[int, float] = {}
    for run in (run for block in blocks for run in _text_runs(block)):
        page_tops[run.page] = max(page_tops.get(run.page, run.y), run.y)
    cut = []
    for before, block in zip(blocks, blocks[1:], strict=False):
        earlier, runs = _text_runs(before), _text_runs(block)
        if not earlier or not runs or block.type != before.type:
            continue
        first = runs[0]
        at_top = first.page == earlier[-1].page + 1 and first.y >= page_tops[first.page] - 0.1
        marked = any(0 <= top - first.y <= 1.5 * first.size for top in starts.get(first.page, []))
        if at_top and not marked:
            cut.append((first.page, block.type))
    return cut


def page_findings(reading: PdfReading) -> list[Finding]:
    """Pages less than :data:`FULL` full before the end of a section, and elements cut in two at a page break."""
    where = str(reading.path)
    findings = [
        Finding(
            "structure",
            "page-fill",
            f"{where} p.{fill.page + 1}",
            f"page {fill.page + 1} is {fill.fill:.0%} full and no section ends on it (at least {FULL:.0%})",
            "error",
        )
        for fill in page_fills(reading)
        if fill.fill < FULL and not fill.section_end
    ]
    findings += [
        Finding(
            "structure",
            "cut-element",
            f"{where} p.{page + 1}",
            f"the {kind} at the top of page {page + 1} continues the {kind} before it: one element cut in two",
            "error",
        )
        for page, kind in cut_elements(reading)
    ]
    return findings
