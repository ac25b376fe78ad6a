"""The EPUB's accessibility summary and discovery metadata say what the built book holds, and change with it (#17).

The summary used to claim every clause's label "as text" while the citations' dashes were drawn by CSS only, and
"paragraphs and their points" in a text without points. Each test here changes the book (points or none, audio or
none, labels as text or not, pages or none) and reads the summary and the metadata again.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from conftest import SEED_SOURCE, SMALL
from lxml import etree

from publish import languages, reader
from publish.anchors import PREFACE
from publish.model import Document
from publish.writers import epub, epubfacts
from publish.writers.epuboverlay import Clip, Narration
from publish.writers.epubparts import PageStart, content_document, nav_document

NS = {"x": "http://www.w3.org/1999/xhtml"}
PAGES = [PageStart(1, "preface"), PageStart(2, "rec_C")]


@pytest.fixture(scope="module")
def small() -> Document:
    return reader.parse(SMALL, SEED_SOURCE.with_name("small.md"))


def _narration(document: Document, leave_out: tuple[str, ...] = ()) -> Narration:
    """A narration with a 1-second clip for the title and each clause, but those in ``leave_out``."""
    units = [PREFACE, *(clause.eid for clause in document.iter_clauses() if clause.eid not in leave_out)]
    clips = tuple(Clip(unit, n * 1000, (n + 1) * 1000) for n, unit in enumerate(units))
    return Narration(b"", "x.mp3", clips, "en", 175, "1.52.0")


def _meta(document: Document, pages: list[PageStart], narration: Narration | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop, value in epub.accessibility_metadata(document, pages, narration):
        found.setdefault(prop, []).append(value)
    return found


def test_points_are_mentioned_only_in_a_text_that_has_them(seed, small):
    with_points = epub.accessibility_summary(small, [])
    assert "Points and indents (6) are list items nested in the clause they belong to" in with_points
    without = epub.accessibility_summary(seed, PAGES)
    assert "Points" not in without and "points" not in without
    assert "Its 40 clauses are list items in reading order" in without and "such as Recital A;" in without


def test_notes_are_mentioned_only_in_a_text_that_has_them(seed, small):
    assert "Notes (1) are endnotes" in epub.accessibility_summary(small, [])
    assert "Notes" not in epub.accessibility_summary(seed, PAGES)


def test_audio_is_claimed_only_with_overlays_and_for_the_clauses_they_read(seed):
    text_only = _meta(seed, PAGES)
    assert text_only["schema:accessMode"] == ["textual"]
    assert "synchronizedAudioText" not in text_only["schema:accessibilityFeature"]
    assert "It is text only" in text_only["schema:accessibilitySummary"][0]
    assert "Synchronized audio" not in text_only["schema:accessibilitySummary"][0]

    whole = _meta(seed, PAGES, _narration(seed))
    assert whole["schema:accessMode"] == whole["schema:accessModeSufficient"] == ["textual", "auditory"]
    assert "synchronizedAudioText" in whole["schema:accessibilityFeature"]
    summary = whole["schema:accessibilitySummary"][0]
    assert "Synchronized audio (media overlays, 0 min 41 s) reads the whole text aloud" in summary
    assert "It has no images, video or scripts." in summary

    partial = _meta(seed, PAGES, _narration(seed, leave_out=("para_17", "para_18")))
    assert partial["schema:accessMode"] == ["textual", "auditory"]
    assert partial["schema:accessModeSufficient"] == ["textual"]  # the audio alone no longer gives the whole text
    summary = partial["schema:accessibilitySummary"][0]
    assert "reads aloud and highlights the clauses it has a clip for (38 of 40)" in summary
    assert "the whole text" not in summary


def test_the_labels_are_claimed_as_text_only_when_the_text_has_them(seed):
    content, nav = content_document(seed, PAGES), nav_document(seed, PAGES)
    facts = epubfacts.book_facts(seed, content, nav)
    assert len(facts.labels) == 40  # every citation's dash is text, beside its hidden spoken label
    assert facts.labels["cit_1"] == "Citation 1 –" and facts.labels["rec_A"] == "Recital A."
    summary = epubfacts.accessibility_summary(seed, facts)
    assert "Each clause begins with its official label as text, such as Recital A. " in summary
    assert "style sheet" not in summary

    root = etree.fromstring(content)
    labels = root.xpath("//x:li[starts-with(@id, 'cit_')]/x:span[@class='clause-label']", namespaces=NS)
    assert len(labels) == 8
    for label in labels[:3]:  # three citations whose label would be drawn by the style sheet alone
        for child in list(label):
            label.remove(child)
        label.text = None
    facts = epubfacts.book_facts(seed, etree.tostring(root), nav)
    summary = epubfacts.accessibility_summary(seed, facts)
    assert "Clauses that begin with their official label as text: 37 of 40;" in summary
    assert "drawn by the style sheet only" in summary and "Each clause begins" not in summary


def test_pages_are_claimed_only_with_markers_and_a_page_list(seed):
    paged = _meta(seed, PAGES)
    assert {"pageBreakMarkers", "pageNavigation"} <= set(paged["schema:accessibilityFeature"])
    assert "follow the 2 pages of the PDF edition" in paged["schema:accessibilitySummary"][0]
    unpaged = _meta(seed, [])
    assert not {"pageBreakMarkers", "pageNavigation"} & set(unpaged["schema:accessibilityFeature"])
    assert "page" not in unpaged["schema:accessibilitySummary"][0].lower()


@pytest.mark.parametrize("language", languages.available())
def test_every_sentence_of_the_summary_is_said_in_every_language(small, language):
    """Each sentence (all labels as text or some, points, notes, the whole text narrated or part of it, pages) fills
    its pack's template, with no placeholder left, in each of the 24 languages."""
    document = replace(small, metadata=replace(small.metadata, language=language))
    say = languages.load(language).summary
    facts = epub.facts(document, [PageStart(1, "preface"), PageStart(2, "para_1")], _narration(document))
    some_labels = replace(facts, labels={eid: text for eid, text in facts.labels.items() if eid != "para_1"})
    partial = replace(facts, voiced=facts.voiced - {"para_3"})
    said = [epubfacts.accessibility_summary(document, f) for f in (some_labels, facts, partial)]
    for summary in said:
        assert not re.search(r"\{\w+\}", summary), summary
    for key in ("labels_some", "points", "notes", "narration", "pages"):
        assert say[key].split("{")[0].strip() in said[0], key
    assert say["labels_all"].split("{")[0].strip() in said[1]
    assert say["narration_some"].split("{")[0].strip() in said[2]
