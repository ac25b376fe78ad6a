"""Akoma Ntoso anchor (eId) naming: the only place that turns structure into ``para_3__point_a``.

The convention is frozen (OASIS LegalDocML naming convention, section 5.4, with
its abbreviations): citations ``cit_1`` (counted: they carry no number),
recitals ``rec_A``, paragraphs ``para_3``, points ``para_3__point_a``, nested
points ``para_3__point_a__point_i``, unnumbered indents ``para_3__indent_1``;
containers ``preface``, ``preamble``, ``cits``, ``recs``, ``body``; a subheading
between clauses ``hcontainer_1`` (counted through the document; like the other
containers it is not part of the anchors of the clauses it heads, so adding a
subheading renames no clause); footnotes ``authorialNote_1``. One string is then valid as an HTML id, an EPUB fragment,
a SMIL text target, a PDF named destination, an ID3 chapter id and a WebVTT cue id.
"""

from __future__ import annotations

import re

from publish.model import ClauseKind, SectionKind

#: Element names as abbreviated by the naming convention.
ELEMENT_REF: dict[ClauseKind, str] = {
    ClauseKind.CITATION: "cit",
    ClauseKind.RECITAL: "rec",
    ClauseKind.PARAGRAPH: "para",
    ClauseKind.POINT: "point",
    ClauseKind.INDENT: "indent",
}

#: Container anchors: unique elements carry no number.
SECTION_EID: dict[SectionKind, str] = {
    SectionKind.CITATIONS: "cits",
    SectionKind.RECITALS: "recs",
    SectionKind.PARAGRAPHS: "body",
}
PREFACE = "preface"
PREAMBLE = "preamble"
CONTAINERS = frozenset({PREFACE, PREAMBLE, *SECTION_EID.values()})

#: The enacting formula ("The European Parliament,"): a spoken unit and a link target in every format.
FORMULA = "formula"
#: The footnotes' container (HTML endnotes section, PDF notes heading, EPUB endnotes landmark, audio group).
NOTES = "notes"
#: The main content of a page, the skip link's target.
MAIN = "main"
#: Navigation blocks of one format (table of contents, EPUB landmarks, other language versions, colophon).
TOC = "toc"
LANDMARKS = "landmarks"
CONTENTS = "contents"
VERSIONS = "versions"
#: The HTML page's read-along player (the audio edition, its captions, the words its script shows).
LISTEN = "listen"
LISTEN_WORDS = "listen-words"
PAGES = "pages"
ABOUT = "about"

#: The ids of the Akoma Ntoso edition's metadata references (``TLCOrganization``, ``TLCConcept``): the Parliament as the
#: author, publish as the markup's source, the enacting formula's concept. Ids of the XML only, no clause's anchor.
AKN_AUTHOR = "ep"
AKN_SOURCE = "publish"
AKN_FORMULA = "enactingFormula"
AKN_REFERENCES = frozenset({AKN_AUTHOR, AKN_SOURCE, AKN_FORMULA})

#: What any anchor may look like, overrides included.
EID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

_REDUNDANT = re.compile(r"[\s().\[\]]")


def clean_num(label: str) -> str:
    """A label with its final punctuation and brackets dropped, case kept: ``(a)`` → ``a``, ``AA.`` → ``AA``."""
    return _REDUNDANT.sub("", label)


def clause_eid(kind: ClauseKind, num: str, parent: str | None = None) -> str:
    """The anchor of a clause numbered ``num`` (a cleaned label or a count) inside ``parent``."""
    own = f"{ELEMENT_REF[kind]}_{num}"
    return f"{parent}__{own}" if parent else own


def subheading_eid(number: int) -> str:
    """The anchor of the document's ``number``-th subheading (a heading container)."""
    return f"hcontainer_{number}"


def heading_eid(eid: str) -> str:
    """The id of the heading of container ``eid`` where the heading and its container are apart: ``recs-heading``."""
    return f"{eid}-heading"


#: The Akoma Ntoso element of a footnote, whose name its anchor is made of (the AKN edition writes it).
FOOTNOTE_ELEMENT = "authorialNote"


def footnote_eid(number: int) -> str:
    """The anchor of footnote ``number``."""
    return f"{FOOTNOTE_ELEMENT}_{number}"


def footnote_ref_eid(number: int, call: int = 1) -> str:
    """The anchor of the ``call``-th call to footnote ``number`` in the text: ``authorialNote_1__ref``, then
    ``authorialNote_1__ref_2`` for a second call to the same note."""
    first = f"authorialNote_{number}__ref"
    return first if call == 1 else f"{first}_{call}"


def ncx_id(eid: str) -> str:
    """The id of the EPUB's NCX entry (a ``navPoint`` or ``pageTarget``) that points at ``eid``: ``ncx-para_3``."""
    return f"ncx-{eid}"


def page_eid(number: int) -> str:
    """The anchor of the start of printed page ``number`` (an EPUB page break)."""
    return f"page_{number}"


#: Every id that is not a clause's: containers, the formula, notes and their calls, subheadings, headings,
#: page breaks and navigation. A read-back that finds any other id it does not know reports it.
NON_CLAUSE = re.compile(
    "|".join(
        [
            *(re.escape(name) for name in sorted({*CONTAINERS, FORMULA, NOTES, MAIN, TOC, LANDMARKS, *AKN_REFERENCES})),
            r"hcontainer_\d+",
            r"[A-Za-z0-9_-]+-heading",
            r"authorialNote_\d+(?:__ref(?:_\d+)?)?",
            r"page_\d+",
        ]
    )
)


def is_valid_eid(value: str) -> bool:
    """Whether ``value`` can serve as an anchor in every format."""
    return EID_PATTERN.fullmatch(value) is not None
