"""The EPUB edition's parts: its XHTML content document, its navigation document and a reproducible ebooklib writer.

The content document reuses the HTML writer's building blocks (preface, clause
lists, notes), so every clause keeps the anchor it has everywhere else; page
break markers go where the PDF edition's pages start. The navigation document
(table of contents down to every point, landmarks, page list) is written here
rather than by ebooklib, whose page list takes every element that has an
``epub:type`` and an id. :class:`EpubWriter` fills ebooklib's other gaps: no
``xml:lang`` on ``<package>`` and ZIP entry times taken from the clock.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ebooklib import epub
from lxml import etree

from publish import formats, languages
from publish.anchors import (
    FORMULA,
    LANDMARKS,
    MAIN,
    NOTES,
    PAGES,
    PREAMBLE,
    PREFACE,
    TOC,
    heading_eid,
    ncx_id,
    page_eid,
)
from publish.model import Clause, Document, Part, SectionKind
from publish.writers.shared import document_title, section_heading, words
from publish.writers.textparts import notes_element, preface_element, section_parts

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS}}}type"

#: The content document and the stylesheet, as named inside the package's ``EPUB/`` folder.
CONTENT = "text.xhtml"
NAV = "nav.xhtml"
STYLESHEET = "style.css"
#: Entries stored in the ZIP as they are (compressed media).
STORED_SUFFIXES = (formats.AUDIO.suffix,)


@dataclass(frozen=True, slots=True)
class PageStart:
    """Where a page of the paginated source (the PDF edition) starts: at ``eid``, or inside it when ``continues``."""

    page: int
    eid: str
    continues: bool = False

    @property
    def marker_id(self) -> str:
        """The id of the page break marker: ``page_<n>``."""
        return page_eid(self.page)


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One entry of the table of contents: its text, its target in the package and the entries below it."""

    title: str
    href: str
    children: tuple[TocEntry, ...] = ()


# --- the content document -------------------------------------------------------------------------------------------


def content_document(document: Document, pages: Sequence[PageStart]) -> bytes:
    """The resolution as one XHTML content document, with a page break marker where each page starts."""
    meta = document.metadata
    root = _xhtml_root(meta.language, document_title(document))
    body = _x(root, "body")
    body.append(_to_xhtml(preface_element(document)))
    main = _x(body, "main", {"id": MAIN})
    preamble = _x(main, "div", {"id": PREAMBLE})
    _x(preamble, "p", {"class": "formula", "id": FORMULA}).text = document.formula
    for section in document.sections:
        heading_id = heading_eid(section.eid)
        attrs = {"id": section.eid, "class": section.kind.value, "aria-labelledby": heading_id}
        element = _x(main if section.kind is SectionKind.PARAGRAPHS else preamble, "section", attrs)
        _x(element, "h2", {"id": heading_id}).text = section_heading(document, section.kind)
        for part in section_parts(section):
            element.append(_to_xhtml(part))
    if document.footnotes:
        main.append(_to_xhtml(notes_element(document, words(document))))
    for call in root.iterfind(f".//{{{XHTML}}}a[@role='doc-noteref']"):
        call.set(EPUB_TYPE, "noteref")
    for notes in root.iterfind(f".//{{{XHTML}}}section[@role='doc-endnotes']"):
        notes.set(EPUB_TYPE, "endnotes")
    _number_unlabelled(root, document)
    _place_page_breaks(root, pages, words(document)["page"])
    return _serialise(root)


def _number_unlabelled(root: etree._Element, document: Document) -> None:
    """Give each clause the official text does not number (citations, indents: a dash) its ordinal, as
    ``data-ordinal``, which the theme shows small in the gutter below the dash.

    A reading system that jumps to a clause (epub.js, Readium) brings its page into view without marking it, and
    ``:target`` never matches there: what the reader finds it by is the number they jumped by, "Citation 5". The
    number is drawn by the style sheet, with no text alternative: the text keeps the official dash alone and a screen
    reader does not hear it twice.
    """
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    for clause in document.iter_clauses():
        if not clause.label and (item := by_id.get(clause.eid)) is not None:
            item.set("data-ordinal", clause.num)


def _place_page_breaks(root: etree._Element, pages: Sequence[PageStart], name: str = "Page {page}") -> None:
    """Insert ``<span epub:type="pagebreak" role="doc-pagebreak" id="page_n" aria-label="Page n"/>`` for every page.

    The marker is named with the language's ``name`` ("Page {page}", "Seite {page}"): a screen reader then says
    "Page 2" where a bare "2" would run into the clause that follows ("2, link, Recital C").

    A page that starts at a list item or a container gets its marker as the element's first child; one that starts
    at a heading or a paragraph, just before it. A page that starts inside a clause (``continues``) gets its marker
    at the end of the clause's own text. An anchor the content document lacks (a part of the PDF only) puts the
    marker just after the previous page's, so the page list keeps one entry per page, in order.
    """
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    previous: etree._Element | None = None
    for start in sorted(pages, key=lambda p: p.page):
        marker = etree.Element(
            f"{{{XHTML}}}span",
            {
                EPUB_TYPE: "pagebreak",
                "role": "doc-pagebreak",
                "id": start.marker_id,
                "aria-label": name.format(page=start.page),
            },
        )
        target = by_id.get(start.eid)
        if target is None:
            if previous is None:
                root.find(f"{{{XHTML}}}body").insert(0, marker)
            else:
                previous.addnext(marker)
        elif start.continues:
            text = next(target.iterfind(f"{{{XHTML}}}span[@class='clause-text']"), target)
            text.append(marker)
        elif etree.QName(target).localname in {"li", "section", "header", "main", "div", "nav", "aside", "body"}:
            target.insert(0, marker)
        else:
            target.addprevious(marker)
        previous = marker


# --- the navigation document ----------------------------------------------------------------------------------------


def toc_entries(document: Document) -> tuple[TocEntry, ...]:
    """The table of contents: the title, each section with its subheadings, every clause and point, and the notes."""

    def clause_entry(clause: Clause) -> TocEntry:
        children = tuple(clause_entry(point) for point in clause.points)
        return TocEntry(clause.spoken_label, f"{CONTENT}#{clause.eid}", children)

    def part_entries(parts: tuple[Part, ...]) -> tuple[TocEntry, ...]:
        entries: list[TocEntry] = []
        for part in parts:
            below = tuple(clause_entry(clause) for clause in part.clauses) + part_entries(part.parts)
            if part.subheading is None:
                entries += below
            else:
                entries.append(TocEntry(part.subheading.text, f"{CONTENT}#{part.subheading.eid}", below))
        return tuple(entries)

    entries = [TocEntry(document.metadata.title, f"{CONTENT}#{PREFACE}")]
    for section in document.sections:
        children = part_entries(section.outline())
        entries.append(TocEntry(section_heading(document, section.kind), f"{CONTENT}#{section.eid}", children))
    if document.footnotes:
        entries.append(TocEntry(words(document)["notes"], f"{CONTENT}#{NOTES}"))
    return tuple(entries)


def nav_document(document: Document, pages: Sequence[PageStart]) -> bytes:
    """``nav.xhtml``: the table of contents, the landmarks and, when there are pages, the page list."""
    w = words(document)
    root = _xhtml_root(document.metadata.language, f"{w['contents']}: {document.metadata.reference}")
    body = _x(root, "body")

    toc = _x(body, "nav", {EPUB_TYPE: "toc", "role": "doc-toc", "id": TOC, "aria-labelledby": heading_eid(TOC)})
    _x(toc, "h1", {"id": heading_eid(TOC)}).text = w["contents"]
    _toc_list(toc, toc_entries(document))

    landmarks = _x(body, "nav", {EPUB_TYPE: "landmarks", "aria-labelledby": heading_eid(LANDMARKS), "hidden": "hidden"})
    _x(landmarks, "h2", {"id": heading_eid(LANDMARKS)}).text = w["landmarks"]
    marks = [("toc", f"{NAV}#{TOC}", w["contents"]), ("bodymatter", f"{CONTENT}#{PREFACE}", document.metadata.title)]
    if document.footnotes:
        marks.append(("endnotes", f"{CONTENT}#{NOTES}", w["notes"]))
    listing = _x(landmarks, "ol")
    for kind, href, text in marks:
        _x(_x(listing, "li"), "a", {EPUB_TYPE: kind, "href": href}).text = text

    if pages:
        page_list = _x(
            body,
            "nav",
            {EPUB_TYPE: "page-list", "role": "doc-pagelist", "aria-labelledby": heading_eid(PAGES), "hidden": "hidden"},
        )
        _x(page_list, "h2", {"id": heading_eid(PAGES)}).text = w["pages"]
        listing = _x(page_list, "ol")
        for start in sorted(pages, key=lambda p: p.page):
            _x(_x(listing, "li"), "a", {"href": f"{CONTENT}#{start.marker_id}"}).text = str(start.page)
    return _serialise(root)


def _toc_list(parent: etree._Element, entries: Sequence[TocEntry]) -> None:
    listing = _x(parent, "ol")
    for entry in entries:
        item = _x(listing, "li")
        _x(item, "a", {"href": entry.href}).text = entry.title
        if entry.children:
            _toc_list(item, entry.children)


def ncx_toc(entries: Sequence[TocEntry]) -> list[Any]:
    """The same table of contents in ebooklib's form, from which it writes ``toc.ncx`` for EPUB 2 reading systems."""
    result: list[Any] = []
    for entry in entries:
        link = epub.Link(entry.href, entry.title, ncx_id(entry.href.partition("#")[2]))
        result.append((link, ncx_toc(entry.children)) if entry.children else link)
    return result


# --- XHTML ----------------------------------------------------------------------------------------------------------


def _xhtml_root(language: str, title: str) -> etree._Element:
    attrs = {"lang": language, XML_LANG: language, "dir": languages.load(language).dir}
    root = etree.Element(f"{{{XHTML}}}html", attrs, nsmap={None: XHTML, "epub": OPS})
    head = _x(root, "head")
    _x(head, "meta", {"charset": "utf-8"})
    _x(head, "title").text = title
    _x(head, "link", {"rel": "stylesheet", "type": "text/css", "href": STYLESHEET})
    return root


def _to_xhtml(element: etree._Element) -> etree._Element:
    """A copy of an HTML element tree (no namespace, as the HTML writer builds it) in the XHTML namespace."""
    copy = etree.Element(f"{{{XHTML}}}{element.tag}", dict(element.attrib))
    copy.text, copy.tail = element.text, element.tail
    for child in element:
        copy.append(_to_xhtml(child))
    return copy


def _x(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    return etree.SubElement(parent, f"{{{XHTML}}}{tag}", attrs or {})


#: HTML's void elements: the only ones written as ``<x/>``; any other empty element gets an end tag, for reading
#: systems that read XHTML as HTML.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


def _serialise(root: etree._Element) -> bytes:
    for element in root.iter():
        if element.text is None and not len(element) and etree.QName(element).localname not in VOID:
            element.text = ""
    return etree.tostring(
        etree.ElementTree(root), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>", pretty_print=True
    )


# --- the package ----------------------------------------------------------------------------------------------------


class XhtmlDocument(epub.EpubHtml):
    """A content document whose XHTML is written here; ebooklib stores it as it is."""

    def get_content(self, default: Any = None) -> bytes:
        return self.content


class NavDocument(epub.EpubNav):
    """The navigation document, written here (ebooklib's own would add a page list of every ``epub:type``)."""

    def get_content(self, default: Any = None) -> bytes:
        return self.content


class EpubWriter(epub.EpubWriter):
    """ebooklib's writer, made reproducible and complete; ``data()`` is the finished EPUB.

    It writes into memory (the caller writes the file atomically), sets ``xml:lang`` on ``<package>``, takes
    ``dcterms:modified`` from ``modified`` and gives every ZIP entry that same time, fixed attributes and the
    order ebooklib writes them in: ``mimetype`` first and stored, then the rest deflated.
    """

    def __init__(self, book: epub.EpubBook, modified: datetime, pages: Sequence[PageStart] = ()) -> None:
        options = {"mtime": modified, "epub2_guide": False, "epub3_landmark": False, "epub3_pages": False}
        super().__init__(io.BytesIO(), book, options | {"compresslevel": 9})
        self.modified = modified
        self.pages = sorted(pages, key=lambda start: start.page)

    def _get_ncx(self) -> bytes:
        """ebooklib's NCX (for EPUB 2 reading systems) with its depth counted, not 0, and the page list the
        navigation document has: a ``pageTarget`` per page of the PDF edition."""
        root = etree.fromstring(super()._get_ncx(), etree.XMLParser(remove_blank_text=True))
        ns = root.nsmap.get(None, "")
        q = (lambda tag: f"{{{ns}}}{tag}") if ns else (lambda tag: tag)
        depth = max(
            (len(list(point.iterancestors(q("navPoint")))) + 1 for point in root.iter(q("navPoint"))), default=0
        )
        counts = {"dtb:depth": depth, "dtb:totalPageCount": len(self.pages), "dtb:maxPageNumber": len(self.pages)}
        for meta in root.iter(q("meta")):
            if meta.get("name") in counts:
                meta.set("content", str(counts[meta.get("name")]))
        if self.pages:
            page_list = etree.SubElement(root, q("pageList"))
            for start in self.pages:
                target = etree.SubElement(
                    page_list,
                    q("pageTarget"),
                    {"id": ncx_id(start.marker_id), "type": "normal", "value": str(start.page)},
                )
                etree.SubElement(etree.SubElement(target, q("navLabel")), q("text")).text = str(start.page)
                etree.SubElement(target, q("content"), {"src": f"{CONTENT}#{start.marker_id}"})
        return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)

    def _get_nav(self, item: epub.EpubNav) -> bytes:
        return item.get_content()

    def write(self) -> None:
        stamp = self.modified.timetuple()[:6] if self.modified.year >= 1980 else (1980, 1, 1, 0, 0, 0)
        self.out = _FixedZip(self.file_name, "w", zipfile.ZIP_DEFLATED, compresslevel=self.options["compresslevel"])
        self.out.date_time = stamp
        self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()

    def data(self) -> bytes:
        """The EPUB's bytes (after ``process()`` and ``write()``)."""
        return self.file_name.getvalue()


class _FixedZip(zipfile.ZipFile):
    """A ZIP file whose entries written by name get a fixed time and fixed attributes, not the clock's.

    Audio is stored, not deflated: it does not compress, and reading systems seek in a stored entry.
    """

    date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: str | bytes,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.date_time)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            stored = zinfo_or_arcname.endswith(STORED_SUFFIXES)
            default = zipfile.ZIP_STORED if stored else self.compression
            info.compress_type = default if compress_type is None else compress_type
            zinfo_or_arcname = info
        level = self.compresslevel if compresslevel is None else compresslevel
        super().writestr(zinfo_or_arcname, data, compress_type, level)
