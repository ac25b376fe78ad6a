"""The per-document manifest ``anchors.json``: every clause's anchor and where it is in each format.

The build writes the model's part first (anchor, kind, labels, source line);
then each writer records its own facts under its name with :func:`record`,
e.g. the PDF writer ``{"pdf": {"page": 3}}`` per clause and
``{"pdf": {"file": …, "pages": 5}}`` for the edition. Writers that need another
format's facts (the EPUB page list follows the PDF's pages, its media overlays
the audio edition's times) read them with :func:`edition`; the manifest is the
one seam between formats, and the facts one writer publishes for another have
the shapes typed below (:class:`PdfFacts`, :class:`AudioFacts`).

Writers of one document may run at once (``make -j`` builds its formats in
separate processes), so :func:`start` and :func:`record` hold an exclusive
``flock`` on the document's folder for their whole load-modify-write; readers
need no lock, as every write replaces the file atomically.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from publish.model import Document
from publish.outputs import write_atomic

NAME = "anchors.json"
#: Bumped when the manifest's shape changes.
VERSION = 1


class PageStartFacts(TypedDict):
    """Where a printed page starts: at anchor ``eid``, or inside it when ``continues``."""

    page: int
    eid: str
    continues: NotRequired[bool]


class PdfFacts(TypedDict):
    """A PDF edition (``editions.pdf``, ``editions.pdf-large``): its file, its pages, where each page starts."""

    file: str
    pages: int
    page_starts: list[PageStartFacts]


class AudioUnitFacts(TypedDict):
    """One spoken unit of the audio edition: its anchor, its chapter title and when it is heard, in seconds."""

    id: str
    title: str
    start: float
    end: float


class AudioFacts(TypedDict):
    """The audio edition (``editions.audio``): its MP3 and captions, length, who speaks, and every unit's times."""

    file: str
    vtt: str
    duration: float
    voice: str
    rate: int
    espeak_ng: str
    units: list[AudioUnitFacts]


def manifest(document: Document) -> dict[str, Any]:
    """The model's part of the manifest: document facts, then one entry per clause in document order."""
    meta = document.metadata
    clauses = [
        {
            "eid": clause.eid,
            "kind": clause.kind.value,
            "label": clause.label,
            "spoken_label": clause.spoken_label,
            "source_line": clause.line,
        }
        for clause in document.iter_clauses()
    ]
    return {
        "version": VERSION,
        "document": document.name,
        "reference": meta.reference,
        "procedure": meta.procedure,
        "language": meta.language,
        "versions": [{"language": v.language, "document": v.name} for v in document.versions],
        "editions": {},
        "clauses": clauses,
    }


def start(document: Document, out_dir: Path) -> Path:
    """Write the model's part, keeping what earlier builds recorded for formats not rebuilt now."""
    fresh = manifest(document)
    out_dir.mkdir(parents=True, exist_ok=True)
    with locked(out_dir):
        old = load(out_dir)
        if old.get("version") == VERSION and [c["eid"] for c in old.get("clauses", [])] == [
            c["eid"] for c in fresh["clauses"]
        ]:
            fresh["editions"] = old.get("editions", {})
            for new, previous in zip(fresh["clauses"], old["clauses"], strict=True):
                new.update({k: v for k, v in previous.items() if k in fresh["editions"]})
        return _write(out_dir, fresh)


def record(
    out_dir: Path, fmt: str, edition: Mapping[str, Any], clauses: Mapping[str, Mapping[str, Any]] | None = None
) -> Path:
    """Record a format's facts: ``edition`` for the whole file, ``clauses`` by anchor (unknown anchors are an error)."""
    if not (out_dir / NAME).is_file():
        raise FileNotFoundError(out_dir / NAME)
    with locked(out_dir):
        data = load(out_dir)
        data["editions"][fmt] = dict(edition)
        known = {c["eid"] for c in data["clauses"]}
        unknown = set(clauses or {}) - known
        if unknown:
            raise ValueError(f"{fmt}: facts for anchors the model does not have: {sorted(unknown)}")
        for clause in data["clauses"]:
            clause.pop(fmt, None)
            if clauses and clause["eid"] in clauses:
                clause[fmt] = dict(clauses[clause["eid"]])
        return _write(out_dir, data)


def unit_spans(facts: AudioFacts) -> list[tuple[AudioUnitFacts, int, int]]:
    """Each spoken unit with the span it is heard in, in ms, tiling the narration as the MP3's chapters do: from 0,
    each to the next unit's start, the last to the end (the EPUB's overlay clips, the audiobook's chapters)."""
    units = facts["units"]
    starts = [0] + [round(float(unit["start"]) * 1000) for unit in units[1:]]
    ends = starts[1:] + [round(float(facts["duration"]) * 1000)]
    return list(zip(units, starts, ends, strict=True))


def edition(out_dir: Path, name: str) -> Any:
    """The facts edition ``name`` recorded in ``out_dir`` (:class:`PdfFacts` for ``pdf``, :class:`AudioFacts` for
    ``audio``), or ``None`` when it has recorded none."""
    return load(out_dir).get("editions", {}).get(name)


def load(out_dir: Path) -> dict[str, Any]:
    """The manifest in ``out_dir``, or an empty dict when there is none."""
    try:
        return json.loads((out_dir / NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the folder ``out_dir`` (no lock file): one manifest update at a time."""
    fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def _write(out_dir: Path, data: Mapping[str, Any]) -> Path:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return write_atomic(out_dir / NAME, text.encode("utf-8"))
