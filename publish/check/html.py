"""Audit HTML pages: axe-core in headless Chromium, the Nu Html Checker, the accessibility tree.

Tools are pinned and installed locally, never fetched at run time:

* axe-core and vnu-jar come from ``package.json`` / ``package-lock.json`` at the
  project root (``npm ci --ignore-scripts``: vnu-jar's postinstall would download
  a JRE; the system Java runs the jar instead).
* Chromium is the distribution package (``apt-get install chromium``), driven by
  the Playwright sync API with ``executable_path`` (no ``playwright install``).

A missing tool raises :class:`ToolMissing`; nothing is skipped silently.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    from playwright.sync_api import Browser as PWBrowser
    from playwright.sync_api import BrowserContext, Page, Playwright

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

CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

VNU_TIMEOUT = 300.0
"""Seconds allowed for one Nu Html Checker run (a JVM start is 4-6 s)."""

NODES_PER_RULE = 3
"""How many failing nodes of one axe rule become findings."""

_SETUP_HINT = "run `make setup` (npm ci --ignore-scripts at the project root)"


class ToolMissing(RuntimeError):
    """A validator, browser or runtime the audit needs is not installed."""


class ToolFailed(RuntimeError):
    """A validator ran but did not produce a usable result."""


# --------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class Finding:
    """One message from a validator about one place in one file."""

    tool: str
    """``"axe"`` or ``"vnu"``."""
    rule: str
    """axe rule id, or the vnu message kind: ``error`` / ``warning`` / ``info``."""
    location: str
    """``file selector`` for axe, ``file:line:column`` for vnu."""
    message: str
    impact: str | None = None
    scheme: str | None = None
    """Colour scheme the page was rendered in (axe only)."""

    def __str__(self) -> str:
        tool = f"{self.tool}[{self.scheme}]" if self.scheme else self.tool
        rule = f"{self.rule} ({self.impact})" if self.impact else self.rule
        return f"{tool} {rule} at {self.location}: {self.message}"


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


@dataclass(frozen=True)
class AXNode:
    """A node of Chromium's accessibility tree (ignored nodes left out)."""

    role: str
    name: str
    children: tuple[AXNode, ...] = ()
    properties: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    """CDP properties as strings, e.g. ``level`` for headings, ``url`` for links."""

    def walk(self) -> Iterator[AXNode]:
        """Yield this node and all its descendants, depth-first, in document order."""
        stack: list[AXNode] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def find_all(self, role: str) -> list[AXNode]:
        """All nodes with ``role`` in document order."""
        return [n for n in self.walk() if n.role == role]

    def __str__(self) -> str:
        return f'{self.role} "{self.name}"' if self.name else self.role


# --------------------------------------------------------------------------
# locating tools


def project_root() -> Path:
    """The directory holding ``package.json``: the parent of the ``publish`` package."""
    return Path(__file__).resolve().parents[2]


def node_modules() -> Path:
    """The ``node_modules`` directory with axe-core and vnu-jar.

    ``PUBLISH_NODE_MODULES`` overrides the default ``<project root>/node_modules``.
    """
    env = os.environ.get("PUBLISH_NODE_MODULES")
    path = Path(env) if env else project_root() / "node_modules"
    if not path.is_dir():
        raise ToolMissing(f"node_modules not found at {path}: {_SETUP_HINT}")
    return path


def axe_script() -> Path:
    """``axe.min.js`` of the pinned axe-core."""
    path = node_modules() / "axe-core" / "axe.min.js"
    if not path.is_file():
        raise ToolMissing(f"axe-core not found at {path}: {_SETUP_HINT}")
    return path


def vnu_jar() -> Path:
    """``vnu.jar`` of the pinned vnu-jar package (the Nu Html Checker)."""
    path = node_modules() / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not path.is_file():
        raise ToolMissing(f"Nu Html Checker not found at {path}: {_SETUP_HINT}")
    return path


def chromium_path() -> Path:
    """The Chromium binary: ``PUBLISH_CHROMIUM``, else ``chromium`` on PATH."""
    env = os.environ.get("PUBLISH_CHROMIUM")
    found = env or shutil.which("chromium") or "/usr/bin/chromium"
    path = Path(found)
    if not path.is_file():
        where = "PUBLISH_CHROMIUM" if env else "PATH or /usr/bin/chromium"
        raise ToolMissing(
            f"Chromium not found ({where}: {path}): apt-get install chromium,"
            " or set PUBLISH_CHROMIUM to a Chromium binary"
        )
    return path


def java_path() -> Path:
    """The Java runtime for vnu.jar: ``PUBLISH_JAVA``, else ``java`` on PATH."""
    env = os.environ.get("PUBLISH_JAVA")
    found = env or shutil.which("java")
    if not found or not Path(found).is_file():
        raise ToolMissing(
            f"Java not found ({found or 'no java on PATH'}): the Nu Html Checker"
            " needs Java >= 11: apt-get install default-jre-headless"
        )
    return Path(found)


# --------------------------------------------------------------------------
# axe-core results -> findings


def _selector(target: Any) -> str:
    """axe's node target (a list, nested for iframes / shadow DOM) as one string."""
    if isinstance(target, list):
        return " >> ".join(_selector(t) for t in target)
    return str(target)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _axe_findings(results: Sequence[Mapping[str, Any]], path: Path, scheme: str, per_rule: int) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for rule in results:
        nodes = rule.get("nodes") or []
        count = len(nodes)
        for i, node in enumerate(nodes[:per_rule], start=1):
            message = str(rule.get("help", ""))
            summary = _one_line(str(node.get("failureSummary") or ""))
            if summary:
                message += f" — {summary}"
            if count > 1:
                message += f" [node {i} of {count}]"
            findings.append(
                Finding(
                    tool="axe",
                    rule=str(rule["id"]),
                    location=f"{path} {_selector(node.get('target', []))}",
                    message=message,
                    impact=node.get("impact") or rule.get("impact"),
                    scheme=scheme,
                )
            )
        if not nodes:  # rare: a rule about the page as a whole
            findings.append(
                Finding(
                    "axe",
                    str(rule["id"]),
                    str(path),
                    str(rule.get("help", "")),
                    rule.get("impact"),
                    scheme,
                )
            )
    return tuple(findings)


# --------------------------------------------------------------------------
# the browser


_AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations', 'incomplete'],
  });
  return {version: r.testEngine.version, violations: r.violations,
          incomplete: r.incomplete, passes: r.passes.length};
}"""

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return ['', ''];
  const kind = el.getAttribute('role') || el.tagName.toLowerCase();
  const text = (el.getAttribute('aria-label') || el.innerText || '').trim();
  return [kind, text || el.getAttribute('href') || ''];
}"""

_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


class Browser:
    """One headless Chromium for a batch of pages (launching costs 0.3-3.5 s).

    >>> with Browser() as b:
    ...     report = b.axe(Path("out/index.html"), "dark")
    """

    def __init__(self, per_rule: int = NODES_PER_RULE) -> None:
        self.per_rule = per_rule
        self._pw: Playwright | None = None
        self._browser: PWBrowser | None = None
        self._axe_src: str | None = None

    # -- lifecycle

    def __enter__(self) -> Self:
        executable = chromium_path()
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise ToolMissing(
                "Python package playwright not installed: pip install playwright"
                " (no `playwright install`: the system Chromium is used)"
            ) from exc
        started = time.perf_counter()
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS))
        except Exception:
            self._pw.stop()
            self._pw = None
            raise
        log.info(
            "chromium %s started in %.1f s",
            self._browser.version,
            time.perf_counter() - started,
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._browser = None
            if self._pw is not None:
                self._pw.stop()
                self._pw = None

    @property
    def version(self) -> str:
        return self._require().version

    def _require(self) -> PWBrowser:
        if self._browser is None:
            raise RuntimeError("Browser used outside its `with` block")
        return self._browser

    @contextmanager
    def _page(
        self,
        path: Path,
        *,
        scheme: str = "light",
        width: int = 1280,
        height: int = 800,
        device_scale_factor: float = 1,
    ) -> Iterator[tuple[BrowserContext, Page]]:
        """A fresh context with ``path`` loaded; closed on exit."""
        if not path.is_file():
            raise FileNotFoundError(path)
        context = self._require().new_context(
            color_scheme=scheme,  # type: ignore[arg-type]
            reduced_motion="reduce",
            viewport={"width": width, "height": height},
            device_scale_factor=device_scale_factor,
        )
        try:
            page = context.new_page()
            page.goto(path.resolve().as_uri(), wait_until="load")
            yield context, page
        finally:
            context.close()

    # -- checks

    def axe(self, path: Path, scheme: str) -> AxeReport:
        """Run axe-core on ``path`` rendered with ``prefers-color-scheme: scheme``."""
        if self._axe_src is None:
            self._axe_src = axe_script().read_text(encoding="utf-8")
        started = time.perf_counter()
        with self._page(path, scheme=scheme) as (_, page):
            page.evaluate(self._axe_src)
            raw = page.evaluate(_AXE_RUN, list(AXE_TAGS))
        report = AxeReport(
            path=path,
            scheme=scheme,
            axe_version=str(raw["version"]),
            violations=_axe_findings(raw["violations"], path, scheme, self.per_rule),
            incomplete=_axe_findings(raw["incomplete"], path, scheme, self.per_rule),
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

    def ax_tree(self, path: Path, *, inline_text_boxes: bool = False) -> AXNode:
        """Chromium's full accessibility tree of ``path``, from the root.

        Ignored nodes are left out but their children kept in their place.
        ``InlineTextBox`` nodes (line fragments of ``StaticText``) are dropped
        unless ``inline_text_boxes``.
        """
        with self._page(path) as (context, page):
            cdp = context.new_cdp_session(page)
            nodes: list[dict[str, Any]] = cdp.send("Accessibility.getFullAXTree")["nodes"]
        return _build_tree(nodes, inline_text_boxes=inline_text_boxes)

    def horizontal_overflow(self, path: Path, width: int, device_scale_factor: float = 1) -> int:
        """CSS pixels the page scrolls sideways at viewport ``width`` (0 = none).

        WCAG 1.4.10 reflow: check at 320; 200 % zoom of a 1280 window is
        ``width=640, device_scale_factor=2``.
        """
        with self._page(path, width=width, device_scale_factor=device_scale_factor) as (
            _,
            page,
        ):
            return int(page.evaluate(_OVERFLOW))

    def first_focus(self, path: Path) -> tuple[str, str]:
        """Press Tab once: (role or tag, accessible text or href) of what has focus.

        ``("", "")`` when nothing took the focus.
        """
        with self._page(path) as (_, page):
            page.keyboard.press("Tab")
            kind, text = page.evaluate(_FOCUSED)
        return str(kind), _one_line(str(text))

    def screenshot(
        self,
        path: Path,
        out_png: Path,
        width: int,
        scheme: str = "light",
        full_page: bool = True,
    ) -> Path:
        """Save a PNG of ``path`` at viewport ``width`` in ``scheme``."""
        out_png.parent.mkdir(parents=True, exist_ok=True)
        with self._page(path, scheme=scheme, width=width) as (_, page):
            page.screenshot(path=str(out_png), full_page=full_page)
        return out_png


def _build_tree(nodes: Sequence[Mapping[str, Any]], *, inline_text_boxes: bool) -> AXNode:
    by_id = {str(n["nodeId"]): n for n in nodes}
    roots = [n for n in nodes if not n.get("parentId")]
    if not roots:
        raise ToolFailed("Chromium returned an accessibility tree without a root")

    def value(obj: Mapping[str, Any] | None) -> str:
        if not obj:
            return ""
        v = obj.get("value", "")
        if isinstance(v, bool):
            return "true" if v else "false"
        return "" if v is None else str(v)

    def build(node_id: str) -> list[AXNode]:
        node = by_id.get(node_id)
        if node is None:
            return []
        children: list[AXNode] = []
        for child_id in node.get("childIds", []):
            children.extend(build(str(child_id)))
        role = value(node.get("role"))
        if node.get("ignored") or (role == "InlineTextBox" and not inline_text_boxes):
            return children
        props = {str(p["name"]): value(p.get("value")) for p in node.get("properties") or []}
        return [
            AXNode(
                role=role,
                name=value(node.get("name")),
                children=tuple(children),
                properties=MappingProxyType(props),
            )
        ]

    built = build(str(roots[0]["nodeId"]))
    if len(built) == 1:
        return built[0]
    return AXNode(role="RootWebArea", name="", children=tuple(built))


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
    return [browser.axe(path, scheme) for path in paths for scheme in schemes]


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
    cmd = [str(java_path()), "-jar", str(vnu_jar()), "--format", "json", "--stdout"]
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
                tool="vnu",
                rule=_vnu_rule(m),
                location=location,
                message=_one_line(str(m.get("message", ""))),
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
