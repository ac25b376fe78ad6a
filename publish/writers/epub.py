"""Write the EPUB 3 edition: reproducible, navigable clause by clause, conforming to EPUB Accessibility 1.1.

One XHTML content document holds the resolution with the same anchors as the
HTML edition (``text.xhtml#para_3``); ``nav.xhtml`` has a table of contents down
to every point, landmarks and a page list whose markers follow the standard PDF
edition's pages, as the PDF writer recorded them in ``anchors.json`` (the build
has it lay the edition out in a scratch folder when they are missing). The package
carries the EPUB Accessibility 1.1 metadata, each claim read from the book as built
(:mod:`publish.writers.epubfacts`). Media overlays
(:mod:`publish.writers.epuboverlay`) read the content document aloud with the
audio edition's narration, one SMIL ``<par>`` per spoken unit, highlighting each
unit while it is heard; a build without a current narration in the manifest
(``--to epub`` alone) has the audio writer speak it into a scratch folder first
(:data:`NEEDS`, :mod:`publish.build`), so the EPUB is always the same, with
overlays (or, when the audio edition could not be made in this build, without
them, claiming no auditory access). Two builds of one source are byte-identical:
the identifier is derived from the reference, the dates from ``SOURCE_DATE_EPOCH``
or the source (see :func:`modified`), and the ZIP entries have fixed times and order.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from ebooklib import epub

from publish import formats, manifest
from publish.errors import PublishError
from publish.model import Document, Metadata
from publish.outputs import write_atomic
from publish.writers import epubfacts, epuboverlay
from publish.writers.epubfacts import BookFacts, book_facts
from publish.writers.epuboverlay import SMIL, SMIL_ID, Narration
from publish.writers.epubparts import (
    CONTENT,
    NAV,
    STYLESHEET,
    EpubWriter,
    NavDocument,
    PageStart,
    XhtmlDocument,
    content_document,
    nav_document,
    ncx_toc,
    toc_entries,
)
from publish.writers.shared import Options, output_path, theme_css

NAME = "epub"
SUFFIX = formats.EPUB.suffix
CONFORMS_TO = epubfacts.CONFORMS_TO
#: The scheme of the second identifier, the document's reference ("europarl:B9-0311/2022").
REFERENCE_SCHEME = "europarl"
#: Namespace of the identifiers: ``urn:uuid:`` + UUID 5 of ``urn:publish:<reference>:<language>``.
ID_NAMESPACE = uuid.NAMESPACE_URL

#: The editions whose facts the EPUB is made with: the PDF's page starts, the audio edition's narration. The build
#: provides them (:mod:`publish.build`), from the document's folder or, when stale there, a scratch folder.
NEEDS = (formats.PDF.edition, formats.AUDIO.edition)

progress = logging.getLogger("publish.progress")


def write(document: Document, out_dir: Path, options: Options) -> list[Path]:
    """Write ``<out_dir>/<name>.epub`` and record the edition and each clause's place in the manifest."""
    pdf = formats.PDF.edition
    pages = page_starts(manifest.edition(options.facts_folder(pdf, out_dir), pdf))
    narration = None
    audio = formats.AUDIO.edition
    if audio in options.failed:
        progress.info("%s: epub: without media overlays, as the audio edition could not be made", document.name)
    elif facts := manifest.edition(folder := options.facts_folder(audio, out_dir), audio):
        narration = epuboverlay.narration(folder, facts)
    else:
        progress.info("%s: epub: without media overlays, as no narration is recorded", document.name)
    when = modified(document.metadata, options.source_date_epoch)
    path = write_atomic(output_path(document, out_dir, SUFFIX), render(document, options, pages, when, narration))
    facts = {
        "file": path.name,
        "identifier": identifier(document.metadata),
        "modified": _stamp(when),
        "content": f"EPUB/{CONTENT}",
        "pages": len(pages),
        "media_overlay": {
            "smil": f"EPUB/{SMIL}",
            "audio": f"EPUB/{narration.audio_href}",
            "duration": narration.duration / 1000,
            "narrator": narration.narrator,
        }
        if narration
        else None,
    }
    pars = {clip.id for clip in narration.clips} if narration else set()
    links = {
        clause.eid: {"href": f"EPUB/{CONTENT}#{clause.eid}"}
        | ({"par": f"EPUB/{SMIL}#{epuboverlay.par_id(clause.eid)}"} if clause.eid in pars else {})
        for clause in document.iter_clauses()
    }
    manifest.record(out_dir, NAME, facts, links)
    return [path]


def render(
    document: Document,
    options: Options,
    pages: Sequence[PageStart],
    when: datetime,
    narration: Narration | None = None,
) -> bytes:
    """The EPUB as bytes, with media overlays when there is a ``narration``: the same inputs give the same bytes."""
    meta = document.metadata
    book = epub.EpubBook()
    book.set_identifier(identifier(meta))
    # The Parliament's reference as a second identifier, with a scheme: calibre takes the urn:uuid for its own
    # bookkeeping and shows no identifier at all without one.
    book.add_metadata("DC", "identifier", f"{REFERENCE_SCHEME}:{meta.reference}")
    book.set_title(meta.title)
    book.set_language(meta.language)
    book.add_metadata("DC", "creator", meta.issued_by)
    book.add_metadata("DC", "publisher", meta.issued_by)
    procedure = f" ({meta.procedure})" if meta.procedure else ""
    book.add_metadata("DC", "description", f"{meta.doc_type} {meta.reference}{procedure}.")
    if meta.date:
        book.add_metadata("DC", "date", meta.date)
    content, navigation = content_document(document, pages), nav_document(document, pages)
    holds = book_facts(document, content, navigation, narration)
    for prop, value in epubfacts.accessibility_metadata(document, holds):
        book.add_metadata(None, "meta", value, {"property": prop})
    for prop, value, refines in epuboverlay.metadata(narration) if narration else ():
        book.add_metadata(None, "meta", value, {"property": prop} | ({"refines": refines} if refines else {}))
    if pages:
        source = formats.PDF.name(document.name)
        book.add_metadata("DC", "source", source)
        book.add_metadata(None, "meta", source, {"property": "pageBreakSource"})

    css = epub.EpubItem(uid="css", file_name=STYLESHEET, media_type="text/css")
    css.content = theme_css(options, "epub").encode("utf-8")
    overlay = SMIL_ID if narration else None
    text = XhtmlDocument(uid="text", file_name=CONTENT, title=meta.title, lang=meta.language, media_overlay=overlay)
    text.content = content
    nav = NavDocument(file_name=NAV)
    nav.content = navigation
    for item in (text, nav, css, epub.EpubNcx()):
        book.add_item(item)
    if narration:
        book.add_item(epub.EpubSMIL(uid=SMIL_ID, file_name=SMIL, content=epuboverlay.smil_document(narration)))
        mp3 = epub.EpubItem(uid=epuboverlay.AUDIO_ID, file_name=narration.audio_href, media_type="audio/mpeg")
        mp3.content = narration.mp3
        book.add_item(mp3)
    book.spine = [text, (nav, "no")]  # the contents are reachable, outside the reading order
    book.toc = ncx_toc(toc_entries(document))

    writer = EpubWriter(book, when, pages)
    writer.process()
    writer.write()
    return writer.data()


def accessibility_metadata(
    document: Document, pages: Sequence[PageStart], narration: Narration | None = None
) -> list[tuple[str, str]]:
    """The EPUB Accessibility 1.1 properties of the book these inputs make (see :mod:`publish.writers.epubfacts`)."""
    return epubfacts.accessibility_metadata(document, facts(document, pages, narration))


def accessibility_summary(document: Document, pages: Sequence[PageStart], narration: Narration | None = None) -> str:
    """The accessibility summary of the book these inputs make, in its language (the pack's ``summary``)."""
    return epubfacts.accessibility_summary(document, facts(document, pages, narration))


def facts(document: Document, pages: Sequence[PageStart], narration: Narration | None = None) -> BookFacts:
    """What the book made of these inputs holds, read from its content and navigation documents and the overlay."""
    return book_facts(document, content_document(document, pages), nav_document(document, pages), narration)


def identifier(meta: Metadata) -> str:
    """The book's stable identifier, derived from the document reference and language."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'urn:publish:{meta.reference}:{meta.language}')}"


def modified(meta: Metadata, epoch: int | None = None) -> datetime:
    """``dcterms:modified`` (and the ZIP entry times), in UTC, never the clock.

    In order of precedence: ``epoch`` when given (``SOURCE_DATE_EPOCH``, the reproducible-builds convention for
    "when the source last changed", read by :meth:`Options.from_environ`); else the source's ``date`` at 00:00 UTC;
    else 1 January of the procedure's year ("2022/2700(RSP)" gives 2022-01-01), or of the reference's (B9-0311/2022,
    P9_TA(2022)0237); else 1980-01-01, the earliest time a ZIP entry can hold.
    """
    if epoch is not None:
        return datetime.fromtimestamp(epoch, UTC)
    if meta.date:
        day = date.fromisoformat(meta.date)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    year = re.match(r"(\d{4})/", meta.procedure) or re.search(r"/(\d{4})$|\((\d{4})\)", meta.reference)
    return datetime(int(next(g for g in year.groups() if g)) if year else 1980, 1, 1, tzinfo=UTC)


def page_starts(pdf: manifest.PdfFacts | None) -> list[PageStart]:
    """Where each page of the PDF edition starts, from its recorded facts (none: ``[]``)."""
    pdf = pdf or {"file": "", "pages": 0, "page_starts": []}
    starts = [
        PageStart(int(entry["page"]), str(entry["eid"]), bool(entry.get("continues", False)))
        for entry in pdf.get("page_starts", ())
    ]
    numbers = sorted(start.page for start in starts)
    if numbers and numbers != list(range(1, int(pdf.get("pages", len(numbers))) + 1)):
        raise PublishError(
            f"anchors.json: the PDF edition's page_starts ({numbers[0]}…{numbers[-1]}, {len(numbers)} entries)"
            f" do not give one start for each of its {pdf.get('pages')} pages"
        )
    return sorted(starts, key=lambda start: start.page)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
