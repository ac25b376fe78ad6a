"""The HTML page and the EPUB's XHTML content as a screen reader reads them (issue 17).

``tests/clients/screen_reader.mjs`` runs ``@guidepup/virtual-screen-reader`` over jsdom and prints what it says:
reading on from the page start, heading and landmark navigation, the Tab stops, and the jump to ``#para_3``. The
names it hears are confirmed in Chromium's accessibility tree, since jsdom once glued "Citation" and "1" together.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from publish.check.browser import Browser
from publish.check.tools import node_path

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ROOT / "tests" / "clients" / "screen_reader.mjs"
TITLE = (
    "European Parliament resolution on reports of the human rights situation in Xinjiang, including the Xinjiang "
    "police files"
)
H1 = f"heading, B9-0311/2022: {TITLE}, level 1"
FIRST_CITATION = (
    "having regard to its decision to award the 2019 Sakharov Prize to Ilham Tohti, an Uyghur economist fighting "
    "peacefully for the rights of China’s Uyghur minority;"
)
#: What is heard from the title to the contents: the h1 (the reference, then the title), the procedure, the type.
TITLE_BLOCK = [
    "banner",
    H1,
    "B9-0311/2022",
    ":",
    TITLE,
    f"end of {H1}",
    "paragraph",
    "(2022/2700(RSP))",
    "end of paragraph",
    "paragraph",
    "Motion for a resolution · European Parliament",
    "end of paragraph",
    "end of banner",
]
#: From each section's start to its first clause's text: the region, its heading, the list, the label once, the text.
SECTION_STARTS = {
    "cits": ["region, Citations", "heading, Citations, level 2", "list", "listitem, level 1, position 1, set size 8",
             "Citation 1", FIRST_CITATION],
    "recs": ["region, Recitals", "heading, Recitals, level 2", "list", "listitem, level 1, position 1, set size 14",
             "Recital", "A.", "whereas the promotion of and respect for human rights"],
    "body": ["region, Paragraphs", "heading, Paragraphs, level 2", "list", "listitem, level 1, position 1, set size 18",
             "Paragraph", "1.", "Calls on the Chinese authorities to promptly respond"],
}  # fmt: skip
#: What the plain audio player costs without script (issue 18): its region and heading, and the download link (jsdom
#: has no media controls to announce; the read-along's buttons, added by script, are counted in test_read_along.py).
PLAYER = ["region, Listen", "heading, Listen, level 2", "paragraph", "link, Download the audio (MP3)",
          "end of paragraph", "end of region, Listen"]  # fmt: skip
#: Reading on from the page start must reach the first clause's text within this many phrases (issue 17: 284).
FIRST_CLAUSE_WITHIN = 60
#: Tab stops allowed before the first clause (issue 17: 44, one per contents link).
TAB_STOPS_BEFORE_FIRST_CLAUSE = 10


def listen(page: Path, content_type: str, target: str = "para_3") -> dict[str, Any]:
    """The virtual screen reader's transcript of ``page`` (see the client's header for the keys)."""
    proc = subprocess.run(
        [str(node_path()), str(CLIENT), str(page), content_type, target],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def html_page(built) -> Path:
    return built / "B9-0311-2022" / "B9-0311-2022.html"


@pytest.fixture(scope="module")
def epub_content(built, tmp_path_factory) -> Path:
    """The EPUB's XHTML content document (with its stylesheet beside it), unzipped."""
    folder = tmp_path_factory.mktemp("epub")
    with zipfile.ZipFile(built / "B9-0311-2022" / "B9-0311-2022.epub") as z:
        z.extractall(folder)
    return folder / "EPUB" / "text.xhtml"


@pytest.fixture(scope="module")
def heard(html_page, epub_content) -> dict[str, dict[str, Any]]:
    return {"html": listen(html_page, "text/html"), "epub": listen(epub_content, "application/xhtml+xml")}


def _first_text_of(phrases: list[str], start: str, length: int) -> int:
    """Where a section's phrases start (at ``start``) in the whole reading."""
    at = phrases.index(start)
    assert at + length <= len(phrases)
    return at


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_each_sections_first_clause_is_heard_right_after_its_heading_with_its_label_once(heard, edition):
    # a page break marker may fall anywhere, as the PDF's pages fall: it is heard as "Page 2" and passed over here
    phrases = [phrase for phrase in heard[edition]["phrases"] if not phrase.startswith("doc-pagebreak")]
    for expected in SECTION_STARTS.values():
        at = _first_text_of(phrases, expected[0], len(expected))
        got = phrases[at : at + len(expected)]
        assert got[:-1] == expected[:-1]
        assert got[-1].startswith(expected[-1])


def _items(phrases: list[str]) -> list[str]:
    """A list's items as heard, each phrase in one."""
    n = len(phrases)
    heard = []
    for i, phrase in enumerate(phrases, 1):
        item = f"listitem, level 1, position {i}, set size {n}"
        heard += [item, phrase, f"end of {item}"]
    return heard


def test_the_pages_first_clause_is_heard_after_the_title_block_and_a_short_contents(heard):
    phrases = heard["html"]["phrases"]
    first = phrases.index(FIRST_CITATION)
    assert first < FIRST_CLAUSE_WITHIN, first
    assert phrases[: first + 1] == [
        "document",
        "link, Skip to the resolution text",
        *TITLE_BLOCK,
        "navigation, Contents",
        "heading, Contents, level 2",
        "list",
        *_items(["link, Citations", "link, Recitals", "link, Paragraphs"]),
        "end of list",
        "group", "All clauses", "end of group",  # the clause index, closed
        "end of navigation, Contents",
        *PLAYER,
        "main",
        "heading, The European Parliament,, level 2",
        *SECTION_STARTS["cits"],
    ]  # fmt: skip


def test_the_epubs_first_clause_is_heard_after_the_title_block_and_the_formula(heard):
    phrases = heard["epub"]["phrases"]
    first = phrases.index(FIRST_CITATION)
    assert first < FIRST_CLAUSE_WITHIN, first
    assert [p for p in phrases[: first + 1] if not p.startswith("doc-pagebreak")] == [
        "document",
        *TITLE_BLOCK,
        "main",
        *phrases[phrases.index("main") + 1 : phrases.index("region, Citations")],
        *SECTION_STARTS["cits"],
    ]
    assert "The European Parliament," in phrases[phrases.index("main") : phrases.index("region, Citations")]


def _label_counts(phrases: list[str], labels: list[str]) -> dict[str, int]:
    """How often each spoken label is heard in the whole reading (a label split over phrases counts: "Recital" "A.")."""
    log = " ".join(phrases)
    return {label: len(re.findall(rf"(?<![\w]){re.escape(label)}(?![\w])", log)) for label in labels}


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_every_clause_is_announced_with_its_spoken_label_once(heard, edition, seed):
    labels = [clause.spoken_label for clause in seed.iter_clauses()]
    counts = _label_counts(heard[edition]["phrases"], labels)
    assert {label: n for label, n in counts.items() if n != 1} == {}
    assert len(counts) == 40


def test_the_whole_page_costs_half_the_phrases_it_did(heard):
    phrases = heard["html"]["phrases"]
    assert len(phrases) < 300  # 552 with the contents' 43 links and 40 self-links; 276 before the player (issue 18)
    # skip, 3 sections, the audio's download, 3 back links, 8 other formats
    assert sum(p.startswith("link, ") for p in phrases) == 16


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_few_tab_stops_come_before_the_first_clause(heard, edition):
    before = [stop for stop in heard[edition]["tabs"] if stop["beforeFirstClause"]]
    assert len(before) <= TAB_STOPS_BEFORE_FIRST_CLAUSE, before
    if edition == "html":
        assert [(s["text"], s["href"]) for s in before] == [
            ("Skip to the resolution text", "#main"), ("Citations", "#cits"), ("Recitals", "#recs"),
            ("Paragraphs", "#body"), ("All clauses", None), ("Download the audio (MP3)", "B9-0311-2022.mp3"),
        ]  # fmt: skip


def test_heading_navigation_reaches_the_title_the_formula_and_every_section(heard):
    assert heard["html"]["headings"] == [
        H1,
        "heading, Contents, level 2",
        "heading, Listen, level 2",
        "heading, The European Parliament,, level 2",
        "heading, Citations, level 2",
        "heading, Recitals, level 2",
        "heading, Paragraphs, level 2",
        "heading, About this edition, level 2",
        "heading, Other formats, level 3",
    ]


def test_heading_navigation_in_the_epub_reaches_the_title_and_every_section(heard):
    sections = ["heading, Citations, level 2", "heading, Recitals, level 2", "heading, Paragraphs, level 2"]
    headings = heard["epub"]["headings"]
    assert headings[0] == H1
    assert [h for h in headings if h in sections] == sections


def test_landmark_navigation_lists_banner_navigation_main_and_contentinfo(heard):
    assert heard["html"]["landmarks"] == [
        "banner", "navigation, Contents", "region, Listen", "main", "region, Citations", "region, Recitals",
        "region, Paragraphs", "contentinfo",
    ]  # fmt: skip
    assert heard["epub"]["landmarks"] == [
        "banner", "main", "region, Citations", "region, Recitals", "region, Paragraphs",
    ]  # fmt: skip


def _lands_on_paragraph_3(jump: dict[str, Any]) -> None:
    assert (jump["hash"], jump["target"]) == ("#para_3", "para_3")
    assert jump["phrases"][:3] == ["listitem, level 1, position 3, set size 18", "Paragraph", "3."]
    assert jump["phrases"][3].startswith("Reiterates its call on the Commission")


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_a_fresh_load_at_para_3_lands_on_paragraph_3s_text(heard, edition):
    _lands_on_paragraph_3(heard[edition]["load"])


def test_following_the_contents_link_to_paragraph_3_opens_the_index_and_lands_on_its_text(heard):
    jump = heard["html"]["follow"]
    assert jump["opened"] is True
    _lands_on_paragraph_3(jump)


# --- the same names in Chromium ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


def _item_text(node) -> str:
    return " ".join(" ".join(n.name for n in node.walk() if n.role == "StaticText").split())


@pytest.mark.parametrize("edition", ["html", "epub"])
def test_chromium_hears_each_clause_start_with_its_spoken_label_once(edition, html_page, epub_content, seed, browser):
    tree = browser.ax_tree(html_page if edition == "html" else epub_content)
    main = next(n for n in tree.walk() if n.role == "main")
    items = [n for n in main.walk() if n.role == "listitem"]
    clauses = list(seed.iter_clauses())
    assert len(items) == len(clauses)
    for item, clause in zip(items, clauses, strict=True):
        text = _item_text(item)
        assert re.match(rf"{re.escape(clause.spoken_label)}\.? ", text), text[:60]
        assert len(re.findall(rf"(?<![\w]){re.escape(clause.spoken_label)}(?![\w])", text)) == 1, text[:60]
    assert _item_text(items[0]).startswith(f"Citation 1 {FIRST_CITATION[:20]}")  # the dash is not heard
    assert not [n for n in main.walk() if n.role == "link" and n.name == "Paragraph 3"]
    heading = next(n for n in tree.walk() if n.role == "heading")
    assert " ".join(heading.name.replace(" :", ":").split()) == f"B9-0311/2022: {TITLE}"


def test_chromium_names_the_index_chips_by_their_spoken_labels(html_page, seed, browser, tmp_path):
    opened = tmp_path / "open.html"
    text = html_page.read_text(encoding="utf-8")
    opened.write_text(text.replace('<details class="toc-index">', '<details class="toc-index" open>'), "utf-8")
    for path, names in ((html_page, []), (opened, [c.spoken_label for c in seed.iter_clauses()])):
        tree = browser.ax_tree(path)
        nav = next(n for n in tree.walk() if n.role == "navigation")
        disclosure = next(n for n in nav.walk() if n.role == "DisclosureTriangle")
        assert disclosure.name == "All clauses"
        assert disclosure.properties["expanded"] == str(bool(names)).lower()
        links = [n.name for n in nav.walk() if n.role == "link"]
        assert links == ["Citations", "Recitals", "Paragraphs", *names]
