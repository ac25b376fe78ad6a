"""What the source says each output must carry: its words in order, its spoken units, the language's fixed words.

This is the expected side of ``publish check``, worked out again from the document model without the writers' code:
the language's section headings and fixed words ("Procedure", "Notes") come from the language pack's data
(:mod:`publish.languages`), and inline content is flattened to text here, walking the model's inline nodes, so that
a writer's mistake in either cannot hide in the check as well. What each format adds around the resolution's text is
spelled out per format, so that a word added, dropped or moved anywhere is a difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from publish import languages
from publish.model import Document, Emphasis, FootnoteRef, Inline, Link, SectionKind, Strong, Text

#: What every edition but the audio shows in place of a label for a clause that has none (citations, indents).
NO_LABEL_DASH = "–"


@dataclass(frozen=True, slots=True)
class Word:
    """A word the source puts in an output, and the unit (clause anchor, ``preface``, ``formula``…) it belongs to."""

    text: str
    unit: str


# --- the language's fixed words and the text of inline content ------------------------------------------------------


def fixed_words(document: Document) -> Mapping[str, str]:
    """The words every edition in the document's language adds ("Procedure", "Notes", "Note"), from its pack."""
    return languages.load(document.metadata.language).words


def section_heading(document: Document, kind: SectionKind) -> str:
    """The heading of a section ("Recitals") in the document's language, from its pack."""
    return languages.load(document.metadata.language).sections[kind.value]


def plain_text(content: tuple[Inline, ...], note_calls: bool = True) -> str:
    """The text of inline content: its text nodes in order, inside emphasis, strong emphasis and links too; a footnote
    call as its number (as printed) or, without ``note_calls``, left out (as spoken: the notes are read at the end)."""
    parts: list[str] = []
    for node in content:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Emphasis | Strong | Link):
            parts.append(plain_text(node.children, note_calls))
        elif isinstance(node, FootnoteRef) and note_calls:
            parts.append(str(node.number))
    return "".join(parts)


# --- what each format must carry ------------------------------------------------------------------------------------


def spoken_units(document: Document) -> list[tuple[str, str, str]]:
    """(anchor, chapter title, caption) of every unit the audio edition speaks, in order: title block, formula,
    each section's heading then its clauses (label first), each subheading before the clauses it heads (with a full
    stop unless it ends with one, a colon, a question or an exclamation mark), the notes (footnote calls are not read
    out)."""
    meta = document.metadata
    w = fixed_words(document)
    title = f"{meta.doc_type} {meta.reference}"
    procedure = f" {w['procedure']} {meta.procedure}." if meta.procedure else ""
    units = [
        ("preface", title, f"{title}, {meta.issued_by}. {meta.title}." + procedure),
        ("formula", document.formula, document.formula),
    ]
    for section in document.sections:
        heading = section_heading(document, section.kind)
        units.append((f"{section.eid}-heading", heading, f"{heading}."))
        for subheading, clauses in section.groups():
            if subheading is not None:
                text = plain_text(subheading.content)
                units.append((subheading.eid, text, text if text[-1] in ".:?!" else f"{text}."))
            units += [
                (c.eid, c.spoken_label, f"{c.spoken_label}. {plain_text(c.content, note_calls=False)}")
                for top in clauses
                for c in top.walk()
            ]
    if document.footnotes:
        units.append(("notes-heading", w["notes"], f"{w['notes']}."))
        for note in document.footnotes:
            label = f"{w['note']} {note.number}"
            units.append((note.eid, label, f"{label}. {plain_text(note.content, note_calls=False)}"))
    return units


def contents_words(document: Document) -> list[str]:
    """The words of the PDF editions' contents, after the title block: the word "Contents", then each section's
    heading and a colon followed by the bare label of each of its clauses, points included (the label without its
    full stop, a citation's number, the print dash for an unlabelled point), separated by commas; then the notes'
    heading when there are notes."""
    words = [fixed_words(document)["contents"]]
    for section in document.sections:
        labels = [
            clause.label.removesuffix(".") or (clause.num if clause is top else NO_LABEL_DASH)
            for top in section.clauses
            for clause in top.walk()
        ]
        heading = section_heading(document, section.kind)
        words.append(f"{heading}: {', '.join(labels)}" if labels else heading)
    if document.footnotes:
        words.append(fixed_words(document)["notes"])
    return words


def expected_words(document: Document, fmt: str) -> list[Word]:
    """The words ``fmt`` must show, in order, each with its unit.

    * ``html``, ``epub``: the preface (reference, title, procedure), the formula, each subheading, each clause's label
      (a dash for a clause without one) and text, each note's number and text (section headings, back links, the
      document-type line and the words only a screen reader hears are left out of the reading);
    * ``pdf``, ``pdf-large``: the same with the document-type line, the contents (:func:`contents_words`), the section
      headings and the notes' heading: everything ``pdftotext`` extracts outside the running heads;
    * ``vtt``: every caption, as :func:`spoken_units` says;
    * ``akn``: as :func:`akn_words` says.
    """
    meta = document.metadata
    out: list[Word] = []

    def add(unit: str, text: str) -> None:
        out.extend(Word(word, unit) for word in text.split())

    if fmt == "vtt":
        for unit, _, caption in spoken_units(document):
            add(unit, caption)
        return out
    if fmt == "akn":
        return akn_words(document)
    printed = fmt.startswith("pdf")
    add("preface", (f"{meta.doc_type} · {meta.issued_by} " if printed else "") + meta.reference)
    add("preface", f"{meta.title} ({meta.procedure})" if meta.procedure else meta.title)
    if printed:
        add("toc", " ".join(contents_words(document)))
    add("formula", document.formula)
    for section in document.sections:
        if printed:
            add(section.eid, section_heading(document, section.kind))
        for subheading, clauses in section.groups():
            if subheading is not None:
                add(subheading.eid, plain_text(subheading.content))
            for clause in (clause for top in clauses for clause in top.walk()):
                add(clause.eid, f"{clause.label or NO_LABEL_DASH} {plain_text(clause.content)}")
    if document.footnotes and printed:
        add("notes", fixed_words(document)["notes"])
    for note in document.footnotes:
        add(note.eid, f"{note.number}. {plain_text(note.content)}")
    return out


def akn_words(document: Document) -> list[Word]:
    """The words of the Akoma Ntoso edition, in order: the preface (reference, title, procedure, type, who issues
    it, date), the formula, each subheading, each clause's label (none for a citation or an indent) and text, the
    footnote calls left out (a note stands where it is called, outside the text); then each note, its number (the
    marker) and its text."""
    meta = document.metadata
    out: list[Word] = []

    def add(unit: str, text: str) -> None:
        out.extend(Word(word, unit) for word in text.split())

    for fact in (meta.reference, meta.title, meta.procedure, meta.doc_type, meta.issued_by, meta.date or ""):
        add("preface", fact)
    add("formula", document.formula)
    for section in document.sections:
        for subheading, clauses in section.groups():
            if subheading is not None:
                add(subheading.eid, plain_text(subheading.content))
            for clause in (clause for top in clauses for clause in top.walk()):
                add(clause.eid, f"{clause.label} {plain_text(clause.content, note_calls=False)}")
    for note in document.footnotes:
        add(note.eid, f"{note.number} {plain_text(note.content)}")
    return out
