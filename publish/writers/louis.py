"""Translate text into braille cells with liblouis, through the ``louis`` Python binding Debian ships.

liblouis is the braille translator the field trusts (NVDA, BRLTTY and DAISY Pipeline use it). Its binding,
Debian's ``python3-louis``, is a ctypes wrapper of ``liblouis.so`` that installs into the system's
``dist-packages``, which the project's plain venv does not see; it is loaded here by its path
(:data:`BINDING`), so the build calls the library in the process: one call per text, no subprocess, and
none of ``lou_translate``'s reading of backslash escapes in its input. The check translates back with the
``lou_translate`` program instead (:mod:`publish.check.braille`), a second way into the library that shares no
code with this one.

The translation is always to Unicode braille (``unicode.dis``): one character per cell, U+2800 the blank cell.
The BRF's ASCII braille comes from liblouis's own North American Braille ASCII display table
(:func:`brf_ascii`), not from a table of our own.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import ModuleType

from publish.errors import EditionError

#: Where Debian's ``python3-louis`` installs the binding (the package is in the Makefile's ``DEBIAN_RUNTIME``).
BINDING = Path("/usr/lib/python3/dist-packages/louis/__init__.py")
#: liblouis's tables (Debian ``liblouis-data``).
TABLES = Path("/usr/share/liblouis/tables")
#: The display table that makes a translation Unicode braille.
UNICODE = "unicode.dis"
#: liblouis's North American Braille ASCII display table: the 64 characters of the BRF, by dot pattern.
BRF_DISPLAY = "en-us-brf.dis"
#: The blank cell.
BLANK = "\u2800"


@cache
def binding() -> ModuleType:
    """The ``louis`` module, loaded from :data:`BINDING`; an :class:`EditionError` saying what to install if absent."""
    if not BINDING.is_file():
        raise EditionError(
            f"liblouis's Python binding is not installed ({BINDING})",
            "install the Debian packages liblouis-bin liblouis-data python3-louis (make does as root)",
        )
    spec = importlib.util.spec_from_file_location("louis", BINDING)
    if spec is None or spec.loader is None:
        raise EditionError(f"liblouis's Python binding cannot be loaded from {BINDING}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except OSError as error:  # liblouis.so itself missing
        raise EditionError(f"liblouis cannot be loaded: {error}") from error
    module.setLogLevel(module.LOG_ERROR)  # not the deprecation warnings some tables give
    return module


def version() -> str:
    """liblouis's version ("3.24.0")."""
    return str(binding().version())


def translate(table: str, texts: Sequence[str]) -> list[str]:
    """Each text translated with ``table`` into Unicode braille, one string of cells each (``texts`` hold no line
    ends). A table liblouis cannot compile, or a text it cannot translate, is an :class:`EditionError`."""
    louis = binding()
    tables = [UNICODE, table]
    out = []
    for text in texts:
        try:
            cells = louis.translateString(tables, text)
        except RuntimeError as error:
            raise EditionError(f"liblouis table {table} cannot translate {text[:40]!r}: {error}") from error
        out.append(cells.replace(" ", BLANK))
    return out


@cache
def brf_ascii() -> dict[str, str]:
    """Unicode braille cell → its North American Braille ASCII character, from liblouis's :data:`BRF_DISPLAY`."""
    path = TABLES / BRF_DISPLAY
    mapping: dict[str, str] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        fields = line.split()
        if len(fields) < 3 or fields[0] != "display":
            continue
        char = " " if fields[1] == "\\s" else fields[1].replace("\\\\", "\\")
        dots = 0 if fields[2] == "0" else sum(1 << (int(d) - 1) for d in fields[2])
        mapping[chr(0x2800 + dots)] = char
    if len(mapping) != 64:
        raise EditionError(f"{path}: {len(mapping)} cells, not the 64 of six-dot braille")
    return mapping
