"""Drive one headless Chromium: load a page in a colour scheme, run a script in it, read its accessibility tree.

Chromium is the distribution package (``apt-get install chromium``, found by :func:`publish.check.tools.chromium_path`),
driven by the Playwright sync API with ``executable_path`` (no ``playwright install``). The checks that use it (axe in
:mod:`publish.check.html`, the tests' reflow and focus checks) ask it for what a page does; what passes is theirs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, Self

from publish.check.findings import one_line
from publish.check.tools import ToolFailed, ToolMissing, chromium_path

if TYPE_CHECKING:
    from playwright.sync_api import Browser as PWBrowser
    from playwright.sync_api import BrowserContext, Page, Playwright

log = logging.getLogger("publish.progress")

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
    ...     tree = b.ax_tree(Path("out/index.html"))
    """

    def __init__(self) -> None:
        self._pw: Playwright | None = None
        self._browser: PWBrowser | None = None

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

    # -- what a page does

    def evaluate(self, path: Path, function: str, arg: Any = None, *, scheme: str = "light", script: str = "") -> Any:
        """``function`` (JavaScript) called with ``arg`` in ``path`` rendered with ``prefers-color-scheme: scheme``,
        after ``script`` (a library's source, e.g. axe-core's) has run in the page; its result as JSON values."""
        with self._page(path, scheme=scheme) as (_, page):
            if script:
                page.evaluate(script)
            return page.evaluate(function, arg)

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
        return str(kind), one_line(str(text))

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
