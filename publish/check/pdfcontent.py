"""Interpret PDF content streams: each text run's text, marked-content id or artifact, size and position.

Text is decoded through each font's ``/ToUnicode`` map; the size is the font size times the text and
graphics matrices, as printed. Form XObjects are followed. Only what reading text needs is interpreted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class TextRun:
    """One text-showing operator: its page (0-based), marked-content id or artifact, text, size and origin."""

    page: int
    mcid: int | None
    artifact: bool
    text: str
    size: float
    x: float
    y: float
    """Baseline, from the bottom of the page (PDF user space)."""


def _multiply(a: Matrix, b: Matrix) -> Matrix:
    """``a × b`` in PDF's row-vector convention (apply ``a`` first)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _to_unicode(font: pikepdf.Object) -> tuple[dict[int, str], int]:
    """A font's code → text map from its ``/ToUnicode`` CMap, and its code length in bytes."""
    width = 2 if font.get("/Subtype") == Name.Type0 else 1
    table: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return table, width
    cmap = font.ToUnicode.read_bytes()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        codes = _HEX.findall(block)
        for src, dst in zip(codes[::2], codes[1::2], strict=False):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for line in re.findall(rb"<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*(?:<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            values = _HEX.findall(line)
            low, high = int(values[0], 16), int(values[1], 16)
            if b"[" in line:
                for offset, dst in enumerate(values[2:]):
                    table[low + offset] = bytes.fromhex(dst.decode()).decode("utf-16-be")
            else:
                start = bytes.fromhex(values[2].decode())
                base = int.from_bytes(start, "big")
                for offset in range(high - low + 1):
                    code = (base + offset).to_bytes(len(start), "big")
                    table[low + offset] = code.decode("utf-16-be", errors="replace")
    return table, width


class ContentReader:
    """Interprets the text, matrix and marked-content operators of one page's content."""

    def __init__(self, page: int) -> None:
        self.page = page
        self.runs: list[TextRun] = []
        self.fonts: dict[int, tuple[dict[int, str], int]] = {}

    def read(
        self,
        holder: pikepdf.Object,
        resources: pikepdf.Object,
        ctm: Matrix = IDENTITY,
        marks: list[tuple[int | None, bool]] | None = None,
    ) -> list[TextRun]:
        """The text runs of a page or form's content stream (``marks``: the marked content it is painted in)."""
        stack: list[Matrix] = []
        marks = list(marks or [])
        tm: Matrix = IDENTITY
        line: Matrix = IDENTITY
        font: tuple[dict[int, str], int] = ({}, 1)
        size = 0.0
        leading = 0.0
        for operands, operator in pikepdf.parse_content_stream(holder):
            op = str(operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop() if stack else ctm
            elif op == "cm":
                ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif op == "BT":
                tm = line = IDENTITY
            elif op == "Tm":
                tm = line = tuple(float(v) for v in operands)  # type: ignore[assignment]
            elif op in ("Td", "TD"):
                line = _multiply((1, 0, 0, 1, float(operands[0]), float(operands[1])), line)
                tm = line
                if op == "TD":
                    leading = -float(operands[1])
            elif op == "TL":
                leading = float(operands[0])
            elif op == "T*":
                line = tm = _multiply((1, 0, 0, 1, 0, -leading), line)
            elif op == "Tf":
                font = self._font(resources, operands[0])
                size = float(operands[1])
            elif op in ("BDC", "BMC"):
                tag = operands[0]
                props = operands[1] if len(operands) > 1 else None
                mcid = int(props.MCID) if isinstance(props, Dictionary) and "/MCID" in props else None
                outer = marks[-1] if marks else (None, False)
                marks.append((mcid if mcid is not None else outer[0], outer[1] or tag == Name.Artifact))
            elif op == "EMC":
                if marks:
                    marks.pop()
            elif op in ("Tj", "TJ", "'", '"'):
                self._show(operands, op, font, size, _multiply(tm, ctm), marks)
            elif op == "Do":
                self._form(resources, operands[0], ctm, marks)
        return self.runs

    def _font(self, resources: pikepdf.Object, name: pikepdf.Object) -> tuple[dict[int, str], int]:
        font = resources.Font[name]
        key = font.objgen[0]
        if key not in self.fonts:
            self.fonts[key] = _to_unicode(font)
        return self.fonts[key]

    def _show(
        self,
        operands: list[pikepdf.Object],
        op: str,
        font: tuple[dict[int, str], int],
        size: float,
        matrix: Matrix,
        marks: list[tuple[int | None, bool]],
    ) -> None:
        table, width = font
        strings = operands[0] if op == "TJ" else operands[-1:]
        text = []
        for item in strings:
            if isinstance(item, pikepdf.String):
                raw = bytes(item)
                for i in range(0, len(raw) - width + 1, width):
                    text.append(table.get(int.from_bytes(raw[i : i + width], "big"), "\ufffd"))
        scale = math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))
        mcid, artifact = marks[-1] if marks else (None, False)
        self.runs.append(TextRun(self.page, mcid, artifact, "".join(text), size * scale, matrix[4], matrix[5]))

    def _form(
        self, resources: pikepdf.Object, name: pikepdf.Object, ctm: Matrix, marks: list[tuple[int | None, bool]]
    ) -> None:
        xobjects = resources.get("/XObject", Dictionary())
        form = xobjects.get(name)
        if form is None or form.get("/Subtype") != Name.Form:
            return
        matrix = tuple(float(v) for v in form.get("/Matrix", Array([1, 0, 0, 1, 0, 0])))
        inner = ContentReader(self.page)
        inner.fonts = self.fonts
        form_ctm = _multiply(matrix, ctm)  # type: ignore[arg-type]
        self.runs += inner.read(form, form.get("/Resources", resources), form_ctm, marks)


def page_runs(index: int, page: pikepdf.Object) -> list[TextRun]:
    """The text runs of page ``index`` (0-based), in content-stream order."""
    return ContentReader(index).read(page, page.get("/Resources", Dictionary()))
