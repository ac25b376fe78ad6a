"""The HTML writer's page, read back with lxml: ids, labels, landmarks, and the seed's words in order."""

from __future__ import annotations

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


def test_clause_label_is_text_in_a_self_link_named_by_the_spoken_label(seed, seed_page):
    for clause in seed.iter_clauses():
        link = seed_page.get_element_by_id(clause.eid).cssselect("a.clause-label")[0]
        assert link.get("href") == f"#{clause.eid}"
        assert link.get("aria-label") == clause.spoken_label
        assert (link.text or "") == clause.label
    assert seed_page.get_element_by_id("para_3").text_content().strip().startswith("3. Reiterates")


def test_page_has_language_title_skip_link_and_landmarks(seed_page):
    assert seed_page.get("lang") == "en"
    assert seed_page.findtext("head/title") == (
        "B9-0311/2022: European Parliament resolution on reports of the human rights situation in Xinjiang, "
        "including the Xinjiang police files"
    )
    body = seed_page.find("body")
    first_link = body.cssselect("a")[0]
    assert (first_link.get("href"), first_link.text) == ("#main", "Skip to the resolution text")
    assert [child.tag for child in body] == ["a", "header", "nav", "main", "footer"]
    assert seed_page.get_element_by_id("main").get("tabindex") == "-1"


def test_headings_go_h1_then_h2_without_skipping(seed_page):
    headings = [(h.tag, h.text_content()) for h in seed_page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert headings[0][0] == "h1"
    assert [text for tag, text in headings if tag == "h2"] == [
        "Contents", "Citations", "Recitals", "Paragraphs", "About this edition",
    ]  # fmt: skip
    levels = [int(tag[1]) for tag, _ in headings]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_containers_carry_their_akoma_ntoso_anchors(seed_page):
    for eid in ("preface", "preamble", "cits", "recs", "body"):
        assert seed_page.get_element_by_id(eid) is not None


def test_contents_reaches_every_clause_and_names_it_by_its_spoken_label(seed, seed_page):
    links = seed_page.cssselect("nav .toc-clauses a")
    assert [a.get("href") for a in links] == [f"#{eid}" for eid in seed.anchors]
    spoken = {c.eid: c.spoken_label for c in seed.iter_clauses()}
    assert all(a.text_content() == spoken[a.get("href")[1:]] for a in links)


def _page_words(page) -> list[str]:
    """Words of the preface and main content, without labels, section headings and navigation links."""
    for selector in (".doc-type", "main h2", ".clause-label", ".back"):
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
    link = point.cssselect("a.clause-label")[0]
    assert (link.text, link.get("aria-label")) == ("(i)", "Point (i) of point (b) of recital B")


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
    assert indent.cssselect("a.clause-label")[0].get("aria-label") == "Indent 2 of paragraph 2"
    assert ClauseKind.INDENT.value in indent.get("class")


def test_page_needs_no_network(seed_page):
    assert not seed_page.cssselect("link[rel=stylesheet], script, img, iframe")
    assert seed_page.find("head/style") is not None
