"""Read every built output back with parsers independent of the writers: anchors, labels, places and words.

* HTML with lxml's HTML parser; EPUB unzipped and parsed as XML (container, package, spine, navigation
  document, SMIL media overlays when the package has them);
* PDF with pikepdf (named destinations, outline) and poppler's ``pdftotext`` (words), through
  :class:`publish.check.pdfread.PdfReading`;
* MP3 chapters with mutagen and WebVTT cues with webvtt-py, through :mod:`publish.check.audio`.

Nothing here knows what the source says: :mod:`publish.check.compare` holds the reading up against it.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from lxml import etree, html

from publish.check import audio
from publish.check.pdfread import PdfReading

OPS = "http://www.idpf.org/2007/ops"
NAMESPACES = {"x": "http://www.w3.org/1999/xhtml", "epub": OPS}
#: The navigation document's table of contents.
TOC = "//x:nav[contains(concat(' ', normalize-space(@epub:type), ' '), ' toc ')]"
SMIL_TYPE = "application/smil+xml"

#: Elements left out of the words of an HTML or EPUB page: page chrome, not the resolution's text.
#: ``visually-hidden``: the words only a screen reader hears (a clause label's "Recital", the title's colon).
CHROME_CLASSES = ("doc-type", "back", "note-back", "visually-hidden")
#: The label a page shows for a clause that has none (a citation, an indent).
NO_LABEL = "–"


@dataclass(frozen=True, slots=True)
class Anchor:
    """One anchor as a format carries it, with the labels it shows there (``None``: the format shows none)."""

    id: str
    label: str | None = None
    """The official label as printed ("A.", "(a)", "" for a citation)."""
    spoken: str | None = None
    """The spoken label it is named by ("Recital A")."""
    caption: str | None = None
    """The caption it is heard with, which starts with its spoken label and a full stop ("Recital A. whereas …")."""
    also: tuple[str, ...] = ()
    """Other anchors at the very same place (a PDF bookmark opens a place, which several names may share)."""
    resolved: bool = True
    """False for a PDF bookmark that opens a place no named destination marks (the title's): no anchor at all."""


@dataclass(frozen=True, slots=True)
class Channel:
    """One way a format carries anchors: the HTML's clause ids, the PDF's outline, the MP3's chapters …"""

    name: str
    anchors: tuple[Anchor, ...]
    present: bool = True
    """False when the format has no such thing (an EPUB without media overlays): nothing to compare."""


@dataclass
class Reading:
    """One output file read back: its anchor channels, its words, and where each anchor is in it."""

    format: str
    path: Path
    channels: list[Channel] = field(default_factory=list)
    words: list[str] | None = None
    places: dict[str, str | int] = field(default_factory=dict)
    """Per anchor: the HTML or EPUB link, the PDF page (1-based) or the audio start (ms)."""


# --- HTML and EPUB pages --------------------------------------------------------------------------------------------


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def clause_anchors(root: etree._Element) -> list[Anchor]:
    """The clause list items of a page (``li.clause``) in document order, with the labels they show and are heard by.

    The label is the item's ``.clause-label`` child: shown, its text without the visually hidden words (a dash for
    none); heard, its text without what is hidden from screen readers, a final full stop aside ("Recital A." is
    heard as the spoken label "Recital A"), or the ``aria-label`` of a label that is a link named by it.
    """
    anchors = []
    for item in root.xpath(f"//*[local-name()='li'][{_has_class('clause')}]"):
        labels = item.xpath(f"*[{_has_class('clause-label')}]")
        if not labels:
            anchors.append(Anchor(item.get("id") or "", None, None))
            continue
        shown = _text(labels[0], f"descendant::*[{_has_class('visually-hidden')}]")
        heard = _text(labels[0], "descendant::*[@aria-hidden='true']")
        spoken = labels[0].get("aria-label") or heard.removesuffix(".")
        anchors.append(Anchor(item.get("id") or "", "" if shown == NO_LABEL else shown, spoken))
    return anchors


def _text(element: etree._Element, leave_out: str) -> str:
    """The text of ``element`` without the elements the XPath ``leave_out`` selects in it, spaces normalised."""
    copy = deepcopy(element)
    for left in copy.xpath(leave_out):
        _drop(left)
    return " ".join("".join(copy.itertext()).split())


#: Elements a browser lays out as blocks, among those our pages use.
BLOCKS = frozenset({"p", "li", "ol", "ul", "div", "section", "header", "footer", "nav", "main", "h1", "h2", "h3"})


def page_words(root: etree._Element) -> list[str]:
    """The words of a page's preface (``#preface``) and main content, without section headings, back links and
    chrome."""
    copy = deepcopy(root)
    chrome = " or ".join(_has_class(name) for name in CHROME_CLASSES)
    headings = "//*[local-name()='main']//*[local-name()='section']/*[local-name()='h2']"
    for element in copy.xpath(f"//*[{chrome}] | {headings}"):
        _drop(element)
    for element in copy.iter():  # a block ends a word where a browser or reading system breaks the line
        if isinstance(element.tag, str) and etree.QName(element).localname in BLOCKS:
            element.text, element.tail = " " + (element.text or ""), " " + (element.tail or "")
    parts = ["".join(e.itertext()) for e in copy.xpath("//*[@id='preface'] | //*[local-name()='main']")]
    return " ".join(parts).split()


def _drop(element: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent, previous, tail = element.getparent(), element.getprevious(), element.tail or ""
    if parent is None:
        return
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def read_html(path: Path) -> Reading:
    """The HTML page: its clause ids with their labels, its words, and a link per clause."""
    root = html.parse(str(path)).getroot()
    anchors = clause_anchors(root)
    return Reading(
        "html",
        path,
        [Channel("clause ids", tuple(anchors))],
        page_words(root),
        {a.id: f"{path.name}#{a.id}" for a in anchors if a.id},
    )


@dataclass
class Package:
    """An EPUB's package read from the ZIP: the documents in linear spine order, the nav document, the overlays."""

    path: Path
    files: dict[str, bytes]
    spine: list[str]
    nav: str | None
    overlays: list[str]

    @classmethod
    def open(cls, path: Path) -> Package:
        with zipfile.ZipFile(path) as z:
            files = {name: z.read(name) for name in z.namelist()}
        container = etree.fromstring(files["META-INF/container.xml"])
        opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        opf = etree.fromstring(files[opf_path])
        base = posixpath.dirname(opf_path)
        items = {item.get("id"): item for item in opf.xpath("//*[local-name()='manifest']/*[local-name()='item']")}

        def href(item: etree._Element) -> str:
            return posixpath.normpath(posixpath.join(base, item.get("href", "")))

        spine = [
            href(items[ref.get("idref")])
            for ref in opf.xpath("//*[local-name()='spine']/*[local-name()='itemref']")
            if ref.get("linear", "yes") != "no" and ref.get("idref") in items
        ]
        navs = [href(i) for i in items.values() if "nav" in (i.get("properties") or "").split()]
        overlays = [href(i) for i in items.values() if i.get("media-type") == SMIL_TYPE]
        return cls(path, files, spine, navs[0] if navs else None, overlays)

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    def resolve(self, href: str, relative_to: str) -> tuple[str, str]:
        """(document in the package, fragment) of an ``href`` found in ``relative_to``."""
        file, _, fragment = href.partition("#")
        name = posixpath.normpath(posixpath.join(posixpath.dirname(relative_to), file)) if file else relative_to
        return name, fragment


def read_epub(path: Path) -> Reading:
    """The EPUB: clause ids of its content in spine order, its table of contents, its SMIL text targets, its words."""
    package = Package.open(path)
    anchors: list[Anchor] = []
    words: list[str] = []
    places: dict[str, str | int] = {}
    for name in package.spine:
        root = package.xml(name)
        found = clause_anchors(root)
        anchors += found
        words += page_words(root)
        places.update({a.id: f"{name}#{a.id}" for a in found if a.id and a.id not in places})
    channels = [Channel("content ids", tuple(anchors)), Channel("nav targets", tuple(_toc(package)))]
    if package.overlays:
        targets = [
            Anchor(package.resolve(src, overlay)[1])
            for overlay in package.overlays
            for src in package.xml(overlay).xpath("//*[local-name()='text']/@src")
        ]
        channels.append(Channel("SMIL text targets", tuple(targets)))
    else:
        channels.append(Channel("SMIL text targets", (), present=False))
    return Reading("epub", path, channels, words, places)


def _toc(package: Package) -> Iterator[Anchor]:
    """The table of contents' links (``nav[epub:type~=toc]``): each target's fragment, named by the link's text."""
    if package.nav is None:
        return
    nav = package.xml(package.nav)
    for link in nav.xpath(f"{TOC}//x:a[@href]", namespaces=NAMESPACES):
        name = " ".join("".join(link.itertext()).split())
        yield Anchor(package.resolve(link.get("href"), package.nav)[1], spoken=name)


# --- PDF ------------------------------------------------------------------------------------------------------------


def read_pdf(path: Path, fmt: str = "pdf") -> Reading:
    """A PDF: named destinations in page order, outline entries (by the destination at their place), words."""
    with PdfReading(path) as reading:
        destinations = reading.destinations
        ordered = sorted(destinations, key=lambda name: (destinations[name][0], -destinations[name][1]))
        outline = list(_outline(reading))
        contents = tuple(_contents_links(reading))
        words = reading.words()
    return Reading(
        fmt,
        path,
        [
            Channel("named destinations", tuple(Anchor(name) for name in ordered)),
            Channel("outline", tuple(outline)),
            Channel("contents links", contents),
        ],
        words,
        {name: destinations[name][0] + 1 for name in ordered},
    )


def _outline(reading: PdfReading) -> Iterator[Anchor]:
    """Each bookmark as the named destination at the place it opens (its title as the spoken label).

    A bookmark may target a place directly (``[page /XYZ x y z]``) or by name; either way its anchor is the named
    destination at that page and height (the others there in ``also``); a bookmark at no destination's place reads
    as ``(page n at y=…)``.
    """
    at: dict[tuple[int, float], list[str]] = {}
    for name, (page, top) in reading.destinations.items():
        at.setdefault((page, round(top, 2)), []).append(name)
    outlines = reading.pdf.Root.get("/Outlines")
    stack = [outlines.get("/First")] if outlines is not None else []
    while stack:
        item = stack.pop()
        if item is None:
            continue
        place = _bookmark_place(reading, item.get("/Dest"))
        names = sorted(at.get(place, [])) if place else []
        title = str(item.get("/Title", ""))
        if names:
            yield Anchor(names[0], spoken=title, also=tuple(names[1:]))
        else:
            where = f"(page {place[0] + 1} at y={place[1]})" if place else "(no destination)"
            yield Anchor(where, spoken=title, resolved=False)
        stack.append(item.get("/Next"))
        stack.append(item.get("/First"))  # popped first: children before the next sibling


def _contents_links(reading: PdfReading) -> Iterator[Anchor]:
    """The links of the contents, the structure tree's first list (``L``) after the title block, in order: each
    ``Link`` element as its annotation's target, named by its ``/Contents``; a target the file has no named
    destination for reads as ``(no destination …)``."""
    top = reading.structure.kids[0].kids if reading.structure.kids else []
    contents = next((node for node in top if node.type == "L"), None)
    links = {link.objnum: link for link in reading.links}
    for node in contents.walk() if contents is not None else ():
        found = [links[objnum] for objnum in node.annotations if objnum in links] if node.type == "Link" else []
        if found and found[0].target in reading.destinations:
            yield Anchor(found[0].target, spoken=found[0].contents)
        elif found:
            yield Anchor(f"(no destination {found[0].target})", spoken=found[0].contents, resolved=False)


def _bookmark_place(reading: PdfReading, dest: object) -> tuple[int, float] | None:
    if isinstance(dest, pikepdf.String | pikepdf.Name):
        found = reading.destinations.get(str(dest))
        return (found[0], round(found[1], 2)) if found else None
    if isinstance(dest, pikepdf.Array) and len(dest) >= 4:
        page = next((i for i, p in enumerate(reading.pdf.pages) if p.obj.objgen == dest[0].objgen), None)
        return (page, round(float(dest[3]), 2)) if page is not None else None
    return None


# --- audio ----------------------------------------------------------------------------------------------------------


def read_mp3(path: Path) -> Reading:
    """The MP3's ID3 chapters (CHAP element ids with their titles, in file order) and where each starts."""
    chapters, _ = audio.id3_chapters(path)
    anchors = tuple(Anchor(c.id, spoken=c.title) for c in chapters)
    return Reading("mp3", path, [Channel("chapter ids", anchors)], None, {c.id: c.start for c in chapters})


def read_m4b(path: Path) -> Reading:
    """The audiobook: MP4 chapters carry titles, not anchors, so it has no anchor channel; its chapters are held to
    the units and to the MP3's by the audiobook gate (:func:`publish.check.audio.m4b_gate`)."""
    audio.ffprobe_chapters(path)  # a file ffprobe cannot read fails here, as a finding of the read-back
    return Reading("m4b", path)


def read_vtt(path: Path) -> Reading:
    """The WebVTT cues (parsed strictly): their ids, the spoken label each caption starts with, and the words."""
    cues = audio.webvtt_cues(path)
    anchors = tuple(Anchor(c.id, caption=" ".join(c.text.split())) for c in cues)
    words = [word for cue in cues for word in cue.text.split()]
    return Reading("vtt", path, [Channel("cue ids", anchors)], words, {c.id: c.start for c in cues})


def joined(parts: Iterable[str]) -> str:
    """Words joined for a message."""
    return " ".join(parts)
