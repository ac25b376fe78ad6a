"""Lay out the braille edition: the model's text in braille cells on pages of 40 cells by 25 lines.

The conventions are those of BANA's *Braille Formats: Principles of Print-to-Braille Transcription* (2016), the
rules of the braille reader in the English-speaking world, applied to a resolution:

* preliminary pages first: the title page, then the contents; they are numbered ``p1``, ``p2`` …, the body's pages
  ``1``, ``2`` …, so the contents' page numbers do not depend on its own length;
* the braille page number in the right margin of line 25 of every page, three blank cells at least before it;
  lines 1–24 hold the text (the source has no print pages, so no print-page indicator is written);
* section headings centred, with a blank line before and after; a level-1 subheading is a cell-5 heading and a
  level-2 one a cell-7 heading, after a blank line; a heading is never the last line of a page;
* every clause starts on a new line with its official label ("A.", "3.", "(a)"; a citation or an indent with
  the dash the official text prints, :mod:`publish.brailledash`) in list format: the clause in cell 1 with its
  runover lines in cell 3 (1-3), its points in 3-5, their points in 5-7; the formula and the notes as paragraphs;
* no blank line at the top of a page; lines break only at a blank cell, or after a hyphen inside a word too long
  for the line; a word longer than a whole line (a long URL) is cut where the line ends.

The cells come from :mod:`publish.writers.louis`; this module only places them, so it is tested in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from publish import brailledash
from publish.model import Clause, Document
from publish.writers.louis import BLANK
from publish.writers.shared import section_heading, words

#: Cells per line and lines per page: the usual braille page (11 × 11.5 in paper).
CELLS = 40
LINES = 25
#: Lines of text on a page: the last line holds the page number.
TEXT_LINES = LINES - 1
#: Blank cells at least between the text and the page number, and around guide dots.
NUMBER_GAP = 3
#: Dot 5: the guide dots of the contents.
GUIDE_DOT = "\u2810"
#: A hyphen in UEB (dots 3-6): a line may break after one inside a word too long for it.
HYPHEN = "\u2824"
#: The prefix of a preliminary page's number.
PRELIMINARY = "p"

Translate = brailledash.Translate


@dataclass
class Page:
    """One braille page: its printed number (``"p1"``, ``"3"``) and its text lines (at most :data:`TEXT_LINES`)."""

    number: str
    lines: list[str] = field(default_factory=list)
    #: The anchor of the clause whose first line each line is (``None`` for the others), by line index.
    anchors: dict[int, str] = field(default_factory=dict)


@dataclass
class Layout:
    """The pages of the whole edition, and where each clause and each contents entry begins."""

    preliminary: list[Page]
    body: list[Page]
    #: Anchor → (body page number, line 1–25) of the clause's first line.
    places: dict[str, tuple[int, int]]
    #: The contents: (level, text, body page) per entry, in order.
    contents: list[tuple[int, str, int]]

    @property
    def pages(self) -> list[Page]:
        """Every page in reading order."""
        return [*self.preliminary, *self.body]


class Pager:
    """Fills pages with lines, starting a new one when a page is full."""

    def __init__(self, numbers: Callable[[int], str]) -> None:
        self.numbers = numbers
        self.pages: list[Page] = [Page(numbers(1))]

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        """Start a new page (unless the current one is still empty)."""
        if self.page.lines:
            self.pages.append(Page(self.numbers(len(self.pages) + 1)))

    def keep(self, lines: int) -> None:
        """Start a new page unless ``lines`` more fit on this one."""
        if len(self.page.lines) + lines > TEXT_LINES:
            self.new_page()

    def blank(self) -> None:
        """A blank line, never at the top of a page."""
        if self.page.lines and self.page.lines[-1]:
            self.line("")

    def line(self, cells: str, eid: str | None = None) -> tuple[int, int]:
        """Add a line; return (page index, line number 1–25) where it went."""
        if len(self.page.lines) >= TEXT_LINES:
            self.pages.append(Page(self.numbers(len(self.pages) + 1)))
        if not cells and not self.page.lines:
            return len(self.pages) - 1, 1
        self.page.lines.append(cells)
        if eid is not None:
            self.page.anchors[len(self.page.lines) - 1] = eid
        return len(self.pages) - 1, len(self.page.lines)

    def lines(self, cells: Sequence[str], eid: str | None = None) -> tuple[int, int]:
        """Add several lines, the first one marked with ``eid``; return where the first went."""
        where = self.line(cells[0], eid)
        for more in cells[1:]:
            self.line(more)
        return where


def wrap(cells: str, first: int = 0, runover: int = 0, width: int = CELLS) -> list[str]:
    """Break a translated text into lines of at most ``width`` cells: the first indented by ``first`` blank cells,
    the others by ``runover``; breaks at blank cells (several blank cells in a row count as one), after a hyphen
    in a word too long for the line, and inside a word only when it is longer than a whole line."""
    out: list[str] = []
    current = BLANK * first
    fresh = True  # nothing but the indent on the current line yet
    for word in (w for w in cells.split(BLANK) if w):
        while True:
            room = width - len(current) - (0 if fresh else 1)
            if len(word) <= room:
                current += word if fresh else BLANK + word
                fresh = False
                break
            cut = word.rfind(HYPHEN, 0, room) + 1 if room > 1 else 0
            if not cut and fresh:  # longer than a whole line: cut where the line ends
                cut = room
            if cut:
                current += word[:cut] if fresh else BLANK + word[:cut]
                word = word[cut:]
            out.append(current)
            current, fresh = BLANK * runover, True
    if not fresh or not out:
        out.append(current)
    return out


def centred(cells: str, width: int = CELLS - 2 * NUMBER_GAP) -> list[str]:
    """A centred heading: its lines of at most ``width`` cells, each centred on the line."""
    return [BLANK * ((CELLS - len(line)) // 2) + line for line in wrap(cells, width=width)]


def number_line(text: str, number: str) -> str:
    """A page's last line: ``text`` (may be empty) and the page number in the right margin."""
    if not text:
        return BLANK * (CELLS - len(number)) + number
    return text + BLANK * (CELLS - len(text) - len(number)) + number


def layout(document: Document, translate: Translate, notice: str) -> Layout:
    """Lay the document out: body first (its page numbers go in the contents), then the preliminary pages."""
    body, places, contents = _body(document, translate, lambda n: translate([str(n)])[0])
    prelim = _preliminary(document, translate, notice, contents, lambda n: translate([f"{PRELIMINARY}{n}"])[0])
    return Layout(prelim, body, places, contents)


def _body(
    document: Document, translate: Translate, number: Callable[[int], str]
) -> tuple[list[Page], dict[str, tuple[int, int]], list[tuple[int, str, int]]]:
    clauses = list(document.iter_clauses())
    sections = [(s, section_heading(document, s.kind)) for s in document.sections]
    texts = [document.formula, *(heading for _, heading in sections)]
    texts += [sub.text for sub in document.iter_subheadings()]
    texts += [brailledash.clause_text(c.label, c.text) for c in clauses]
    texts += [f"{note.number}. {' '.join(note.text.split())}" for note in document.footnotes]
    texts += [words(document)["notes"]]
    cells = dict(zip(range(len(texts)), translate(texts), strict=True))
    index = iter(range(len(texts)))
    formula = cells[next(index)]
    headings = [cells[next(index)] for _ in sections]
    subheadings = {sub.eid: cells[next(index)] for sub in document.iter_subheadings()}
    clause_cells = {c.eid: cells[next(index)] for c in clauses}
    note_cells = [cells[next(index)] for _ in document.footnotes]
    notes_heading = cells[next(index)]

    pager = Pager(number)
    places: dict[str, tuple[int, int]] = {}
    contents: list[tuple[int, str, int]] = []

    def at(where: tuple[int, int]) -> tuple[int, int]:
        return where[0] + 1, where[1]

    pager.lines(wrap(formula, 2, 0))
    for (section, heading), heading_cells in zip(sections, headings, strict=True):
        lines = centred(heading_cells)
        pager.blank()
        pager.keep(len(lines) + 2)
        contents.append((0, heading, at(pager.lines(lines))[0]))
        pager.blank()
        for subheading, group in section.groups():
            if subheading is not None:
                indent = 4 if subheading.level == 1 else 6
                lines = wrap(subheadings[subheading.eid], indent, indent + 2)
                pager.blank()
                pager.keep(len(lines) + 1)
                contents.append((subheading.level, subheading.text, at(pager.lines(lines))[0]))
            for top in group:
                for clause, depth in _walk(top):
                    lines = wrap(clause_cells[clause.eid], 2 * depth, 2 * depth + 2)
                    places[clause.eid] = at(pager.lines(lines, clause.eid))
    if document.footnotes:
        lines = centred(notes_heading)
        pager.blank()
        pager.keep(len(lines) + 2)
        contents.append((0, words(document)["notes"], at(pager.lines(lines))[0]))
        pager.blank()
        for note in note_cells:
            pager.lines(wrap(note, 0, 2))
    return pager.pages, places, contents


def _walk(clause: Clause, depth: int = 0) -> list[tuple[Clause, int]]:
    out = [(clause, depth)]
    for point in clause.points:
        out += _walk(point, depth + 1)
    return out


def _preliminary(
    document: Document,
    translate: Translate,
    notice: str,
    contents: list[tuple[int, str, int]],
    number: Callable[[int], str],
) -> list[Page]:
    meta = document.metadata
    w = words(document)
    title = [meta.reference, meta.title]
    if meta.procedure:
        title.append(f"({meta.procedure})")
    title += [meta.doc_type, meta.issued_by + (f", {meta.date}" if meta.date else "")]
    texts = [*title, notice, w["contents"], *(text for _, text, _ in contents)]
    texts += [str(page) for _, _, page in contents]
    cells = translate(texts)
    title_cells, rest = cells[: len(title)], cells[len(title) :]
    notice_cells, contents_heading, rest = rest[0], rest[1], rest[2:]
    entry_cells, page_cells = rest[: len(contents)], rest[len(contents) :]

    pager = Pager(number)
    for cells_of_line in title_cells:
        pager.lines(centred(cells_of_line))
        pager.blank()
    pager.lines(wrap(notice_cells, 0, 2))
    pager.new_page()
    pager.lines(centred(contents_heading))
    pager.blank()
    for (level, _, _), entry, page in zip(contents, entry_cells, page_cells, strict=True):
        indent = 2 * level
        lines = wrap(entry, indent, indent + 2, width=CELLS - len(page) - 2 * NUMBER_GAP)
        last = lines[-1]
        dots = CELLS - len(last) - len(page) - 2
        lines[-1] = last + BLANK + GUIDE_DOT * dots + BLANK + page
        pager.lines(lines)
    return pager.pages


def lines_of(page: Page) -> list[str]:
    """A page's 25 lines: the text lines, blank lines, and the page number in the right margin of the last."""
    lines = [*page.lines, *([""] * (TEXT_LINES - len(page.lines)))]
    return [*lines, number_line("", page.number)]
