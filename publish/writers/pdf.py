"""Write the PDF editions: tagged PDF/UA-1 in A4 and in large print, rendered by WeasyPrint.

Both come from the HTML writer's print page (:func:`publish.writers.html.print_page`): the same
anchors and the same text, styled by ``themes/<theme>-print.css`` (and, for large print,
``<theme>-large-print.css`` on top). WeasyPrint renders with ``pdf_variant="pdf/ua-1"``, then
:mod:`publish.writers.pdfpost` closes its gaps. Each edition records its pages in the manifest:
``pages``, ``page_starts`` (the first anchor that starts on each page) and each clause's ``page``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import html

from publish import formats, manifest
from publish.anchors import NOTES, PREFACE, TOC, footnote_ref_eid
from publish.model import Document, Inline, Link, plain_text
from publish.outputs import write_atomic
from publish.writers.html import print_page
from publish.writers.pdfpost import Finish, finish
from publish.writers.shared import Options, output_path, section_heading, words

NAME = "pdf"
#: The editions this writer makes, by the names the manifest and the HTML writer's links use.
EDITIONS = ("pdf", "pdf-large")
#: The PDF variant WeasyPrint writes: its PDF/UA-2 output is not conformant (destinations are not structure ones).
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True, slots=True)
class Edition:
    """One PDF edition: its manifest name, the theme flavour it is styled with, its file suffix."""

    name: str
    flavour: str
    suffix: str


STANDARD = Edition(formats.PDF.edition, "print", formats.PDF.suffix)
LARGE_PRINT = Edition(formats.PDF_LARGE.edition, "large-print", formats.PDF_LARGE.suffix)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A finished PDF and where its anchors landed."""

    pdf: bytes
    #: Page (1-based) on which each anchor of the print page starts.
    anchor_pages: dict[str, int]
    #: For each page, the first element anchor that starts on it (or the one it continues).
    page_starts: list[manifest.PageStartFacts]

    @property
    def pages(self) -> int:
        return len(self.page_starts)


def write(document: Document, out_dir: Path, options: Options) -> list[Path]:
    """Write ``<name>.pdf`` and ``<name>-large-print.pdf`` (or those of ``options.editions``) and record their pages.

    Return the paths written. Each edition is laid out on its own, so two processes can make the two at once.
    """
    paths = []
    for edition in (e for e in (STANDARD, LARGE_PRINT) if not options.editions or e.name in options.editions):
        rendered = render(document, options, edition.flavour)
        path = write_atomic(output_path(document, out_dir, edition.suffix), rendered.pdf)
        facts: manifest.PdfFacts = {"file": path.name, "pages": rendered.pages, "page_starts": rendered.page_starts}
        clauses = {c.eid: {"page": rendered.anchor_pages[c.eid]} for c in document.iter_clauses()}
        manifest.record(out_dir, edition.name, facts, clauses)
        paths.append(path)
    return paths


def stale(document: Document, out_dir: Path, options: Options, facts: manifest.PdfFacts | None) -> str | None:
    """Why the standard edition's recorded facts cannot give another writer its pages (the EPUB's page list), or
    ``None`` when they can: they are recorded, with a start for each page. The build then lays the edition out in a
    scratch folder (:mod:`publish.build`)."""
    return None if facts and facts.get("page_starts") else "no PDF facts in the manifest"


def render(document: Document, options: Options, flavour: str = STANDARD.flavour) -> Rendered:
    """Render one edition; WeasyPrint errors (a missing language, say) fail the build.

    Clauses break across pages where the theme lets them (widows and orphans); each part WeasyPrint tags as an
    element of its own is merged into the first (:func:`publish.writers.pdfpost.merge_fragment`).
    """
    from publish.writers import weasy  # imports WeasyPrint (half a second): only when a PDF is rendered

    root = print_page(document, options, flavour)
    page = html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode")
    laid_out, raw = weasy.lay_out(document.name, page, options.themes_dir, PDF_VARIANT)
    anchor_pages: dict[str, int] = {}
    for number, laid_page in enumerate(laid_out.pages, 1):
        for anchor in laid_page.anchors:
            anchor_pages.setdefault(anchor, number)
    facts = Finish(
        link_labels=link_labels(document),
        continued_pages=tuple(index for index, _ in weasy.continuations(laid_out)),
        reference=document.metadata.reference,
        language=document.metadata.language,
        publisher=document.metadata.issued_by,
        contents=contents_links(root),
    )
    starts = page_starts(element_anchors(document), anchor_pages, len(laid_out.pages))
    return Rendered(finish(raw, facts), anchor_pages, starts)


def contents_links(root: html.HtmlElement) -> tuple[tuple[str, str], ...]:
    """The print page's contents links in order, as (target anchor, text shown)."""
    contents = root.get_element_by_id(TOC)
    return tuple((link.get("href", "").removeprefix("#"), link.text_content()) for link in contents.iter("a"))


def element_anchors(document: Document) -> list[str]:
    """The anchors a page can start with, in document order: preface, sections, subheadings, clauses, notes."""
    anchors = [PREFACE]
    for section in document.sections:
        anchors.append(section.eid)
        for subheading, clauses in section.groups():
            if subheading is not None:
                anchors.append(subheading.eid)
            anchors += [clause.eid for top in clauses for clause in top.walk()]
    if document.footnotes:
        anchors.append(NOTES)
    return anchors


def page_starts(anchors: list[str], anchor_pages: dict[str, int], pages: int) -> list[manifest.PageStartFacts]:
    """For each page, the first of ``anchors`` that starts on it, or the one still running with ``continues``."""
    first: dict[int, str] = {}
    for anchor in anchors:
        first.setdefault(anchor_pages[anchor], anchor)
    starts: list[manifest.PageStartFacts] = []
    running = anchors[0]
    for number in range(1, pages + 1):
        if number in first:
            starts.append({"page": number, "eid": first[number]})
            running = next(a for a in reversed(anchors) if anchor_pages[a] == number)
        else:
            starts.append({"page": number, "eid": running, "continues": True})
    return starts


def link_labels(document: Document) -> dict[str, str]:
    """What each link target is called when read out: anchors by their spoken label, URLs by their link text."""
    w = words(document)
    labels = {clause.eid: clause.spoken_label for clause in document.iter_clauses()}
    labels |= {section.eid: section_heading(document, section.kind) for section in document.sections}
    labels |= {subheading.eid: subheading.text for subheading in document.iter_subheadings()}
    if document.footnotes:
        labels[NOTES] = w["notes"]
    for note in document.footnotes:
        labels[note.eid] = f"{w['note']} {note.number}"
        labels[footnote_ref_eid(note.number)] = f"{w['back_to_call']} {note.number}"
    for link in _links(document):
        if not link.href.startswith("#"):
            labels.setdefault(link.href, f"{plain_text(link.children)} ({link.href})")
    return labels


def _links(document: Document) -> Iterator[Link]:
    contents = [clause.content for clause in document.iter_clauses()] + [n.content for n in document.footnotes]
    for content in contents:
        yield from _links_in(content)


def _links_in(content: tuple[Inline, ...]) -> Iterator[Link]:
    for node in content:
        if isinstance(node, Link):
            yield node
        children = getattr(node, "children", ())
        yield from _links_in(children)
