"""The HTML page's read-along (issue 18): real playback in Chromium, highlighted clause, "Listen from", no autoplay.

The built seed's folder is served from 127.0.0.1 with byte ranges (a browser seeks in an MP3 only over ranges) and a
strict Content-Security-Policy allowing the page's inline scripts by their hashes only: the read-along script must run
without eval, inline handlers or network. Chromium plays the audio for real (``--autoplay-policy=
no-user-gesture-required`` lets a test's synthetic click play; ``--disable-audio-output`` gives it a fake audio
output, which still plays in real time). What is expected comes from the audio writer's facts in ``anchors.json``
(each unit's start, in seconds), never from the script.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from lxml import html

from publish import manifest
from publish.check.browser import CHROMIUM_ARGS
from publish.check.html import AXE_TAGS
from publish.check.tools import axe_script, chromium_path, node_path

pytestmark = pytest.mark.browser

DOC = "B9-0311-2022"
#: How far from a clause's start "Listen from" may start playing (issue 18: 0.1 s).
SEEK_TOLERANCE = 0.1
#: A fake audio output: Chromium plays in real time without a sound device.
ARGS = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required", "--disable-audio-output"]


class RangeFiles(http.server.SimpleHTTPRequestHandler):
    """A folder's files with single byte ranges (RFC 9110 section 14) and the page's Content-Security-Policy."""

    csp = ""
    _left: int | None = None

    def end_headers(self) -> None:
        if self.csp:
            self.send_header("Content-Security-Policy", self.csp)
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def send_head(self) -> Any:
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        path = self.translate_path(self.path)
        if not match or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        first, last = match.groups()
        start = int(first) if first else size - int(last)
        end = min(int(last), size - 1) if first and last else size - 1
        file = open(path, "rb")  # noqa: SIM115 - the base class closes it after copyfile
        file.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._left = end - start + 1
        return file

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if self._left is None:
            super().copyfile(source, outputfile)
            return
        while self._left > 0:
            chunk = source.read(min(65536, self._left))
            if not chunk:
                break
            outputfile.write(chunk)
            self._left -= len(chunk)


def script_csp(page: Path) -> str:
    """A policy that runs the page's inline scripts by their sha256 only, and loads media from its own origin."""
    root = html.parse(str(page)).getroot()
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.text.encode("utf-8")).digest()).decode() + "'"
        for s in root.iter("script")
        if s.get("type") is None
    ]
    assert hashes
    return f"default-src 'none'; script-src {' '.join(hashes)}; style-src 'unsafe-inline'; media-src 'self'"


@pytest.fixture(scope="module")
def serve() -> Iterator[Callable[[Path], str]]:
    """Serve a folder (with its page's policy): its URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        pages = sorted(folder.glob("*.html"))
        handler = type("Files", (RangeFiles,), {"csp": script_csp(pages[0])})

        def make(*args: Any, **kwargs: Any) -> RangeFiles:
            return handler(*args, directory=str(folder), **kwargs)

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def seed_folder(built: Path) -> Path:
    return built / DOC


@pytest.fixture(scope="module")
def url(seed_folder: Path, serve: Callable[[Path], str]) -> str:
    return f"{serve(seed_folder)}{DOC}.html"


@pytest.fixture(scope="module")
def starts(seed_folder: Path) -> dict[str, float]:
    """Each spoken unit's start in seconds, as the audio writer recorded it."""
    facts = manifest.edition(seed_folder, "audio")
    return {unit["id"]: float(unit["start"]) for unit in facts["units"]}


@pytest.fixture(scope="module")
def gaps(seed_folder: Path) -> dict[str, float]:
    """For each unit followed by a pause, a time in that pause (after its end, before the next start)."""
    units = manifest.edition(seed_folder, "audio")["units"]
    return {
        unit["id"]: (float(unit["end"]) + float(after["start"])) / 2
        for unit, after in zip(units, units[1:], strict=False)
        if float(after["start"]) - float(unit["end"]) > 0.2
    }


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path()), args=ARGS)
        yield browser
        browser.close()


#: Records what the page does: CSP violations, the audio's time at each "playing", and each highlight change.
_WATCH = """() => {
  window.__seen = {violations: [], playing: [], seeked: [], changes: []};
  document.addEventListener('securitypolicyviolation', (e) => window.__seen.violations.push(e.violatedDirective));
  const audio = document.querySelector('audio');
  audio.addEventListener('playing', () => window.__seen.playing.push(audio.currentTime));
  audio.addEventListener('seeked', () => window.__seen.seeked.push(audio.currentTime));
  new MutationObserver((records) => {
    for (const r of records) if (r.target.getAttribute('aria-current') === 'true')
      window.__seen.changes.push([r.target.id, audio.currentTime]);
  }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['aria-current']});
}"""


@pytest.fixture
def open_page(chromium: Any, url: str) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def open_(
        address: str = url,
        *,
        scheme: str = "light",
        width: int = 1280,
        motion: str = "reduce",
        init: str = "",
        **options: Any,
    ) -> Any:
        context = chromium.new_context(
            color_scheme=scheme, reduced_motion=motion, viewport={"width": width, "height": 800}, **options
        )
        contexts.append(context)
        page = context.new_page()
        if init:
            page.add_init_script(init)
        page.add_init_script("document.addEventListener('securitypolicyviolation', (e) => "
                             "(window.__csp = window.__csp || []).push(e.violatedDirective));")  # fmt: skip
        page.goto(address, wait_until="load")
        if options.get("java_script_enabled", True):
            page.evaluate(_WATCH)
        return page

    yield open_
    for context in contexts:
        context.close()


def _ready(page: Any) -> None:
    """Wait until the script has read the captions and added its buttons."""
    page.wait_for_selector("button.listen-from", state="attached", timeout=20_000)


def _state(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => {
      const audio = document.querySelector('audio');
      return {time: audio.currentTime, paused: audio.paused,
              current: [...document.querySelectorAll('[aria-current]')].map((e) => e.id),
              focus: document.activeElement.className || document.activeElement.tagName,
              seen: window.__seen, csp: window.__csp || []};
    }""")


def _wait_for(page: Any, condition: str, timeout: float = 30) -> None:
    page.wait_for_function(f"() => ({condition})", timeout=timeout * 1000)  # a function: no eval under the CSP


def test_nothing_plays_on_load_and_nothing_is_highlighted(open_page):
    page = open_page()
    _ready(page)
    time.sleep(1.5)
    state = _state(page)
    assert state["paused"] is True and state["time"] == 0
    assert state["current"] == [] and state["seen"]["playing"] == []
    assert page.evaluate("document.querySelector('audio').autoplay") is False
    assert state["csp"] == []


def test_listen_from_paragraph_3_plays_from_its_start_and_highlights_it(open_page, starts):
    page = open_page()
    _ready(page)
    page.get_by_role("button", name="Listen from Paragraph 3", exact=True).click()
    _wait_for(page, "window.__seen.playing.length > 0 && document.querySelector('audio').currentTime > "
                    f"{starts['para_3'] + 0.3}")  # fmt: skip
    state = _state(page)
    assert abs(state["seen"]["playing"][0] - starts["para_3"]) < SEEK_TOLERANCE, (state, starts["para_3"])
    assert abs(state["seen"]["seeked"][0] - starts["para_3"]) < SEEK_TOLERANCE
    assert state["current"] == ["para_3"]
    assert page.get_attribute("#para_3", "aria-current") == "true"
    assert state["paused"] is False
    assert state["focus"] == "listen-from"  # the button keeps the focus
    assert state["csp"] == []


def test_playing_through_a_boundary_moves_the_highlight_to_the_next_clause(open_page, starts):
    page = open_page()
    _ready(page)
    page.evaluate(f"document.querySelector('audio').currentTime = {starts['para_4'] - 0.8}")
    _wait_for(page, "document.querySelector('#para_3').getAttribute('aria-current') === 'true'")
    page.evaluate("document.querySelector('audio').play()")
    _wait_for(page, "document.querySelector('#para_4').getAttribute('aria-current') === 'true'", timeout=10)
    state = _state(page)
    assert state["current"] == ["para_4"]
    changed_at = dict(state["seen"]["changes"])["para_4"]
    assert starts["para_4"] - 0.06 <= changed_at <= starts["para_4"] + 0.3, (changed_at, starts["para_4"])


def test_seeking_while_paused_moves_the_highlight(open_page, starts, gaps):
    page = open_page()
    _ready(page)
    for eid in ("rec_B", "para_17", "cit_2"):
        page.evaluate(f"document.querySelector('audio').currentTime = {starts[eid] + 1}")
        _wait_for(page, f"document.querySelector('#{eid}').getAttribute('aria-current') === 'true'", timeout=10)
        state = _state(page)
        assert state["current"] == [eid] and state["paused"] is True
    # from a pause between two clauses to another: no cue starts or ends, so no cuechange; only `seeked` tells
    for eid in ("rec_C", "para_5", "cit_3"):
        page.evaluate(f"document.querySelector('audio').currentTime = {gaps[eid]}")
        page.wait_for_function("() => !document.querySelector('audio').seeking")
        time.sleep(0.3)
        state = _state(page)
        assert state["current"] == [eid] and state["paused"] is True, (eid, gaps[eid], state)


def _scroll_after_the_boundary(page: Any, starts: dict[str, float], away: bool) -> tuple[int, int]:
    """Paragraph 3 spoken at the top of a short window (paragraph 4 below the fold), or the reader scrolled back to
    the page's top (``away``); play into paragraph 4: the window's scroll position before and after."""
    page.evaluate(f"document.querySelector('audio').currentTime = {starts['para_4'] - 0.8}")
    _wait_for(page, "document.querySelector('#para_3').getAttribute('aria-current') === 'true'", timeout=10)
    page.evaluate("window.scrollTo(0, 0)" if away else "document.querySelector('#para_3').scrollIntoView()")
    time.sleep(0.5)
    before = page.evaluate("Math.round(window.scrollY)")
    page.evaluate("document.querySelector('audio').play()")
    _wait_for(page, "document.querySelector('#para_4').getAttribute('aria-current') === 'true'", timeout=10)
    time.sleep(1.5)  # a smooth scroll's time
    return before, page.evaluate("Math.round(window.scrollY)")


@pytest.mark.parametrize(
    ("motion", "away", "follows"),
    [("no-preference", False, True), ("no-preference", True, False), ("reduce", False, False)],
    ids=["following", "scrolled-away", "reduced-motion"],
)
def test_the_spoken_clause_is_scrolled_into_view_only_for_a_reader_following_it(
    open_page, starts, motion, away, follows
):
    page = open_page(motion=motion)
    page.set_viewport_size({"width": 1280, "height": 420})
    _ready(page)
    before, after = _scroll_after_the_boundary(page, starts, away)
    assert (after > before) is follows, (before, after)
    if follows:
        assert page.evaluate("document.querySelector('#para_4').getBoundingClientRect().bottom <= innerHeight + 1")


def _tab_to(page: Any, test: str, limit: int = 120) -> int:
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(test):
            return presses
    raise AssertionError(f"Tab never reached {test}")


def test_the_keyboard_alone_starts_pauses_and_listens_from_a_clause(open_page, starts):
    page = open_page()
    _ready(page)
    audio = page.locator("audio")
    _tab_to(page, "document.activeElement === document.querySelector('audio')")
    page.keyboard.press("Space")
    _wait_for(page, "!document.querySelector('audio').paused", timeout=10)
    page.keyboard.press("Space")
    _wait_for(page, "document.querySelector('audio').paused", timeout=10)
    assert audio.evaluate("a => a.currentTime") < starts["cit_1"] + 5
    _tab_to(page, "document.activeElement.matches('#para_3 > button.listen-from')")
    page.keyboard.press("Enter")
    _wait_for(page, f"!document.querySelector('audio').paused && document.querySelector('audio').currentTime > "
                    f"{starts['para_3'] + 0.2}", timeout=10)  # fmt: skip
    assert _state(page)["current"] == ["para_3"]
    page.keyboard.press("Shift+Tab")  # back to the previous clause's button; Space there listens from it
    page.keyboard.press("Space")
    _wait_for(page, "document.querySelector('#para_2').getAttribute('aria-current') === 'true'", timeout=10)
    _wait_for(page, f"window.__seen.seeked.length && window.__seen.seeked.at(-1) < {starts['para_3']}", timeout=10)
    assert abs(_state(page)["seen"]["seeked"][-1] - starts["para_2"]) < SEEK_TOLERANCE
    assert _state(page)["paused"] is False


#: Before the page's scripts run: log every event type the page's own scripts (their frames are the page's URL, the
#: test's and Playwright's are not) add a listener for, and every call of focus().
_SPY = """
window.__listened = []; window.__focused = 0;
const add = EventTarget.prototype.addEventListener;
EventTarget.prototype.addEventListener = function (type, ...rest) {
  if (new Error().stack.includes(location.href.split('#')[0])) window.__listened.push(type);
  return add.call(this, type, ...rest);
};
const focus = HTMLElement.prototype.focus;
HTMLElement.prototype.focus = function (...args) { window.__focused++; return focus.apply(this, args); };
"""


def test_the_script_takes_no_keys_moves_no_focus_and_announces_nothing(open_page, starts, seed_folder):
    page = open_page(init=_SPY)
    _ready(page)
    page.get_by_role("button", name="Listen from Paragraph 3", exact=True).click()
    page.evaluate(f"document.querySelector('audio').currentTime = {starts['para_4'] - 0.3}")
    _wait_for(page, "document.querySelector('#para_4').getAttribute('aria-current') === 'true'", timeout=10)
    listened = set(page.evaluate("window.__listened"))
    assert listened == {"click", "error", "timeupdate", "seeked", "play", "loadedmetadata", "cuechange",
                        "load"}  # fmt: skip
    assert page.evaluate("window.__focused") == 0
    assert page.locator("[aria-live], [role=status], [role=alert]").count() == 0
    assert page.evaluate("document.activeElement.closest('#para_3') !== null")  # the focus stayed on the button
    text = (seed_folder / f"{DOC}.html").read_text(encoding="utf-8")
    assert "autoplay" not in text


def test_each_clause_gains_one_named_button_in_chromiums_tree(open_page, seed):
    page = open_page()
    _ready(page)
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    names = [n.get("name", {}).get("value") for n in nodes if n.get("role", {}).get("value") == "button"]
    expected = [f"Listen from {clause.spoken_label}" for clause in seed.iter_clauses()]
    assert sorted(n for n in names if n and n.startswith("Listen from")) == sorted(expected)  # CDP's list is unordered
    assert page.get_by_role("button", name="A Listen button on each clause", pressed=True).count() == 1


def test_the_buttons_can_be_turned_off_as_a_group(open_page):
    page = open_page()
    _ready(page)
    toggle = page.get_by_role("button", name="A Listen button on each clause")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.get_by_role("button", name=re.compile("^Listen from")).count() == 0
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name=re.compile("^Listen from")).count() == 40


def _copy(seed_folder: Path, folder: Path, *suffixes: str) -> Path:
    folder.mkdir()
    for suffix in (".html", *suffixes):
        shutil.copy(seed_folder / f"{DOC}{suffix}", folder)
    return folder


def test_without_the_audio_file_the_player_is_not_shown(open_page, seed_folder, serve, tmp_path):
    page = open_page(serve(_copy(seed_folder, tmp_path / "alone")) + f"{DOC}.html")
    page.wait_for_selector("#listen", state="hidden", timeout=10_000)
    time.sleep(0.5)
    assert page.locator("button.listen-from").count() == 0
    assert page.locator("audio").is_visible() is False


def test_an_error_while_listening_leaves_the_player_and_its_buttons(open_page):
    # A network error after the audio has loaded (here the error event a dropped connection fires) must not take the
    # player away from a reader who is listening: only a file that cannot be played at all hides it.
    page = open_page()
    _ready(page)
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=10_000)
    page.evaluate("document.querySelector('audio').dispatchEvent(new Event('error'))")
    time.sleep(0.3)
    assert page.locator("audio").is_visible()
    assert page.locator("button.listen-from").count() == 40


def test_without_captions_the_plain_player_stays_and_nothing_is_highlighted(open_page, seed_folder, serve, tmp_path):
    page = open_page(serve(_copy(seed_folder, tmp_path / "no-vtt", ".mp3")) + f"{DOC}.html")
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=10_000)
    time.sleep(0.5)
    assert page.locator("audio").is_visible()
    assert page.locator("button.listen-from").count() == 0


def test_without_javascript_the_page_shows_the_plain_player_and_a_download_link(open_page):
    page = open_page(java_script_enabled=False)
    assert page.locator("audio[controls]").is_visible()
    assert page.locator("audio track[kind=captions]").count() == 1
    link = page.get_by_role("link", name="Download the audio (MP3)")
    assert link.get_attribute("href") == f"{DOC}.mp3" and link.is_visible()
    assert page.locator("button.listen-from").count() == 0
    assert page.locator("[aria-current]").count() == 0


def test_the_html_does_not_depend_on_the_audio_being_built_first(seed_folder, tmp_path):
    """``make -j`` may build the page before the audio: the page's bytes are the same either way."""
    from publish.build import build

    build([ROOT / "sources" / f"{DOC}.md"], tmp_path, formats=["html"])
    assert not (tmp_path / DOC / f"{DOC}.mp3").exists()
    assert (tmp_path / DOC / f"{DOC}.html").read_bytes() == (seed_folder / f"{DOC}.html").read_bytes()


# --- accessibility with the player visible and a clause highlighted ---------------------------------------------


def _highlight(page: Any, eid: str, starts: dict[str, float]) -> None:
    page.evaluate(f"document.querySelector('audio').currentTime = {starts[eid] + 1}")
    _wait_for(page, f"document.querySelector('#{eid}').getAttribute('aria-current') === 'true'", timeout=10)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_with_the_player_and_a_highlighted_clause(open_page, starts, scheme):
    page = open_page(scheme=scheme)
    _ready(page)
    _highlight(page, "para_3", starts)
    page.locator("#para_3 > button.listen-from").focus()
    page.evaluate(axe_script().read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations', 'incomplete']});"
        " return {violations: r.violations.map((v) => [v.id, v.nodes.map((n) => n.target)]),"
        " incomplete: r.incomplete.map((v) => v.id), passes: r.passes.length}; }",
        list(AXE_TAGS),
    )
    assert result["violations"] == [] and result["incomplete"] == [], result
    assert result["passes"] >= 30


@pytest.mark.parametrize("width", [320, 1280])
def test_the_page_reflows_with_the_player_and_buttons(open_page, starts, width):
    page = open_page(width=width)
    _ready(page)
    _highlight(page, "para_3", starts)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    assert page.locator("audio").bounding_box()["width"] <= width


def _changed(before: bytes, after: bytes, threshold: int = 24) -> float:
    """The share of pixels whose grey level changed by more than ``threshold`` (a tint as light as the light theme's
    changes less: what counts is the frame and the bar, which show without colour)."""
    import io

    from PIL import Image, ImageChops

    a, b = (Image.open(io.BytesIO(x)).convert("RGB") for x in (before, after))
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > threshold else 0)
    return diff.histogram()[255] / (a.width * a.height)


@pytest.mark.parametrize(
    ("scheme", "forced"), [("light", "none"), ("dark", "none"), ("light", "active")], ids=["light", "dark", "forced"]
)
@pytest.mark.parametrize("width", [320, 1280])
def test_the_highlight_shows_in_light_dark_and_forced_colours(open_page, starts, scheme, forced, width):
    page = open_page(scheme=scheme, forced_colors=forced, width=width)
    _ready(page)
    item = page.locator("#para_3")
    item.scroll_into_view_if_needed()
    box = item.bounding_box()
    clip = {"x": box["x"] - 8, "y": box["y"] - 8, "width": box["width"] + 16, "height": box["height"] + 16}
    before = page.screenshot(clip=clip)
    _highlight(page, "para_3", starts)
    after = page.screenshot(clip=clip)
    shots = os.environ.get("READ_ALONG_SHOTS")  # to look at them: READ_ALONG_SHOTS=folder
    if shots:
        page.screenshot(path=f"{shots}/para_3-{scheme}-{forced}-{width}.png")
    assert _changed(before, after) > 0.01


# --- the virtual screen reader over the page as the script leaves it ----------------------------------------------


def _listen(page: Path) -> list[str]:
    proc = subprocess.run(
        [str(node_path()), str(ROOT / "tests" / "clients" / "screen_reader.mjs"), str(page), "text/html", "para_3"],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["phrases"]


@pytest.mark.node
def test_the_screen_reader_hears_at_most_one_more_phrase_per_clause(open_page, seed_folder, seed, tmp_path):
    page = open_page()
    _ready(page)
    enhanced = tmp_path / f"{DOC}.html"
    enhanced.write_text("<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML"), "utf-8")
    plain, read = _listen(seed_folder / f"{DOC}.html"), _listen(enhanced)
    clauses = len(list(seed.iter_clauses()))
    gained = [p for p in read if p not in plain]
    buttons = [p for p in gained if p.startswith("button, Listen from")]
    assert len(buttons) == clauses
    assert len(read) - len(plain) <= clauses + 1, gained  # one button per clause, and the toggle that hides them
    assert [p for p in gained if p not in buttons] == ["button, A Listen button on each clause, pressed"]
