"""Clause labels: how each kind of clause is labelled, in what sequence, and how it is spoken.

Citations start with a dash; recitals with capital letters ("A.", "AA."),
paragraphs with numbers ("3."), points with small letters ("(a)" or "a.") or
small Roman numerals ("(i)"), indents with a dash inside a recital or paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from publish import languages

#: Bullets a citation or indent may start with: hyphen, en dash, bullet, and the
#: Symbol-font private-use dash that Word leaves in EP pages.
BULLETS = "-\u2013\u2022\uf02d"


class LabelStyle(StrEnum):
    """The families of labels; each has its own sequence."""

    BULLET = "bullet"
    UPPER = "upper"
    NUMBER = "number"
    LOWER = "lower"
    ROMAN = "roman"


@dataclass(frozen=True, slots=True)
class Label:
    """A label found at the start of a clause's text."""

    style: LabelStyle
    text: str  # as printed: "A.", "3.", "(a)", "a."; "" for a bullet
    value: str  # the bare value: "A", "3", "a", "ii"; "" for a bullet
    length: int  # characters of the source taken by the label and the space after it


_LABEL = re.compile(
    rf"""
    (?P<bullet>[{BULLETS}])
    | (?P<upper>[A-Z]{{1,3}})\.
    | (?P<number>[1-9][0-9]{{0,3}})\.
    | \((?P<plower>[a-z]{{1,4}})\)
    | (?P<lower>[a-z]{{1,2}})\.
    """,
    re.VERBOSE,
)
_AFTER = re.compile(r"[ \t]+")
_ROMAN = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")


def find_label(text: str, previous_lower: str | None = None, previous_roman: str | None = None) -> Label | None:
    """The label at the start of ``text``, if it has one followed by a space or nothing.

    ``previous_lower`` and ``previous_roman`` are the values of the letter and
    Roman-numbered points just before, if any: they tell whether "(i)" is the
    letter after "(h)" or the first Roman numeral, and whether "(v)" follows "(iv)".
    """
    match = _LABEL.match(text)
    if match is None:
        return None
    after = _AFTER.match(text, match.end())
    if after is None and match.end() < len(text):
        return None
    length = after.end() if after else match.end()
    printed = match.group(0)
    if match["bullet"]:
        return Label(LabelStyle.BULLET, "", "", length)
    if match["upper"]:
        return Label(LabelStyle.UPPER, printed, match["upper"], length)
    if match["number"]:
        return Label(LabelStyle.NUMBER, printed, match["number"], length)
    value = match["plower"] or match["lower"]
    style = _lower_style(value, previous_lower, previous_roman)
    return None if style is None else Label(style, printed, value, length)


def _lower_style(value: str, previous_lower: str | None, previous_roman: str | None) -> LabelStyle | None:
    """Letter or Roman numeral: "(c)" is a letter, "(v)" a numeral only after "(iv)", "(i)" a letter after "(h)"."""
    if previous_roman is not None and value == next_value(LabelStyle.ROMAN, previous_roman):
        return LabelStyle.ROMAN
    if value == "i":
        return LabelStyle.LOWER if previous_lower == "h" else LabelStyle.ROMAN
    if len(value) == 1:
        return LabelStyle.LOWER
    if _ROMAN.fullmatch(value):
        return LabelStyle.ROMAN
    return LabelStyle.LOWER if len(value) == 2 else None


def first_value(style: LabelStyle) -> str:
    """The label value a sequence of that style starts with."""
    return {LabelStyle.UPPER: "A", LabelStyle.NUMBER: "1", LabelStyle.LOWER: "a", LabelStyle.ROMAN: "i"}.get(style, "")


def next_value(style: LabelStyle, value: str) -> str:
    """The label value that follows ``value`` in its sequence: Z → AA, 9 → 10, iv → v."""
    match style:
        case LabelStyle.UPPER | LabelStyle.LOWER:
            return _next_letters(value)
        case LabelStyle.NUMBER:
            return str(int(value) + 1)
        case LabelStyle.ROMAN:
            return _to_roman(_from_roman(value) + 1)
    return ""


def _next_letters(value: str) -> str:
    """Spreadsheet-style successor: A → B, Z → AA, AZ → BA (case kept)."""
    base = ord("A") if value.isupper() else ord("a")
    digits = [ord(c) - base for c in value]
    i = len(digits) - 1
    while i >= 0 and digits[i] == 25:
        digits[i] = 0
        i -= 1
    if i < 0:
        digits.insert(0, 0)
    else:
        digits[i] += 1
    return "".join(chr(base + d) for d in digits)


_ROMAN_VALUES = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _from_roman(value: str) -> int:
    total, rest = 0, value
    for number, letters in _ROMAN_VALUES:
        while rest.startswith(letters):
            total, rest = total + number, rest[len(letters) :]
    return total


def _to_roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN_VALUES:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def spoken_label(kind: str, label: str, language: str = "en", parents: tuple[tuple[str, str], ...] = ()) -> str:
    """The label as a listener hears it, in the language's words: "Recital A", "Point (a) of paragraph 3".

    ``label`` is the printed label without a final full stop, or the count for unlabelled clauses; ``parents``
    are (kind, label) of the clauses it belongs to, innermost first.
    """
    return languages.load(language).spoken_label(kind, label, parents)
