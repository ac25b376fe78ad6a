"""Write the HTML edition: one standalone, semantic page that meets WCAG 2.2 AA.

The page has a skip link, ``header`` / ``nav`` / ``main`` / ``footer``
landmarks, one heading per section (and one for the formula), and every clause
as a list item whose id is its anchor, its official label as real text heard
once as the spoken label ("Recital A."). The contents are the section links and,
behind a disclosure, a link to every clause. The theme's CSS is inlined: the
page needs no network and no other file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from lxml import etree, html

from publish import formats, languages, manifest
from publish.anchors import (
    ABOUT,
    CONTENTS,
    FORMULA,
    LISTEN,
    LISTEN_WORDS,
    MAIN,
    NOTES,
    PREAMBLE,
    PREFACE,
    TOC,
    VERSIONS,
    footnote_ref_eid,
    heading_eid,
)
from publish.model import (
    Clause,
    Document,
    Metadata,
    Part,
    Section,
    Version,
)
from publish.outputs import write_atomic
from publish.writers.shared import (
    Options,
    document_title,
    output_path,
    pack,
    page_css,
    section_heading,
    theme_css,
    words,
)
from publish.writers.textparts import (
    append_inlines,
    append_spoken,
    el,
    notes_element,
    preface_element,
    section_parts,
    sub,
    subheading_tag,
)

NAME = "html"
SUFFIX = formats.HTML.suffix

#: Links to the other editions, by writer name: (suffix, key of the link text in the language pack, MIME type).
EDITION_LINKS: dict[str, tuple[str, str, str]] = {
    file.edition: (file.suffix, f"edition_{file.edition.replace('-', '_')}", file.media_type)
    for file in (
        formats.PDF,
        formats.PDF_LARGE,
        formats.EPUB,
        formats.AUDIO,
        formats.M4B,
        formats.AKN,
        formats.BRF,
        formats.PEF,
    )
}


def linked_editions(document: Document, options: Options) -> list[str]:
    """The editions the page links, in build order: those built beside it, each followed by the other linked files
    its writer makes that are no edition of their own (the braille writer's PEF beside its BRF); not the BRF where
    the language pack says its braille table makes eight-dot cells (``braille_brf: false``: the PEF alone)."""
    unwritten = set() if pack(document).braille_brf else {formats.BRF.edition}
    names: list[str] = []
    for name in options.formats:
        writer = formats.BY_EDITION[name].writer if name in formats.BY_EDITION else name
        companions = [f.edition for f in formats.FILES if f.writer == writer and f.edition not in options.formats]
        names += [n for n in (name, *companions) if n in EDITION_LINKS and n not in names]
    return [n for n in names if n not in unwritten]


def write(document: Document, out_dir: Path, options: Options) -> list[Path]:
    """Write ``<out_dir>/<name>.html`` and record each clause's link in the manifest; return the paths written."""
    path = write_atomic(output_path(document, out_dir, SUFFIX), render(document, options))
    links = {clause.eid: {"href": f"{path.name}#{clause.eid}"} for clause in document.iter_clauses()}
    manifest.record(out_dir, NAME, {"file": path.name}, links)
    return [path]


def render(document: Document, options: Options) -> bytes:
    """The page as UTF-8 bytes."""
    root = page(document, options)
    text = html.tostring(root, doctype="<!DOCTYPE html>", encoding="utf-8", method="html", pretty_print=True)
    # libxml2's HTML serializer knows HTML 4's void elements only and closes the player's <track> (a void element in
    # HTML: "Stray end tag" to the Nu checker); the element is always empty, so its end tag is simply dropped.
    return text.replace(b"></track>", b">")


def page(document: Document, options: Options) -> html.HtmlElement:
    """The page as an element tree."""
    meta = document.metadata
    w = words(document)
    root = el("html", lang=meta.language, dir=pack(document).dir)
    head = sub(root, "head")
    sub(head, "meta", charset="utf-8")
    sub(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    sub(head, "title").text = document_title(document)
    sub(
        head,
        "meta",
        name="description",
        content=f"{meta.doc_type} {meta.reference}{_procedure(meta)}, {meta.issued_by}.",
    )
    sub(head, "meta", name="color-scheme", content="light dark")
    for name in linked_editions(document, options):
        suffix, _, mime = EDITION_LINKS[name]
        sub(head, "link", rel="alternate", type=mime, href=f"{document.name}{suffix}")
    for version in document.versions:
        if version.name != document.name:
            sub(head, "link", rel="alternate", hreflang=version.language, href=version_href(version))
    sub(head, "style").text = "\n" + theme_css(options)

    body = sub(root, "body")
    sub(body, "a", {"class": "skip-link", "href": f"#{MAIN}"}).text = w["skip"]
    body.append(preface_element(document))
    if len(document.versions) > 1:
        body.append(versions_element(document, w))
    body.append(contents_element(document, w))
    if formats.AUDIO.edition in options.formats:
        body.append(listen_element(document, w))
    main = sub(body, "main", id=MAIN, tabindex="-1")
    preamble = sub(main, "div", id=PREAMBLE)
    # The formula opens the text (citations, recitals and paragraphs all continue its sentence): a heading, so that
    # heading navigation reaches it between the contents and the citations.
    sub(preamble, "h2", {"class": "formula", "id": FORMULA}).text = document.formula
    for section in document.sections:
        target = main if section.eid == "body" else preamble
        target.append(section_element(document, section, w))
    if document.footnotes:
        main.append(notes_element(document, w))
    body.append(footer_element(document, options, w))
    if len(document.versions) > 1:
        sub(body, "script").text = SAME_CLAUSE_SCRIPT
    if formats.AUDIO.edition in options.formats:
        sub(body, "script").text = "\n" + READ_ALONG_SCRIPT.read_text(encoding="utf-8")
    return root


#: Following a link to another language version keeps the clause the reader is at (``#para_3``); without script
#: the link leads to the top of the other version.
SAME_CLAUSE_SCRIPT = """
document.querySelectorAll("nav.versions a[hreflang]").forEach(function (link) {
  link.addEventListener("click", function () { if (location.hash) { link.hash = location.hash; } });
});
"""


#: The read-along script (highlight the clause being spoken, listen from any clause), inlined after the text.
READ_ALONG_SCRIPT = Path(__file__).with_name("readalong.js")


def listen_element(document: Document, w: dict[str, str]) -> etree._Element:
    """The audio edition as a plain player: ``<audio controls>``, the captions as its ``<track>``, a download link.

    Without script this is all there is. The read-along script (:data:`READ_ALONG_SCRIPT`) reads the cues' times
    through the track and adds a "Listen from" button to each clause, named from the words in the data block here.
    """
    audio_file = formats.AUDIO.name(document.name)
    section = el("section", {"id": LISTEN, "class": "listen", "aria-labelledby": heading_eid(LISTEN)})
    sub(section, "h2", id=heading_eid(LISTEN)).text = w["listen"]
    audio = sub(section, "audio", controls="", preload="metadata", src=audio_file)
    track = {"kind": "captions", "src": formats.CAPTIONS.name(document.name), "default": ""}
    sub(audio, "track", track, srclang=document.metadata.language, label=pack(document).name)
    download = sub(section, "p", {"class": "listen-download"})
    sub(download, "a", href=audio_file, type=formats.AUDIO.media_type, download="").text = w["download_audio"]
    names = {clause.eid: w["listen_from"].format(label=clause.spoken_label) for clause in document.iter_clauses()}
    data = json.dumps({"names": names, "buttons": w["listen_buttons"]}, ensure_ascii=False)
    sub(section, "script", type="application/json", id=LISTEN_WORDS).text = data.replace("</", "<\\/")
    return section


def version_href(version: Version) -> str:
    """The link from one language version's page to another's: ``../<name>/<name>.html``."""
    return f"../{version.name}/{version.name}{SUFFIX}"


def versions_element(document: Document, w: dict[str, str]) -> etree._Element:
    """The language switcher: each other language version, named in its own language."""
    nav = el("nav", {"class": "versions", "aria-labelledby": heading_eid(VERSIONS)})
    sub(nav, "h2", {"id": heading_eid(VERSIONS), "class": "versions-heading"}).text = w["languages"]
    listing = sub(nav, "ul", {"role": "list"})
    for version in document.versions:
        if version.name != document.name:
            name = languages.load(version.language).name
            attrs = {"href": version_href(version), "hreflang": version.language, "lang": version.language}
            sub(sub(listing, "li"), "a", attrs).text = name
    return nav


def contents_element(document: Document, w: dict[str, str]) -> etree._Element:
    """The contents: a link to each section, then every clause's link as a chip, behind a closed disclosure.

    Closed, the clause index costs a screen reader one phrase and a keyboard one Tab stop (open, it is 40 links in
    the seed); the section links stay in view.
    """
    nav = el("nav", {"class": "toc", "aria-labelledby": heading_eid(CONTENTS)})
    sub(nav, "h2", id=heading_eid(CONTENTS)).text = w["contents"]
    sections = sub(nav, "ol", {"class": "toc-sections", "role": "list"})
    for section in document.sections:
        sub(sub(sections, "li"), "a", href=f"#{section.eid}").text = section_heading(document, section.kind)
    index = sub(nav, "details", {"class": "toc-index"})
    sub(index, "summary").text = w["all_clauses"]
    groups = sub(index, "ol", {"class": "toc-groups", "role": "list"})
    for section in document.sections:
        group = sub(groups, "li")
        sub(group, "span", {"class": "toc-group"}).text = section_heading(document, section.kind)
        _contents_parts(sub(group, "ol", {"class": "toc-clauses", "role": "list"}), section.outline())
    return nav


def _contents_parts(listing: etree._Element, parts: tuple[Part, ...]) -> None:
    """Links to the clauses of ``parts``; a subheading's as a list of its own below the link to the subheading."""
    for part in parts:
        if part.subheading is None:
            _contents_links(listing, part.clauses)
            continue
        entry = sub(listing, "li", {"class": "toc-subheading"})
        append_inlines(sub(entry, "a", href=f"#{part.subheading.eid}"), part.subheading.content)
        below = sub(entry, "ol", {"class": "toc-clauses", "role": "list"})
        _contents_links(below, part.clauses)
        _contents_parts(below, part.parts)


def _contents_links(listing: etree._Element, clauses: tuple[Clause, ...]) -> None:
    for clause in clauses:
        # The visible chip shows the bare label; the hidden words make the link's name the spoken label.
        link = sub(sub(listing, "li"), "a", href=f"#{clause.eid}")
        append_spoken(link, *_label_in(clause.spoken_label, clause.label.removesuffix(".") or clause.num))


def _label_in(spoken: str, bare: str) -> tuple[str, str, str]:
    """A spoken label cut around its label, wherever the language puts it: "Recital" "A" "",
    "" "A" "preambulumbekezdés", "" "3." "bekezdés", "Johdanto-osan" "A" "kappale"; else around its last word."""
    words = spoken.split(" ")
    at = next((i for i in range(len(words) - 1, -1, -1) if words[i] in (bare, f"{bare}.")), len(words) - 1)
    return " ".join(words[:at]), words[at], " ".join(words[at + 1 :])


def section_element(document: Document, section: Section, w: dict[str, str]) -> etree._Element:
    heading_id = heading_eid(section.eid)
    element = el("section", {"id": section.eid, "class": section.kind.value, "aria-labelledby": heading_id})
    sub(element, "h2", id=heading_id).text = section_heading(document, section.kind)
    for part in section_parts(section):
        element.append(part)
    back = sub(element, "p", {"class": "back"})
    sub(back, "a", href=f"#{heading_eid(CONTENTS)}").text = w["back"]
    return element


def footer_element(document: Document, options: Options, w: dict[str, str]) -> etree._Element:
    meta = document.metadata
    footer = el("footer")
    sub(footer, "h2", id=heading_eid(ABOUT)).text = w["about"]
    procedure = f", {w['procedure'].lower()} {meta.procedure}" if meta.procedure else ""
    sub(footer, "p").text = f"{meta.doc_type} {meta.reference}{procedure}, {meta.issued_by}."
    editions = linked_editions(document, options)
    if editions:
        sub(footer, "h3").text = w["formats"]
        listing = sub(footer, "ul", {"class": "editions"})
        for name in editions:
            suffix, key, mime = EDITION_LINKS[name]
            sub(sub(listing, "li"), "a", href=f"{document.name}{suffix}", type=mime).text = w[key]
    return footer


def _procedure(meta: Metadata) -> str:
    """ " (2022/2700(RSP))" after the reference, or "" for a document without a procedure."""
    return f" ({meta.procedure})" if meta.procedure else ""


# --- print flavour: the page the PDF editions are rendered from --------------------------------------------------
#
# Paged media need flatter markup than the screen page: WeasyPrint emits an element that crosses a page break once
# per page (upstream issue #2903), so the print page has no wrapper elements at all (h1, h2 and p directly in the
# body), every clause is one paragraph with its label typed as text, and hard-hyphenated compounds are kept on one
# line (poppler drops a hyphen at a line end). The ids are the same anchors as on the screen page.

#: Typed label of clauses that carry none (citations, indents).
DASH = "–"
_COMPOUND = re.compile(r"\w+(?:-\w+)+")


def print_page(document: Document, options: Options, flavour: str = "print") -> html.HtmlElement:
    """The page for paged media, styled by ``themes/<theme>-<flavour>.css`` (``print`` or ``large-print``).

    The large-print flavour is the print theme with the large-print theme on top of it.
    """
    meta = document.metadata
    w = words(document)
    root = el("html", lang=meta.language, dir=pack(document).dir)
    head = sub(root, "head")
    sub(head, "meta", charset="utf-8")
    sub(head, "title").text = document_title(document)
    sub(head, "meta", name="description", content=f"{meta.doc_type} {meta.reference}{_procedure(meta)}")
    sub(head, "meta", name="author", content=meta.issued_by)
    if meta.date:
        sub(head, "meta", name="dcterms.created", content=meta.date)
    css = theme_css(options, "print")
    if flavour != "print":
        css += "\n" + theme_css(options, flavour)
    css += "\n" + page_css(document)
    sub(head, "style").text = "\n" + css

    body = sub(root, "body", {"class": flavour})
    sub(body, "p", {"class": "doc-type", "id": PREFACE}).text = f"{meta.doc_type} · {meta.issued_by}"
    sub(body, "p", {"class": "reference"}).text = meta.reference
    sub(body, "h1").text = meta.title
    if meta.procedure:
        sub(body, "p", {"class": "procedure"}).text = f"({meta.procedure})"
    body.extend(print_contents(document, w))
    formula = sub(body, "p", {"class": "formula", "id": PREAMBLE})
    sub(formula, "span", id=FORMULA).text = document.formula
    for section in document.sections:
        sub(body, "h2", id=section.eid).text = section_heading(document, section.kind)
        for subheading, clauses in section.groups():
            if subheading is not None:
                heading = sub(body, subheading_tag(subheading), {"id": subheading.eid, "class": "subheading"})
                append_inlines(heading, subheading.content)
            for clause in clauses:
                for element in print_clause(clause, headed=subheading.level if subheading else 0):
                    body.append(element)
    if document.footnotes:
        sub(body, "h2", {"id": NOTES, "class": "notes"}).text = w["notes"]
        for note in document.footnotes:
            item = sub(body, "p", {"class": "note", "id": note.eid})
            back = sub(item, "a", {"class": "note-number", "href": f"#{footnote_ref_eid(note.number)}"})
            back.text, back.tail = f"{note.number}.", " "
            append_inlines(item, note.content)
            _keep_compounds(item)
    return root


def print_contents(document: Document, w: dict[str, str]) -> list[etree._Element]:
    """The PDF's contents: a heading, then a list with an item per section (and one for the notes): a link to the
    section, then a link to each of its clauses, points included, showing the clause's bare label.

    The bare label is the label without its full stop ("A", "3", "(a)"), a citation's number, or for a point without
    a label (an indent) the print dash. The PDF writer names each such link by its spoken label ("Recital A"). The
    labels are a list in words, "Recitals: A, B, C": WeasyPrint paints no text box that is only a space, so without
    the punctuation the labels would have no space between them in the content stream ("ABC" to a text extractor).
    """
    heading = el("h2", {"id": heading_eid(TOC), "class": "toc-heading"})
    heading.text = w["contents"]
    listing = el("ol", {"id": TOC, "class": "toc"})
    for section in document.sections:
        item = sub(listing, "li")
        heading_link = sub(item, "a", {"class": "toc-section", "href": f"#{section.eid}"})
        heading_link.text = section_heading(document, section.kind)
        for top in section.clauses:
            for clause in top.walk():
                item[-1].tail = ", " if len(item) > 1 else ": "
                link = sub(item, "a", {"class": "toc-clause", "href": f"#{clause.eid}"})
                link.text = clause.label.removesuffix(".") or (clause.num if clause is top else DASH)
    if document.footnotes:
        sub(sub(listing, "li"), "a", {"class": "toc-section", "href": f"#{NOTES}"}).text = w["notes"]
    return [heading, listing]


def print_clause(clause: Clause, depth: int = 0, headed: int = 0) -> list[etree._Element]:
    """A clause and its points as flat paragraphs, each with its label typed first; ``depth`` is the nesting.

    ``headed`` is the level of the subheading the clause stands under (0 for none): as many levels deeper in the
    PDF's outline (classes ``headed-1``, ``headed-2``).
    """
    classes = f"clause {clause.kind.value} depth-{depth}" + (f" headed-{headed}" if headed else "")
    element = el("p", {"id": clause.eid, "class": classes, "data-label": clause.spoken_label})
    label = sub(element, "span", {"class": "label"})
    label.text, label.tail = clause.label or DASH, " "
    append_inlines(element, clause.content)
    _keep_compounds(element)
    elements = [element]
    for point in clause.points:
        elements += print_clause(point, depth + 1, headed)
    return elements


def _keep_compounds(element: etree._Element) -> None:
    """Wrap hard-hyphenated compounds ("re-education") of ``element``'s own text in ``span.nw``, recursively."""
    for child in list(element):
        if child.get("class") != "nw":
            _keep_compounds(child)
    element.text = _split_compounds(element, element.text, 0)
    for child in list(element):
        child.tail = _split_compounds(element, child.tail, element.index(child) + 1)


def _split_compounds(parent: etree._Element, text: str | None, index: int) -> str | None:
    """Move the compounds of ``text`` (at child position ``index`` of ``parent``) into spans; return the lead text."""
    if not text or not _COMPOUND.search(text):
        return text
    pieces = _COMPOUND.split(text)
    compounds = _COMPOUND.findall(text)
    for offset, (compound, tail) in enumerate(zip(compounds, pieces[1:], strict=True)):
        span = el("span", {"class": "nw"})
        span.text, span.tail = compound, tail
        parent.insert(index + offset, span)
    return pieces[0]
