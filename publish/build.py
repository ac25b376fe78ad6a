"""Build documents: read every source first, then run the writers into ``<out>/<document>/``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from publish import manifest, reader
from publish.errors import EditionError, PublishError
from publish.model import Document
from publish.writers import EDITIONS, WRITERS, get_writer
from publish.writers.shared import Options

progress = logging.getLogger("publish.progress")


class BuildError(PublishError):
    """Some editions could not be made; every other edition was written."""


def build(
    sources: Sequence[Path], out: Path, formats: Sequence[str] = (), options: Options | None = None
) -> list[Path]:
    """Build ``formats`` (all when empty) of every source; return the paths written.

    Every source is read and checked before anything is written, so a bad
    source leaves the build folder as it was. An edition that cannot be made
    (:class:`EditionError`: a unit eSpeak NG cannot speak) leaves its last good
    files as they were; the other editions are still written, those that would
    use it go without it (the EPUB without media overlays when the audio fails),
    and then the build fails with a :class:`BuildError` naming every failure. Without ``options``, the defaults
    completed from the environment, as on the command line (:meth:`Options.from_environ`).
    """
    names = tuple(formats) or tuple(WRITERS)
    writers = [(name, get_writer(name)) for name in names]
    documents: list[Document] = [reader.read(path) for path in sources]
    options = replace(options or Options.from_environ(), formats=EDITIONS)
    written: list[Path] = []
    failures: list[tuple[str, EditionError]] = []
    for number, document in enumerate(documents, 1):
        out_dir = out / document.name
        written.append(manifest.start(document, out_dir))
        document_options = options
        for name, write in writers:
            try:
                paths = write(document, out_dir, document_options)
            except EditionError as error:
                progress.info("[%d/%d] %s: %s: failed: %s", number, len(documents), document.name, name, error)
                failures.append((f"{document.name}: {name}", error))
                document_options = replace(document_options, failed=(*document_options.failed, name))
                continue
            for path in paths:
                progress.info("[%d/%d] %s: %s → %s", number, len(documents), document.name, name, path)
            written += paths
    if failures:
        raise _build_error(failures)
    return written


def _build_error(failures: Sequence[tuple[str, EditionError]]) -> BuildError:
    """One error for every edition that could not be made, each named by its document and writer."""
    if len(failures) == 1:
        ((where, error),) = failures
        hint = "every other edition was written" + (f"; {error.hint}" if error.hint else "")
        return BuildError(f"{where}: {error}", hint)
    lines = "".join(f"\n  {where}: {error}" for where, error in failures)
    return BuildError(f"{len(failures)} editions could not be made:{lines}", "every other edition was written")
