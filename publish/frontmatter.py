"""Read and check a source's YAML front matter into :class:`~publish.model.Metadata`."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import yaml

from publish.errors import SourceError
from publish.model import Metadata

#: Every key the front matter may hold: key → (required, what it is).
KEYS: dict[str, tuple[bool, str]] = {
    "reference": (True, "the document reference, e.g. B9-0311/2022"),
    "procedure": (False, "the procedure file, e.g. 2022/2700(RSP)"),
    "type": (True, "the document type, e.g. Motion for a resolution"),
    "title": (True, "the title as printed"),
    "language": (True, "the language, a BCP 47 tag such as en"),
    "issued_by": (True, "the issuing body, e.g. European Parliament"),
    "date": (False, "the date of the document, YYYY-MM-DD"),
}
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: White space a value may be wrapped or indented with; a no-break space inside a value is part of it.
_LAYOUT_SPACE = re.compile(r"[ \t\r\n]+")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def read_front_matter(text: str, path: Path, first_line: int) -> Metadata:
    """Parse the YAML between the ``---`` lines; ``first_line`` is the source line the YAML starts on."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context_mark", None)
        if context is not None and context.line != (mark.line if mark else 0):
            problem += f" (in what starts at line {first_line + context.line})"
        raise SourceError(path, line, f"malformed front matter: {problem}") from None
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(path, first_line, "the front matter must be 'key: value' lines", _keys_hint())
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        key = key_node.value
        if not isinstance(key_node, yaml.ScalarNode) or key not in KEYS:
            raise SourceError(path, line, f"unknown front matter key '{key}'", _keys_hint())
        if key in values:
            raise SourceError(path, line, f"front matter key '{key}' is given twice")
        values[key] = _scalar(key, value_node, path, line)
        lines[key] = line
    missing = [key for key, (required, _) in KEYS.items() if required and key not in values]
    if missing:
        raise SourceError(
            path,
            first_line,
            f"front matter lacks {', '.join(repr(m) for m in missing)}",
            "; ".join(f"{m}: {KEYS[m][1]}" for m in missing),
        )
    if not _LANGUAGE.fullmatch(values["language"]):
        raise SourceError(
            path, lines["language"], f"language '{values['language']}' is not a BCP 47 tag", "e.g. en, fr, de-AT"
        )
    if "date" in values:
        try:
            datetime.date.fromisoformat(values["date"])
        except ValueError:
            raise SourceError(path, lines["date"], f"date '{values['date']}' is not YYYY-MM-DD") from None
    return Metadata(
        reference=values["reference"],
        procedure=values.get("procedure", ""),
        doc_type=values["type"],
        title=values["title"],
        language=values["language"],
        issued_by=values["issued_by"],
        date=values.get("date"),
    )


def _scalar(key: str, node: yaml.Node, path: Path, line: int) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise SourceError(path, line, f"front matter '{key}' must be text, not a list or mapping")
    allowed = {_STR, _TIMESTAMP} if key == "date" else {_STR}
    if node.tag == _NULL or not node.value.strip():
        raise SourceError(path, line, f"front matter '{key}' is empty")
    if node.tag not in allowed:
        kind = node.tag.rsplit(":", 1)[-1]
        raise SourceError(
            path, line, f"front matter '{key}' must be text, not {kind} '{node.value}'", "put the value in quotes"
        )
    return " ".join(_LAYOUT_SPACE.split(node.value.strip(" \t\r\n")))


def _keys_hint() -> str:
    return "known keys: " + ", ".join(KEYS)
