"""Write the Akoma Ntoso edition: the resolution as an OASIS Akoma Ntoso 3.0 ``<statement name="resolution">``.

The legal-XML standard the anchors are named after, for archives and legal-tech tools: FRBR metadata (work,
expression and manifestation URIs in the naming convention's form, :func:`frbr_uris`), the preface (reference,
title, procedure, type), the preamble (formula, citations, recitals), the main body (paragraphs, points, indents,
subheadings as ``hcontainer``), footnotes as ``authorialNote`` at their first call. Every ``eId`` is the clause's
anchor from the model, every ``<num>`` its official label. Built with lxml, pretty-printed UTF-8, reproducible: no
clock, no random value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from publish import formats, manifest
from publish.anchors import AKN_AUTHOR, AKN_FORMULA, AKN_SOURCE, FOOTNOTE_ELEMENT, FORMULA, PREAMBLE, PREFACE
from publish.model import (
    Clause,
    ClauseKind,
    Document,
    Emphasis,
    FootnoteRef,
    Inline,
    Link,
    Part,
    Section,
    SectionKind,
    Strong,
    Subheading,
    Text,
)
from publish.outputs import write_atomic
from publish.writers.shared import Options, output_path, pack

NAME = "akn"
SUFFIX = formats.AKN.suffix

NS = formats.AKN_NAMESPACE
#: The document type and its name: AKN's ``statement`` is "an official document of a body … (e.g., statements,
#: resolutions)"; ``doc`` is for documents the standard does not list.
DOC_TYPE = "statement"
DOC_NAME = "resolution"
#: The country part of the URIs, and the emanating actor (the European Parliament), whose TLC id it is.
COUNTRY = "eu"
ACTOR = AKN_AUTHOR
#: Who made the markup: the TLC organisation the identification's ``source`` points at.
SOURCE = AKN_SOURCE
#: The ``name`` of an hcontainer that is a subheading, and the ``class`` that says a subheading's level.
SUBHEADING = "subheading"
LEVEL_CLASS = "level-{level}"
#: The ``refersTo`` of the formula ("The European Parliament,").
FORMULA_KIND = AKN_FORMULA

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_URI_UNSAFE = re.compile(r"[^A-Za-z0-9_.~-]+")


def write(document: Document, out_dir: Path, options: Options) -> list[Path]:
    """Write ``<out_dir>/<name>.akn.xml`` and record the edition's file and URIs, and each clause's element as a
    link (``B9-0311-2022.akn.xml#para_3``: AKN refers to an element by its eId); return the paths written."""
    path = write_atomic(output_path(document, out_dir, SUFFIX), render(document, options))
    uris = frbr_uris(document)
    links = {clause.eid: {"href": f"{path.name}#{clause.eid}"} for clause in document.iter_clauses()}
    manifest.record(out_dir, NAME, {"file": path.name, "work": uris.work, "expression": uris.expression}, links)
    return [path]


def render(document: Document, options: Options | None = None) -> bytes:
    """The Akoma Ntoso document as UTF-8 bytes, with its XML declaration."""
    return etree.tostring(tree(document), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def tree(document: Document) -> etree._Element:
    """The ``<akomaNtoso>`` element of the document."""
    root = _el("akomaNtoso", nsmap={None: NS})
    statement = _sub(root, DOC_TYPE, name=DOC_NAME)
    statement.append(meta(document))
    statement.append(preface(document))
    preamble = _sub(statement, "preamble", eId=PREAMBLE)
    formula = _sub(preamble, "formula", eId=FORMULA, refersTo=f"#{FORMULA_KIND}", name=FORMULA_KIND)
    _sub(formula, "p").text = document.formula
    body = None
    notes = _Notes({note.eid: note.content for note in document.footnotes})
    for section in document.sections:
        if section.kind is SectionKind.PARAGRAPHS:
            body = _sub(statement, "mainBody", eId=section.eid)
            for part in section.outline():
                _body_part(body, part, notes)
        else:
            _preamble_section(preamble, section, notes)
    if body is None:  # mainBody is required: a text without paragraphs (cut before them) has one empty block
        _sub(_sub(statement, "mainBody"), "p")
    return root


# --- metadata -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Uris:
    """The FRBR URIs of a document: work, expression (its language), manifestation (this XML file), and the
    ``FRBRdate`` with its name."""

    work: str
    expression: str
    manifestation: str
    date: str
    date_name: str


def frbr_uris(document: Document) -> Uris:
    """The naming convention's URIs: ``/akn/eu/statement/resolution/ep/<date>/<number>`` for the work, with
    ``/<lang>@`` (ISO 639-2) for the expression and ``.akn`` for the manifestation.

    The date is the document's (``2022-06-09``), else the year its reference gives (``B9-0311/2022`` → ``2022``);
    the number is the reference with what a URI component cannot hold replaced (``B9-0311-2022``).
    """
    meta = document.metadata
    year = _YEAR.search(meta.reference)
    if meta.date:
        date, frbr_date, date_name = meta.date, meta.date, "adoption"
    else:
        date = year[1] if year else "0000"
        frbr_date, date_name = f"{date}-01-01", "year of the reference (day unknown)"
    number = _URI_UNSAFE.sub("-", meta.reference).strip("-") or document.name
    work = f"/akn/{COUNTRY}/{DOC_TYPE}/{DOC_NAME}/{ACTOR}/{date}/{number}"
    expression = f"{work}/{pack(document).iso639_2}@"
    return Uris(work, expression, f"{expression}.akn", frbr_date, date_name)


def meta(document: Document) -> etree._Element:
    """``<meta>``: the FRBR identification and the organisation it names as its source."""
    uris = frbr_uris(document)
    element = _el("meta")
    identification = _sub(element, "identification", source=f"#{SOURCE}")
    author = f"#{ACTOR}"
    levels = (
        ("FRBRWork", f"{uris.work}/!main", uris.work),
        ("FRBRExpression", f"{uris.expression}/!main", uris.expression),
        ("FRBRManifestation", f"{uris.expression}/!main.xml", uris.manifestation),
    )
    for tag, this, uri in levels:
        level = _sub(identification, tag)
        _sub(level, "FRBRthis", value=this)
        _sub(level, "FRBRuri", value=uri)
        _sub(level, "FRBRdate", date=uris.date, name=uris.date_name)
        _sub(level, "FRBRauthor", href=author)
        if tag == "FRBRWork":
            _sub(level, "FRBRcountry", value=COUNTRY)
            _sub(level, "FRBRnumber", value=document.metadata.reference)
            _sub(level, "FRBRname", value=DOC_NAME)
        elif tag == "FRBRExpression":
            _sub(level, "FRBRlanguage", language=pack(document).iso639_2)
    references = _sub(element, "references", source=f"#{SOURCE}")
    _sub(references, "TLCOrganization", eId=ACTOR, href=f"/akn/ontology/organizations/{COUNTRY}/{ACTOR}",
         showAs=document.metadata.issued_by)  # fmt: skip
    _sub(references, "TLCOrganization", eId=SOURCE, href=f"/akn/ontology/organizations/{SOURCE}", showAs=SOURCE)
    _sub(references, "TLCConcept", eId=FORMULA_KIND, href=f"/akn/ontology/concepts/{FORMULA_KIND}",
         showAs="Enacting formula")  # fmt: skip
    return element


def preface(document: Document) -> etree._Element:
    """``<preface>``: the reference, the title, the procedure (when there is one), the type and who issues it."""
    facts = document.metadata
    element = _el("preface", eId=PREFACE)
    _sub(_sub(element, "p"), "docNumber").text = facts.reference
    _sub(_sub(_sub(element, "longTitle"), "p"), "docTitle").text = facts.title
    if facts.procedure:
        _sub(_sub(element, "p"), "docketNumber").text = facts.procedure
    _sub(_sub(element, "p"), "docType").text = facts.doc_type
    _sub(_sub(element, "p"), "docProponent", refersTo=f"#{ACTOR}").text = facts.issued_by
    if facts.date:
        _sub(_sub(element, "p"), "docDate", date=facts.date).text = facts.date
    return element


# --- the text -------------------------------------------------------------------------------------------------------


class _Notes:
    """The footnotes already placed: a note's text goes at its first call, a later call is a ``noteRef``."""

    def __init__(self, texts: dict[str, tuple[Inline, ...]]) -> None:
        self.placed: set[str] = set()
        self.texts = texts


def _preamble_section(preamble: etree._Element, section: Section, notes: _Notes) -> None:
    """Citations or recitals: one ``<citations>``/``<recitals>`` for the clauses before any subheading (with the
    section's anchor), then one per subheading, its ``<heading>`` carrying the subheading's anchor (AKN's citations
    and recitals hold only citations and recitals, no hcontainer)."""
    tag = "citations" if section.kind is SectionKind.CITATIONS else "recitals"
    for index, (subheading, clauses) in enumerate(section.groups()):
        container = _sub(preamble, tag, eId=section.eid) if index == 0 else _sub(preamble, tag)
        if subheading is not None:
            _heading(container, subheading, notes)
        for clause in clauses:
            container.append(_item(clause, notes))


def _heading(parent: etree._Element, subheading: Subheading, notes: _Notes, own_eid: bool = True) -> None:
    """A subheading's ``<heading>``, its level as its class; with the subheading's anchor unless its container has
    it."""
    heading = _sub(parent, "heading", eId=subheading.eid) if own_eid else _sub(parent, "heading")
    heading.set("class", LEVEL_CLASS.format(level=subheading.level))
    _inlines(heading, subheading.content, notes)


def _item(clause: Clause, notes: _Notes, tag: str = "") -> etree._Element:
    """A citation or recital (or a point of one, as a ``blockList`` ``item``): num, text, points."""
    element = _el(tag or clause.kind.value, eId=clause.eid)
    if clause.label:
        _sub(element, "num").text = clause.label
    _inlines(_sub(element, "p"), clause.content, notes)
    if clause.points:
        listing = _sub(element, "blockList")
        for point in clause.points:
            listing.append(_item(point, notes, "item"))
    return element


def _body_part(parent: etree._Element, part: Part, notes: _Notes) -> None:
    """A part of the main body: its clauses, in an ``hcontainer`` with its heading when a subheading heads it."""
    target = parent
    if part.subheading is not None:
        target = _sub(parent, "hcontainer", eId=part.subheading.eid, name=SUBHEADING)
        _heading(target, part.subheading, notes, own_eid=False)
    for clause in part.clauses:
        target.append(_hier(clause, notes))
    for below in part.parts:
        _body_part(target, below, notes)


def _hier(clause: Clause, notes: _Notes) -> etree._Element:
    """A paragraph, point or indent of the main body: num, then its text as ``content`` or, before points,
    ``intro``."""
    tag = "indent" if clause.kind is ClauseKind.INDENT else clause.kind.value
    element = _el(tag, eId=clause.eid)
    if clause.label:
        _sub(element, "num").text = clause.label
    _inlines(_sub(_sub(element, "intro" if clause.points else "content"), "p"), clause.content, notes)
    for point in clause.points:
        element.append(_hier(point, notes))
    return element


def _inlines(parent: etree._Element, content: tuple[Inline, ...], notes: _Notes) -> None:
    """Inline content: text, ``<i>``, ``<b>``, ``<ref>`` to a clause, ``<a>`` to a URL, footnote calls."""
    for node in content:
        match node:
            case Text(text=text):
                _append_text(parent, text)
            case Emphasis(children=children):
                _inlines(_sub(parent, "i"), children, notes)
            case Strong(children=children):
                _inlines(_sub(parent, "b"), children, notes)
            case Link(href=href, children=children):
                _inlines(_sub(parent, "ref" if href.startswith("#") else "a", href=href), children, notes)
            case FootnoteRef(number=number, eid=eid, note_eid=note_eid):
                if note_eid in notes.placed:
                    _sub(parent, "noteRef", eId=eid, href=f"#{note_eid}", marker=str(number))
                    continue
                notes.placed.add(note_eid)
                note = _sub(parent, FOOTNOTE_ELEMENT, eId=note_eid, marker=str(number), placement="bottom")
                _inlines(_sub(note, "p"), notes.texts.get(note_eid, ()), notes)


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _el(tag: str, nsmap: dict[str | None, str] | None = None, **attrs: str) -> etree._Element:
    return etree.Element(f"{{{NS}}}{tag}", attrs, nsmap=nsmap)


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)
