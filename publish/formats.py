"""The files of every edition: the suffix after the document's name and the media type, in one place.

The writers name their files with these, the HTML page links the other editions with them, and the check finds
the files to read back by them; the Makefile's lists of targets are tested against them
(``tests/test_formats.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class File:
    """One file of a built document: ``<document><suffix>``, of ``media_type``, made by the writer ``writer``."""

    edition: str
    suffix: str
    media_type: str
    writer: str

    def name(self, document: str) -> str:
        """The file's name for document ``document``: ``B9-0311-2022-large-print.pdf``."""
        return f"{document}{self.suffix}"


HTML = File("html", ".html", "text/html", "html")
PDF = File("pdf", ".pdf", "application/pdf", "pdf")
PDF_LARGE = File("pdf-large", "-large-print.pdf", "application/pdf", "pdf")
EPUB = File("epub", ".epub", "application/epub+zip", "epub")
AUDIO = File("audio", ".mp3", "audio/mpeg", "audio")
#: The audio edition's captions, written with its MP3.
CAPTIONS = File("captions", ".vtt", "text/vtt", "audio")
#: The audiobook edition: the narration as AAC in MP4 with chapter atoms, for audiobook players and library apps.
M4B = File("m4b", ".m4b", "audio/mp4", "m4b")
#: The Akoma Ntoso edition: the text in the OASIS legal-XML standard, for archives and legal-tech tools.
AKN = File("akn", ".akn.xml", "application/akn+xml", "akn")
#: The namespace of its elements: Akoma Ntoso 3.0 (OASIS LegalDocML, Akoma Ntoso Version 1.0, 2018).
AKN_NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
#: The braille edition: Braille Ready Format (North American Braille ASCII, 40 × 25, form feeds between pages) ...
BRF = File("braille", ".brf", "text/plain", "braille")
#: ... and the same pages as Portable Embosser Format (Unicode braille in XML, any language), written with it.
PEF = File("pef", ".pef", "application/x-pef+xml", "braille")

#: Every file a full build writes for a document, in the order the writers run.
FILES: tuple[File, ...] = (HTML, PDF, PDF_LARGE, AUDIO, CAPTIONS, EPUB, M4B, AKN, BRF, PEF)
#: The files by edition name.
BY_EDITION: dict[str, File] = {file.edition: file for file in FILES}
