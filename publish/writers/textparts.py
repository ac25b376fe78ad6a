"""The resolution's text as HTML elements, shared by the HTML page and the EPUB's content document.

Title block, sections' clause lists with their subheadings, clauses, notes and inline content: the same elements,
with the same anchors as ids, on the screen page (:mod:`publish.writers.html`) and, converted to XHTML, in the EPUB
(:mod:`publish.writers.epubparts`). Neither writer imports the other for them.
"""

from __future__ import annotations

from lxml import etree, html

from publish.anchors import NOTES, PREFACE, footnote_ref_eid, heading_eid
from publish.model import Clause, Document, Emphasis, FootnoteRef, Inline, Link, Section, Strong, Subheading, Text

#: The label shown for a clause that has none (a citation, an indent), as the official text prints it.
DASH = "–"


def preface_element(document: Document) -> etree._Element:
    """The title block (``header``, the preface's anchor as id): the ``h1``, then the procedure and the document's type.

    The ``h1`` holds the reference and the title, each on a line of its own, as the official text prints them: the
    heading a screen reader jumps to first names the document as its window title does ("B9-0311/2022: European
    Parliament resolution on …"), and nothing of the title block comes before it.
    """
    meta = document.metadata
    header = el("header", id=PREFACE)
    heading = sub(header, "h1")
    reference = sub(heading, "span", {"class": "reference"})
    reference.text = meta.reference
    sub(reference, "span", {"class": "visually-hidden"}).text = ":"
    reference.tail = " "
    sub(heading, "span", {"class": "title"}).text = meta.title
    if meta.procedure:
        sub(header, "p", {"class": "procedure"}).text = f"({meta.procedure})"
    sub(header, "p", {"class": "doc-type"}).text = f"{meta.doc_type} · {meta.issued_by}"
    return header


def section_parts(section: Section) -> list[etree._Element]:
    """A section's clauses as lists, each subheading (``h3``, its anchor as id) before the clauses it heads."""
    parts: list[etree._Element] = []
    for subheading, clauses in section.groups():
        if subheading is not None:
            heading = el(subheading_tag(subheading), {"id": subheading.eid, "class": "subheading"})
            append_inlines(heading, subheading.content)
            parts.append(heading)
        parts.append(clause_list(clauses, section.kind.value))
    return parts


def subheading_tag(subheading: Subheading) -> str:
    """The heading element of a subheading: ``h3`` below the section's ``h2``, ``h4`` for the level below."""
    return f"h{2 + subheading.level}"


def clause_list(clauses: tuple[Clause, ...], kind: str) -> etree._Element:
    """Clauses as an ordered list, one item each."""
    listing = el("ol", {"class": f"clauses {kind}", "role": "list"})
    for clause in clauses:
        listing.append(clause_item(clause))
    return listing


def clause_item(clause: Clause) -> etree._Element:
    """A clause as a list item (its anchor as id): its label as text (:func:`clause_label`), its text, its points."""
    item = el("li", {"id": clause.eid, "class": f"clause {clause.kind.value}"})
    label = clause_label(clause)
    label.tail = " "
    item.append(label)
    text = sub(item, "span", {"class": "clause-text"})
    append_inlines(text, clause.content)
    if clause.points:
        item.append(clause_list(clause.points, "points"))
    return item


def clause_label(clause: Clause) -> etree._Element:
    """A clause's label as text (``span.clause-label``): the official label shown, the spoken label heard once.

    Where the spoken label is the official label with words around it ("Recital A", "3. bekezdés"), the words are
    visually hidden text around the shown label: a screen reader reads "Recital A." once, and a text export or a copy
    keeps the label. Otherwise (a citation's or an indent's dash, a label its spoken label holds twice) the shown label
    is hidden from screen readers and the whole spoken label is visually hidden text before it.
    """
    label = el("span", {"class": "clause-label"})
    shown = clause.label or DASH
    around = _words_around(clause.spoken_label, clause.label)
    if around is None:
        hidden = sub(label, "span", {"class": "visually-hidden"})
        hidden.text, hidden.tail = clause.spoken_label, " "
        sub(label, "span", {"aria-hidden": "true"}).text = shown
        return label
    before, after = around
    append_spoken(label, before, shown, after)
    return label


def append_spoken(parent: etree._Element, before: str, shown: str, after: str) -> None:
    """Append ``shown`` to an empty ``parent`` with the words ``before`` and ``after`` it visually hidden, so that the
    element is read as the whole spoken label ("Recital" "A" ""). The spaces between them are outside the hidden
    words, so that no name computation glues them ("Citation1")."""
    if before:
        hidden = sub(parent, "span", {"class": "visually-hidden"})
        hidden.text, hidden.tail = before, f" {shown}"
    else:
        parent.text = shown
    if after:
        append_text(parent, " ")
        sub(parent, "span", {"class": "visually-hidden"}).text = after


def _words_around(spoken: str, label: str) -> tuple[str, str] | None:
    """The words before and after ``label`` in ``spoken`` when the two read together as the spoken label ("Recital"
    and "" for "A." in "Recital A": heard "Recital A."), or None when they do not (no label, or not once a word)."""
    words = spoken.split(" ")
    bare = label.removesuffix(".")
    if not label or words.count(label) + (words.count(bare) if bare != label else 0) != 1:
        return None
    if label in words:
        at = words.index(label)
    elif words[-1] == bare:  # "Recital A" with "A.": the full stop ends what is heard
        at = len(words) - 1
    else:  # "Johdanto-osan A kappale": a full stop inside it would not read as the spoken label
        return None
    return " ".join(words[:at]), " ".join(words[at + 1 :])


def notes_element(document: Document, w: dict[str, str]) -> etree._Element:
    """The endnotes: a section of numbered notes, each with a link back to its first call."""
    element = el(
        "section", {"id": NOTES, "class": "notes", "aria-labelledby": heading_eid(NOTES), "role": "doc-endnotes"}
    )
    sub(element, "h2", id=heading_eid(NOTES)).text = w["notes"]
    listing = sub(element, "ol", {"class": "notes-list", "role": "list"})
    for note in document.footnotes:
        item = sub(listing, "li", id=note.eid)
        number = sub(item, "span", {"class": "note-number"})
        number.text, number.tail = f"{note.number}.", " "
        text = sub(item, "span", {"class": "note-text"})
        append_inlines(text, note.content)
        back = sub(
            item, "a", {"class": "note-back", "href": f"#{footnote_ref_eid(note.number)}", "role": "doc-backlink"}
        )
        sub(back, "span", {"aria-hidden": "true"}).text = "↩"
        sub(back, "span", {"class": "visually-hidden"}).text = f"{w['back_to_call']} {note.number}"
    return element


def append_inlines(parent: etree._Element, content: tuple[Inline, ...]) -> None:
    """Append inline content to ``parent``, text and tails in order."""
    for node in content:
        match node:
            case Text(text=text):
                append_text(parent, text)
            case Emphasis(children=children):
                append_inlines(sub(parent, "em"), children)
            case Strong(children=children):
                append_inlines(sub(parent, "strong"), children)
            case Link(href=href, children=children):
                append_inlines(sub(parent, "a", href=href), children)
            case FootnoteRef(number=number, eid=eid, note_eid=note_eid):
                sup = sub(parent, "sup")
                sub(
                    sup, "a", {"id": eid, "href": f"#{note_eid}", "class": "noteref", "role": "doc-noteref"}
                ).text = str(number)


def append_text(parent: etree._Element, text: str) -> None:
    """Add ``text`` after what ``parent`` holds: its text, or the tail of its last child."""
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def el(tag: str, attrs: dict[str, str] | None = None, **more: str) -> html.HtmlElement:
    """A new HTML element ``tag`` with ``attrs`` and the keyword attributes ``more``."""
    element = html.Element(tag, {**(attrs or {}), **more})
    return element


def sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None, **more: str) -> html.HtmlElement:
    """A new HTML element ``tag`` appended to ``parent``."""
    element = el(tag, attrs, **more)
    parent.append(element)
    return element
