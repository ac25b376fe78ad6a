"""Write the braille edition: ``<name>.brf`` (Braille Ready Format) and ``<name>.pef`` (Portable Embosser Format).

The text is the model's (each clause's label and text; nothing is parsed again), translated by liblouis with the
table the document's language pack names (``braille_table``: Unified English Braille grade 2, ``en-ueb-g2.ctb``,
for English; the contracted table where liblouis has one, else an uncontracted one; a dash or hyphen the table
lacks as ⠤, :mod:`publish.brailledash`) and laid out by
:mod:`publish.writers.brailleparts` on pages of 40 cells by 25 lines. Both files hold the very same pages:

* the BRF in North American Braille ASCII (liblouis's ``en-us-brf.dis``), lines ending CR LF and a form feed
  between pages, as braille displays, notetakers and embosser drivers read it; its ASCII stands for six-dot cells,
  so a text whose table makes eight-dot cells (liblouis's Maltese and Romanian tables are eight-dot computer
  braille; their packs say ``braille_brf: false``) gets no BRF, and the manifest says why (a table that makes
  them though its pack does not say so is an error);
* the PEF as Unicode braille in XML (PEF 2008-1), with its ``dc:`` metadata, the table and liblouis's version in
  an element of the project's namespace, and on the row where each clause begins that clause's anchor
  (``pub:eid``, an attribute of another namespace, which PEF allows on rows) — the file for any language.

The title page and the PEF's metadata say what the edition is: an automatic translation, not proofread by a braille
transcriber. ``anchors.json`` records each clause's braille page (the body's page number as printed) and line.
"""

from __future__ import annotations

import logging
from pathlib import Path

from lxml import etree

from publish import brailledash, formats, manifest
from publish.errors import EditionError
from publish.model import Document
from publish.outputs import write_atomic
from publish.writers import brailleparts, louis
from publish.writers.brailleparts import CELLS, LINES, Layout
from publish.writers.shared import Options, document_title, output_path, pack, words

NAME = "braille"
PEF_NS = "http://www.daisy.org/ns/2008/pef"
DC_NS = "http://purl.org/dc/elements/1.1/"
#: The project's namespace in the PEF: the translation's facts in the head, clause anchors on rows.
PUB_NS = "urn:x-publish:braille"
PEF_MEDIA_TYPE = formats.PEF.media_type

progress = logging.getLogger("publish.progress")


def write(document: Document, out_dir: Path, options: Options) -> list[Path]:
    """Write the PEF, and the BRF unless the language pack says its table makes eight-dot cells (``braille_brf:
    false``) or the text needs an eight-dot cell (a BRF an earlier build left is removed then), and record each
    clause's page and line in the manifest."""
    language = pack(document)
    table = language.braille_table
    version = louis.version()
    notice = f"{words(document)['braille_notice']} liblouis {version}, {table}."
    translate = brailledash.dashed(lambda texts: louis.translate(table, texts))
    laid = brailleparts.layout(document, translate, notice)
    pef = render_pef(document, laid, table, version)
    brf, why = None, None
    try:
        brf = render_brf(laid)
    except EditionError as error:
        # A six-dot table can still write a character of another script in eight dots (a name in a foreign
        # alphabet): the PEF keeps it, and the edition goes without its BRF rather than fail (the page links
        # the BRF by the pack, so such a document's link finds no file: README, Braille).
        why = str(error)
        if language.braille_brf:
            progress.warning("%s: braille: no BRF although the %s pack expects one: %s", document.name,
                             language.code, why)  # fmt: skip
    if not language.braille_brf:
        brf, why = None, why or f"the {language.code} language pack says braille_brf: false"
    pef_path = write_atomic(output_path(document, out_dir, formats.PEF.suffix), pef)
    written = [pef_path]
    brf_path = output_path(document, out_dir, formats.BRF.suffix)
    if brf is None:  # the PEF alone holds the edition
        progress.info("%s: braille: no BRF: %s", document.name, why)
        brf_path.unlink(missing_ok=True)
    else:
        written.insert(0, write_atomic(brf_path, brf))
    facts = {
        "file": None if brf is None else brf_path.name,
        **({"no_brf": why} if why else {}),
        "pef": pef_path.name,
        "table": table,
        "liblouis": version,
        "cells": CELLS,
        "lines": LINES,
        "pages": len(laid.pages),
        "preliminary_pages": len(laid.preliminary),
        "proofread": False,
    }
    places = {eid: {"page": page, "line": line} for eid, (page, line) in laid.places.items()}
    manifest.record(out_dir, NAME, facts, places)
    return written


def render_brf(laid: Layout) -> bytes:
    """The BRF: every page's 25 lines in Braille ASCII, trailing blanks dropped, CR LF line ends, a form feed
    between pages."""
    ascii_of = louis.brf_ascii()
    pages = []
    printed = [f"{brailleparts.PRELIMINARY}{n}" for n in range(1, len(laid.preliminary) + 1)]
    printed += [str(n) for n in range(1, len(laid.body) + 1)]
    for page, page_number in zip(laid.pages, printed, strict=True):
        lines = []
        for number, cells in enumerate(brailleparts.lines_of(page), 1):
            try:
                lines.append("".join(ascii_of[cell] for cell in cells).rstrip(" "))
            except KeyError as error:
                cell = str(error.args[0])
                raise EditionError(
                    f"braille page {page_number}, line {number}: the cell U+{ord(cell):04X} has dots 7 or 8, which"
                    " Braille ASCII (BRF) cannot hold",
                    "the language's braille table makes eight-dot cells; its PEF could hold them",
                ) from None
        pages.append("".join(f"{line}\r\n" for line in lines))
    return "\f".join(pages).encode("ascii")


def render_pef(document: Document, laid: Layout, table: str, version: str) -> bytes:
    """The PEF 2008-1 document: metadata, one volume of two sections (preliminary pages, body), 25 rows a page."""
    meta = document.metadata
    pef = etree.Element(f"{{{PEF_NS}}}pef", nsmap={None: PEF_NS, "dc": DC_NS, "pub": PUB_NS}, version="2008-1")
    head_meta = etree.SubElement(etree.SubElement(pef, f"{{{PEF_NS}}}head"), f"{{{PEF_NS}}}meta")

    def dc(name: str, text: str) -> None:
        etree.SubElement(head_meta, f"{{{DC_NS}}}{name}").text = text

    dc("format", PEF_MEDIA_TYPE)
    dc("identifier", f"{meta.reference} braille {table}")
    dc("title", document_title(document))
    dc("creator", meta.issued_by)
    dc("language", meta.language)
    if meta.date:
        dc("date", meta.date)
    dc("description", f"{words(document)['braille_notice']} liblouis {version}, {table}.")
    dc("source", meta.reference)
    etree.SubElement(
        head_meta, f"{{{PUB_NS}}}translation", table=table, translator=f"liblouis {version}", proofread="false"
    )
    volume = etree.SubElement(
        etree.SubElement(pef, f"{{{PEF_NS}}}body"),
        f"{{{PEF_NS}}}volume",
        cols=str(CELLS),
        rows=str(LINES),
        rowgap="0",
        duplex="false",
    )
    for pages in (laid.preliminary, laid.body):
        section = etree.SubElement(volume, f"{{{PEF_NS}}}section")
        for page in pages:
            element = etree.SubElement(section, f"{{{PEF_NS}}}page")
            for index, cells in enumerate(brailleparts.lines_of(page)):
                row = etree.SubElement(element, f"{{{PEF_NS}}}row")
                row.text = cells.rstrip(louis.BLANK) or None
                if index in page.anchors:
                    row.set(f"{{{PUB_NS}}}eid", page.anchors[index])
    return etree.tostring(pef, xml_declaration=True, encoding="UTF-8", pretty_print=True)
