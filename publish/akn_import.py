"""Read an Akoma Ntoso 3.0 resolution back into a structured source (``publish import --from akn``).

It reads what the Akoma Ntoso edition writes (:mod:`publish.writers.akn`), and any document built the same way: a
``<statement>`` (or ``<doc>``) in the AKN 3.0 namespace with a preface (``docNumber``, ``docTitle``, ``docType``,
``docProponent``, optionally ``docketNumber`` and ``docDate``), a preamble (``formula``, ``citations``,
``recitals``), a ``mainBody`` of ``paragraph``s with ``point``s and ``indent``s, ``hcontainer`` subheadings, and
``authorialNote`` footnotes. Any other element where text is expected is refused with its line, as are a document
that is not well-formed, one in another namespace and a duplicate ``eId``. The Markdown made is then read by
:mod:`publish.reader`, so that the source obeys every rule a source does (an error there is reported at the AKN
file's line), and an ``eId`` the reader would not give is kept as an anchor override (``{#eId}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from lxml import etree

from publish import formats, languages, reader
from publish.errors import SourceError
from publish.importer import escape_markdown
from publish.model import Document

NS = formats.AKN_NAMESPACE
#: The largest AKN file read, in bytes (a resolution's source is at most 4 MiB; its markup adds to that).
MAX_BYTES = 32 * 1024 * 1024
#: The document elements a resolution may be.
DOCUMENT_TYPES = ("statement", "doc")
#: Where the clauses of each section go in the source.
HEADINGS = {"citations": "Citations", "recitals": "Recitals", "paragraphs": "Paragraphs"}
#: The subheading level a heading's class gives (``level-2``); level 1 without one.
_LEVEL = re.compile(r"\blevel-(\d)\b")
_LAYOUT_SPACE = re.compile(r"[\t\n\r]")
_LINK_SPECIAL = re.compile(r"([()<>\\\s])")
#: The elements whose own words are read (the others hold elements only: words beside those would be lost).
_MIXED = frozenset(
    ("p", "i", "b", "ref", "a", "heading", "num", "docNumber", "docketNumber", "docType", "docTitle", "docProponent",
     "docDate")
)  # fmt: skip


def import_akn(path: Path) -> str:
    """The structured source (Markdown with front matter) of the Akoma Ntoso document at ``path``.

    Raises :class:`SourceError` with the AKN file's line for anything it cannot read or does not support.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(path, 1, f"the file is {size:,} bytes, more than the {MAX_BYTES:,} read")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, 0, f"cannot read the file: {exc.strerror}") from None
    return import_data(data, path)


def import_data(data: bytes, path: Path) -> str:
    """The structured source of the Akoma Ntoso document ``data``; ``path`` names it in errors."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(path, exc.lineno or 1, f"not well-formed XML: {exc.msg}") from None
    return _Reading(path, root).source()


@dataclass
class _Out:
    """The Markdown being written, a line at a time, with the AKN line each one comes from."""

    lines: list[str] = field(default_factory=list)
    origins: list[int] = field(default_factory=list)

    def add(self, text: str, line: int) -> int:
        """Add a line (and a blank one after it); return the line's index."""
        self.lines += [text, ""]
        self.origins += [line, line]
        return len(self.lines) - 2


@dataclass
class _Clause:
    """A clause as the AKN file gives it: its eId and where it is in the file and in the Markdown."""

    eid: str
    line: int
    index: int


class _Reading:
    """One AKN document being turned into a source."""

    def __init__(self, path: Path, root: etree._Element) -> None:
        self.path = path
        self.root = root
        self.out = _Out()
        self.clauses: list[_Clause] = []
        self.subheadings: list[tuple[str, int]] = []
        self.notes: dict[str, tuple[str, str, int]] = {}  # note eId → (key, Markdown, line)
        self.front_line = 1  # where the front matter's facts are: the preface

    def error(self, element: etree._Element | None, message: str, hint: str | None = None) -> SourceError:
        line = element.sourceline if element is not None and element.sourceline else 1
        return SourceError(self.path, line, message, hint)

    # -- the document ----------------------------------------------------------------------------------------------

    def source(self) -> str:
        document = self._document()
        self._unique_eids()
        meta, preface = self._one(document, "meta"), self._child(document, "preface")
        front = self._front_matter(meta, preface, document)
        for child in self._elements(document):
            if _name(child) not in ("meta", "preface", "preamble", "mainBody"):
                raise self._unsupported(child, document)
        preamble = self._child(document, "preamble")
        if preamble is not None:
            self._preamble(preamble)
        self._main_body(self._one(document, "mainBody"))
        for key, text, line in self.notes.values():
            self.out.add(f"[^{key}]: {text}", line)
        return self._checked(front)

    def _document(self) -> etree._Element:
        root = self.root
        if etree.QName(root).namespace != NS:
            found = etree.QName(root).namespace or "no namespace"
            raise self.error(
                root,
                f"not an Akoma Ntoso 3.0 document: <{etree.QName(root).localname}> is in {found}",
                f"expected {NS}",
            )
        if _name(root) != "akomaNtoso":
            raise self.error(
                root, f"not an Akoma Ntoso document: the root element is <{_name(root)}>, not <akomaNtoso>"
            )
        children = self._elements(root)
        if len(children) != 1 or _name(children[0]) not in DOCUMENT_TYPES:
            where = children[0] if children else root
            raise self.error(where, "<akomaNtoso> must hold one <statement> or <doc>: the resolution")
        return children[0]

    def _unique_eids(self) -> None:
        seen: dict[str, int] = {}
        for element in self.root.iter():
            eid = element.get("eId") if isinstance(element.tag, str) else None
            if eid is None:
                continue
            if eid in seen:
                raise self.error(element, f"duplicate eId '{eid}': already used at line {seen[eid]}")
            seen[eid] = element.sourceline or 0

    def _front_matter(
        self, meta: etree._Element, preface: etree._Element | None, document: etree._Element
    ) -> dict[str, str]:
        language = meta.find(f".//{{{NS}}}FRBRExpression/{{{NS}}}FRBRlanguage")
        if language is None or not language.get("language"):
            raise self.error(meta, "the metadata name no language (FRBRExpression/FRBRlanguage)")
        code = _pack_code(language.get("language", ""))
        if code is None:
            raise self.error(language, f"no language pack for the language '{language.get('language')}'")
        if preface is None:
            raise self.error(document, "no <preface>: the reference, title and type are read from it")
        self.front_line = preface.sourceline or 1
        found: dict[str, etree._Element] = {}
        for block in self._elements(preface):
            if _name(block) == "longTitle":
                inner = [e for p in self._elements(block) for e in self._preface_block(p, ("docTitle",))]
            else:
                inner = self._preface_block(block, ("docNumber", "docketNumber", "docType", "docProponent", "docDate"))
            for element in inner:
                if _name(element) in found:
                    raise self.error(element, f"a second <{_name(element)}> in the preface")
                found[_name(element)] = element
        front: dict[str, str] = {}
        for key, tag in (("reference", "docNumber"), ("procedure", "docketNumber"), ("type", "docType"),
                         ("title", "docTitle"), ("language", ""), ("issued_by", "docProponent")):  # fmt: skip
            if key == "language":
                front[key] = code
                continue
            if tag not in found:
                if key == "procedure":
                    continue
                raise self.error(preface, f"the preface has no <{tag}> (the {key.replace('_', ' ')})")
            front[key] = " ".join(_text(found[tag]).split())
        if "docDate" in found:
            front["date"] = found["docDate"].get("date") or _text(found["docDate"]).strip()
        return front

    def _preface_block(self, block: etree._Element, allowed: tuple[str, ...]) -> list[etree._Element]:
        """The inline elements of a preface paragraph: only ``allowed`` ones, and no text beside them."""
        if _name(block) != "p":
            raise self._unsupported(block, block.getparent())
        if (block.text or "").strip():
            raise self.error(block, "text in the preface outside " + ", ".join(f"<{t}>" for t in allowed))
        inner = self._elements(block)
        for element in inner:
            if _name(element) not in allowed:
                raise self._unsupported(element, block)
            if (element.tail or "").strip():
                raise self.error(element, f"text after <{_name(element)}> in the preface")
            if self._elements(element):
                raise self._unsupported(self._elements(element)[0], element)
        return inner

    # -- the preamble ----------------------------------------------------------------------------------------------

    def _preamble(self, preamble: etree._Element) -> None:
        formula_done = False
        current = ""
        for child in self._elements(preamble):
            name = _name(child)
            if name == "formula" and not formula_done:
                paragraphs = self._elements(child)
                if len(paragraphs) != 1 or _name(paragraphs[0]) != "p":
                    raise self.error(child, "the <formula> must hold one <p>")
                self.out.add(self._inline(paragraphs[0]), child.sourceline or 0)
                formula_done = True
            elif name in ("citations", "recitals"):
                section = name
                if section != current:
                    self.out.add(f"## {HEADINGS[section]}", child.sourceline or 0)
                    current = section
                for item in self._elements(child):
                    if _name(item) == "heading":
                        self._subheading(item, item.get("eId", ""))
                    elif _name(item) == name[:-1]:
                        self._item(item, 0)
                    else:
                        raise self._unsupported(item, child)
            else:
                raise self._unsupported(child, preamble)
        if not formula_done:
            raise self.error(preamble, 'the preamble has no <formula> ("The European Parliament,")')

    def _item(self, element: etree._Element, depth: int) -> None:
        """A citation or recital, or an ``item`` of the ``blockList`` of one: num, one ``p``, points."""
        children = self._elements(element)
        num = children.pop(0) if children and _name(children[0]) == "num" else None
        if not children or _name(children[0]) != "p":
            raise self.error(element, f"<{_name(element)}> must hold a <p> with its text after its <num>")
        text = children.pop(0)
        self._clause(element, num, self._inline(text), depth)
        if children and _name(children[0]) == "blockList":
            listing = children.pop(0)
            for item in self._elements(listing):
                if _name(item) != "item":
                    raise self._unsupported(item, listing)
                self._item(item, depth + 1)
        if children:
            raise self._unsupported(children[0], element)

    # -- the main body ---------------------------------------------------------------------------------------------

    def _main_body(self, body: etree._Element) -> None:
        children = self._elements(body)
        if len(children) == 1 and _name(children[0]) == "p" and not _text(children[0]).strip():
            return  # a text without paragraphs (the edition writes one empty block: mainBody may not be empty)
        self.out.add(f"## {HEADINGS['paragraphs']}", body.sourceline or 0)
        self._body_children(body, 0)

    def _body_children(self, parent: etree._Element, level: int) -> None:
        for child in self._elements(parent):
            name = _name(child)
            if name == "paragraph":
                self._hier(child, 0)
            elif name == "hcontainer" and level < 2:
                if child.get("name") not in (None, "subheading"):
                    raise self.error(child, f"an <hcontainer> named '{child.get('name')}', not a subheading")
                inner = self._elements(child)
                if not inner or _name(inner[0]) != "heading":
                    raise self.error(child, "an <hcontainer> without its <heading>")
                self._subheading(inner[0], child.get("eId", ""), level + 1)
                self._body_children(child, level + 1)
            elif name == "heading" and parent.tag == f"{{{NS}}}hcontainer":
                continue
            else:
                raise self._unsupported(child, parent)

    def _hier(self, element: etree._Element, depth: int) -> None:
        """A paragraph, point or indent: num, then ``content`` (one ``p``), or ``intro`` and its points."""
        children = self._elements(element)
        num = children.pop(0) if children and _name(children[0]) == "num" else None
        if not children or _name(children[0]) not in ("content", "intro"):
            raise self.error(element, f"<{_name(element)}> must hold <content> or <intro> after its <num>")
        wrapper = children.pop(0)
        paragraphs = self._elements(wrapper)
        if len(paragraphs) != 1 or _name(paragraphs[0]) != "p":
            raise self.error(wrapper, f"<{_name(wrapper)}> must hold one <p>")
        self._clause(element, num, self._inline(paragraphs[0]), depth)
        for child in children:
            if _name(wrapper) != "intro" or _name(child) not in ("point", "indent"):
                raise self._unsupported(child, element)
            self._hier(child, depth + 1)

    def _clause(self, element: etree._Element, num: etree._Element | None, text: str, depth: int) -> None:
        eid = element.get("eId")
        if not eid:
            raise self.error(element, f"<{_name(element)}> without an eId: every clause has its anchor")
        if num is not None and self._elements(num):
            raise self._unsupported(self._elements(num)[0], num)
        label = " ".join(_text(num).split()) if num is not None else "-"
        if not text:
            raise self.error(element, f"<{_name(element)}> '{eid}' has no text")
        index = self.out.add(f"{'   ' * depth}{label} {text}", element.sourceline or 0)
        self.clauses.append(_Clause(eid, element.sourceline or 0, index))

    def _subheading(self, heading: etree._Element, eid: str, level: int | None = None) -> None:
        """A subheading: a ``heading`` with its level (given, or its class's), the eId its element carries."""
        if level is None:
            found = _LEVEL.search(heading.get("class", ""))
            level = int(found[1]) if found else 1
        self.out.add(f"{'#' * (level + 2)} {self._inline(heading)}", heading.sourceline or 0)
        carrier = heading if heading.get("eId") else heading.getparent()
        self.subheadings.append((eid, (carrier if carrier is not None else heading).sourceline or 0))

    # -- inline content --------------------------------------------------------------------------------------------

    def _inline(self, element: etree._Element) -> str:
        """An element's inline content as Markdown: text escaped, emphasis, links, footnote calls."""
        parts = [_escape(element.text)]
        for child in self._elements(element):
            name = _name(child)
            if name in ("i", "b"):
                mark = "*" if name == "i" else "**"
                parts.append(f"{mark}{self._inline(child)}{mark}")
            elif name in ("ref", "a") and child.get("href"):
                href = _LINK_SPECIAL.sub(r"\\\1", child.get("href", ""))
                parts.append(f"[{self._inline(child)}]({href})")
            elif name == "authorialNote":
                parts.append(f"[^{self._note(child)}]")
            elif name == "noteRef":
                target = child.get("href", "").removeprefix("#")
                if target not in self.notes:
                    raise self.error(child, f"<noteRef> to '{target}', which is not a note given before it")
                parts.append(f"[^{self.notes[target][0]}]")
            else:
                raise self._unsupported(child, element)
            parts.append(_escape(child.tail))
        return "".join(parts).strip()

    def _note(self, note: etree._Element) -> str:
        eid = note.get("eId")
        if not eid:
            raise self.error(note, "<authorialNote> without an eId: every note has its anchor")
        paragraphs = self._elements(note)
        if len(paragraphs) != 1 or _name(paragraphs[0]) != "p":
            raise self.error(note, "<authorialNote> must hold one <p>")
        key = str(len(self.notes) + 1)
        self.notes[eid] = (key, "", note.sourceline or 0)  # its place among the notes, before its text is read
        self.notes[eid] = (key, self._inline(paragraphs[0]), note.sourceline or 0)
        return key

    # -- checks ----------------------------------------------------------------------------------------------------

    def _checked(self, front: dict[str, str]) -> str:
        """The source, read by the reader; the AKN eIds kept where the reader would name a clause otherwise."""
        text = self._text(front, {})
        document = self._read(text, {})
        found = [clause.eid for clause in document.iter_clauses()]
        if len(found) != len(self.clauses):  # one clause a line: cannot happen, but must not pass unseen
            raise self.error(self.root, f"{len(self.clauses)} clauses in the file, {len(found)} read from them")
        overrides = {c.index: c.eid for c, eid in zip(self.clauses, found, strict=True) if c.eid != eid}
        if overrides:  # an eId the reader would not give: kept as the clause's anchor override ({#eId})
            text = self._text(front, overrides)
            document = self._read(text, overrides)
            for clause, read in zip(self.clauses, document.iter_clauses(), strict=True):
                if clause.eid != read.eid:
                    raise SourceError(
                        self.path, clause.line, f"eId '{clause.eid}' cannot be kept: read as '{read.eid}'"
                    )
        for (eid, line), subheading in zip(self.subheadings, document.iter_subheadings(), strict=False):
            if eid and eid != subheading.eid:
                raise SourceError(
                    self.path, line, f"subheading eId '{eid}': the source format names it '{subheading.eid}'",
                    "subheadings are numbered by count through the document: hcontainer_1, hcontainer_2, …",
                )  # fmt: skip
        for (eid, (_, _, line)), note in zip(self.notes.items(), document.footnotes, strict=True):
            if eid != note.eid:
                raise SourceError(
                    self.path, line, f"note eId '{eid}': the source format names it '{note.eid}'",
                    "notes are numbered in the order of their first call: authorialNote_1, authorialNote_2, …",
                )  # fmt: skip
        return text

    def _text(self, front: dict[str, str], overrides: dict[int, str]) -> str:
        head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000).rstrip("\n")
        lines = ["---", head, "---", ""]
        for index, line in enumerate(self.out.lines):
            if index in overrides:
                lines.append(f"{{#{overrides[index]}}}")
            lines.append(line)
        return "\n".join(lines).rstrip("\n") + "\n"

    def _read(self, text: str, overrides: dict[int, str]) -> Document:
        """The reader's document of ``text``; its errors are reported at the AKN file's line."""
        try:
            return reader.parse(text, self.path.with_suffix(".md"))
        except SourceError as exc:
            raise SourceError(self.path, self._origin(exc.line, text, overrides), exc.message, exc.hint) from None

    def _origin(self, line: int, text: str, overrides: dict[int, str]) -> int:
        """The AKN line of line ``line`` of the Markdown: the front matter comes from the preface, the rest one line
        of Markdown to one element."""
        offset = text.split("\n---\n", 1)[0].count("\n") + 3  # the front matter and the blank line after it
        index = line - 1 - offset
        origins: list[int] = []
        for position, origin in enumerate(self.out.origins):
            if position in overrides:
                origins.append(origin)
            origins.append(origin)
        if 0 <= index < len(origins):
            return origins[index]
        return self.front_line if index < 0 else origins[-1] if origins else 1

    # -- helpers ---------------------------------------------------------------------------------------------------

    def _elements(self, parent: etree._Element) -> list[etree._Element]:
        """The element children of ``parent`` (processing instructions left out), each in the AKN namespace; words
        beside them are refused where ``parent`` holds elements only (they would be lost: the schema forbids them)."""
        for child in parent:
            if isinstance(child, etree._Entity):
                raise self.error(parent, f"an entity reference ({child.text}) in <{_name(parent)}>: not supported")
        if _name(parent) not in _MIXED:
            if (parent.text or "").strip():
                raise self._stray(parent, parent.text or "", f"at the start of <{_name(parent)}>")
            for child in parent:
                if (child.tail or "").strip():
                    where = f"after <{_name(child)}>" if isinstance(child.tag, str) else "there"
                    raise self._stray(child, child.tail or "", f"in <{_name(parent)}>, {where}")
        children = [child for child in parent if isinstance(child.tag, str)]
        for child in children:
            if etree.QName(child).namespace != NS:
                raise self.error(child, f"<{etree.QName(child).localname}> is not in the Akoma Ntoso namespace")
        return children

    def _stray(self, element: etree._Element, text: str, where: str) -> SourceError:
        words = " ".join(text.split())
        shown = words if len(words) <= 40 else f"{words[:40]}…"
        return self.error(element, f"text outside the elements that hold text, {where}: '{shown}'")

    def _one(self, parent: etree._Element, name: str) -> etree._Element:
        found = self._child(parent, name)
        if found is None:
            raise self.error(parent, f"<{_name(parent)}> has no <{name}>")
        return found

    def _child(self, parent: etree._Element, name: str) -> etree._Element | None:
        return next((child for child in self._elements(parent) if _name(child) == name), None)

    def _unsupported(self, element: etree._Element, parent: etree._Element | None) -> SourceError:
        where = f" in <{_name(parent)}>" if parent is not None else ""
        return self.error(
            element,
            f"unsupported Akoma Ntoso element <{_name(element)}>{where}",
            "a resolution holds a preface, a preamble (formula, citations, recitals) and a main body of paragraphs,"
            " points, indents and subheadings",
        )


def _name(element: etree._Element) -> str:
    return etree.QName(element).localname


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _escape(text: str | None) -> str:
    return escape_markdown(_LAYOUT_SPACE.sub(" ", text or ""))


def _pack_code(iso639_2: str) -> str | None:
    """The language pack whose ISO 639-2 code is ``iso639_2`` (``eng`` → ``en``); a pack code is taken as it is."""
    for code in languages.available():
        if iso639_2 in (code, languages.load(code).iso639_2):
            return code
    return None
