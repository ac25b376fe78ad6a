"""Read the braille edition back: the BRF and the PEF as files of pages, each clause's label where ``anchors.json``
says, its cells against liblouis's translation of its text, its words through liblouis's back-translation, and the
contents' page numbers.

Independent of the writer (:mod:`publish.writers` is not imported): the BRF is split at its form feeds and line
ends, the PEF parsed with lxml and validated by jing against the PEF 2008-1 RELAX NG schema shipped beside this
module (``pef/``, with its provenance); the ``lou_translate`` program translates the source's text again and
back-translates every line (``-b``), with the table the PEF's metadata names.

What is held up against the source (:func:`compare`):

* the page: at most 25 lines of at most 40 cells, a BRF of the 64 characters of Braille ASCII (and CR LF, form
  feeds between pages), a PEF of Unicode braille rows, its volume saying 40 × 25;
* each clause's label (its cells, from ``lou_translate``'s translation of the clause) starts a line, at its list
  level's indent, in document order, on the braille page and line the manifest records (and in the PEF on the row
  that carries the clause's anchor); the page numbers are read from the cells of each page's last line;
* each clause's lines, joined, are exactly ``lou_translate``'s translation of its text;
* the words: each clause's lines back-translated give its words in order; the share of the source's words that
  come back is the word fidelity, and where the language pack says its table round-trips
  (``braille_round_trip``), a clause that loses more than :data:`MAX_LOSS` of its words is a finding (grade 2
  back-translation is not exact: the words that do not come back are listed);
* each contents entry's page number is the body page its heading is on.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree

from publish import brailledash
from publish.check import tools
from publish.check.findings import Finding, difference
from publish.check.readback import Anchor, Channel, Reading
from publish.model import Clause, Document

SCHEMA = Path(__file__).resolve().parent / "pef" / "pef-2008-1.rng"
PEF = "{http://www.daisy.org/ns/2008/pef}"
PUB = "{urn:x-publish:braille}"
CELLS, LINES = 40, 25
#: The 64 characters of North American Braille ASCII: a BRF line holds nothing else.
BRF_CHARACTERS = frozenset(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_")
BLANK = "\u2800"
#: North American Braille ASCII in the order of the cells' dot patterns (U+2800 + n): the BRF's characters as cells.
BRF_ORDER = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
#: The most of a clause's words its back-translation may lose.
MAX_LOSS = 0.02
#: How long lou_translate or jing may take over one file.
TIMEOUT = 120


@dataclass
class BrailleReading(Reading):
    """A braille file read back: its pages (lines of cells, as in the file), the problems of the file itself, the
    table, and (after :func:`compare`) its word fidelity."""

    pages: list[list[str]] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    table: str = ""
    #: Per PEF row that carries an anchor: (page index, line 1–25, anchor).
    row_anchors: list[tuple[int, int, str]] = field(default_factory=list)
    fidelity: float | None = None
    words_total: int = 0
    words_matched: int = 0
    lost: list[str] = field(default_factory=list)


def read_brf(path: Path, table: str) -> BrailleReading:
    """The BRF's pages, and every line, character or page that breaks the BRF's rules as a finding."""
    reading = BrailleReading("brf", path, table=table)
    data = path.read_bytes()
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        reading.problems.append(difference("brf", "file", path.name, f"not ASCII: byte {error.start}"))
        text = data.decode("ascii", errors="replace")
    for number, page in enumerate(text.split("\f"), 1):
        if not page.endswith("\r\n"):
            reading.problems.append(difference("brf", "page", str(number), "does not end with CR LF"))
        lines = page.removesuffix("\r\n").split("\r\n")
        reading.pages.append(lines)
        _check_page(reading, "brf", number, lines)
        for line_number, line in enumerate(lines, 1):
            odd = sorted(set(line) - BRF_CHARACTERS)
            if odd:
                where = f"page {number} line {line_number}"
                reading.problems.append(difference("brf", "characters", where, f"not Braille ASCII: {odd!r}"))
    return reading


def read_pef(path: Path) -> BrailleReading:
    """The PEF's pages (Unicode braille rows), its table, its clause anchors, and its validity (jing, PEF 2008-1)."""
    reading = BrailleReading("pef", path)
    root = etree.parse(str(path)).getroot()
    translation = root.find(f"{PEF}head/{PEF}meta/{PUB}translation")
    reading.table = "" if translation is None else translation.get("table", "")
    if not reading.table:
        reading.problems.append(difference("pef", "meta", path.name, "names no braille table"))
    for volume in root.iter(f"{PEF}volume"):
        if (volume.get("cols"), volume.get("rows")) != (str(CELLS), str(LINES)):
            reading.problems.append(difference("pef", "volume", path.name, "is not 40 cells by 25 rows"))
    for page in root.iter(f"{PEF}page"):
        rows = page.findall(f"{PEF}row")
        lines = [row.text or "" for row in rows]
        reading.pages.append(lines)
        for line, row in enumerate(rows, 1):
            if row.get(f"{PUB}eid"):
                reading.row_anchors.append((len(reading.pages) - 1, line, row.get(f"{PUB}eid", "")))
        _check_page(reading, "pef", len(reading.pages), lines)
    reading.problems += validate_pef(path)
    return reading


RNG = "{http://relaxng.org/ns/structure/1.0}"


def schema_text() -> bytes:
    """The PEF 2008-1 schema as jing can use it.

    The normative schema as published (``pef/pef-2008-1.rng``, kept exactly as found) breaks a restriction of RELAX
    NG (section 7.3: attributes of one element must not overlap): a ``row`` may have ``rowgap`` and, through
    ``element.metadata``, any attribute at all (besides those of other namespaces it already allows), so jing and
    libxml2 both refuse to load it ("duplicate attribute rowgap"). Here, in memory only, ``row`` loses the reference
    to ``element.metadata``: a row then takes ``rowgap`` and attributes of other namespaces, as every other PEF
    element does (and as the metadata extension the specification describes needs).
    """
    tree = etree.parse(str(SCHEMA))
    refs = tree.findall(f".//{RNG}define[@name='element.row']//{RNG}ref[@name='element.metadata']")
    if len(refs) != 1:
        raise RuntimeError(f"{SCHEMA.name}: element.row is not as published")
    wrapper = refs[0].getparent().getparent()  # interleave > zeroOrMore > ref
    wrapper.getparent().remove(wrapper)
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


def validate_pef(path: Path) -> list[Finding]:
    """jing's errors for the PEF against the PEF 2008-1 RELAX NG schema (none: valid)."""
    with tempfile.TemporaryDirectory(prefix="publish-pef-") as scratch:
        schema = Path(scratch) / SCHEMA.name
        schema.write_bytes(schema_text())
        try:
            done = subprocess.run(
                [tools.braille_tool("jing"), str(schema), str(path)], capture_output=True, text=True, timeout=TIMEOUT
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return [difference("pef", "jing", path.name, f"could not run: {error}")]
    # Debian's jing wrapper warns about optional jars it does not need ("[warning] /usr/bin/jing: Unable to locate").
    lines = [line for line in done.stdout.splitlines() if line.strip() and not line.startswith("[warning]")]
    if done.returncode == 0 and not lines:
        return []
    return [difference("pef", "jing", path.name, line.replace(str(path), "")) for line in lines or ["invalid"]]


def _check_page(reading: BrailleReading, fmt: str, number: int, lines: list[str]) -> None:
    if len(lines) > LINES:
        reading.problems.append(difference(fmt, "page", str(number), f"{len(lines)} lines, more than {LINES}"))
    for line_number, line in enumerate(lines, 1):
        if len(line) > CELLS:
            where = f"page {number} line {line_number}"
            reading.problems.append(difference(fmt, "line", where, f"{len(line)} cells, more than {CELLS}"))


# --- against the source ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One text line of a page: the page's printed number, its line number, its cells (Unicode braille, indent
    and trailing blanks dropped), its indent in cells and its back-translated text."""

    page: str
    number: int
    cells: str
    indent: int
    text: str


def cells_of(line: str, brf: bool) -> str:
    """A line of the file as Unicode braille cells (a BRF's ASCII through :data:`BRF_ORDER`)."""
    if not brf:
        return line
    return "".join(chr(0x2800 + BRF_ORDER.index(c)) if c in BRF_ORDER else c for c in line)


def forward(table: str, texts: Sequence[str]) -> list[str]:
    """Each text translated into Unicode braille by ``lou_translate`` (one call for all of them), an en dash or a
    hyphen the table lacks as the braille dash, by the writer's rule (:func:`publish.brailledash.dashed`)."""
    return brailledash.dashed(lambda lines: _lou(["--forward", f"unicode.dis,{table}"], lines))(texts)


def back_translate(table: str, lines: Sequence[str], brf: bool) -> list[str]:
    """Each line back-translated by ``lou_translate -b`` (one call for all of them)."""
    return _lou(["-b", f"{'en-us-brf.dis' if brf else 'unicode.dis'},{table}"], lines)


def _lou(arguments: list[str], lines: Sequence[str]) -> list[str]:
    done = subprocess.run(
        [tools.braille_tool("lou_translate"), *arguments],
        input="".join(f"{line}\n" for line in lines).replace("\\", "\\\\"),  # lou_translate reads escapes
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    out = done.stdout.split("\n")[: len(lines)]
    if len(out) != len(lines):
        raise RuntimeError(f"lou_translate gave {len(out)} lines for {len(lines)}")
    return out


def lines_of(reading: BrailleReading) -> list[Line]:
    """Every text line of every page (not the page-number line), as cells and back-translated, with its page's
    printed number."""
    brf = reading.format == "brf"
    flat = [line for page in reading.pages for line in page]
    texts = iter(back_translate(reading.table, flat, brf))
    out: list[Line] = []
    for page, number in zip(reading.pages, _page_numbers(reading), strict=True):
        texts_of_page = [next(texts) for _ in page]
        for index, (line, text) in enumerate(zip(page[:-1], texts_of_page[:-1], strict=True), 1):
            cells = cells_of(line, brf).replace(" ", BLANK).rstrip(BLANK)
            indent = len(cells) - len(cells.lstrip(BLANK))
            out.append(Line(number, index, cells.lstrip(BLANK), indent, text.strip()))
    return out


def clause_text(clause: Clause) -> str:
    """What a clause reads as in braille: its label (the en dash for a clause without one), a space, its text."""
    return brailledash.clause_text(clause.label, clause.text)


def compare(
    reading: BrailleReading, document: Document, recorded: dict[str, dict[str, int]], round_trip: bool = True
) -> list[Finding]:
    """Hold the braille file up against the source; fill the reading's channel, places and word fidelity.

    ``round_trip``: whether the language's table back-translates well enough to hold each clause to its words
    (the language pack says; the word fidelity is measured either way).
    """
    fmt = reading.format
    problems = list(reading.problems)
    if not reading.pages:
        return problems + [difference(fmt, "file", reading.path.name, "no pages")]
    lines = lines_of(reading)
    numbers = _page_numbers(reading)
    if not all(numbers):
        where = ", ".join(str(i) for i, number in enumerate(numbers, 1) if not number)
        problems.append(difference(fmt, "page numbers", reading.path.name, f"none on line 25 of page {where}"))
    body = [line for line in lines if line.page.isdigit()]
    walk = _walk(document)
    expected = [cells.replace(" ", BLANK) for cells in forward(reading.table, [clause_text(c) for c, _ in walk])]
    starts: dict[str, int] = {}
    position = 0
    anchors: list[Anchor] = []
    for (clause, depth), wanted in zip(walk, expected, strict=True):
        label = wanted.split(BLANK, 1)[0] + BLANK
        found = next(
            (i for i in range(position, len(body)) if body[i].indent == 2 * depth and body[i].cells.startswith(label)),
            None,
        )
        if found is None:
            continue
        starts[clause.eid] = found
        position = found + 1
        anchors.append(Anchor(clause.eid, clause.label))
        reading.places[clause.eid] = f"{body[found].page}:{body[found].number}"
    reading.channels.append(Channel("labels", tuple(anchors)))
    for clause, _ in walk:
        place = recorded.get(clause.eid)
        if clause.eid in reading.places and place and reading.places[clause.eid] != f"{place['page']}:{place['line']}":
            problems.append(
                difference(
                    "anchors.json",
                    fmt,
                    clause.eid,
                    f"records page {place['page']} line {place['line']}, the label is at {reading.places[clause.eid]}",
                )
            )
    if fmt == "pef":
        problems += _row_anchors(reading, numbers)
    spans = _spans(body, starts)
    problems += _cells(fmt, walk, expected, spans)
    problems += _fidelity(reading, walk, spans, round_trip)
    problems += _contents(reading, lines, body)
    return problems


def _walk(document: Document) -> list[tuple[Clause, int]]:
    out: list[tuple[Clause, int]] = []

    def visit(clause: Clause, depth: int) -> None:
        out.append((clause, depth))
        for point in clause.points:
            visit(point, depth + 1)

    for section in document.sections:
        for clause in section.clauses:
            visit(clause, 0)
    return out


def _spans(body: list[Line], starts: dict[str, int]) -> dict[str, list[Line]]:
    """Each found clause's lines: its first line and the runover lines after it (two cells further in), up to the
    next clause, a blank line or a heading."""
    order = sorted(starts.items(), key=lambda item: item[1])
    spans: dict[str, list[Line]] = {}
    for number, (eid, start) in enumerate(order):
        end = order[number + 1][1] if number + 1 < len(order) else len(body)
        span: list[Line] = []
        for line in body[start:end]:
            if not line.cells or (span and line.indent != body[start].indent + 2):  # runovers: two cells in
                break
            span.append(line)
        spans[eid] = span
    return spans


def _joined(cells: Sequence[str]) -> str:
    """Lines of one clause as one string of cells: a blank between them, except after a hyphen or a cut word."""
    out = ""
    for line in cells:
        out += line if not out or out.endswith("\u2824") else BLANK + line
    return out


def _cells(
    fmt: str, walk: list[tuple[Clause, int]], expected: list[str], spans: dict[str, list[Line]]
) -> list[Finding]:
    """Each clause's cells, its lines joined, are liblouis's translation of its text (``lou_translate``): the
    layout lost, added or changed no cell."""
    problems = []
    for (clause, _), wanted in zip(walk, expected, strict=True):
        if clause.eid not in spans:
            continue
        got = _joined([line.cells for line in spans[clause.eid]])
        squeezed = re.sub(f"{BLANK}+", BLANK, wanted.strip(BLANK))
        if got != squeezed and got.replace(BLANK, "") != squeezed.replace(BLANK, ""):  # a word cut at a line's end
            at = next((i for i, (a, b) in enumerate(zip(got, squeezed, strict=False)) if a != b), len(got))
            problems.append(
                difference(fmt, "cells", clause.eid, f"differ from liblouis's translation at cell {at + 1}")
            )
    return problems


def _row_anchors(reading: BrailleReading, numbers: list[str]) -> list[Finding]:
    """Each PEF row anchor is on the line where the label of its clause was found."""
    problems = []
    for index, line, eid in reading.row_anchors:
        where = f"{numbers[index]}:{line}"
        if reading.places.get(eid) != where:
            label = reading.places.get(eid, "nowhere")
            problems.append(difference("pef", "rows", eid, f"anchored on {where}, its label is at {label}"))
    return problems


def _page_numbers(reading: BrailleReading) -> list[str]:
    """Each page's printed number, from the cells of its line 25 ("1", "p1"; "" for none): held up against
    liblouis's translation of every number the edition can have, as a number alone on a line is where contracted
    back-translation is weakest (German ⠼⠁ comes back as "all")."""
    brf = reading.format == "brf"
    candidates = [f"{prefix}{n}" for prefix in ("", "p") for n in range(1, len(reading.pages) + 1)]
    known = dict(zip(forward(reading.table, candidates), candidates, strict=True))
    out = []
    for page in reading.pages:
        cells = cells_of(page[-1], brf).replace(" ", BLANK).strip(BLANK) if len(page) == LINES else ""
        out.append(known.get(cells, ""))
    return out


def _words(text: str) -> list[str]:
    """The words of a text as the back-translation is held up against them: runs of letters and digits, in any case
    (braille has one apostrophe and one dash, so "People’s" and "People's" are the same words)."""
    return re.findall(r"\w+", text.casefold())


def _fidelity(
    reading: BrailleReading, walk: list[tuple[Clause, int]], spans: dict[str, list[Line]], round_trip: bool
) -> list[Finding]:
    """Each clause's back-translated words against its source words; the ratio over all clauses on the reading."""
    problems = []
    total = matched = 0
    lost: list[str] = []
    for clause, _ in walk:
        if clause.eid not in spans:
            continue
        text = ""
        for line in spans[clause.eid]:
            text += line.text if text.endswith("-") else f" {line.text}"
        want = _words(clause_text(clause))
        got = _words(text)
        matcher = SequenceMatcher(None, want, got, autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
        total, matched = total + len(want), matched + same
        missing = [
            f"{' '.join(want[i1:i2])} → {' '.join(got[j1:j2]) or '(nothing)'}"
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"
        ]
        lost += missing
        if round_trip and want and 1 - same / len(want) > MAX_LOSS:
            problems.append(
                difference(
                    reading.format,
                    "words",
                    clause.eid,
                    f"back-translation keeps {same} of {len(want)} words: {'; '.join(missing[:4])}",
                )
            )
    reading.fidelity = matched / total if total else None
    reading.words_total, reading.words_matched = total, matched
    reading.lost = lost
    reading.words = [w for spans_lines in spans.values() for line in spans_lines for w in line.text.split()]
    return problems


def _contents(reading: BrailleReading, lines: list[Line], body: list[Line]) -> list[Finding]:
    """Each contents entry's page number is the body page whose heading starts with the entry's words."""
    problems = []
    preliminary = list(dict.fromkeys(line.page for line in lines if not line.page.isdigit()))
    contents = [line for line in lines if line.page in preliminary[1:]]  # the title page, then the contents
    if not contents:
        return [difference(reading.format, "contents", reading.path.name, "no contents page")]
    guide = "\u2810\u2810"
    numbers = _body_pages(reading)
    entry: list[str] = []
    for line in contents[1:]:  # the first line is the heading
        if not line.cells:
            continue
        if guide not in line.cells:
            entry.append(line.cells)
            continue
        head, _, page_cells = line.cells.rpartition(BLANK)
        entry.append(head.rstrip("\u2810").rstrip(BLANK))
        words = _joined(entry).split(BLANK)
        entry = []
        page = numbers.get(page_cells, "?")
        heading = next((b for b in body if b.cells and _same_start(b.cells.split(BLANK), words)), None)
        if heading is None or heading.page != page:
            actual = "nowhere" if heading is None else f"page {heading.page}"
            name = back_translate(reading.table, [BLANK.join(words)], False)[0].strip() if reading.table else ""
            problems.append(
                difference(reading.format, "contents", name, f"gives page {page}, the heading is on {actual}")
            )
    return problems


def _same_start(line: list[str], entry: list[str]) -> bool:
    n = min(len(line), len(entry), 3)
    return n > 0 and line[:n] == entry[:n]


def _body_pages(reading: BrailleReading) -> dict[str, str]:
    """The cells of every body page number, to the number."""
    candidates = [str(n) for n in range(1, len(reading.pages) + 1)]
    return dict(zip(forward(reading.table, candidates), candidates, strict=True))
