"""The EPUB's media overlays played in foliate-js, the Foliate reader's engine, in Chromium: each par heard and seen.

foliate-js 1.0.1 (``node_modules/foliate-js``) runs in a small harness (``tests/clients/foliate``) served with the book
from 127.0.0.1 and driven with Playwright at a phone's width. Its ``<foliate-view>`` opens the zipped book, plays the
SMIL's audio clips in a real ``Audio`` element and puts the book's ``media:active-class`` on each par's text element.
Every par is reached with the overlay's own ``next()`` (a reader's "next" button) at the slowest playback rate, so
that no clip ends by itself between two steps; a stretch is also played unattended at normal speed, where the
highlight must move on at each clip's end. What is expected comes from the book (package, SMIL, text), never from
foliate-js: the played par, its element, its clip, and the element's highlight colour against the page's.
"""

from __future__ import annotations

import http.server
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from lxml import etree

from publish.check.epuboverlay import clock_ms

pytestmark = pytest.mark.browser

HARNESS = ROOT / "tests" / "clients" / "foliate"
FOLIATE = ROOT / "node_modules" / "foliate-js"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "s": "http://www.w3.org/ns/SMIL",
    "x": "http://www.w3.org/1999/xhtml",
}
#: A phone held upright: foliate-js shows one column.
VIEWPORT = {"width": 375, "height": 667}
#: foliate-js 1.0.1's view.js finds the page of a highlighted par with an assignment for a comparison, so it finds
#: none when the overlaid document is the book's first spine item (index 0), as ours is, and highlights nothing
#: (a TypeError per par; the audio plays on). The harness gets view.js with the comparison; if an update of
#: foliate-js fixes it, the fixture below fails and this patch goes.
VIEW_BUG = (".find(x => x.index = resolved.index)", ".find(x => x.index === resolved.index)")
#: The slowest rate Chromium plays at: a 1.15 s heading lasts 18 s while the harness reads what is highlighted.
SLOWEST = 0.0625


@dataclass(frozen=True)
class Par:
    """One par of the book's SMIL: the id its text refers to, and its clip in seconds."""

    target: str
    begin: float
    end: float


@dataclass(frozen=True)
class Book:
    """What the EPUB says a player must do: its active class, its pars, and its text's ids in document order."""

    path: Path
    active_class: str | None
    pars: list[Par]
    ids: list[str]
    clauses: list[str]


def _seconds(clock: str) -> float:
    ms = clock_ms(clock)
    assert ms is not None, clock
    return ms / 1000


@pytest.fixture(scope="module")
def book(built: Path) -> Book:
    path = built / "B9-0311-2022" / "B9-0311-2022.epub"
    with zipfile.ZipFile(path) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        smil = etree.fromstring(z.read("EPUB/text.smil"))
        text = etree.fromstring(z.read("EPUB/text.xhtml"))
    declared = opf.findtext(".//opf:meta[@property='media:active-class']", namespaces=NS)
    pars = [
        Par(
            par.find("s:text", NS).get("src").partition("#")[2],
            _seconds(par.find("s:audio", NS).get("clipBegin")),
            _seconds(par.find("s:audio", NS).get("clipEnd")),
        )
        for par in smil.iterfind(".//s:par", NS)
    ]
    return Book(
        path,
        declared.strip() if declared else None,
        pars,
        [element.get("id") for element in text.iterfind(".//x:body//*[@id]", NS)],
        [li.get("id") for li in text.iterfind(".//x:li[@class]", NS) if "clause" in li.get("class").split()],
    )


@pytest.fixture(scope="module")
def view_js(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """foliate-js's view.js with :data:`VIEW_BUG` mended (the one change to the player)."""
    source = (FOLIATE / "view.js").read_text(encoding="utf-8")
    assert source.count(VIEW_BUG[0]) == 1, "foliate-js's view.js changed: drop VIEW_BUG if it finds index 0 now"
    path = tmp_path_factory.mktemp("foliate") / "view.js"
    path.write_text(source.replace(*VIEW_BUG), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(book: Book, view_js: Path) -> Iterator[str]:
    """The harness at /harness/, foliate-js at /foliate/ and the book's folder at /book/, from 127.0.0.1."""
    folders = {"/harness/": HARNESS, "/foliate/": FOLIATE, "/book/": book.path.parent}

    class Files(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
            if path == "/foliate/view.js":
                return str(view_js)
            for prefix, folder in folders.items():
                if path.startswith(prefix):
                    return str(folder / path.removeprefix(prefix))
            return str(HARNESS / "missing")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from publish.check.browser import CHROMIUM_ARGS
    from publish.check.tools import chromium_path

    args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]  # the overlay plays with no click
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path()), args=args)
        yield browser
        browser.close()


@pytest.fixture
def player(chromium: Any, server: str, book: Book) -> Iterator[Any]:
    """foliate-js with the seed's EPUB open at the start of its text; ``page.opened`` is what it read."""
    page = chromium.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/harness/index.html")
    page.wait_for_function("typeof window.openBook === 'function'")
    page.opened = page.evaluate("url => openBook(url)", f"/book/{book.path.name}")
    yield page
    page.evaluate("() => stop()")
    page.close()
    assert errors == []


@pytest.fixture
def stepped(player: Any, book: Book, tmp_path: Path) -> dict[str, Any]:
    """Every par reached with the overlay's ``next()``: what each step played and highlighted, the time it all
    took, and a screenshot taken while paragraph 3 is highlighted."""
    player.evaluate("rate => setRate(rate)", SLOWEST)
    started = time.perf_counter()
    steps = [player.evaluate("cls => step(cls, true)", book.active_class)]
    screenshot = tmp_path / "para_3.png"
    while steps[-1]["item"] and len(steps) <= len(book.pars):
        if steps[-1]["item"]["text"].endswith("#para_3"):
            player.screenshot(path=screenshot)
        steps.append(player.evaluate("cls => step(cls)", book.active_class))
    return {"steps": steps, "seconds": time.perf_counter() - started, "screenshot": screenshot}


def test_foliate_opens_the_book_with_its_overlay_and_active_class(player, book):
    opened = player.opened
    assert book.active_class == "overlay-active"  # declared in the package (media:active-class)
    assert opened["overlay"] and opened["activeClass"] == book.active_class
    assert opened["sections"][0] == {"id": "EPUB/text.xhtml", "overlay": "EPUB/text.smil"}
    assert opened["duration"] == pytest.approx(book.pars[-1].end, abs=0.001)


def test_every_par_plays_its_clip_and_highlights_its_element_in_order(stepped, book):
    """45 pars (the title, the formula, three headings and 40 clauses), each played from the clipBegin the SMIL
    gives, its element (id = the par's anchor) the one element with the active class, on screen and painted."""
    steps = stepped["steps"]
    assert steps[-1]["item"] is None  # after the last par the overlay stops: nothing more to highlight
    played = steps[:-1]
    assert len(book.pars) == len(played) == 45
    assert [par.target for par in book.pars] == [id_ for id_ in book.ids if id_ in {p.target for p in book.pars}]
    assert len(book.clauses) == 40 and [par.target for par in book.pars if par.target in book.clauses] == book.clauses
    assert [par.target for par in book.pars if par.target not in book.clauses] == [
        "preface",
        "formula",
        "cits-heading",
        "recs-heading",
        "body-heading",
    ]
    wrong = []
    for par, step in zip(book.pars, played, strict=True):
        item, active = step["item"], step["active"]
        ok = (
            item["text"] == f"EPUB/text.xhtml#{par.target}"
            and item["begin"] == pytest.approx(par.begin, abs=0.0005)
            and item["end"] == pytest.approx(par.end, abs=0.0005)
            and item["clock"] == pytest.approx(par.begin, abs=0.05)  # where the audio really plays from
            and not item["paused"]
            and [element["id"] for element in active] == [par.target]
            and active[0]["onScreen"]
            and active[0]["background"] not in ("rgba(0, 0, 0, 0)", "transparent")
        )
        if not ok:
            wrong.append((par, step))
    assert wrong == []


def test_paragraph_3_is_highlighted_on_a_phone(stepped, book):
    """While paragraph 3 plays, its label and text are drawn in the highlight colour, at the top of what is shown."""
    from PIL import Image

    para_3 = next(step for step in stepped["steps"] if step["item"]["text"].endswith("#para_3"))
    assert para_3["active"][0] | {"background": None} == {
        "id": "para_3",
        "tag": "li",
        "onScreen": True,
        "background": None,
    }
    assert para_3["item"]["begin"] == next(par.begin for par in book.pars if par.target == "para_3")
    image = Image.open(stepped["screenshot"]).convert("RGB")
    assert image.width == VIEWPORT["width"]
    red, green, blue, alpha = [
        *(float(part) for part in para_3["active"][0]["background"].strip("rgba()").split(",")),
        1,
    ][:4]
    seen = [alpha * part + (1 - alpha) * 255 for part in (red, green, blue)]  # over the white page
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    painted = sum(count for count, pixel in colours if sum(abs(a - b) for a, b in zip(pixel, seen, strict=True)) < 30)
    assert painted > 0.03 * image.width * image.height  # a block of highlight colour (6.5 % today), not a stray pixel


def test_played_unattended_the_highlight_moves_on_at_each_clip_end(player, book):
    """From citation 8 through the recitals' heading to recital A at normal speed: each highlight ends once the
    audio has passed the par's clipEnd (within the 250 ms between two ``timeupdate`` events) and the next begins."""
    stretch = [par for par in book.pars if par.target in ("cit_8", "recs-heading", "rec_A")]
    played = player.evaluate("([a, b]) => play(a, b, 1, 20000)", ["#cit_8", "#rec_A"])
    events = played["events"]
    assert [event["text"].partition("#")[2] for event in events if event["kind"] == "highlight"] == [
        par.target for par in stretch
    ]
    for par in stretch[:2]:
        ended = next(e for e in events if e["kind"] == "unhighlight" and e["text"].endswith(f"#{par.target}"))
        assert par.end <= ended["clock"] < par.end + 0.5
    assert events[0]["clock"] == pytest.approx(stretch[0].begin, abs=0.05)
    assert played["seconds"] == pytest.approx(stretch[1].end - stretch[0].begin, abs=1.5)
