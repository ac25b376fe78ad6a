"""Audit HTML pages: axe-core in headless Chromium (light and dark) and the Nu Html Checker.

axe-core and vnu-jar are the pinned ones of ``package.json`` / ``package-lock.json`` at the project root, found by
:mod:`publish.check.tools`; the browser is :class:`publish.check.browser.Browser`, which also reads a page's
accessibility tree, its reflow and its first focus for the tests. A missing tool raises
:class:`~publish.check.tools.ToolMissing`; nothing is skipped silently.
"""

from __future__ import annotations

import json
import logging
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from publish.check.browser import Browser
from publish.check.findings import Finding, one_line
from publish.check.tools import ToolFailed, axe_script, java_path, vnu_jar

log = logging.getLogger("publish.progress")

AXE_TAGS: tuple[str, ...] = (
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",  # axe has no "wcag22a" tag: WCAG 2.2 enters through 2.2 AA only
    "best-practice",
)
"""axe-core rule tags run on every page."""

SCHEMES: tuple[str, ...] = ("light", "dark")

VNU_TIMEOUT = 300.0
"""Seconds allowed for one Nu Html Checker run (a JVM start is 4-6 s)."""

NODES_PER_RULE = 3
"""How many failing nodes of one axe rule become findings."""


@dataclass(frozen=True)
class AxeReport:
    """axe-core results for one page rendered in one colour scheme."""

    path: Path
    scheme: str
    axe_version: str
    violations: tuple[Finding, ...]
    incomplete: tuple[Finding, ...]
    passes: int

    @property
    def ok(self) -> bool:
        """True when axe found no violations (incomplete items need review)."""
        return not self.violations

    def rules(self) -> set[str]:
        """Ids of the rules that were violated."""
        return {f.rule for f in self.violations}


# --------------------------------------------------------------------------
# axe-core


_AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations', 'incomplete'],
  });
  return {version: r.testEngine.version, violations: r.violations,
          incomplete: r.incomplete, passes: r.passes.length};
}"""


@cache
def _axe_source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def axe(browser: Browser, path: Path, scheme: str, per_rule: int = NODES_PER_RULE) -> AxeReport:
    """Run axe-core on ``path`` rendered with ``prefers-color-scheme: scheme``; ``per_rule`` failing nodes of a rule
    become findings."""
    source = _axe_source(axe_script())
    started = time.perf_counter()
    raw = browser.evaluate(path, _AXE_RUN, list(AXE_TAGS), scheme=scheme, script=source)
    report = AxeReport(
        path=path,
        scheme=scheme,
        axe_version=str(raw["version"]),
        violations=_axe_findings(raw["violations"], path, scheme, per_rule),
        incomplete=_axe_findings(raw["incomplete"], path, scheme, per_rule),
        passes=int(raw["passes"]),
    )
    log.info(
        "axe %s [%s]: %d violations, %d incomplete, %d passes (%.1f s)",
        path.name,
        scheme,
        len(raw["violations"]),
        len(raw["incomplete"]),
        report.passes,
        time.perf_counter() - started,
    )
    return report


def _selector(target: Any) -> str:
    """axe's node target (a list, nested for iframes / shadow DOM) as one string."""
    if isinstance(target, list):
        return " >> ".join(_selector(t) for t in target)
    return str(target)


def _axe_findings(results: Sequence[Mapping[str, Any]], path: Path, scheme: str, per_rule: int) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for rule in results:
        nodes = rule.get("nodes") or []
        count = len(nodes)
        for i, node in enumerate(nodes[:per_rule], start=1):
            message = str(rule.get("help", ""))
            summary = one_line(str(node.get("failureSummary") or ""))
            if summary:
                message += f" — {summary}"
            if count > 1:
                message += f" [node {i} of {count}]"
            findings.append(
                Finding(
                    check="axe",
                    rule=str(rule["id"]),
                    location=f"{path} {_selector(node.get('target', []))}",
                    message=message,
                    severity=node.get("impact") or rule.get("impact"),
                    scheme=scheme,
                )
            )
        if not nodes:  # rare: a rule about the page as a whole
            findings.append(
                Finding("axe", str(rule["id"]), str(path), str(rule.get("help", "")), rule.get("impact"), scheme)
            )
    return tuple(findings)


def audit(
    paths: Sequence[Path],
    schemes: Sequence[str] = SCHEMES,
    *,
    browser: Browser | None = None,
) -> list[AxeReport]:
    """axe-core on every page in every colour scheme, with one browser for all.

    Pass an open ``browser`` to reuse it; otherwise one is launched and closed.
    """
    if browser is None:
        with Browser() as own:
            return audit(paths, schemes, browser=own)
    return [axe(browser, path, scheme) for path in paths for scheme in schemes]


# --------------------------------------------------------------------------
# the Nu Html Checker


def _vnu_rule(message: Mapping[str, Any]) -> str:
    kind = str(message.get("type", ""))
    if kind == "error":
        return "error"
    if kind == "info":
        return "warning" if message.get("subType") == "warning" else "info"
    return kind or "unknown"  # e.g. "non-document-error": the file could not be read


def _url_to_path(url: str) -> Path:
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(url)


def run_vnu(
    paths: Sequence[Path],
    *,
    filter_pattern: str | None = None,
    timeout: float = VNU_TIMEOUT,
) -> list[Finding]:
    """Check all ``paths`` (HTML and their CSS) in ONE Nu Html Checker run.

    ``filter_pattern`` is vnu's ``--filterpattern`` (a regex; matching messages
    are dropped). Locations are ``file:line:column`` with ``file`` as given.
    """
    if not paths:
        return []
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(p)
    given = {p.resolve(): p for p in paths}
    cmd = [str(java_path("the Nu Html Checker")), "-jar", str(vnu_jar()), "--format", "json", "--stdout"]
    cmd += ["--also-check-css"]
    if filter_pattern:
        cmd += ["--filterpattern", filter_pattern]
    cmd += [str(p) for p in given]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"Nu Html Checker (vnu.jar) timed out after {timeout:.0f} s on {len(paths)} files") from exc
    try:
        messages = json.loads(proc.stdout)["messages"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ToolFailed(
            f"Nu Html Checker (vnu.jar) exited {proc.returncode} without JSON"
            f" output: {proc.stderr.strip()[:500] or proc.stdout.strip()[:500]}"
        ) from exc
    findings: list[Finding] = []
    for m in messages:
        url = str(m.get("url", ""))
        file = given.get(_url_to_path(url).resolve(), Path(url)) if url else Path("?")
        line = m.get("lastLine") or m.get("firstLine")
        column = m.get("firstColumn") or m.get("lastColumn")
        location = str(file)
        if line:
            location += f":{line}"
            if column:
                location += f":{column}"
        findings.append(
            Finding(
                check="vnu",
                rule=_vnu_rule(m),
                location=location,
                message=one_line(str(m.get("message", ""))),
            )
        )
    log.info(
        "vnu: %d files, %d errors, %d other messages (%.1f s)",
        len(paths),
        sum(f.rule == "error" for f in findings),
        sum(f.rule != "error" for f in findings),
        time.perf_counter() - started,
    )
    return findings


def gate(
    paths: Sequence[Path],
    schemes: Sequence[str] = SCHEMES,
    *,
    browser: Browser | None = None,
) -> list[Finding]:
    """Everything that fails the HTML gate: axe violations in every scheme, and Nu errors.

    Runs the Nu Html Checker once for all pages, beside one browser for axe.
    An empty list means the pages pass.
    """
    failures = [f for report in audit(paths, schemes, browser=browser) for f in report.violations]
    return failures + [f for f in run_vnu(paths) if f.rule != "warning" and f.rule != "info"]
