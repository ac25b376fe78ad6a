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

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from publish import reader
from publish.errors import SourceError
from publish.labels import BULLETS, Label, LabelStyle, find_label, first_value, next_value

#: Characters a bullet may be drawn with in copied EP texts (the U+F02D Symbol-font dash among them).
BULLET_CHARS = BULLETS + "\u2014\u25aa\u25cf\u00b7"
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

_REFERENCE = re.compile(r"(?:RC-)?[AB]\d{1,2}-\d{4}/\d{4}")
_PROCEDURE = re.compile(r"\((\d{4}/\d{4}\([A-Z]{3}\))\)")
_FORMULA = re.compile(r"The European Parliament,?")
_RULE = re.compile(r"[_\-–—]{5,}")
_FURNITURE = re.compile(
    r"(RE\\\d+[A-Z]{2}\.docx|PE\d+\.\d+(v\d+-\d+)?|\d+/\d+|[A-Z]{2} United in diversity [A-Z]{2}|[A-Z]{2})"
)
_FOOTNOTE_TEXT = re.compile(r"(?:\[(\d+)\]|\((\d+)\)|(\d+)|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s+(\S.*)")
_FOOTNOTE_CALL = re.compile(r"\[(\d+)\]|(?<=\S)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&])")
_WIDTH = 100


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning about the input text: its line and what deviates from the usual pattern."""

    line: int
    message: str


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
        return " ".join(" ".join(self.parts).split())


@dataclass
class _Sections:
    citations: list[_Clause] = field(default_factory=list)
    recitals: list[_Clause] = field(default_factory=list)
    paragraphs: list[_Clause] = field(default_factory=list)


def import_file(path: Path, lenient: bool = False, language: str = "en") -> Imported:
    """Import the text file at ``path``."""
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
    return import_text(text, path, lenient=lenient, language=language)


def import_text(text: str, path: Path, lenient: bool = False, language: str = "en") -> Imported:
    """Import a resolution's text; ``path`` names it in errors and warnings."""
    return _Importer(path, lenient, language).run(text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))


class _Importer:
    def __init__(self, path: Path, lenient: bool, language: str) -> None:
        self.path = path
        self.lenient = lenient
        self.language = language
        self.warnings: list[Notice] = []
        self.sections = _Sections()
        self.notes: dict[str, list[str]] = {}
        self.note_lines: dict[str, int] = {}

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Notice(line, message))

    def error(self, line: int, message: str, hint: str | None = None) -> SourceError:
        return SourceError(self.path, line, message, hint)

    # -- the text ----------------------------------------------------------------

    def run(self, text: str) -> Imported:
        lines = text.split("\n")
        formula_at = next((n for n, line in enumerate(lines) if _FORMULA.fullmatch(line.strip())), None)
        if formula_at is None:
            raise self.error(0, "no formula ('The European Parliament,') found", "is this the text of a resolution?")
        metadata = self._header(lines[:formula_at])
        formula = lines[formula_at].strip()
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
        reference = procedure = None
        doc_type = None
        title: list[str] = []
        for number, raw in enumerate(lines, 1):
            line = " ".join(raw.split())
            if not line:
                continue
            procedure_match = _PROCEDURE.search(line)
            if reference is None and _REFERENCE.fullmatch(line):
                reference = line
            elif procedure_match and procedure is None:
                procedure = procedure_match[1]
                before = line[: procedure_match.start()].strip()
                if before:
                    title.append(before)
            elif line.casefold() in ("motion for a resolution", "joint motion for a resolution"):
                doc_type = line[0].upper() + line[1:].lower()
            elif line.startswith(("European Parliament resolution", "Motion for a resolution on")) or (
                title and procedure is None
            ):
                title.append(line)
            elif _FURNITURE.fullmatch(line):
                self.warn(number, f"page furniture '{line}' dropped")
            elif self.lenient:
                self.warn(number, f"unplaced line before the formula kept in the title: '{line}'")
                title.append(line)
            else:
                raise self.error(
                    number, f"cannot place this line before the formula: '{line}'", "use --lenient to keep it"
                )
        if reference is None:
            raise self.error(1, "no document reference (such as B9-0311/2022) before the formula")
        if procedure is None:
            raise self.error(1, "no procedure (such as (2022/2700(RSP))) before the formula")
        if not title:
            raise self.error(1, "no title ('European Parliament resolution on …') before the formula")
        if doc_type is None:
            doc_type = "Joint motion for a resolution" if reference.startswith("RC-") else "Motion for a resolution"
        return {
            "reference": reference,
            "procedure": procedure,
            "type": doc_type,
            "title": " ".join(title),
            "language": self.language,
            "issued_by": "European Parliament",
        }

    def _body(self, lines: list[str], start: int) -> None:
        current: _Clause | None = None  # the clause that continuation lines join
        blank_before = True
        in_notes = False
        note: str | None = None
        for index in range(start, len(lines)):
            number = index + 1
            raw = lines[index].rstrip()
            line = " ".join(raw.split())
            if not line:
                blank_before = True
                continue
            if _RULE.fullmatch(line):
                in_notes, note = True, None
                continue
            if _FURNITURE.fullmatch(line):
                self.warn(number, f"page furniture '{line}' dropped")
                continue
            if in_notes:
                note = self._note_line(line, number, note)
                continue
            current = self._line(line, number, current, blank_before)
            blank_before = False
            while (rest := self._run_together(current, number)) is not None:
                current = self._line(rest, number, current, blank_before=False)
        for clause in self._all_clauses():
            self._check_clause(clause)

    def _line(self, line: str, number: int, current: _Clause | None, blank_before: bool) -> _Clause:
        label = self._label(line)
        if label is not None:
            return self._start(line, number, label, current, blank_before)
        in_citations = not self.sections.recitals and not self.sections.paragraphs
        at_clause_start = current is None or blank_before or current.text.endswith((",", ";"))
        if line.startswith("having regard") and in_citations and at_clause_start:
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

    def _label(self, line: str) -> Label | None:
        """The label that starts a new clause on this line, or None for a continuation line."""
        first = line[0]
        if first in BULLET_CHARS and len(line) > 1 and line[1] in " \t":
            return find_label("- " + line[2:].lstrip())
        owner = self._top()
        last_letter = _last(owner.points, LabelStyle.LOWER) if owner else None
        last_roman = _last((last_letter or owner).points, LabelStyle.ROMAN) if (last_letter or owner) else None
        label = find_label(line, last_letter.value if last_letter else None, last_roman.value if last_roman else None)
        if label is None or label.style is LabelStyle.BULLET:
            return None
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
            self.warn(number, f"no blank line before {_describe(clause)}; started a new clause")
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
        if clause.style is LabelStyle.UPPER and text.startswith("Whereas"):
            self.warn(clause.line, f"recital {clause.label} starts with 'Whereas' (capital W); kept as is")
        if not text:
            raise self.error(clause.line, f"{_describe(clause)} has no text")
        if clause.points:
            return
        if not text.endswith((";", ",", ".", ":")):
            self.warn(clause.line, f"{_describe(clause)} ends without ';', ',' or '.'; kept as is")

    # -- the source ----------------------------------------------------------------

    def _source(self, metadata: dict[str, str], formula: str) -> str:
        front = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1000).rstrip("\n")
        out = ["---", front, "---", "", formula, ""]
        s = self.sections
        for heading, clauses in (("Citations", s.citations), ("Recitals", s.recitals), ("Paragraphs", s.paragraphs)):
            if clauses:
                out += [f"## {heading}", ""]
                for clause in clauses:
                    out += self._clause_lines(clause, 0)
        used = self._used_notes()
        for key in self.notes:
            if key in used:
                out += [_wrap(f"[^{key}]: {_escape(' '.join(self.notes[key]))}", "    "), ""]
            else:
                self.warn(self.note_lines[key], f"footnote {key} is never called in the text; dropped")
        return "\n".join(out).rstrip("\n") + "\n"

    def _clause_lines(self, clause: _Clause, depth: int) -> list[str]:
        label = clause.label or "-"
        indent = "   " * depth
        text = self._inline(clause.text, clause.line)
        lines = [_wrap(f"{indent}{label} {text}", indent + " " * (len(label) + 1)), ""]
        for point in clause.points:
            lines += self._clause_lines(point, depth + 1)
        return lines

    def _inline(self, text: str, line: int) -> str:
        """The clause text as Markdown: escaped, with its footnote calls as ``[^n]``."""
        out, position = [], 0
        for match in _FOOTNOTE_CALL.finditer(text):
            key = (match[1] or match[2]).translate(SUPERSCRIPTS)
            if key not in self.notes:
                self.warn(line, f"footnote call {match[0]} has no footnote text; kept as text")
                continue
            out += [_escape(text[position : match.start()]), f"[^{key}]"]
            position = match.end()
        out.append(_escape(text[position:]))
        return "".join(out)

    def _used_notes(self) -> set[str]:
        keys: set[str] = set()
        for clause in self._all_clauses():
            for match in _FOOTNOTE_CALL.finditer(clause.text):
                keys.add((match[1] or match[2]).translate(SUPERSCRIPTS))
        return keys


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


def _escape(text: str) -> str:
    """Escape what CommonMark would read as markup; the words stay as they are."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _wrap(text: str, indent: str) -> str:
    """Hard-wrap for editing; a clause stays on one line where a wrapped line could read as markup."""
    lines = textwrap.wrap(text, _WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
    risky = re.compile(r"\s*([#>=+*-]|\d+[.)]|[A-Z]{1,3}\.|\([a-z]+\)|[a-z]\.|`|~~~|\[\^)")
    if any(risky.match(line) for line in lines[1:]):
        return text
    return "\n".join(lines)
