"""Each writer's rendering in memory, from a source string through the reader: no file, no speech, no validator.

What the writers make of a model, checked against the model (its anchors, languages and units): the HTML page, the
EPUB's content document and package, the PDF's layout facts, and the audio edition's plan: its units, their pauses,
where each is heard once its speech is known, and the WebVTT and ID3 chapters made from those times.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import webvtt
from conftest import SMALL, SUBHEADED
from lxml import etree, html

from publish import anchors, reader
from publish.model import Document
from publish.writers import audio, audioparts, epub, epubparts, pdf
from publish.writers import html as html_writer
from publish.writers.audioparts import (
    END_PAUSE_MS,
    FRAME_SAMPLES,
    GROUP_PAUSE_MS,
    LEAD_IN_MS,
    PAUSE_MS,
    Placed,
    Segment,
    Tags,
    Timeline,
)
from publish.writers.shared import Options

XHTML = {"x": "http://www.w3.org/1999/xhtml"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def small() -> Document:
    return reader.parse(SMALL, Path("small.md"))


@pytest.fixture(scope="module")
def subheaded() -> Document:
    return reader.parse(SUBHEADED, Path("subheaded.md"))


def unit_ids(document: Document) -> list[str]:
    """The spoken units' anchors as the model gives them: title block, formula, each section's heading and what it
    holds (subheadings before the clauses they head), the notes' heading and the notes."""
    ids = [anchors.PREFACE, anchors.FORMULA]
    for section in document.sections:
        ids.append(anchors.heading_eid(section.eid))
        for subheading, clauses in section.groups():
            ids += [subheading.eid] if subheading is not None else []
            ids += [clause.eid for top in clauses for clause in top.walk()]
    if document.footnotes:
        ids += [anchors.heading_eid(anchors.NOTES), *(note.eid for note in document.footnotes)]
    return ids


# --- HTML -----------------------------------------------------------------------------------------------------------


def test_html_page_has_every_clause_id_in_the_models_order_and_the_documents_language(small):
    data = html_writer.render(small, Options())
    assert data.startswith(b"<!DOCTYPE html>\n")
    page = html.fromstring(data)
    assert (page.get("lang"), page.get("dir")) == ("en", "ltr")
    assert [li.get("id") for li in page.cssselect("li.clause")] == list(small.anchors)
    ids = [element.get("id") for element in page.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert page.get_element_by_id("authorialNote_1__ref").get("href") == "#authorialNote_1"


def test_html_page_of_a_french_source_says_french():
    document = reader.parse(SMALL.replace("language: en", "language: fr"), Path("petite.md"))
    page = html.fromstring(html_writer.render(document, Options()))
    assert page.get("lang") == "fr"
    assert [li.get("id") for li in page.cssselect("li.clause")] == list(document.anchors)


def test_html_subheadings_are_h3_and_h4_with_their_anchors_in_order(subheaded):
    page = html.fromstring(html_writer.render(subheaded, Options()))
    headings = [(h.tag, h.get("id")) for h in page.xpath("//main//h3 | //main//h4")]
    assert headings == [(f"h{2 + s.level}", s.eid) for s in subheaded.iter_subheadings()]
    assert [li.get("id") for li in page.cssselect("li.clause")] == list(subheaded.anchors)


# --- EPUB -----------------------------------------------------------------------------------------------------------


def test_epub_content_document_has_every_clause_id_in_order_the_language_and_the_page_breaks(small):
    pages = [epubparts.PageStart(1, anchors.PREFACE), epubparts.PageStart(2, "rec_B", continues=True)]
    root = etree.fromstring(epubparts.content_document(small, pages))
    assert (root.get("lang"), root.get(XML_LANG)) == ("en", "en")
    clauses = [li.get("id") for li in root.iterfind(".//x:li", XHTML) if "clause" in li.get("class", "")]
    assert clauses == list(small.anchors)
    breaks = root.findall(".//x:span[@role='doc-pagebreak']", XHTML)
    assert [(b.get("id"), b.get(EPUB_TYPE), b.get("aria-label")) for b in breaks] == [
        (anchors.page_eid(1), "pagebreak", "Page 1"),
        (anchors.page_eid(2), "pagebreak", "Page 2"),
    ]
    call = root.find(".//x:a[@id='authorialNote_1__ref']", XHTML)
    assert (call.get(EPUB_TYPE), call.get("href")) == ("noteref", "#authorialNote_1")


def test_epub_package_in_memory_holds_the_content_and_navigation_documents_as_rendered(small):
    data = epub.render(small, Options(), [], epub.modified(small.metadata))
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.namelist()[0] == "mimetype" and book.read("mimetype") == b"application/epub+zip"
        assert book.read("EPUB/text.xhtml") == epubparts.content_document(small, [])
        assert book.read("EPUB/nav.xhtml") == epubparts.nav_document(small, [])
        assert not [name for name in book.namelist() if name.endswith((".smil", ".mp3"))]  # no narration given
    assert epub.render(small, Options(), [], epub.modified(small.metadata)) == data


# --- PDF ------------------------------------------------------------------------------------------------------------


def test_pdf_render_gives_the_page_of_every_clause_and_a_start_for_every_page(small):
    rendered = pdf.render(small, Options())
    assert rendered.pdf.startswith(b"%PDF-")
    assert set(small.anchors) <= set(rendered.anchor_pages)
    assert [start["page"] for start in rendered.page_starts] == list(range(1, rendered.pages + 1))
    assert rendered.page_starts[0] == {"page": 1, "eid": anchors.PREFACE}


# --- audio: the plan, the timeline, the captions and the chapters, without speech -----------------------------------


def test_audio_units_are_the_models_anchors_spoken_label_first(small, subheaded):
    for document in (small, subheaded):
        units = audio.spoken_units(document)
        assert [unit.id for unit in units] == unit_ids(document)
        clauses = {clause.eid: clause for clause in document.iter_clauses()}
        for unit in units:
            if unit.id in clauses:
                assert unit.title == clauses[unit.id].spoken_label
                assert unit.caption.startswith(f"{clauses[unit.id].spoken_label}. ")


def test_audio_pauses_are_longer_before_each_part_and_subheading_and_after_the_last_unit(small, subheaded):
    for document in (small, subheaded):
        units = audio.spoken_units(document)
        subheadings = {s.eid for s in document.iter_subheadings()}
        parts = {anchors.FORMULA, anchors.heading_eid(anchors.NOTES)}
        parts |= {anchors.heading_eid(section.eid) for section in document.sections} | subheadings
        pauses = audioparts.pauses(units)
        following = [unit.id for unit in units[1:]] + [None]
        assert pauses == [
            END_PAUSE_MS if nxt is None else GROUP_PAUSE_MS if nxt in parts else PAUSE_MS for nxt in following
        ]


def _segments(count: int) -> list[Segment]:
    """Segments as the encoder would make them, of different lengths, without a file (only their sizes count); the
    first begins with the lead-in."""
    segments = []
    for index in range(count):
        frames = 40 + 7 * (index % 5) + (20 if index == 0 else 0)
        lead = LEAD_IN_MS * audioparts.SAMPLE_RATE // 1000 if index == 0 else 0
        samples = frames * FRAME_SAMPLES - 1440  # what the encoder adds: its delay, then padding to whole frames
        speech = samples - lead - 6000  # the rest of the segment is its pause
        segments.append(Segment(Path("/nonexistent"), lead, speech, samples, frames, frames * audioparts.FRAME_BYTES))
    return segments


def test_audio_timeline_places_each_units_speech_after_the_segments_before_it(small):
    units = audio.spoken_units(small)
    segments = _segments(len(units))
    timeline = audioparts.place(units, segments)
    played = 0  # as players play it: the encoder delay at the start skipped (the Info frame's LAME tag says so)
    for unit, segment, placed in zip(units, segments, timeline.units, strict=True):
        start = played + segment.lead
        assert (placed.id, placed.title, placed.caption) == (unit.id, unit.title, unit.caption)
        assert (placed.start, placed.end) == (
            round(start * 1000 / audioparts.SAMPLE_RATE),
            round((start + segment.speech) * 1000 / audioparts.SAMPLE_RATE),
        )
        last, played = played, played + segment.played
    assert timeline.units[0].start == LEAD_IN_MS
    assert timeline.duration == (last + segments[-1].samples) * 1000 // audioparts.SAMPLE_RATE  # the end padding cut
    assert all(placed.end <= timeline.duration for placed in timeline.units)
    chapters = timeline.chapters()
    assert [c[0] for c in chapters] == [unit.id for unit in units]
    assert chapters[0][2] == 0 and chapters[-1][3] == timeline.duration
    assert all(one[3] == other[2] for one, other in zip(chapters, chapters[1:], strict=False))  # they tile


def test_webvtt_has_a_cue_per_unit_timed_and_escaped():
    timeline = Timeline(
        (
            Placed("preface", "Title", "A title: <b> & more", 50, 1250),
            Placed("para_1", "Paragraph 1", "Paragraph 1.  Calls\nfor -->", 3_599_999, 3_723_004),
        ),
        (),
        3_800_000,
    )
    text = audioparts.webvtt(timeline, "B9-0001/2024: a note --> with an arrow").decode("utf-8")
    assert text == (
        "WEBVTT\n\nNOTE\nB9-0001/2024: a note -> with an arrow\n\n"
        "preface\n00:00:00.050 --> 00:00:01.250\nA title: &lt;b&gt; &amp; more\n\n"
        "para_1\n00:59:59.999 --> 01:02:03.004\nParagraph 1. Calls for --&gt;\n"
    )
    cues = webvtt.from_string(text, strict=True).captions
    assert [(c.identifier, c.start_time.in_milliseconds(), c.end_time.in_milliseconds()) for c in cues] == [
        ("preface", 50, 1250),
        ("para_1", 3_599_999, 3_723_004),
    ]


def test_webvtt_and_id3_chapters_of_a_document_follow_its_timeline(small):
    units = audio.spoken_units(small)
    timeline = audioparts.place(units, _segments(len(units)))
    cues = webvtt.from_string(audioparts.webvtt(timeline, "a note").decode("utf-8"), strict=True).captions
    assert [c.identifier for c in cues] == unit_ids(small)
    assert [(c.start_time.in_milliseconds(), c.end_time.in_milliseconds()) for c in cues] == [
        (placed.start, placed.end) for placed in timeline.units
    ]
    tags = Tags("Title", "Album", "Artist", "eng", None, "encoder", (("voice", "en"),), "Contents", "small.html#{id}")
    tag = audioparts.id3_tag(units, timeline, tags)
    chapters = tag.getall("CHAP")
    assert [(c.element_id, c.start_time, c.end_time) for c in chapters] == [
        (chapter_id, start, end) for chapter_id, _, start, end in timeline.chapters()
    ]
    assert chapters[3].sub_frames.getall("WXXX")[0].url == f"small.html#{chapters[3].element_id}"
    top = next(frame for frame in tag.getall("CTOC") if frame.element_id == "toc")
    assert top.child_element_ids[:2] == [anchors.PREFACE, anchors.FORMULA]
