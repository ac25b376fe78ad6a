"""The document model: immutable dataclasses that every writer reads.

A :class:`Document` is what the reader makes of a source and all any writer sees.
Every clause carries its anchor (``eid``), its official label and its spoken
label, so no writer ever re-derives them. The module does no I/O and imports
nothing from the reader or the writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class ClauseKind(StrEnum):
    """What a clause is, in Akoma Ntoso terms."""

    CITATION = "citation"
    RECITAL = "recital"
    PARAGRAPH = "paragraph"
    POINT = "point"
    INDENT = "indent"


class SectionKind(StrEnum):
    """The three groups of clauses a resolution has, in their fixed order."""

    CITATIONS = "citations"
    RECITALS = "recitals"
    PARAGRAPHS = "paragraphs"


# --- inline content -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Emphasis:
    """Emphasised text (``*…*``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    """Strongly emphasised text (``**…**``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A link: an external ``http(s)``/``mailto`` URL or ``#anchor`` of a clause."""

    href: str
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class FootnoteRef:
    """A footnote call; ``number`` is its position among the notes (1-based)."""

    number: int
    eid: str
    note_eid: str


Inline = Text | Emphasis | Strong | Link | FootnoteRef


def plain_text(content: tuple[Inline, ...], note_calls: bool = True) -> str:
    """The text of inline content as a reader sees it, footnote calls as their numbers.

    Without ``note_calls``, the text as it is read aloud: footnote calls are left out (the notes are read at the end).
    """
    parts: list[str] = []
    for node in content:
        match node:
            case Text(text=text):
                parts.append(text)
            case Emphasis(children=children) | Strong(children=children) | Link(children=children):
                parts.append(plain_text(children, note_calls))
            case FootnoteRef(number=number) if note_calls:
                parts.append(str(number))
    return "".join(parts)


# --- structure ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clause:
    """One citation, recital, paragraph, point or indent.

    ``label`` is the official label as printed ("A.", "3.", "(a)"), empty for
    citations and indents, which carry none; ``num`` is the label cleaned for the
    anchor ("A", "3", "a") or the count for unlabelled clauses.
    """

    kind: ClauseKind
    eid: str
    label: str
    num: str
    spoken_label: str
    content: tuple[Inline, ...]
    line: int
    points: tuple[Clause, ...] = ()

    @property
    def text(self) -> str:
        """The clause text without its label."""
        return plain_text(self.content)

    def walk(self) -> Iterator[Clause]:
        """This clause, then its points depth-first, in document order."""
        yield self
        for point in self.points:
            yield from point.walk()


@dataclass(frozen=True, slots=True)
class Subheading:
    """A heading between the clauses of a section (an Akoma Ntoso ``hcontainer``) and the clauses it heads.

    ``clauses`` are those right after it, up to the next subheading or the end
    of the section. ``level`` 1 is a heading of the section's clauses, level 2 a
    heading inside the level-1 subheading before it ("I. THE FUTURE OF EUROPE",
    then "Enlargement"); a level-1 subheading followed at once by a level-2 one
    has no clauses of its own. The clauses keep their anchors and numbering: a
    subheading groups clauses without renaming them (``para_12`` stays ``para_12``).
    """

    eid: str
    content: tuple[Inline, ...]
    line: int
    clauses: tuple[Clause, ...]
    level: int = 1

    @property
    def text(self) -> str:
        """The heading's text."""
        return plain_text(self.content)


@dataclass(frozen=True, slots=True)
class Section:
    """A group of clauses: the citations, the recitals or the paragraphs, with any subheadings between them.

    ``clauses`` are all of the section's top-level clauses in order, whether or
    not a subheading heads them; ``subheadings`` hold the same clauses again,
    grouped (see :meth:`groups`).
    """

    kind: SectionKind
    eid: str
    clauses: tuple[Clause, ...]
    line: int
    subheadings: tuple[Subheading, ...] = ()

    def groups(self) -> tuple[tuple[Subheading | None, tuple[Clause, ...]], ...]:
        """The clauses in reading order, grouped by the subheading above them (``None`` before the first one)."""
        headed = sum(len(s.clauses) for s in self.subheadings)
        lead = self.clauses[: len(self.clauses) - headed]
        first = ((None, lead),) if lead else ()
        return first + tuple((s, s.clauses) for s in self.subheadings)

    def outline(self) -> tuple[Part, ...]:
        """The section as a tree: the clauses before any subheading, then each level-1 subheading with its parts."""
        top: list[tuple[Subheading | None, tuple[Clause, ...], list[Part]]] = []
        for subheading, clauses in self.groups():
            if subheading is not None and subheading.level > 1 and top and top[-1][0] is not None:
                top[-1][2].append(Part(subheading, clauses))
            else:
                top.append((subheading, clauses, []))
        return tuple(Part(subheading, clauses, tuple(below)) for subheading, clauses, below in top)


@dataclass(frozen=True, slots=True)
class Part:
    """A node of a section's outline: a subheading (``None`` for the clauses before the first), the clauses right
    after it, and the subheadings below it."""

    subheading: Subheading | None
    clauses: tuple[Clause, ...]
    parts: tuple[Part, ...] = ()

    def walk(self) -> Iterator[Clause]:
        """Every clause of the part, its points and the parts below it included, in document order."""
        for clause in self.clauses:
            yield from clause.walk()
        for part in self.parts:
            yield from part.walk()


@dataclass(frozen=True, slots=True)
class Footnote:
    """A footnote's text; ``eid`` is its anchor, ``number`` its printed number."""

    number: int
    eid: str
    content: tuple[Inline, ...]
    line: int

    @property
    def text(self) -> str:
        """The note's text."""
        return plain_text(self.content)


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the front matter says about the document."""

    reference: str
    procedure: str  # "" when the text names none
    doc_type: str
    title: str
    language: str
    issued_by: str
    date: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Version:
    """One language version of a document: its language and the name its editions are built under."""

    language: str
    name: str


@dataclass(frozen=True, slots=True)
class Document:
    """A whole resolution: metadata, preface, formula, sections and footnotes.

    ``versions`` lists every language version of the document, this one included, by language (none for a
    document in one language): the versions share their anchors, so ``para_3`` is paragraph 3 in each.
    """

    name: str
    metadata: Metadata
    formula: str
    sections: tuple[Section, ...]
    footnotes: tuple[Footnote, ...] = ()
    versions: tuple[Version, ...] = ()

    def iter_clauses(self) -> Iterator[Clause]:
        """Every clause, points included, in document order."""
        for section in self.sections:
            for clause in section.clauses:
                yield from clause.walk()

    def iter_subheadings(self) -> Iterator[Subheading]:
        """Every subheading, in document order."""
        for section in self.sections:
            yield from section.subheadings

    def section(self, kind: SectionKind) -> Section | None:
        """The section of that kind, if the document has one."""
        return next((s for s in self.sections if s.kind is kind), None)

    @property
    def anchors(self) -> tuple[str, ...]:
        """The anchors of every clause in document order."""
        return tuple(clause.eid for clause in self.iter_clauses())
