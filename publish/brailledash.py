"""The braille dash: the cell for an en dash or a hyphen the braille table cannot translate, and the low line.

A clause without a label (a citation, an indent) starts with the official text's en dash, and texts hold hyphens
("2008-05"). A liblouis table that lacks the character writes its code instead, ``'\\x2013'`` in eight characters'
cells (the Italian ``it-it-comp6.utb`` has neither the en dash nor the hyphen: every citation began with seven
garbage cells). :func:`dashed` replaces that escape by :data:`CELL`, dots 3-6, the hyphen of Italian braille as of
UEB, German and French braille, and what a braille reader reads as a dash. The Parliament's references hold a low
line (``P9_TA(2022)0052``), which the Spanish and Maltese tables lack (their escape of it has an eight-dot cell,
which kept the Spanish BRF from being made): where a table lacks it but has the hyphen, it is read as a hyphen.

One rule, outside :mod:`publish.writers`, because the braille writer and ``publish check`` (which must not import
the writers) both apply it: the writer to what it lays out, the check to ``lou_translate``'s translation it holds
the file up against.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: Texts in, one string of Unicode braille cells per text out (the writer's liblouis call, or the check's).
Translate = Callable[[Sequence[str]], list[str]]

#: The dash the official text prints before a clause without a label.
EN_DASH = "\u2013"
HYPHEN = "-"
#: The low line of the Parliament's references (``P9_TA(2022)0052``), which the Spanish and Maltese tables lack.
LOW_LINE = "_"
#: Dots 3-6: the braille hyphen, written where the table has no cells for an en dash or a hyphen.
CELL = "\u2824"
#: The most cells a table's own dash takes (⠤, ⠠⠤, ⠤⠤); liblouis's escape of a character it lacks takes more.
MOST_CELLS = 2


def dashed(translate: Translate) -> Translate:
    """``translate``, with the escape liblouis writes for an en dash or a hyphen its table lacks replaced by
    :data:`CELL` wherever it occurs (the escape is the same cells in any context), and a low line it lacks read as a
    hyphen; unchanged for a table that has all three."""
    dash, hyphen, low_line = translate([EN_DASH, HYPHEN, LOW_LINE])
    escapes = [cells for cells in (dash, hyphen) if len(cells) > MOST_CELLS]
    # The low line's escape takes the cells around it into its own (a letter sign before it): read as a hyphen.
    as_hyphen = len(low_line) > MOST_CELLS and len(hyphen) <= MOST_CELLS

    def translated(texts: Sequence[str]) -> list[str]:
        out = translate([text.replace(LOW_LINE, HYPHEN) for text in texts] if as_hyphen else texts)
        for escape in escapes:
            out = [cells.replace(escape, CELL) for cells in out]
        return out

    return translated


def clause_text(label: str, text: str) -> str:
    """A clause as braille reads it: its official label (the en dash where it has none), a space, its text with its
    white space as single spaces."""
    return f"{label or EN_DASH} {' '.join(text.split())}"
