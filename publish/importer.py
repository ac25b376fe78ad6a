"""Turn the plain text of a European Parliament resolution into a structured source.

The text may come from the Parliament's PDF or web page, with the damage such
copies carry: hard-wrapped lines, stray leading spaces, lost or odd citation
bullets (–, •, the Symbol-font U+F02D), page furniture, footnotes after a rule.
The importer repairs layout only: it keeps every word in order, never corrects
the official text, and reports each deviation from the usual pattern as a
warning with its line. Lines it cannot place stop the import (``lenient``
keeps them, joined to the clause before, with a warning).
"""

from __future__ import annotations

import datetime
import re
import textwrap
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

from publish import anchors, crossrefs, languages, reader
from publish.errors import SourceError
from publish.labels import BULLETS, Label, LabelStyle, find_label, first_value, next_value
from publish.model import ClauseKind

#: Characters a bullet may be drawn with in copied EP texts (the U+F02D Symbol-font dash among them).
BULLET_CHARS = BULLETS + "\u2014\u25aa\u25cf\u00b7"
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

#: Hyphens and dashes a reference or a label may be printed with (U+2011 NON-BREAKING HYPHEN on the Parliament's web
#: pages), and spaces other than the ASCII space (U+00A0 NO-BREAK SPACE, thin and narrow spaces). The text keeps them;
#: only the copy the importer recognises structure in has them as "-" and " ".
HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_PROBE = str.maketrans(HYPHENS + SPACES, "-" * len(HYPHENS) + " " * len(SPACES))
_LAYOUT_SPACE = re.compile(r"[ \t\f\v]+")

#: Document references: motions and reports (B9-0311/2022, A9-0123/2022), joint motions (RC-B9-0310/2022), texts
#: adopted (P9_TA(2022)0237, P9_TA-PROV(2022)0237); in a probe (ASCII hyphens). A reference may carry "/REV1".
_MOTION = re.compile(r"(?<![A-Za-z])((?:RC-)?[AB]\d{1,2}-\d{4}/\d{4})(?:/REV\d*)?")
_ADOPTED = re.compile(r"(?<![A-Za-z0-9])(P\d{1,2}_TA(?:-PROV)?\(\d{4}\)\d{4})")
#: The Parliament's file names: B-9-2022-0311_EN, RC-9-2022-0310_EN, TA-9-2022-0237_EN, A-9-2022-0100_EN.
_FILE_NAME = re.compile(
    r"(?P<kind>RC|TA|A|B)-(?P<term>\d{1,2})-(?P<year>\d{4})-(?P<number>\d{4})(?:_(?P<lang>[A-Z]{2}))?"
)
_PROCEDURE = re.compile(r"\((\d{4}/\d{4}) ?\(([A-Z]{3})\)\)")
#: A point's label glued to its text, as in "(a)to formulate".
_GLUED_POINT = re.compile(r"\([a-z]{1,4}\)(?=[A-Za-z])")
#: The front matter's type for each kind of document a type line names (``languages.DOCUMENT_KINDS``).
_TYPES = {
    "motion": "Motion for a resolution",
    "joint_motion": "Joint motion for a resolution",
    "report": "Motion for a resolution",
    "text_adopted": "Text adopted",
}
_RULE = re.compile(r"[_\-–—]{5,}")
#: Page furniture: a Word file's name, a PE number, a page count "2/3", a language code; also the motto between
#: language codes, in the pack's language ("EN United in diversity EN").
_FURNITURE = r"RE\\\d+[A-Z]{2}\.docx|PE\d+\.\d+(v\d+-\d+)?|\d+/\d+|[A-Z]{2}"
_FOOTNOTE_TEXT = re.compile(r"(?:\[(\d+)\]|\((\d+)\)|(\d+)|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s+(\S.*)")
#: Footnote calls: "[1]", a superscript "¹" after a word, or "(1)" right after a word or a year, as the Parliament's
#: pages print them ("industries(1),", "of 15 March 2023(2)"). A "(3)" is a call only where the next note's number
#: is due, and never after a space or a number of one to three digits: "point (1)", "Rule 37(3)" are text.
_FOOTNOTE_CALL = re.compile(r"\[(\d+)\]|(?<=\S)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(?<=[^\s(\[])\((\d{1,3})\)(?=[\s,.;:)]|$)")
_SHORT_NUMBER_BEFORE = re.compile(r"(?<!\d)\d{1,3}$")
#: A subheading is a line of at most this many characters.
_HEADING_MAX = 150
#: An upper-level subheading is numbered in Roman numerals: "I. ECONOMIC GROWTH".
_MAJOR_HEADING = re.compile(r"[IVXL]+\. ")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&])")
_WIDTH = 100


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning about the input text: its line and what deviates from the usual pattern."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class Given:
    """Front-matter facts given on the command line; each one wins over what the text or its file name says."""

    reference: str | None = None
    procedure: str | None = None
    doc_type: str | None = None
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Imported:
    """The structured source made from a text, and the warnings met on the way."""

    source: str
    warnings: tuple[Notice, ...]


@dataclass
class _Clause:
    style: LabelStyle
    label: str
    value: str
    line: int
    parts: list[str] = field(default_factory=list)
    points: list[_Clause] = field(default_factory=list)

    @property
    def text(self) -> str:
        return _fold(" ".join(self.parts))


@dataclass(frozen=True, slots=True)
class _Heading:
    """A subheading between clauses: its text, line and level (1, or 2 below a level-1 one)."""

    text: str
    line: int
    level: int


@dataclass
class _Sections:
    citations: list[_Clause] = field(default_factory=list)
    recitals: list[_Clause] = field(default_factory=list)
    paragraphs: list[_Clause] = field(default_factory=list)
    #: Subheadings by section name, each with the number of the section's clauses before it.
    headings: dict[str, list[tuple[int, _Heading]]] = field(default_factory=dict)


def import_file(path: Path, lenient: bool = False, language: str | None = None, given: Given | None = None) -> Imported:
    """Import the text file at ``path``; see :func:`import_text`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, 0, f"cannot read the text: {exc.strerror}") from None
    if not data.strip():
        raise SourceError(path, 0, "the file is empty")
    if b"\0" in data:
        raise SourceError(path, data.count(b"\n", 0, data.index(b"\0")) + 1, "a binary file, not text (NUL byte)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            path, line, f"not UTF-8 (byte 0x{data[exc.start]:02x})", "convert it first, e.g. iconv -f cp1252 -t utf-8"
        ) from None
    return import_text(text, path, lenient=lenient, language=language, given=given)


def import_text(
    text: str, path: Path, lenient: bool = False, language: str | None = None, given: Given | None = None
) -> Imported:
    """Import a resolution's text; ``path`` names it in errors and warnings, and its name may give the reference.

    ``language`` defaults to the file name's (``…_FR.txt``), else English; ``given`` facts win over the text's.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    chosen = language or language_from_name(path)
    if chosen and languages.load(chosen).fallback:
        first = next((n for n, line in enumerate(text.split("\n"), 1) if line.strip()), 1)
        where = "given with --language" if language else f"from the file name {path.name}"
        found = language_from_formula(text)
        hint = (
            f"its formula is {found}'s: give --language {found}"
            if found
            else "give the text's language with --language"
        )
        raise SourceError(
            path,
            first,
            f"no language pack for '{chosen}' ({where}); packs exist for {', '.join(languages.available())}",
            hint,
        )
    detected = None
    if not (language or language_from_name(path)):
        detected = language_from_formula(text)
    importer = _Importer(path, lenient, language or language_from_name(path) or detected or "en", given or Given())
    if detected and detected != "en":
        importer.warn(1, f"language '{detected}' taken from the formula; give it with --language to be sure")
    return importer.run(text)


def formula_pattern(pack: languages.Pack) -> re.Pattern[str]:
    """The formulas of a pack's language as they are printed: their words, any spaces, a final comma or none."""
    return re.compile(
        "|".join(
            r"\s+".join(re.escape(word) for word in formula.strip().rstrip(",").split()) + r" ?,?"
            for formula in pack.all_formulas
        ),
        re.IGNORECASE,
    )


@dataclass(frozen=True)
class _Words:
    """What the importer looks for in a language, compiled from its pack."""

    pack: languages.Pack
    formula: re.Pattern[str]
    furniture: re.Pattern[str]
    title_start: re.Pattern[str] | None
    title_dates: tuple[re.Pattern[str], ...]
    date_lines: tuple[re.Pattern[str], ...]
    months: dict[str, int]

    def date(self, match: re.Match[str]) -> str | None:
        """The ISO date a match of a date pattern names, if it is a real date."""
        number = self.months.get(match["month"].casefold())
        if number is None:
            return None
        try:
            return datetime.date(int(match["year"]), number, int(match["day"])).isoformat()
        except ValueError:
            return None

    def report_opener(self, probe: str) -> bool:
        """Whether a line starts as a report's title does after its type line ("on …")."""
        return any(probe.startswith(f"{opener} ") for opener in self.pack.report_title_openers)


@cache
def _words(language: str) -> _Words:
    pack = languages.load(language)
    months = {name.casefold(): number for number, names in enumerate(pack.months, 1) for name in names}
    names = "|".join(re.escape(name) for name in sorted(months, key=len, reverse=True))
    dates = [
        re.escape(shape)
        .replace(re.escape("{day}"), r"(?P<day>\d{1,2})")
        .replace(re.escape("{month}"), rf"(?P<month>(?i:{names}))")
        .replace(re.escape("{year}"), r"(?P<year>\d{4})")
        for shape in pack.dates
    ]
    openers = sorted(pack.title_openers, key=len, reverse=True)
    title_start = "|".join(re.escape(opener) for opener in [*openers, *pack.report_title_openers])
    return _Words(
        pack=pack,
        formula=formula_pattern(pack),
        furniture=re.compile(rf"({_FURNITURE}|[A-Z]{{2}} {re.escape(pack.motto)} [A-Z]{{2}})"),
        title_start=re.compile(f"({title_start}) ") if title_start else None,
        title_dates=tuple(
            re.compile(re.escape(template).replace(re.escape("{date}"), date) + r"(?!\w)")
            for template in pack.title_dates
            for date in dates
        ),
        date_lines=tuple(re.compile(date) for date in dates),
        months=months,
    )


def language_from_formula(text: str) -> str | None:
    """The language whose formula ("Le Parlement européen,") stands on a line of its own in ``text``, if one does."""
    lines = {_probe(line).strip() for line in text.split("\n")}
    for code in languages.available():
        pattern = _words(code).formula
        if any(pattern.fullmatch(line) for line in lines):
            return code
    return None


def reference_from_name(path: Path) -> str | None:
    """The reference a file named as the Parliament names its documents stands for, if it is so named.

    ``B-9-2022-0311_EN.txt`` → B9-0311/2022, ``RC-9-2022-0310_EN`` → RC-B9-0310/2022,
    ``TA-9-2022-0237_EN`` → P9_TA(2022)0237, ``A-9-2022-0100_EN`` → A9-0100/2022.
    """
    match = _FILE_NAME.fullmatch(path.name.split(".")[0])
    if match is None:
        return None
    kind, term, year, number = match["kind"], match["term"], match["year"], match["number"]
    if kind == "TA":
        return f"P{term}_TA({year}){number}"
    return f"{'RC-B' if kind == 'RC' else kind}{term}-{number}/{year}"


def language_from_name(path: Path) -> str | None:
    """The language of a file named as the Parliament does (``B-9-2022-0311_FR.txt`` → fr), if it is so named."""
    match = _FILE_NAME.fullmatch(path.name.split(".")[0])
    return match["lang"].lower() if match and match["lang"] else None


class _Importer:
    def __init__(self, path: Path, lenient: bool, language: str, given: Given) -> None:
        self.path = path
        self.lenient = lenient
        self.language = language
        self.given = given
        self.words = _words(language)
        self.pack = self.words.pack
        self.formula = self.words.formula
        self.furniture = self.words.furniture
        self.header_notes: list[str] = []
        self.warnings: list[Notice] = []
        self.sections = _Sections()
        self.notes: dict[str, list[str]] = {}
        self.note_lines: dict[str, int] = {}
        self.pending: list[_Heading] = []  # subheadings waiting for the clause they head
        self.unseparated: list[Notice] = []  # clauses not set apart by a blank line
        self.separated = 0

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Notice(line, message))

    def error(self, line: int, message: str, hint: str | None = None) -> SourceError:
        return SourceError(self.path, line, message, hint)

    # -- the text ----------------------------------------------------------------

    def run(self, text: str) -> Imported:
        lines = text.split("\n")
        formula_at = next((n for n, line in enumerate(lines) if self.formula.fullmatch(_probe(line).strip())), None)
        if formula_at is None:
            raise self.error(
                0,
                f"no formula ('{self.pack.formula}') found",
                "is this the text of a resolution? Is --language right?",
            )
        metadata = self._header(lines[:formula_at])
        formula = _fold(lines[formula_at])
        self._body(lines, formula_at + 1)
        if not (self.sections.recitals or self.sections.paragraphs or self.sections.citations):
            raise self.error(formula_at + 1, "no clauses found after the formula")
        source = self._source(metadata, formula)
        try:
            reader.parse(source, self.path)
        except SourceError as exc:
            raise self.error(0, f"the imported text does not make a valid source: {exc.message}") from None
        return Imported(source, tuple(sorted(self.warnings, key=lambda w: w.line)))

    def _header(self, lines: list[str]) -> dict[str, str]:
        """The front matter from the lines before the formula, the facts given and the file's name."""
        found = _Header(self.words)
        unused: list[list[tuple[int, str]]] = [[]]  # lines the front matter has no place for, in blocks
        for number, raw in enumerate(lines, 1):
            line = _fold(raw)
            if line and self.furniture.fullmatch(line):
                self.warn(number, f"page furniture '{line}' dropped")
            elif not found.take(line, number):
                unused[-1].append((number, line))
            elif unused[-1]:
                unused.append([])
        blocks = [block for block in unused if block]
        if found.title() is None and not self.given.title:
            # No line opens as an English title does: the text before the procedure, else the last block of
            # otherwise unused lines, is the title ("Résolution du Parlement européen du 9 juin 2022 sur …").
            if found.untitled:
                found.titles.append([found.untitled[-1]])
            elif blocks:
                found.titles.append([line for _, line in blocks.pop()])
        for number, line in (item for block in blocks for item in block):
            self.warn(number, f"line before the formula not used (not part of the resolution's text): '{line}'")
        from_name = reference_from_name(self.path)
        facts: dict[str, str] = {}
        notes: list[str] = []

        def choose(key: str, given: str | None, in_text: str | None, other: str | None = None, where: str = "") -> None:
            value = given or in_text or other
            if value:
                facts[key] = value
            if given:
                notes.append(f"{key}: given on the command line")
            elif not in_text and other:
                notes.append(f"{key}: {where}")

        choose("reference", self.given.reference, found.reference, from_name, f"from the file name {self.path.name}")
        if found.reference and from_name and found.reference != from_name and not self.given.reference:
            message = f"the text's reference {found.reference} is not the file name's {from_name}; the text's is used"
            self.warn(found.reference_line, message)
        if "reference" not in facts:
            raise self.error(
                1,
                "no document reference (such as B9-0311/2022) before the formula, nor in the file name",
                "give it with --reference, e.g. --reference RC-B9-0310/2022, or name the file as the Parliament "
                "does (B-9-2022-0311_EN.txt)",
            )
        reference = facts["reference"]
        if found.motion:
            notes.append(f"adopted on {found.motion}")
        choose("procedure", self.given.procedure, found.procedure)
        if "procedure" not in facts:
            notes.append("procedure: not in the text (give it with --procedure)")
        facts["type"] = self.given.doc_type or found.doc_type or _type_of(reference)
        if self.given.doc_type:
            notes.append("type: given on the command line")
        choose("title", self.given.title, found.title())
        if "title" not in facts:
            raise self.error(
                1,
                "no title ('European Parliament resolution on …') before the formula",
                "give it with --title",
            )
        choose("date", self.given.date, found.date)
        metadata = {
            "reference": reference,
            **({"procedure": facts["procedure"]} if "procedure" in facts else {}),
            "type": facts["type"],
            "title": facts["title"],
            "language": self.language,
            "issued_by": "European Parliament",
            **({"date": facts["date"]} if "date" in facts else {}),
        }
        self.header_notes = notes
        return metadata

    def _body(self, lines: list[str], start: int) -> None:
        current: _Clause | None = None  # the clause that continuation lines join
        blank_before = True
        in_notes = False
        note: str | None = None
        texts = [_fold(line) for line in lines]
        consumed: set[int] = set()  # lines joined to a bare label before them
        for index in range(start, len(lines)):
            number = index + 1
            line = texts[index]
            if index in consumed:
                continue
            if not line:
                blank_before = True
                continue
            if _RULE.fullmatch(line):
                in_notes, note = True, None
                continue
            if self.furniture.fullmatch(line):
                self.warn(number, f"page furniture '{line}' dropped")
                continue
            if not in_notes and current is not None and self._notes_start(line):
                in_notes, note = True, None
            if in_notes:
                note = self._note_line(line, number, note)
                continue
            joined = self._join_bare_label(texts, index)
            if joined:
                consumed.update(range(index + 1, joined + 1))
                line = texts[index]
            level = self._subheading_level(line, current, texts[index + 1 :])
            if level:
                self.pending.append(_Heading(line, number, level))
                blank_before = True
                continue
            current = self._line(line, number, current, blank_before)
            blank_before = False
            while (rest := self._run_together(current, number)) is not None:
                current = self._line(rest, number, current, blank_before=False)
        if self.pending:
            heading = self.pending[0]
            raise self.error(heading.line, f"the heading '{heading.text}' is not followed by a clause")
        if self.separated:  # a text that sets no clause apart with a blank line has one clause a line: no warnings
            self.warnings += self.unseparated
        for clause in self._all_clauses():
            self._check_clause(clause)

    def _subheading_level(self, line: str, current: _Clause | None, after: list[str]) -> int:
        """The level of the subheading ``line`` is (1 or 2), or 0 when it is not one.

        A subheading is a short line that is not a clause, comes after a finished clause (or right after the
        formula), does not end as a clause's text does, and is followed by a clause or by another subheading.
        "I. THE FUTURE OF EUROPE" (numbered in Roman numerals, or in capitals) is level 1; a plain one ("Enlargement")
        is level 2 below an earlier level-1 one of its section, else level 1.
        """
        if not _could_be_heading(line) or self._label(_probe(line)) is not None or self._regard(line, current, True):
            return 0
        if current is not None and not current.text.endswith((",", ";", ".", ":")):
            return 0
        following = [text for text in after if text and not self.furniture.fullmatch(text)][:3]
        nxt = next(iter(following), "")
        if not nxt or not (self._starts_top_clause(nxt, current) or _could_be_heading(nxt)):
            return 0
        two_headings = _could_be_heading(nxt) and not self._starts_top_clause(nxt, current)
        if two_headings and (len(following) < 2 or not self._starts_top_clause(following[1], current)):
            return 0
        section = self._section_of(nxt, following)
        earlier = [h for _, h in self.sections.headings.get(section, [])] + self.pending
        level = 1 if _is_major(line) or not any(_is_major(h.text) for h in earlier) else 2
        if self.pending and self.pending[-1].level >= level:
            level = min(2, self.pending[-1].level + 1)
        return level

    def _starts_top_clause(self, line: str, current: _Clause | None) -> bool:
        """Whether ``line`` starts a citation, recital or paragraph where it stands."""
        label = self._label(_probe(line))
        if label is not None:
            return label.style in (LabelStyle.UPPER, LabelStyle.NUMBER) or (
                label.style is LabelStyle.BULLET and not (self.sections.recitals or self.sections.paragraphs)
            )
        return self._regard(line, current, True)

    def _section_of(self, line: str, following: list[str]) -> str:
        """The section the clause starting on ``line`` (or the first clause among ``following``) goes to."""
        for text in [line, *following]:
            label = self._label(_probe(text))
            if label is not None and label.style is LabelStyle.UPPER:
                return "recitals"
            if label is not None and label.style is LabelStyle.NUMBER:
                return "paragraphs"
            if label is not None or self._regard(text, None, True):
                return "citations"
        return "paragraphs"

    def _regard(self, line: str, current: _Clause | None, blank_before: bool) -> bool:
        """Whether ``line`` starts an unbulleted citation ("having regard to …", in the language's words) where it
        stands."""
        in_citations = not self.sections.recitals and not self.sections.paragraphs
        at_clause_start = current is None or blank_before or current.text.endswith((",", ";"))
        opens = any(line.casefold().startswith(opener.casefold()) for opener in self.pack.citation_openers)
        return opens and in_citations and at_clause_start

    def _notes_start(self, line: str) -> bool:
        """Whether the notes start at ``line`` without a rule before them: it is note 1, and note 1 is called."""
        match = _FOOTNOTE_TEXT.fullmatch(line)
        if match is None or next(g for g in match.groups()[:4] if g).translate(SUPERSCRIPTS) != "1":
            return False
        return any(key == "1" for calls in self._calls().values() for _, key in calls)

    def _line(self, line: str, number: int, current: _Clause | None, blank_before: bool) -> _Clause:
        label = self._label(_probe(line))
        if label is not None:
            return self._start(line, number, label, current, blank_before)
        if self._regard(line, current, blank_before):
            return self._start(line, number, None, current, blank_before)
        if current is None:
            raise self.error(number, f"cannot place this line: '{line}'", "the first clause should follow the formula")
        if blank_before and current.text.endswith((";", ".")):
            if not self.lenient:
                raise self.error(
                    number,
                    f"unlabelled text after a finished clause: '{line[:60]}'",
                    "add its label, or use --lenient to join it to the clause before",
                )
            self.warn(number, "unlabelled text after a finished clause joined to it")
        current.parts.append(line)
        return current

    def _join_bare_label(self, texts: list[str], index: int) -> int | None:
        """Join a label alone on its line ("A.", a citation's "-") to the clause text on the next line that is not
        blank, as OJ copies print them; return the index of the line joined, or None when there is nothing to join."""
        if not self._bare_label(texts[index]):
            return None
        following = next((n for n in range(index + 1, len(texts)) if texts[n]), None)
        if following is None or self._bare_label(texts[following]):
            return None
        joined = f"{texts[index]} {texts[following]}"
        if self._label(_probe(joined)) is None:
            return None
        texts[index] = joined
        return following

    def _bare_label(self, line: str) -> str | None:
        """The label a line holds and nothing else ("A.", "3.", "(a)", a bullet), if it is such a line."""
        probe = _probe(line)
        if len(probe) == 1 and probe in BULLET_CHARS:
            return probe
        label = find_label(probe)
        return probe if label is not None and label.length == len(probe) and label.text else None

    def _label(self, line: str) -> Label | None:
        """The label that starts a new clause on this line (a probe), or None for a continuation line."""
        first = line[0]
        if first in BULLET_CHARS and len(line) > 1 and line[1] in " \t":
            after = len(line) - len(line[2:].lstrip())
            point = self._label(line[after:]) if (self.sections.recitals or self.sections.paragraphs) else None
            if point is not None and point.style in (LabelStyle.LOWER, LabelStyle.ROMAN):
                return replace(point, length=point.length + after)  # "• (a) …": the bullet only draws the point
            return find_label("- " + line[2:].lstrip())
        glued = _GLUED_POINT.match(line)
        if glued:
            label = self._label(f"{line[: glued.end()]} {line[glued.end() :]}")
            return replace(label, length=label.length - 1) if label is not None else None
        owner = self._top()
        last_letter = _last(owner.points, LabelStyle.LOWER) if owner else None
        last_roman = _last((last_letter or owner).points, LabelStyle.ROMAN) if (last_letter or owner) else None
        label = find_label(line, last_letter.value if last_letter else None, last_roman.value if last_roman else None)
        if label is None or label.style is LabelStyle.BULLET:
            return None
        if label.style is LabelStyle.UPPER and not any(c.islower() for c in line[label.length :]):
            return None  # "I. GENERAL" after recital H is a heading, not recital I
        if label.value == self._expected(label.style, owner, last_letter):
            return label
        return None

    def _expected(self, style: LabelStyle, owner: _Clause | None, last_letter: _Clause | None) -> str | None:
        s = self.sections
        if style is LabelStyle.UPPER:
            return None if s.paragraphs else _following(style, s.recitals)
        if style is LabelStyle.NUMBER:
            return _following(style, s.paragraphs)
        if owner is None or not (s.recitals or s.paragraphs):
            return None
        if style is LabelStyle.LOWER:
            return _following(style, owner.points)
        return _following(style, (last_letter or owner).points)

    def _start(
        self, line: str, number: int, label: Label | None, current: _Clause | None, blank_before: bool
    ) -> _Clause:
        text = line[label.length :] if label is not None else line
        style = label.style if label is not None else LabelStyle.BULLET
        clause = _Clause(style, label.text if label else "", label.value if label else "", number, [text])
        s = self.sections
        top = {LabelStyle.UPPER: "recitals", LabelStyle.NUMBER: "paragraphs"}.get(style)
        if style is LabelStyle.BULLET and not (s.recitals or s.paragraphs):
            top = "citations"
        if top is not None and self.pending:
            s.headings.setdefault(top, []).extend((len(getattr(s, top)), h) for h in self.pending)
            self.pending = []
        if style is LabelStyle.BULLET:
            if s.recitals or s.paragraphs:
                self._top().points.append(clause)  # an indent of the clause it follows
            else:
                s.citations.append(clause)
        elif style is LabelStyle.UPPER:
            s.recitals.append(clause)
        elif style is LabelStyle.NUMBER:
            s.paragraphs.append(clause)
        elif style is LabelStyle.LOWER:
            self._top().points.append(clause)
        else:
            owner = _last(self._top().points, LabelStyle.LOWER) or self._top()
            owner.points.append(clause)
        if not blank_before and current is not None:
            self.unseparated.append(Notice(number, f"no blank line before {_describe(clause)}; started a new clause"))
        elif current is not None:
            self.separated += 1
        return clause

    def _top(self) -> _Clause | None:
        s = self.sections
        group = s.paragraphs or s.recitals or s.citations
        return group[-1] if group else None

    def _run_together(self, clause: _Clause, number: int) -> str | None:
        """Cut the clause's last line where the next paragraph or recital starts after its end; return the rest."""
        s = self.sections
        if clause.style is LabelStyle.NUMBER:
            expected = [_following(LabelStyle.NUMBER, s.paragraphs)]
        elif clause.style is LabelStyle.UPPER:
            expected = [_following(LabelStyle.UPPER, s.recitals), "1"]
        else:
            return None
        last = clause.parts[-1]
        for label in expected:
            match = re.search(rf"(?<=[;.:])\s+{re.escape(label)}\.\s+(?=[A-Z])", last)
            if match:
                self.warn(number, f"'{label}.' follows the clause before on the same line; started a new clause")
                clause.parts[-1] = last[: match.start()]
                return last[match.start() :].lstrip()
        return None

    def _note_line(self, line: str, number: int, note: str | None) -> str:
        match = _FOOTNOTE_TEXT.fullmatch(line)
        if match:
            key = next(g for g in match.groups()[:4] if g).translate(SUPERSCRIPTS)
            if key not in self.notes:
                self.notes[key] = [match[5]]
                self.note_lines[key] = number
                return key
        if note is None:
            if self.lenient:
                self.warn(number, "text after the footnote rule that is not a footnote: dropped")
                return ""
            raise self.error(number, f"cannot place this line after the footnote rule: '{line}'")
        self.notes[note].append(line)
        return note

    # -- checks --------------------------------------------------------------------

    def _all_clauses(self) -> list[_Clause]:
        out: list[_Clause] = []

        def walk(clauses: list[_Clause]) -> None:
            for clause in clauses:
                out.append(clause)
                walk(clause.points)

        walk(self.sections.citations + self.sections.recitals + self.sections.paragraphs)
        return out

    def _check_clause(self, clause: _Clause) -> None:
        text = clause.text
        if clause.style is LabelStyle.UPPER:
            for opener in self.pack.recital_openers:
                word = opener.split()[0]
                capital = word[0].upper() + word[1:]
                if word[0].islower() and text.startswith(capital):
                    self.warn(
                        clause.line,
                        f"recital {clause.label} starts with '{capital}' (capital {capital[0]}); kept as is",
                    )
                    break
        if not text:
            raise self.error(clause.line, f"{_describe(clause)} has no text")
        if clause.points:
            return
        if not text.endswith((";", ",", ".", ":")):
            self.warn(clause.line, f"{_describe(clause)} ends without ';', ',' or '.'; kept as is")

    # -- the source ----------------------------------------------------------------

    def _source(self, metadata: dict[str, str], formula: str) -> str:
        front = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1000).rstrip("\n")
        comments = [f"# {' '.join(note.split())}" for note in self.header_notes]
        out = ["---", *comments, front, "---", "", formula, ""]
        s = self.sections
        for heading, clauses in (("Citations", s.citations), ("Recitals", s.recitals), ("Paragraphs", s.paragraphs)):
            if clauses:
                out += [f"## {heading}", ""]
                headings = s.headings.get(heading.lower(), [])
                for index, clause in enumerate(clauses):
                    for _, sub in (h for h in headings if h[0] == index):
                        out += [f"{'#' * (sub.level + 2)} {escape_markdown(sub.text)}", ""]
                    out += self._clause_lines(clause, 0)
        used = self._used_notes()
        for key in self.notes:
            if key in used:
                out += [_wrap(f"[^{key}]: {escape_markdown(' '.join(self.notes[key]))}", "    "), ""]
            else:
                self.warn(self.note_lines[key], f"footnote {key} is never called in the text; dropped")
        return "\n".join(out).rstrip("\n") + "\n"

    def _clause_lines(self, clause: _Clause, depth: int) -> list[str]:
        label = clause.label or "-"
        indent = "   " * depth
        text = self._inline(clause)
        lines = [_wrap(f"{indent}{label} {text}", indent + " " * (len(label) + 1)), ""]
        for point in clause.points:
            lines += self._clause_lines(point, depth + 1)
        return lines

    def _inline(self, clause: _Clause) -> str:
        """The clause text as Markdown: escaped, with its footnote calls as ``[^n]`` and its references to the
        document's own clauses as links (:mod:`publish.crossrefs`)."""
        text, out, position = clause.text, [], 0
        for match, key in self._calls().get(id(clause), []):
            if key not in self.notes:
                self.warn(clause.line, f"footnote call {match[0]} has no footnote text; kept as text")
                continue
            out += [self._linked(text[position : match.start()]), f"[^{key}]"]
            position = match.end()
        out.append(self._linked(text[position:]))
        return "".join(out)

    def _linked(self, text: str) -> str:
        return crossrefs.link(escape_markdown(text), crossrefs.pattern(self.pack), self._targets())

    def _targets(self) -> dict[tuple[str, str], str]:
        """The clauses a reference may name: (kind, label as written) → anchor, for citations, recitals, paragraphs."""
        s, targets = self.sections, {}
        for kind, clauses, style in (
            (ClauseKind.CITATION, s.citations, None),
            (ClauseKind.RECITAL, s.recitals, LabelStyle.UPPER),
            (ClauseKind.PARAGRAPH, s.paragraphs, LabelStyle.NUMBER),
        ):
            numbered = [c for c in clauses if style is None or c.style is style]
            for count, clause in enumerate(numbered, 1):
                num = anchors.clean_num(clause.label) if style else str(count)
                targets[(kind.value, num)] = anchors.clause_eid(kind, num)
        return targets

    def _used_notes(self) -> set[str]:
        return {key for calls in self._calls().values() for _, key in calls}

    def _calls(self) -> dict[int, list[tuple[re.Match[str], str]]]:
        """The footnote calls of every clause (by ``id``), in document order, with the note each one calls."""
        due = 1  # the number a "(n)" call must have to be one
        calls: dict[int, list[tuple[re.Match[str], str]]] = {}
        for clause in self._all_clauses():
            text = clause.text
            for match in _FOOTNOTE_CALL.finditer(text):
                if match[3] is not None:
                    if int(match[3]) != due or _SHORT_NUMBER_BEFORE.search(text, 0, match.start()):
                        continue
                    due += 1
                key = next(g for g in match.groups() if g).translate(SUPERSCRIPTS)
                calls.setdefault(id(clause), []).append((match, key))
        return calls


def _following(style: LabelStyle, clauses: list[_Clause]) -> str:
    same = [c for c in clauses if c.style is style]
    return next_value(style, same[-1].value) if same else first_value(style)


def _last(clauses: list[_Clause], style: LabelStyle) -> _Clause | None:
    return next((c for c in reversed(clauses) if c.style is style), None)


def _describe(clause: _Clause) -> str:
    names = {
        LabelStyle.BULLET: "citation" if not clause.label else "indent",
        LabelStyle.UPPER: "recital",
        LabelStyle.NUMBER: "paragraph",
        LabelStyle.LOWER: "point",
        LabelStyle.ROMAN: "point",
    }
    return f"{names[clause.style]} {clause.label}".rstrip() if clause.label else names[clause.style]


def escape_markdown(text: str) -> str:
    """Escape what CommonMark would read as markup; the words stay as they are."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _wrap(text: str, indent: str) -> str:
    """Hard-wrap for editing; a clause stays on one line where a wrapped line could read as markup."""
    lines = textwrap.wrap(text, _WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
    risky = re.compile(r"\s*([#>=+*-]|\d+[.)]|[A-Z]{1,3}\.|\([a-z]+\)|[a-z]\.|`|~~~|\[\^)")
    if any(risky.match(line) for line in lines[1:]):
        return text
    return "\n".join(lines)


def _could_be_heading(line: str) -> bool:
    """Whether a line's text is shaped as a subheading: short, with a letter, not starting in lower case, and not
    ending as a clause's text does."""
    return (
        0 < len(line) <= _HEADING_MAX
        and not line[0].islower()
        and line[-1] not in ",;:."
        and any(c.isalpha() for c in line)
    )


def _is_major(heading: str) -> bool:
    """Whether a subheading is of the upper level: numbered in Roman numerals ("II. ECONOMY") or in capitals."""
    return _MAJOR_HEADING.match(_probe(heading)) is not None or not any(c.islower() for c in heading)


def _fold(line: str) -> str:
    """A line with its runs of layout white space (spaces, tabs) folded to one space and every space trimmed at its
    ends; no-break and other special spaces inside it are kept (the "20 000" of a number)."""
    return _LAYOUT_SPACE.sub(" ", line).strip()


def _probe(text: str) -> str:
    """The copy of ``text`` structure is recognised in: every hyphen "-", every space " " (same length, same places)."""
    return text.translate(_PROBE)


def _type_of(reference: str) -> str:
    """The document type a reference implies."""
    if reference.startswith("RC-"):
        return _TYPES["joint_motion"]
    if "_TA" in reference:
        return _TYPES["text_adopted"]
    return _TYPES["motion"]


@dataclass
class _Header:
    """The facts found in the lines before the formula, wherever real texts print them."""

    words: _Words
    reference: str | None = None
    reference_line: int = 0
    motion: str | None = None
    procedure: str | None = None
    doc_type: str | None = None
    date: str | None = None
    #: Title blocks, each a list of lines: the last one is the title (a report prints it twice).
    titles: list[list[str]] = field(default_factory=list)
    in_title: bool = False
    #: What a title that starts "on …" makes after a report's type line ("MOTION FOR A EUROPEAN PARLIAMENT RESOLUTION"):
    #: the pack's report_title, else nothing.
    report_title: str = ""
    #: Text before a procedure that opens as no English title does ("Résolution du Parlement européen du …").
    untitled: list[str] = field(default_factory=list)

    def take(self, line: str, number: int) -> bool:
        """Take what the folded ``line`` says; False when it says nothing the front matter records.

        A blank line is an empty ``line``: it ends a title block.
        """
        probe = _probe(line)
        if not line:
            self.in_title = False
            return True
        motions, adopted = _MOTION.findall(probe), _ADOPTED.findall(probe)
        if motions or adopted:
            # A text adopted names itself and the motion or report it was adopted on: "P9_TA(2022)0052B9-0123/2022".
            if self.reference is None:
                self.reference, self.reference_line = (adopted or motions)[0], number
            if adopted and motions:
                self.motion = self.motion or motions[0]
            self.in_title = False
            return True
        procedure = _PROCEDURE.search(probe)
        if procedure:
            self.procedure = self.procedure or f"{procedure[1]}({procedure[2]})"
            before = line[: procedure.start()].strip()
            if before and not self._title(before, probe[: procedure.start()].strip()):
                self.untitled.append(before)  # a title in words the English openers do not know
            self.in_title = False
            return True
        kind = self.words.pack.type_lines.get(probe.casefold())
        if kind is not None:
            self.doc_type = self.doc_type or _TYPES[kind]
            self.report_title = self.words.pack.report_title if kind == "report" else ""
            self.in_title = False
            return True
        if self._title(line, probe):
            return True
        for pattern in self.words.date_lines:
            date = pattern.fullmatch(probe)
            if date and self.words.date(date):
                self.date = self.date or self.words.date(date)
                return True
        return False

    def _title(self, line: str, probe: str) -> bool:
        """Take a line of the title: the next line of a title block, or one that starts a title."""
        if self.in_title:
            self.titles[-1].append(line)
            return True
        start = self.words.title_start
        report = self.words.report_opener(probe)
        if start is None or not start.match(probe) or (report and not self.report_title):
            return False
        self.titles.append([self.report_title.format(title=line) if report else line])
        self.in_title = True
        date = next((m for m in (p.match(probe) for p in self.words.title_dates) if m), None)
        if date:
            self.date = self.words.date(date) or self.date
        return True

    def title(self) -> str | None:
        """The title: the last title block's lines joined."""
        return " ".join(self.titles[-1]) if self.titles else None
