"""What the EPUB holds, read from its built documents, and the accessibility metadata and summary said from that.

The summary and the discovery metadata (``schema:accessMode``, ``schema:accessibilityFeature``) make claims about
the book; each claim is taken from the book as written, not assumed: :func:`book_facts` reads the content document
and the navigation document the writer has just made, and the overlay's clips. A clause "has its label as text"
when its list item's text, as a text export reads it, has something before the clause's own words (a label drawn by
the style sheet alone, ``::before``, is not text); points are clauses nested in another's list item; pages are the
page break markers and the page list's entries; the narration "reads" a clause when the overlay has a clip for it.
Each sentence of the summary is a template of the book's language pack (``summary``), chosen and filled from those
facts, so a book without points, audio or page list says nothing about them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from publish.anchors import PREFACE
from publish.model import ClauseKind, Document
from publish.writers.epuboverlay import Narration
from publish.writers.shared import pack

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
_NS = {"x": XHTML, "epub": OPS}
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
#: How much of a clause's own text is looked for in its list item, to find what comes before it (its label).
_TEXT_PROBE = 24


@dataclass(frozen=True, slots=True)
class BookFacts:
    """What a built EPUB holds that its accessibility claims are about."""

    #: Clauses (points included) that are list items of the content document, by anchor, in reading order.
    clauses: tuple[str, ...]
    #: Of those, the ones whose list item starts with their label as text, and that text for each.
    labels: dict[str, str]
    #: Clauses nested in another clause's list item (points and indents).
    points: int
    #: Endnotes in the content document.
    notes: int
    #: Page break markers in the content document, and entries of the navigation document's page list.
    page_breaks: int
    page_list: int
    #: Anchors the media overlay has a clip for (none without overlays), the narration's length and voice.
    voiced: frozenset[str] = frozenset()
    duration_ms: int = 0
    narrator: str = ""

    @property
    def overlays(self) -> bool:
        """The book has media overlays: at least one clip."""
        return bool(self.voiced)

    @property
    def reads_everything(self) -> bool:
        """The overlays read the title and every clause: the audio alone gives the whole text."""
        return self.overlays and PREFACE in self.voiced and all(eid in self.voiced for eid in self.clauses)


def book_facts(document: Document, content: bytes, nav: bytes, narration: Narration | None = None) -> BookFacts:
    """The facts of the book made of ``content`` (the content document), ``nav`` and the ``narration``'s clips."""
    text = etree.fromstring(content)
    by_id = {element.get("id"): element for element in text.iter() if isinstance(element.tag, str)}
    clauses: list[str] = []
    labels: dict[str, str] = {}
    points = 0
    for clause in document.iter_clauses():
        item = by_id.get(clause.eid)
        if item is None or etree.QName(item).localname != "li":
            continue
        clauses.append(clause.eid)
        if item.xpath("ancestor::x:li[contains(concat(' ', @class, ' '), ' clause ')]", namespaces=_NS):
            points += 1
        if label := _label_as_text(item, clause.text):
            labels[clause.eid] = label
    notes = len(text.xpath("//x:section[@epub:type='endnotes' or @role='doc-endnotes']//x:li[@id]", namespaces=_NS))
    page_breaks = len(text.xpath("//*[@epub:type='pagebreak']", namespaces=_NS))
    page_list = len(etree.fromstring(nav).xpath("//x:nav[@epub:type='page-list']//x:a[@href]", namespaces=_NS))
    if narration is None:
        return BookFacts(tuple(clauses), labels, points, notes, page_breaks, page_list)
    voiced = frozenset(clip.id for clip in narration.clips)
    return BookFacts(
        tuple(clauses), labels, points, notes, page_breaks, page_list, voiced, narration.duration, narration.narrator
    )


def _label_as_text(item: etree._Element, own_text: str) -> str:
    """The text a clause's list item has before the clause's own words (its label as text), or ``""``."""
    copy = etree.fromstring(etree.tostring(item))
    for nested in copy.xpath("x:ol | x:ul", namespaces=_NS):
        copy.remove(nested)
    shown = _squeeze("".join(copy.itertext()))
    probe = _squeeze(own_text)[:_TEXT_PROBE]
    at = shown.find(probe) if probe else len(shown)
    return shown[:at].strip() if at > 0 else ""


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def accessibility_metadata(document: Document, facts: BookFacts) -> list[tuple[str, str]]:
    """The EPUB Accessibility 1.1 properties, one (property, value) per ``<meta>``: only what is true of this book.

    The book is auditory, with synchronised audio, when it has overlays; the audio alone suffices when they read the
    title and every clause. Page break markers and page navigation are claimed when the book has them.
    """
    modes = ["textual", "auditory"] if facts.overlays else ["textual"]
    sufficient = ["textual", "auditory"] if facts.reads_everything else ["textual"]
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if facts.page_breaks:
        features.append("pageBreakMarkers")
    if facts.page_list:
        features.append("pageNavigation")
    if facts.overlays:
        features.append("synchronizedAudioText")
    return [
        ("dcterms:conformsTo", CONFORMS_TO),
        *(("schema:accessMode", mode) for mode in modes),
        *(("schema:accessModeSufficient", mode) for mode in sufficient),
        *(("schema:accessibilityFeature", feature) for feature in features),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", accessibility_summary(document, facts)),
    ]


def accessibility_summary(document: Document, facts: BookFacts) -> str:
    """The summary of the book's accessibility in its language: one sentence per fact the book holds."""
    meta = document.metadata
    say = pack(document).summary
    by_id = {clause.eid: clause for clause in document.iter_clauses()}
    count = len(facts.clauses)
    named = [by_id[eid] for eid in facts.clauses]
    example = next((c for c in named if c.kind is ClauseKind.RECITAL), named[0] if named else None)
    sentences = [
        say["conforms"].format(doc_type=meta.doc_type, doc_type_lower=meta.doc_type.lower(), reference=meta.reference),
        say["no_media"] if facts.overlays else say["text_only"],
        say["clauses"].format(count=count, example=example.spoken_label if example else ""),
    ]
    if count and len(facts.labels) == count:
        label = facts.labels.get(example.eid, "") if example else ""
        # the sentence ends with its own full stop: "such as Recital A." and not "Recital A.."
        sentences.append(say["labels_all"].format(label=(label or next(iter(facts.labels.values()))).rstrip(".")))
    elif count:
        sentences.append(say["labels_some"].format(labelled=len(facts.labels), count=count))
    if facts.points:
        sentences.append(say["points"].format(points=facts.points))
    if facts.notes:
        sentences.append(say["notes"].format(notes=facts.notes))
    sentences.append(say["reflow"])
    if facts.overlays:
        minutes, seconds = divmod(round(facts.duration_ms / 1000), 60)
        times = {"minutes": minutes, "seconds": seconds, "narrator": facts.narrator}
        if facts.reads_everything:
            heard_notes = any(note.eid in facts.voiced for note in document.footnotes)
            notes = say["narration_notes"] if heard_notes else ""
            sentences.append(say["narration"].format(notes=notes, **times))
        else:
            voiced = sum(eid in facts.voiced for eid in facts.clauses)
            sentences.append(say["narration_some"].format(voiced=voiced, count=count, **times))
    if facts.page_breaks and facts.page_list:
        sentences.append(say["pages"].format(pages=facts.page_list))
    return " ".join(sentences)
