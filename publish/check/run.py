"""Check built documents: read every output back, compare it with the source, and run each validator once per batch.

For a batch of build folders, :func:`check` reads every source, reads every output back
(:mod:`publish.check.readback`) and compares it (:mod:`publish.check.compare`), then runs the validators over all the
batch's files at once (:mod:`publish.check.validators`). Reports are written by :mod:`publish.check.report`.

This is the one module of the checks that imports the build's reader: the expected side is taken from
:mod:`publish.reader` because the source's structure (its clauses with their anchors, labels and spoken labels) is the
expectation, and reading the Markdown a second way here would make a second reader to keep in step with the first.
The reader imports no writer, so a writer's bug cannot hide in it; and the reader itself is pinned by the seed's
committed table of anchors (``tests/fixtures/B9-0311-2022.anchors.tsv``), which the reader's tests and the check's
tests compare with.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import partial
from pathlib import Path
from typing import Any

from lxml import html

from publish import formats, languages, manifest, reader
from publish.check import akn, braille, compare, expect, readback
from publish.check.findings import Finding, difference
from publish.check.validators import JOBS, ToolResult, validate
from publish.errors import PublishError
from publish.model import Document

log = logging.getLogger("publish.progress")

#: The files of a built document by format, as suffixes of the document's name, in the report's order.
FILES: dict[str, str] = {
    "html": formats.HTML.suffix,
    "pdf": formats.PDF.suffix,
    "pdf-large": formats.PDF_LARGE.suffix,
    "epub": formats.EPUB.suffix,
    "mp3": formats.AUDIO.suffix,
    "vtt": formats.CAPTIONS.suffix,
    "m4b": formats.M4B.suffix,
    "akn": formats.AKN.suffix,
}
#: The braille edition's files, read back by :func:`compare_braille` (the PEF first: it names the braille table).
BRAILLE_FILES: dict[str, str] = {"pef": formats.PEF.suffix, "brf": formats.BRF.suffix}
READERS: dict[str, Callable[[Path], readback.Reading]] = {
    "html": readback.read_html,
    "pdf": readback.read_pdf,
    "pdf-large": partial(readback.read_pdf, fmt="pdf-large"),
    "epub": readback.read_epub,
    "mp3": readback.read_mp3,
    "vtt": readback.read_vtt,
    "m4b": readback.read_m4b,
    "akn": akn.read_akn,
}


@dataclass
class FormatResult:
    """What reading one output back showed: its anchor channels, its words, the differences from the source."""

    format: str
    path: Path
    found: bool
    channels: list[tuple[str, bool, int]] = field(default_factory=list)
    """(channel, present in the file, clause anchors found) per anchor channel."""
    words: int | None = None
    problems: list[Finding] = field(default_factory=list)
    #: Of a braille file: the share of the source's words its back-translation gives back, and those it does not.
    fidelity: float | None = None
    not_round_tripping: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.found and not self.problems


@dataclass(frozen=True)
class Row:
    """One clause in every format: anchor and labels, HTML link, PDF pages, EPUB link, audio start."""

    anchor: str
    label: str
    spoken_label: str
    html: str | None
    pdf_page: int | None
    pdf_large_page: int | None
    epub: str | None
    audio_start: int | None
    """Milliseconds, as the MP3's chapter says."""


@dataclass
class Outcome:
    """Everything ``publish check`` found out about one built document."""

    folder: Path
    source: Path
    document: Document
    formats: list[FormatResult]
    manifest: list[Finding]
    rows: list[Row]
    validators: list[ToolResult] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Every failure as one line: format, check, clause or file, problem."""
        lines = [str(p) for f in self.formats for p in f.problems] + [str(p) for p in self.manifest]
        for result in self.validators:
            prefix = f"{result.format} {result.tool}"
            if result.error:
                lines.append(f"{prefix}: {result.path.name}: could not run: {result.error}")
            lines += [f"{prefix}: {failure}" for failure in result.failures]
        return lines

    @property
    def ok(self) -> bool:
        return not self.problems


# --- the batch ------------------------------------------------------------------------------------------------------


def source_for(folder: Path, sources: Sequence[Path]) -> Path:
    """The source of a build folder: the given source named as the folder, else ``sources/<folder name>.md``."""
    named = [path for path in sources if path.stem == folder.name]
    if named:
        return named[0]
    default = Path("sources") / f"{folder.name}.md"
    if not default.is_file():
        raise PublishError(f"{folder}: no source {default}", "name the source with --source SOURCE")
    return default


def check(folders: Sequence[Path], sources: Sequence[Path] = (), jobs: int = JOBS) -> list[Outcome]:
    """Check every build folder: read back, compare, validate. Reports are left to :mod:`publish.check.report`."""
    for folder in folders:
        if not folder.is_dir():
            raise PublishError(f"{folder}: not a build folder", "build it first: publish build SOURCE")
    if len(folders) == 1 and len(sources) == 1:
        documents = [(folders[0], sources[0])]
    else:
        documents = [(folder, source_for(folder, sources)) for folder in folders]
    outcomes = [compare_folder(folder, source, reader.read(source)) for folder, source in documents]
    found = {(o.folder, f.format): f.path for o in outcomes for f in o.formats if f.found}

    def files(fmt: str) -> list[Path]:
        return [path for (_, kind), path in found.items() if kind == fmt]

    sound = [
        (found[o.folder, "mp3"], found[o.folder, "vtt"], o.document)
        for o in outcomes
        if (o.folder, "mp3") in found and (o.folder, "vtt") in found
    ]
    books = [
        (found[o.folder, "m4b"], found[o.folder, "mp3"], o.document)
        for o in outcomes
        if (o.folder, "m4b") in found and (o.folder, "mp3") in found
    ]
    results = validate(
        files("html"), files("pdf") + files("pdf-large"), files("epub"), sound, jobs, books, files("akn")
    )
    for outcome in outcomes:
        mine = {f.path for f in outcome.formats}
        outcome.validators = [result for result in results if result.path in mine]
    return outcomes


def compare_folder(folder: Path, source: Path, document: Document) -> Outcome:
    """Read back every output of ``document`` in ``folder`` and compare it with the source."""
    count = len(FILES) + len(BRAILLE_FILES)
    log.info("check %s: reading back %d files, comparing with %s", document.name, count, source)
    formats: list[FormatResult] = []
    readings: dict[str, readback.Reading] = {}
    for fmt, suffix in FILES.items():
        path = folder / f"{document.name}{suffix}"
        result = FormatResult(fmt, path, path.is_file())
        formats.append(result)
        if not result.found:
            result.problems.append(difference(fmt, "file", path.name, "not built"))
            continue
        try:
            reading = READERS[fmt](path)
        except Exception as exc:  # a broken file is a finding, whatever the parser raises
            result.problems.append(_unreadable(fmt, path, exc))
            continue
        readings[fmt] = reading
        _compare_channels(result, reading, document)
        if reading.words is not None:
            result.words = len(reading.words)
            expected = expect.expected_words(document, fmt)
            result.problems += compare.compare_words(fmt, expected, reading.words, loose_spacing=fmt.startswith("pdf"))
        anchors = ", ".join(f"{name} {count}" for name, present, count in result.channels if present)
        words = "" if result.words is None else f", {result.words} words"
        log.info("check %s %s: %s%s; %d problems", document.name, fmt, anchors, words, len(result.problems))
    try:
        data = manifest.load(folder)
    except (OSError, ValueError) as exc:
        data, broken = {}, f"cannot be read: {type(exc).__name__}: {exc}"
    else:
        broken = "not built"
    formats += compare_braille(folder, document, data)
    recorded = compare.compare_manifest(data, document, readings) if data else []
    if not data:
        recorded.append(difference("anchors.json", "file", manifest.NAME, broken))
    recorded += compare_versions(folder, source, document)
    return Outcome(folder, source, document, formats, recorded, _rows(document, readings))


def compare_braille(folder: Path, document: Document, data: Mapping[str, Any]) -> list[FormatResult]:
    """Read back the braille edition's PEF, then its BRF (with the table the PEF names; a document whose table
    makes eight-dot cells has no BRF, as its manifest says) and compare each with the source
    (:mod:`publish.check.braille`)."""
    facts = data.get("editions", {}).get("braille") or {}
    recorded = {c["eid"]: c["braille"] for c in data.get("clauses", []) if isinstance(c.get("braille"), dict)}
    results: list[FormatResult] = []
    table = ""
    for fmt, suffix in BRAILLE_FILES.items():
        path = folder / f"{document.name}{suffix}"
        result = FormatResult(fmt, path, path.is_file())
        if fmt == "brf" and facts.get("no_brf") and not result.found:
            continue
        results.append(result)
        if not result.found:
            result.problems.append(difference(fmt, "file", path.name, "not built"))
            continue
        try:
            reading = (
                braille.read_pef(path) if fmt == "pef" else braille.read_brf(path, table or facts.get("table", ""))
            )
            table = table or reading.table
            round_trip = languages.load(document.metadata.language).braille_round_trip
            result.problems += braille.compare(reading, document, recorded, round_trip)
        except Exception as exc:  # a broken file is a finding, whatever the parser raises
            result.problems.append(_unreadable(fmt, path, exc))
            continue
        _compare_channels(result, reading, document)
        result.words = len(reading.words or [])
        result.fidelity, result.not_round_tripping = reading.fidelity, reading.lost
        fidelity = "" if reading.fidelity is None else f"{reading.fidelity:.4f}"
        log.info(
            "check %s %s: %d clause labels, word fidelity %s, %d words not round-tripping; %d problems",
            document.name, fmt, len(reading.places), fidelity, len(reading.lost), len(result.problems),
        )  # fmt: skip
    return results


def _unreadable(fmt: str, path: Path, exc: Exception) -> Finding:
    return difference(fmt, "file", path.name, f"cannot be read: {type(exc).__name__}: {exc}")


def _compare_channels(result: FormatResult, reading: readback.Reading, document: Document) -> None:
    """Each anchor channel of a file read back: counted in ``result``, its anchors held to the source's."""
    for channel in reading.channels:
        result.channels.append((channel.name, channel.present, len(compare.clause_ids(channel, document))))
        result.problems += compare.compare_anchors(result.format, channel, document)


def compare_versions(folder: Path, source: Path, document: Document) -> list[Finding]:
    """Every other language version of the document has the same clause anchors in the same order: in its source
    and in its built HTML page (beside ``folder``); each difference is named with its clause."""
    problems: list[Finding] = []
    for version in document.versions:
        if version.name == document.name:
            continue
        other_source = source.parent / f"{version.name}{source.suffix}"
        try:
            other = reader.read(other_source)
        except PublishError as exc:
            problems.append(difference("versions", "source", version.name, f"cannot be read: {exc}"))
            continue
        problems += _anchor_differences(version.name, "source", document.anchors, other.anchors)
        page = folder.parent / version.name / f"{version.name}.html"
        if not page.is_file():
            problems.append(difference("versions", "html", version.name, "not built"))
            continue
        ids = [anchor.id for anchor in readback.clause_anchors(html.parse(str(page)).getroot())]
        problems += _anchor_differences(version.name, "html", document.anchors, ids)
    return problems


def _anchor_differences(name: str, what: str, own: Sequence[str], other: Sequence[str]) -> list[Finding]:
    """The clauses where ``other`` (version ``name``) differs from ``own``: missing, extra or out of place."""
    problems = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, own, other, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            problems += [difference("versions", what, eid, f"missing in {name}") for eid in own[i1:i2]]
        if tag in ("insert", "replace"):
            problems += [difference("versions", what, eid, f"in {name} only") for eid in other[j1:j2]]
    return problems


def _rows(document: Document, readings: Mapping[str, readback.Reading]) -> list[Row]:
    def place(fmt: str, eid: str) -> str | int | None:
        reading = readings.get(fmt)
        return reading.places.get(eid) if reading else None

    rows = []
    for clause in document.iter_clauses():
        eid = clause.eid
        html_link, epub_link = place("html", eid), place("epub", eid)
        pdf_page, large_page, start = place("pdf", eid), place("pdf-large", eid), place("mp3", eid)
        rows.append(
            Row(
                eid,
                clause.label,
                clause.spoken_label,
                html_link if isinstance(html_link, str) else None,
                pdf_page if isinstance(pdf_page, int) else None,
                large_page if isinstance(large_page, int) else None,
                epub_link if isinstance(epub_link, str) else None,
                start if isinstance(start, int) else None,
            )
        )
    return rows
