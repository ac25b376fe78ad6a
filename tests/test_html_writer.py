"""The HTML writer's page, read back with lxml: ids, labels, landmarks, and the seed's words in order."""

from __future__ import annotations

import re
from copy import deepcopy

import pytest
from conftest import seed_words
from lxml import html

from publish.model import ClauseKind


@pytest.fixture(scope="module")
def seed_page(built):
    return html.parse(str(built / "B9-0311-2022" / "B9-0311-2022.html")).getroot()


@pytest.fixture(scope="module")
def small_page(built):
    return html.parse(str(built / "small" / "small.html")).getroot()


def test_clause_elements_carry_exactly_the_models_anchors_in_order(seed, seed_page):
    ids = [li.get("id") for li in seed_page.cssselect("li.clause")]
    assert ids == list(seed.anchors)
    assert len(ids) == 40


def test_every_id_on_the_page_is_unique(seed_page):
    ids = [element.get("id") for element in seed_page.iter() if element.get("id")]
    assert len(ids) == len(set(ids))


def _without(element, selector: str) -> str:
    """The text of ``element`` without what ``selector`` selects in it, spaces normalised."""
    copy = deepcopy(element)
    for left in copy.cssselect(selector):
        left.drop_tree()
    return " ".join(copy.text_content().split())


def shown(label) -> str:
    """What a clause label shows: its text without the words only a screen reader hears."""
    return _without(label, ".visually-hidden")


def heard(label) -> str:
    """What a screen reader hears of a clause label: its text without what is hidden from it."""
    return _without(label, "[aria-hidden=true]")


def test_clause_label_is_text_shown_as_printed_and_heard_as_the_spoken_label_once(seed, seed_page):
    """Issue 17: no self-link ("link, Paragraph 3" / "3." / "end of link", a Tab stop per clause)."""
    for clause in seed.iter_clauses():
        item = seed_page.get_element_by_id(clause.eid)
        label = item.cssselect("span.clause-label")[0]
        assert shown(label) == (clause.label or "–")
        assert heard(label) in (clause.spoken_label, f"{clause.spoken_label}.")
        assert not item.cssselect("a") and not item.get("tabindex")
    para_3 = seed_page.get_element_by_id("para_3")
    assert " ".join(para_3.text_content().split()).startswith("Paragraph 3. Reiterates")
    assert " ".join(seed_page.get_element_by_id("cit_1").text_content().split()).startswith("Citation 1 – having")


def test_a_citations_dash_is_text_hidden_from_screen_readers(seed_page):
    """Issue 17: the dash was CSS generated content only, lost in a text export."""
    label = seed_page.get_element_by_id("cit_1").cssselect("span.clause-label")[0]
    assert [(s.text, s.get("aria-hidden")) for s in label.cssselect("span[aria-hidden]")] == [("–", "true")]
    # no generated content in a label (the read-along's play icon is the theme's, on a button the script adds)
    assert not re.search(r"(clause-label|cite)[^{}]*::before", seed_page.findtext("head/style"))


def test_page_has_language_title_skip_link_and_landmarks(seed_page):
    assert seed_page.get("lang") == "en"
    assert seed_page.findtext("head/title") == (
        "B9-0311/2022: European Parliament resolution on reports of the human rights situation in Xinjiang, "
        "including the Xinjiang police files"
    )
    body = seed_page.find("body")
    first_link = body.cssselect("a")[0]
    assert (first_link.get("href"), first_link.text) == ("#main", "Skip to the resolution text")
    assert [child.tag for child in body] == ["a", "header", "nav", "section", "main", "footer", "script"]
    assert body[3].get("id") == "listen"  # the read-along player (issue 18), its script last
    assert seed_page.get_element_by_id("main").get("tabindex") == "-1"


def test_headings_go_h1_then_h2_without_skipping(seed_page):
    headings = [(h.tag, " ".join(h.text_content().split())) for h in seed_page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert headings[0][0] == "h1"
    assert headings[0][1] == (
        "B9-0311/2022: European Parliament resolution on reports of the human rights situation in Xinjiang, "
        "including the Xinjiang police files"
    )
    assert [text for tag, text in headings if tag == "h2"] == [
        "Contents", "Listen", "The European Parliament,", "Citations", "Recitals", "Paragraphs", "About this edition",
    ]  # fmt: skip
    levels = [int(tag[1]) for tag, _ in headings]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_containers_carry_their_akoma_ntoso_anchors(seed_page):
    for eid in ("preface", "preamble", "cits", "recs", "body"):
        assert seed_page.get_element_by_id(eid) is not None


def test_title_block_starts_with_the_h1_holding_the_reference_and_the_title(seed_page):
    """Issue 17: the reference came before the h1, where heading navigation skips it."""
    header = seed_page.get_element_by_id("preface")
    assert [child.tag for child in header] == ["h1", "p", "p"]
    h1 = header[0]
    assert [span.get("class") for span in h1] == ["reference", "title"]
    assert shown(h1.cssselect(".reference")[0]) == "B9-0311/2022"
    assert [p.get("class") for p in header[1:]] == ["procedure", "doc-type"]


def test_contents_are_the_section_links_then_every_clause_behind_a_closed_disclosure(seed, seed_page):
    """Issue 17: the 43 contents links came before the text, each a Tab stop, each heard."""
    nav = seed_page.cssselect("nav.toc")[0]
    assert [a.get("href") for a in nav.cssselect(".toc-sections a")] == ["#cits", "#recs", "#body"]
    index = nav.cssselect("details.toc-index")[0]
    assert index.get("open") is None and index.findtext("summary") == "All clauses"
    assert [a for a in nav.cssselect("a") if a.getparent().getparent().get("class") != "toc-sections"] == (
        index.cssselect("a")
    )


def test_contents_reaches_every_clause_and_names_it_by_its_spoken_label(seed, seed_page):
    links = seed_page.cssselect("nav .toc-clauses a")
    assert [a.get("href") for a in links] == [f"#{eid}" for eid in seed.anchors]
    spoken = {c.eid: c.spoken_label for c in seed.iter_clauses()}
    assert all(a.text_content() == spoken[a.get("href")[1:]] for a in links)


def _page_words(page) -> list[str]:
    """Words of the preface and main content, without labels, section headings and navigation links."""
    for selector in (".doc-type", "main section > h2", ".clause-label", ".back", ".visually-hidden"):
        for element in page.cssselect(selector):
            element.drop_tree()
    preface = page.get_element_by_id("preface").text_content()
    main = page.get_element_by_id("main").text_content()
    return (preface + " " + main).split()


def test_main_content_has_the_seeds_words_in_order(seed_page):
    assert _page_words(seed_page) == seed_words()


def test_points_nest_inside_their_clause_with_their_own_anchor(small_page):
    point = small_page.get_element_by_id("rec_B__point_b__point_i")
    assert point.getparent().getparent().get("id") == "rec_B__point_b"
    label = point.cssselect("span.clause-label")[0]
    assert (shown(label), heard(label)) == ("(i)", "Point (i) of point (b) of recital B")


def test_footnote_call_and_note_link_to_each_other(small_page):
    call = small_page.get_element_by_id("authorialNote_1__ref")
    assert call.get("href") == "#authorialNote_1" and call.get("role") == "doc-noteref"
    note = small_page.get_element_by_id("authorialNote_1")
    back = note.cssselect("a.note-back")[0]
    assert back.get("href") == "#authorialNote_1__ref"
    assert "A footnote text." in note.text_content()


def test_inline_emphasis_and_links_survive(small_page):
    para_2 = small_page.get_element_by_id("para_2")
    assert para_2.cssselect(".clause-text em")[0].text == "another"
    hrefs = [a.get("href") for a in para_2.cssselect(".clause-text a")]
    assert hrefs == ["#para_1", "https://www.europarl.europa.eu/"]


def test_indents_are_unlabelled_points_named_by_their_count(small_page):
    indent = small_page.get_element_by_id("para_2__indent_2")
    label = indent.cssselect("span.clause-label")[0]
    assert (shown(label), heard(label)) == ("–", "Indent 2 of paragraph 2")
    assert ClauseKind.INDENT.value in indent.get("class")


def test_page_needs_no_network(seed_page):
    assert not seed_page.cssselect("link[rel=stylesheet], script[src], img, iframe")
    # the read-along player plays the audio edition's files beside the page, its scripts are inline
    assert [e.get("src") for e in seed_page.cssselect("audio, audio > track")] == [
        "B9-0311-2022.mp3", "B9-0311-2022.vtt",
    ]  # fmt: skip
    assert seed_page.find("head/style") is not None
