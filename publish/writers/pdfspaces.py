"""Put a real space at each line end inside a tagged PDF's blocks, so text read in structure order keeps its words.

WeasyPrint drops the space at which a line breaks: nothing is shown between the last word of a line and the
first of the next. Readers that follow the structure tree (poppler's ``pdfinfo -struct-text``, a screen reader
over the tags) concatenate the lines' spans, and "of the" / "human rights" reads "thehuman". This step shows a
space glyph at the end of every line of a block (a ``P``, ``H1`` …, in tag order, across pages) that the next
line continues, inside the line's own marked content. It does the same where white space between two inline
elements (``<em>a</em> <em>b</em>``) is a text box WeasyPrint draws no glyph for. The space is the font's own
glyph, already in the subset with its width (a font that has none borrows the space of another font on the
page), and it is shown after the last glyph, at the right end of a ragged line: nothing moves on the page.

Hyphenation is off and hard-hyphenated compounds do not break (``span.nw``), so a line end is a word
boundary, except after a hyphen, dash or slash that follows a letter or digit ("A6-0108/" then "2008"), where
the line breaking may cut a compound or a reference: no space is added there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String

#: Characters after which the line breaking cuts inside a word (UAX #14 classes HY, BA, SY): no space after them
#: when they follow a letter or digit.
BREAK_INSIDE = frozenset("-\u2010\u2013\u2014/")
#: A new line starts when the baseline drops by more than this share of the text size (a superscript moves less).
NEW_LINE = 0.6

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


@dataclass(slots=True)
class _Font:
    """What a line end needs of a font: its code length, each code's text and the code of its space."""

    width: int
    text: dict[bytes, str]
    space: bytes | None


@dataclass(slots=True)
class _Show:
    """One text-showing operator: its place in the page's instructions, font, size and text."""

    index: int
    font: Name
    size: float
    text: str


@dataclass(slots=True)
class _Content:
    """One marked-content sequence of a page: its shows and the baseline (text space, y down) of the first."""

    shows: list[_Show] = field(default_factory=list)
    y: float | None = None


def space_line_ends(pdf: pikepdf.Pdf, document: pikepdf.Object) -> int:
    """Show a space at each line end inside a block (a kid of ``document``) that lacks one, and where white space
    between two inline elements shows nothing; return how many. Run it before empty spans leave the tree."""
    blocks = list(document.K) if isinstance(document.K, Array) else [document.K]
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    contents: dict[int, dict[int, _Content]] = {}
    instructions: dict[int, list[pikepdf.ContentStreamInstruction]] = {}
    fonts: dict[int, dict[Name, _Font]] = {}
    wanted: dict[int, list[tuple[_Show, bytes | None]]] = {}
    for block in blocks:
        if not isinstance(block, Dictionary):
            continue
        # The block's marked content in tag order; None for one that shows nothing: WeasyPrint draws no glyph
        # for a text box of white space alone (between two inline elements), so a word boundary is there too.
        items: list[tuple[int, _Content | None]] = []
        for page, mcid in _content_items(block, pages):
            if page not in contents:
                instructions[page] = pikepdf.parse_content_stream(pdf.pages[page])
                fonts[page] = _fonts(pdf.pages[page])
                contents[page] = _marked_content(instructions[page], fonts[page])
            content = contents[page].get(mcid)
            items.append((page, content if content is not None and content.shows else None))
        read = ""  # the block's text up to the end of ``previous``
        previous: tuple[int, _Content] | None = None
        gap = False
        for page, content in items:
            if content is None:
                gap = previous is not None
                continue
            if previous is not None:
                (last_page, last), first = previous, content
                size = max(last.shows[-1].size, first.shows[0].size)
                new_line = page != last_page or (first.y or 0) - (last.y or 0) > NEW_LINE * size
                if (gap or new_line) and _needs_space(read[-2:], _text(first)[:1], gap):
                    show = last.shows[-1]
                    wanted.setdefault(last_page, []).append((show, fonts[last_page][show.font].space))
            read += _text(content)
            previous, gap = (page, content), False
    for page, shows in wanted.items():
        _add_spaces(pdf, page, instructions[page], fonts[page], shows)
    return sum(len(shows) for shows in wanted.values())


def _needs_space(last: str, first: str, gap: bool) -> bool:
    """Whether the boundary between text ending in ``last`` and text starting with ``first`` lacks its space: at a
    ``gap`` (white space shown as nothing) always, at a line end unless the line breaking cut inside a word."""
    if not last or not first or last[-1].isspace() or first[0].isspace():
        return False
    return gap or not (last[-1] in BREAK_INSIDE and len(last) > 1 and last[-2].isalnum())


def _text(content: _Content) -> str:
    return "".join(show.text for show in content.shows)


def _content_items(
    elem: Dictionary, pages: dict[tuple[int, int], int], page: int | None = None
) -> Iterator[tuple[int, int]]:
    """(page, MCID) of each marked-content item of ``elem`` and its descendants, in tag order."""
    page = pages.get(elem.Pg.objgen) if "/Pg" in elem else page
    kids = elem.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, int) and page is not None:
            yield page, int(kid)
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
            where = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
            if where is not None:
                yield where, int(kid.MCID)
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.StructElem:
            yield from _content_items(kid, pages, page)


def _fonts(page: pikepdf.Page) -> dict[Name, _Font]:
    """The page's fonts by resource name, read from their ``/ToUnicode`` maps (WeasyPrint writes ``bfchar``)."""
    out: dict[Name, _Font] = {}
    for name, font in page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary()).items():
        width = 2 if font.get("/Subtype") == Name.Type0 else 1
        text: dict[bytes, str] = {}
        if "/ToUnicode" in font:
            for block in _BFCHAR.findall(font.ToUnicode.read_bytes()):
                for code, value in _PAIR.findall(block):
                    text[bytes.fromhex(code.decode())] = bytes.fromhex(value.decode()).decode("utf-16-be")
        space = next((code for code, value in text.items() if value == " " and _has_width(font, code)), None)
        out[Name(name)] = _Font(width, text, space)
    return out


def _has_width(font: pikepdf.Object, code: bytes) -> bool:
    """Whether a composite font's ``/W`` array gives the glyph ``code`` a width (it is in the subset)."""
    if font.get("/Subtype") != Name.Type0:
        return True
    cid = int.from_bytes(code, "big")
    widths = font.DescendantFonts[0].get("/W", Array())
    i = 0
    while i < len(widths):
        first = int(widths[i])
        if isinstance(widths[i + 1], Array):
            if first <= cid < first + len(widths[i + 1]):
                return True
            i += 2
        else:
            if first <= cid <= int(widths[i + 1]):
                return True
            i += 3
    return False


def _marked_content(
    instructions: list[pikepdf.ContentStreamInstruction], fonts: dict[Name, _Font]
) -> dict[int, _Content]:
    """Each MCID's text shows, with the font in use, in content order."""
    out: dict[int, _Content] = {}
    stack: list[int | None] = []
    font, size, y = Name.Unknown, 0.0, 0.0
    for index, (operands, operator) in enumerate(instructions):
        op = str(operator)
        if op == "BDC":
            props = operands[1] if len(operands) > 1 else None
            stack.append(int(props.MCID) if isinstance(props, Dictionary) and "/MCID" in props else None)
        elif op == "BMC":
            stack.append(None)
        elif op == "EMC" and stack:
            stack.pop()
        elif op == "Tf":
            font, size = Name(operands[0]), float(operands[1])
        elif op == "Tm":
            y = float(operands[5])
        elif op == "TJ" and stack and stack[-1] is not None and font in fonts:
            content = out.setdefault(stack[-1], _Content())
            if content.y is None:
                content.y = y
            content.shows.append(_Show(index, font, size, _decode(operands[0], fonts[font])))
    return out


def _decode(array: Array, font: _Font) -> str:
    parts = []
    for item in array:
        if isinstance(item, String):
            raw = bytes(item)
            for i in range(0, len(raw) - font.width + 1, font.width):
                parts.append(font.text.get(raw[i : i + font.width], "\ufffd"))
    return "".join(parts)


def _add_spaces(
    pdf: pikepdf.Pdf,
    page: int,
    instructions: list[pikepdf.ContentStreamInstruction],
    fonts: dict[Name, _Font],
    shows: list[tuple[_Show, bytes | None]],
) -> None:
    """Append a space to each of ``shows``: in its own font, or in one of the page's fonts that has a space."""
    lender = next(((name, font.space) for name, font in fonts.items() if font.space is not None), None)
    after: dict[int, list[pikepdf.ContentStreamInstruction]] = {}
    for show, space in shows:
        operands, operator = instructions[show.index]
        if space is not None:
            array = Array(list(operands[0]))
            array.append(String(space))
            instructions[show.index] = pikepdf.ContentStreamInstruction([array], operator)
        elif lender is not None:
            after[show.index] = [
                pikepdf.ContentStreamInstruction([lender[0], show.size], pikepdf.Operator("Tf")),
                pikepdf.ContentStreamInstruction([Array([String(lender[1])])], pikepdf.Operator("TJ")),
                pikepdf.ContentStreamInstruction([show.font, show.size], pikepdf.Operator("Tf")),
            ]
    merged: list[pikepdf.ContentStreamInstruction] = []
    for index, instruction in enumerate(instructions):
        merged.append(instruction)
        merged += after.get(index, [])
    pdf.pages[page].obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(merged))
