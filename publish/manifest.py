"""The per-document manifest ``anchors.json``: every clause's anchor and where it is in each format."""

from __future__ import annotations

import json
from pathlib import Path

from publish.model import Document
from publish.outputs import write_atomic

NAME = "anchors.json"
#: Bumped when the manifest's shape changes.
VERSION = 1


def manifest(document: Document, formats: tuple[str, ...]) -> dict:
    """The manifest as plain data: document facts, then one entry per clause in document order."""
    meta = document.metadata
    clauses = []
    for clause in document.iter_clauses():
        entry: dict = {
            "eid": clause.eid,
            "kind": clause.kind.value,
            "label": clause.label,
            "spoken_label": clause.spoken_label,
            "source_line": clause.line,
        }
        if "html" in formats:
            entry["html"] = f"{document.name}.html#{clause.eid}"
        clauses.append(entry)
    return {
        "version": VERSION,
        "document": document.name,
        "reference": meta.reference,
        "procedure": meta.procedure,
        "language": meta.language,
        "formats": list(formats),
        "clauses": clauses,
    }


def write(document: Document, out_dir: Path, formats: tuple[str, ...]) -> Path:
    """Write ``<out_dir>/anchors.json``."""
    data = json.dumps(manifest(document, formats), ensure_ascii=False, indent=2) + "\n"
    return write_atomic(out_dir / NAME, data.encode("utf-8"))
