"""The writers, one module per format, registered by name.

A writer module has ``NAME`` and ``write(document, out_dir, options) -> list[Path]``;
it reads anchors and labels from the model and never parses the source. A writer
that is made with another edition's facts lists it in ``NEEDS`` (the EPUB: the PDF's
pages, the audio edition's narration); a writer whose facts others need has
``stale(document, out_dir, options, facts)``, saying why its recorded facts cannot
serve (``None`` when they can). The build provides the facts (:mod:`publish.build`):
writers never call each other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from publish.errors import PublishError
from publish.model import Document
from publish.writers import akn, audio, braille, epub, html, m4b, pdf
from publish.writers.shared import Options

Writer = Callable[[Document, Path, Options], list[Path]]

_MODULES: tuple[ModuleType, ...] = (html, pdf, audio, epub, m4b, akn, braille)

#: Every writer by name, in the order a full build runs them.
WRITERS: dict[str, Writer] = {module.NAME: module.write for module in _MODULES}

#: Every writer module by name: its ``NEEDS`` and ``stale``.
MODULES: dict[str, ModuleType] = {module.NAME: module for module in _MODULES}

#: The editions the writers make, by name: a writer makes one (its ``NAME``) or lists its ``EDITIONS``.
EDITIONS: tuple[str, ...] = tuple(name for module in _MODULES for name in getattr(module, "EDITIONS", (module.NAME,)))

#: The editions of the writers that make several, which a build may choose among (``publish build --edition``).
CHOOSABLE_EDITIONS: tuple[str, ...] = tuple(name for module in _MODULES for name in getattr(module, "EDITIONS", ()))


def get_writer(name: str) -> Writer:
    """The writer called ``name``; an unknown name is an error listing the known ones."""
    try:
        return WRITERS[name]
    except KeyError:
        raise PublishError(f"unknown format '{name}'", f"known formats: {', '.join(WRITERS)}") from None
