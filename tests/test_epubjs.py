"""The EPUB in epub.js, a reading system's engine, in Chromium: its navigation, and every jump landing on its target.

epub.js 0.3.93 (``node_modules/epubjs``, with JSZip to open the zipped book) runs in a small harness
(``tests/clients/epubjs``), served with the book from 127.0.0.1 and driven with Playwright, at a phone's width (one
column) and a desktop's (a spread of two). It reads the toc and the page list from the navigation document; for every
entry of each, ``rendition.display(href)`` and ``rendition.currentLocation()`` must show the target: its element in
the displayed range and on screen. epub.js scrolls to a target without navigating, so ``:target`` never matches: the
page break a page-list entry leads to is drawn by itself (a dashed rule), and a citation names its ordinal (#17).
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from lxml import etree

pytestmark = pytest.mark.browser

HARNESS = ROOT / "tests" / "clients" / "epubjs"
LIBRARIES = {
    "/lib/epub.min.js": ROOT / "node_modules" / "epubjs" / "dist" / "epub.min.js",
    "/lib/jszip.min.js": ROOT / "node_modules" / "jszip" / "dist" / "jszip.min.js",
}
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
#: A phone held upright (one column) and a desktop window (epub.js shows a spread of two columns from 800 px).
VIEWPORTS = {"phone": (375, 667), "desktop": (1280, 800)}


class _Files(http.server.SimpleHTTPRequestHandler):
    """Serves the harness, epub.js and JSZip, and ``/book/<file>`` from the folder of the book under test."""

    book_folder: Path = Path()

    def translate_path(self, path: str) -> str:
        path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        if path in LIBRARIES:
            return str(LIBRARIES[path])
        if path.startswith("/harness/"):
            return str(HARNESS / path.removeprefix("/harness/"))
        if path.startswith("/book/"):
            return str(self.book_folder / path.removeprefix("/book/"))
        return str(HARNESS / "missing")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def seed_epub(built: Path) -> Path:
    return built / "B9-0311-2022" / "B9-0311-2022.epub"


@pytest.fixture(scope="module")
def server(seed_epub: Path) -> Iterator[str]:
    handler = type("Files", (_Files,), {"book_folder": seed_epub.parent})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from publish.check.browser import CHROMIUM_ARGS
    from publish.check.tools import chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path()), args=list(CHROMIUM_ARGS))
        yield browser
        browser.close()


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def reader(request: pytest.FixtureRequest, chromium: Any, server: str, seed_epub: Path) -> Iterator[Any]:
    """epub.js with the seed's EPUB open (zipped, as a reading system gets it), at one of the VIEWPORTS."""
    width, height = VIEWPORTS[request.param]
    page = chromium.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/harness/index.html?book=/book/{seed_epub.name}")
    page.navigation = page.evaluate("openBook()")
    page.viewport_name = request.param
    yield page
    assert errors == []
    page.close()


def _nav_entries(seed_epub: Path, kind: str) -> list[tuple[str, str]]:
    """(text, href) of each link of the navigation document's ``nav`` of ``kind``, as the book has them."""
    import zipfile

    with zipfile.ZipFile(seed_epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    return [
        ("".join(a.itertext()).strip(), a.get("href")) for a in nav.iterfind(f".//x:nav[@epub:type='{kind}']//x:a", NS)
    ]


def test_epubjs_reads_the_books_contents_and_page_list(reader, seed_epub):
    navigation = reader.navigation
    toc = _nav_entries(seed_epub, "toc")
    assert len(toc) == 44  # the title, three sections, 40 clauses
    assert [(entry["label"], entry["href"]) for entry in navigation["toc"]] == toc
    pages = _nav_entries(seed_epub, "page-list")
    assert len(pages) >= 2
    assert [(str(entry["page"]), entry["href"]) for entry in navigation["pageList"]] == pages
    assert navigation["columns"] == {"phone": 1, "desktop": 2}[reader.viewport_name]


#: How near the viewer's top (twice that near its bottom), in CSS px, a target may be for epub.js's range to miss it.
EDGE = 40


def test_every_contents_and_page_list_target_is_displayed(reader):
    """``rendition.display(href)`` for every entry: the target is on screen, and in ``currentLocation()``'s range.

    epub.js maps what it shows to a range a page off when the target sits at the page's top or bottom edge (seen at
    375 px: a paragraph starting at the viewer's top, a page marker on its last line): on screen, the reader sees it;
    such an edge case may miss the range, nothing else may.
    """
    hrefs = [entry["href"] for entry in reader.navigation["toc"] + reader.navigation["pageList"]]
    missed, edge_misses = [], []
    for href in hrefs:
        shown = reader.evaluate("href => jump(href)", href)
        if not (shown["found"] and shown["visible"]):
            missed.append(shown)
        elif not shown["inRange"]:
            top, viewer = shown["box"]["top"], shown["viewer"]
            at_edge = top - viewer["top"] < EDGE or viewer["bottom"] - top < 2 * EDGE
            (edge_misses if at_edge else missed).append(shown)
    assert missed == []
    assert len(edge_misses) <= 2, edge_misses
    assert len(hrefs) == 44 + len(reader.navigation["pageList"])


def test_a_jump_lands_on_a_target_that_is_visible_by_itself(reader):
    """epub.js never matches ``:target``: a page break is a dashed rule named on screen, and a citation, numbered
    only by a dash in the official text, shows the ordinal the contents name it by."""
    page = reader.evaluate("href => jump(href)", "text.xhtml#page_2")
    assert page["visible"] and page["border"] == "dashed" and page["box"]["height"] > 5
    assert page["after"] == '"Page 2" / ""'  # drawn with no text alternative: heard once, by its aria-label
    citation = reader.evaluate("href => jump(href)", "text.xhtml#cit_5")
    assert citation["visible"] and citation["after"] == '"5" / ""'
    assert not reader.evaluate(
        "() => rendition.getContents()[0].document.querySelector(':target')"
    )  # no reading system navigation: the outline for :target never shows here
