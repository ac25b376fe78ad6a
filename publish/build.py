"""Build documents: read every source first, then run the writers into ``<out>/<document>/``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from publish import manifest, reader
from publish.model import Document
from publish.writers import EDITIONS, WRITERS, get_writer
from publish.writers.shared import Options

progress = logging.getLogger("publish.progress")


def build(
    sources: Sequence[Path], out: Path, formats: Sequence[str] = (), options: Options | None = None
) -> list[Path]:
    """Build ``formats`` (all when empty) of every source; return the paths written.

    Every source is read and checked before anything is written, so a bad
    source leaves the build folder as it was.
    """
    names = tuple(formats) or tuple(WRITERS)
    writers = [(name, get_writer(name)) for name in names]
    documents: list[Document] = [reader.read(path) for path in sources]
    options = replace(options or Options(), formats=EDITIONS)
    written: list[Path] = []
    for number, document in enumerate(documents, 1):
        out_dir = out / document.name
        written.append(manifest.start(document, out_dir))
        for name, write in writers:
            paths = write(document, out_dir, options)
            for path in paths:
                progress.info("[%d/%d] %s: %s → %s", number, len(documents), document.name, name, path)
            written += paths
    return written
