"""Build documents: read every source first, then run the writers into ``<out>/<document>/``."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from publish import formats, manifest, reader
from publish.errors import EditionError, PublishError
from publish.model import Document
from publish.writers import EDITIONS, MODULES, WRITERS, get_writer
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
    options = options or Options.from_environ()
    options = replace(options, formats=EDITIONS, speech_cache=options.speech_cache or out / ".cache" / "speech")
    written: list[Path] = []
    failures: list[tuple[str, EditionError]] = []
    for number, document in enumerate(documents, 1):
        out_dir = out / document.name
        written.append(manifest.start(document, out_dir))
        document_options = options
        for name, write in writers:
            try:
                with ExitStack() as scratch:
                    provided, unmade = _provide(name, document, out_dir, document_options, scratch)
                    for writer, error in unmade:  # as in a full build: the writer goes without that edition
                        progress.info(
                            "[%d/%d] %s: %s: failed: %s", number, len(documents), document.name, writer, error
                        )
                        failures.append((f"{document.name}: {writer}", error))
                        document_options = replace(document_options, failed=(*document_options.failed, writer))
                    paths = write(document, out_dir, replace(document_options, provided=provided))
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


def _provide(
    name: str, document: Document, out_dir: Path, options: Options, scratch: ExitStack
) -> tuple[tuple[tuple[str, Path], ...], list[tuple[str, EditionError]]]:
    """Make sure writer ``name`` finds the facts of every edition it needs (its ``NEEDS``): those recorded in
    ``out_dir`` when they can serve, else the facts of the edition made now in a scratch folder that lives as long
    as ``scratch`` (nothing of it is kept: ``--to epub`` alone gives the bytes of a full build). An edition that
    could not be made in this build is not made again: the writer goes without it, and so it does when the edition
    cannot be made now (eSpeak NG cannot speak a unit).

    Return the (edition, folder) pairs of the scratch folders, and the writers that could not make theirs, with why.
    """
    provided: list[tuple[str, Path]] = []
    unmade: list[tuple[str, EditionError]] = []
    for edition in getattr(MODULES[name], "NEEDS", ()):
        writer = formats.BY_EDITION[edition].writer
        if writer in options.failed or writer in (w for w, _ in unmade):
            continue
        provider = MODULES[writer]
        problem = provider.stale(document, out_dir, options, manifest.edition(out_dir, edition))
        if problem is None:
            continue
        progress.info(
            "%s: %s: %s: the %s writer makes it in a scratch folder (not kept)", document.name, name, problem, edition
        )
        folder = Path(scratch.enter_context(tempfile.TemporaryDirectory(prefix=f"publish-{edition}-"))) / document.name
        manifest.start(document, folder)
        chosen = (edition,) if edition in getattr(provider, "EDITIONS", ()) else ()
        try:
            provider.write(document, folder, replace(options, editions=chosen))
        except EditionError as error:
            unmade.append((writer, error))
            continue
        provided.append((edition, folder))
    return tuple(provided), unmade


def _build_error(failures: Sequence[tuple[str, EditionError]]) -> BuildError:
    """One error for every edition that could not be made, each named by its document and writer."""
    if len(failures) == 1:
        ((where, error),) = failures
        hint = "every other edition was written" + (f"; {error.hint}" if error.hint else "")
        return BuildError(f"{where}: {error}", hint)
    lines = "".join(f"\n  {where}: {error}" for where, error in failures)
    return BuildError(f"{len(failures)} editions could not be made:{lines}", "every other edition was written")
