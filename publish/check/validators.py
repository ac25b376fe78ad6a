"""Run every validator of :mod:`publish.check` over a batch of files, each tool once, the tool groups side by side.

One Chromium for axe-core (light and dark), one Nu Html Checker JVM, one veraPDF JVM and one outloud process with
the PDF structure checks, one EPUBCheck JVM with Ace per EPUB and the package checks, the audio gate per MP3, the
OASIS Akoma Ntoso 3.0 schema (lxml) on every AKN file. Each
group runs in a thread of its own (they wait on their own processes). A tool that is missing or fails gives every
file it should have checked a result with the error: a failure too, never a skipped check.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import re
import subprocess
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from publish import formats
from publish.check import akn, audio, epub, html, pdf, tools
from publish.check.browser import Browser
from publish.check.expect import spoken_units
from publish.model import Document

log = logging.getLogger("publish.progress")

#: Tool groups run at a time: all five (each is mostly one JVM, browser or subprocess waiting on its own work).
JOBS = 5
_TOOL_ERRORS = (tools.ToolMissing, tools.ToolFailed, OSError, subprocess.SubprocessError)
#: The large-print PDF's suffix, to tell the two PDF editions apart.
LARGE_PRINT = formats.PDF_LARGE.suffix


@dataclass
class ToolResult:
    """One validator's verdict on one file: its version, its counts, the findings that fail the gate."""

    tool: str
    version: str
    format: str
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    scope: str = ""
    """What was checked beyond the file: the colour scheme for axe, the profile for veraPDF."""
    error: str | None = None
    """Why the tool could not give a verdict (missing, crashed): a failure too."""

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures


def validate(
    pages: Sequence[Path],
    pdfs: Sequence[Path],
    epubs: Sequence[Path],
    sound: Sequence[tuple[Path, Path, Document]],
    jobs: int = JOBS,
    books: Sequence[tuple[Path, Path, Document]] = (),
    akns: Sequence[Path] = (),
) -> list[ToolResult]:
    """Every validator over every file of the batch, each tool once; the tool groups side by side.

    ``sound`` holds (MP3, WebVTT, document) per audio edition: the audio gate needs the units the source says;
    ``books`` (M4B, MP3, document) per audiobook, held to its MP3 and to the units; ``akns`` the Akoma Ntoso files.
    """
    groups: list[Callable[[], list[ToolResult]]] = [
        partial(axe_results, pages),
        partial(vnu_results, pages),
        partial(pdf_results, pdfs),
        partial(epub_results, epubs),
        partial(audio_results, sound),
        partial(m4b_results, books),
        partial(akn_results, akns),
    ]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(group) for group in groups]
        return [result for future in futures for result in future.result()]


def _failed(tool: str, fmt: str, paths: Sequence[Path], error: BaseException, version: str = "") -> list[ToolResult]:
    log.info("%s could not run: %s", tool, error)
    return [ToolResult(tool, version, fmt, path, error=f"{type(error).__name__}: {error}") for path in paths]


def axe_results(pages: Sequence[Path]) -> list[ToolResult]:
    """axe-core in one headless Chromium, every page in the light and the dark colour scheme."""
    if not pages:
        return []
    try:
        with Browser() as browser:
            reports = html.audit(pages, html.SCHEMES, browser=browser)
            engine = f"Chromium {browser.version}"
    except _TOOL_ERRORS as exc:
        return _failed("axe-core", "html", pages, exc)
    return [
        ToolResult(
            "axe-core",
            f"{r.axe_version} ({engine})",
            "html",
            r.path,
            {"violations": len(r.violations), "incomplete": len(r.incomplete)},
            [str(f) for f in r.violations],
            scope=r.scheme,
        )
        for r in reports
    ]


def vnu_results(pages: Sequence[Path]) -> list[ToolResult]:
    """The Nu Html Checker on every page (and its CSS) in one JVM; errors fail, warnings and info are counted."""
    if not pages:
        return []
    try:
        version = _package_version(tools.node_modules() / "vnu-jar" / "package.json")
        findings = html.run_vnu(pages)
    except _TOOL_ERRORS as exc:
        return _failed("Nu Html Checker", "html", pages, exc)
    results = []
    for page in pages:
        mine = [f for f in findings if f.location == str(page) or f.location.startswith(f"{page}:")]
        counts = {kind: sum(f.rule == kind for f in mine) for kind in ("error", "warning", "info")}
        failures = [str(f) for f in mine if f.rule not in ("warning", "info")]
        counts["error"] = len(failures)
        results.append(ToolResult("Nu Html Checker", version, "html", page, counts, failures))
    return results


def pdf_results(paths: Sequence[Path]) -> list[ToolResult]:
    """veraPDF PDF/UA-1 (one JVM), outloud (one process) and the structure checks on every PDF."""
    if not paths:
        return []
    fmt = {path: "pdf-large" if path.name.endswith(LARGE_PRINT) else "pdf" for path in paths}
    try:
        versions = (_verapdf_version(), importlib.metadata.version("outloud"), importlib.metadata.version("pikepdf"))
        found = pdf.audit(paths)
    except _TOOL_ERRORS as exc:
        return [r for p in paths for r in _failed("veraPDF", fmt[p], [p], exc) + _failed("outloud", fmt[p], [p], exc)]
    results = []
    for report in found.verapdf:
        failures = [str(f) for f in report.failures] or ([] if report.compliant else ["not compliant"])
        counts = {"failed rules": len(report.failures), "failed checks": sum(f.count for f in report.failures)}
        results.append(ToolResult("veraPDF", versions[0], fmt[report.path], report.path, counts, failures, "PDF/UA-1"))
    for path in paths:
        outloud = found.outloud.get(path, [])
        counts = {s: sum(f.severity == s for f in outloud) for s in ("error", "warning")}
        results.append(ToolResult("outloud", versions[1], fmt[path], path, counts, [str(f) for f in outloud]))
        structure = found.structure.get(path, [])
        results.append(
            ToolResult(
                "structure (pikepdf)",
                versions[2],
                fmt[path],
                path,
                {"findings": len(structure)},
                list(map(str, structure)),
            )
        )
    return results


def epub_results(paths: Sequence[Path]) -> list[ToolResult]:
    """EPUBCheck (one JVM for all), Ace (each EPUB) and the package checks (accessibility claims, media overlays):
    :func:`epub.audit`'s parts, called one by one so that each finding stays with its file."""
    if not paths:
        return []
    results: list[ToolResult] = []
    try:
        checked = epub.run_epubcheck(paths)
    except _TOOL_ERRORS as exc:
        results += _failed("EPUBCheck", "epub", paths, exc)
    else:
        results += [
            ToolResult("EPUBCheck", r.version, "epub", r.path, dict(r.counts), [str(f) for f in r.failures])
            for r in checked
        ]
    try:
        aced = epub.run_ace(paths)
    except _TOOL_ERRORS as exc:
        results += _failed("Ace", "epub", paths, exc)
    else:
        results += [
            ToolResult(
                "Ace", r.version, "epub", r.path, {"violations": len(r.violations)}, list(map(str, r.violations))
            )
            for r in aced
        ]
    for path in paths:  # by path: the batch may hold several EPUBs of one name
        claims = [str(f) for f in epub.check_package(path)]
        results.append(ToolResult("package checks", _own_version(), "epub", path, {"findings": len(claims)}, claims))
    return results


#: The audio gate's checks as the report shows them: (tool, format, the gate's check names).
AUDIO_TOOLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ffprobe", "mp3", ("ffprobe",)),
    ("mutagen (ID3 chapters)", "mp3", ("id3", "timeline")),
    ("speech onsets (ffmpeg)", "mp3", ("onset",)),
    ("webvtt-py", "vtt", ("webvtt",)),
)


def audio_results(editions: Sequence[tuple[Path, Path, Document]]) -> list[ToolResult]:
    """The audio gate on every MP3 and its WebVTT: ffprobe's chapters, ID3 read back, speech onsets, strict WebVTT."""
    results: list[ToolResult] = []
    if not editions:
        return results
    try:
        versions = {
            "ffprobe": _ffprobe_version(),
            "mutagen (ID3 chapters)": importlib.metadata.version("mutagen"),
            "speech onsets (ffmpeg)": _ffprobe_version(),
            "webvtt-py": importlib.metadata.version("webvtt-py"),
        }
    except _TOOL_ERRORS + (importlib.metadata.PackageNotFoundError,) as exc:
        return [r for mp3, vtt, _ in editions for r in _failed("audio gate", "mp3", [mp3, vtt], exc)]
    for mp3, vtt, document in editions:
        units = spoken_units(document)
        try:
            findings = audio.gate(mp3, vtt, [u[0] for u in units], [u[1] for u in units])
        except _TOOL_ERRORS as exc:
            results += _failed("audio gate", "mp3", [mp3, vtt], exc)
            continue
        for tool, fmt, checks in AUDIO_TOOLS:
            mine = [str(f) for f in findings if f.check in checks]
            path = mp3 if fmt == "mp3" else vtt
            results.append(ToolResult(tool, versions[tool], fmt, path, {"findings": len(mine)}, mine))
        log.info("audio gate %s: %d findings", mp3.name, len(findings))
    return results


def m4b_results(books: Sequence[tuple[Path, Path, Document]]) -> list[ToolResult]:
    """The audiobook gate on every M4B: AAC in M4B, ffprobe's chapters titled as the units, starting as the MP3's."""
    results: list[ToolResult] = []
    for m4b, mp3, document in books:
        try:
            version = _ffprobe_version()
            findings = audio.m4b_gate(m4b, mp3, [u[1] for u in spoken_units(document)])
        except _TOOL_ERRORS as exc:
            results += _failed("ffprobe (audiobook chapters)", "m4b", [m4b], exc)
            continue
        mine = [str(f) for f in findings]
        results.append(ToolResult("ffprobe (audiobook chapters)", version, "m4b", m4b, {"findings": len(mine)}, mine))
        log.info("audiobook gate %s: %d findings", m4b.name, len(findings))
    return results


def akn_results(paths: Sequence[Path]) -> list[ToolResult]:
    """The OASIS Akoma Ntoso 3.0 schema on every AKN file (lxml, offline): every schema error fails, with its line."""
    if not paths:
        return []
    try:
        version = akn.schema_version()
        akn.schema()
    except _TOOL_ERRORS + (importlib.metadata.PackageNotFoundError,) as exc:
        return _failed(akn.TOOL, "akn", paths, exc)
    results = []
    for path in paths:
        errors = akn.validate(path)
        results.append(ToolResult(akn.TOOL, version, "akn", path, {"errors": len(errors)}, errors))
        log.info("akn schema %s: %d errors", path.name, len(errors))
    return results


def _own_version() -> str:
    """publish's own checks (the EPUB's accessibility claims and overlays) are as old as publish."""
    try:
        return f"publish {importlib.metadata.version('publish')}"
    except importlib.metadata.PackageNotFoundError:
        return "publish"


def _package_version(package_json: Path) -> str:
    return str(json.loads(package_json.read_text(encoding="utf-8"))["version"])


def _verapdf_version() -> str:
    with zipfile.ZipFile(tools.verapdf_jar()) as jar:
        properties = jar.read("META-INF/maven/org.verapdf/validation-model/pom.properties").decode()
    found = re.search(r"^version=(\S+)", properties, re.MULTILINE)
    return found.group(1) if found else "?"


def _ffprobe_version() -> str:
    out = subprocess.run([tools.ffmpeg("ffprobe"), "-version"], capture_output=True, text=True, check=True, timeout=30)
    found = re.match(r"ffprobe version (\S+)", out.stdout)
    return found.group(1) if found else "?"
