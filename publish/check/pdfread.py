"""Read a PDF back as a reader meets it: structure tree with its text, artifacts, outline, destinations, links, words.

Everything is read from the file with pikepdf (and poppler's ``pdftotext`` for the words), never from
the writer's state. Text is decoded through each font's ``/ToUnicode`` map and attributed to its
marked-content id, so a structure element's text is what a screen reader reads in tag order; text
sizes are the font size times the text and graphics matrices, as printed.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name

from publish.check.pdfcontent import TextRun, page_runs
from publish.check.tools import pdftotext


@dataclass(slots=True)
class StructNode:
    """A structure element: its type, page (0-based), children, and the text of its own marked content."""

    type: str
    page: int | None
    kids: list[StructNode] = field(default_factory=list)
    runs: list[TextRun] = field(default_factory=list)
    """The text runs of the element's own marked content."""
    mcids: list[tuple[int, int]] = field(default_factory=list)
    annotations: list[int] = field(default_factory=list)
    """Object numbers of the annotations (links) this element holds."""
    alt: str | None = None
    """The element's ``/Alt`` (alternate description), when it has one."""

    def all_runs(self) -> list[TextRun]:
        """The runs of this element and its descendants, in tag order."""
        return self.runs + [run for kid in self.kids for run in kid.all_runs()]

    @property
    def text(self) -> str:
        """The element's text in tag order, its children's included; a new line counts as a space."""
        parts: list[str] = []
        previous: TextRun | None = None
        for run in self.all_runs():
            # A baseline lower by more than half the text size is a new line (a superscript moves less).
            new_line = previous is not None and (
                previous.page != run.page or previous.y - run.y > 0.6 * max(previous.size, run.size)
            )
            if new_line and parts and not parts[-1][-1:].isspace():
                parts.append(" ")
            parts.append(run.text)
            previous = run
        return "".join(parts)

    def walk(self) -> Iterator[StructNode]:
        """This element, then its descendants depth-first."""
        yield self
        for kid in self.kids:
            yield from kid.walk()


@dataclass(frozen=True, slots=True)
class LinkAnnotation:
    """A link annotation: its page, ``/Contents``, target (named destination or URL), flags and structure parent."""

    page: int
    objnum: int
    contents: str
    target: str
    flags: int
    parent_type: str | None
    """Type of the structure element the parent tree maps it to (``"Link"``), None when it has none."""


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """A bookmark: nesting level (1 = top), title, destination page (0-based)."""

    level: int
    title: str
    page: int | None


class PdfReading:
    """One PDF read back. Properties are computed on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf = pikepdf.open(path)
        self._page_index = {page.obj.objgen: i for i, page in enumerate(self.pdf.pages)}

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self) -> PdfReading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the catalog

    @property
    def pages(self) -> int:
        return len(self.pdf.pages)

    @property
    def lang(self) -> str | None:
        lang = self.pdf.Root.get("/Lang")
        return str(lang) if lang is not None else None

    @property
    def display_doc_title(self) -> bool:
        prefs = self.pdf.Root.get("/ViewerPreferences", Dictionary())
        return bool(prefs.get("/DisplayDocTitle", False))

    @cached_property
    def xmp(self) -> dict[str, str]:
        """XMP properties as strings (lists joined with ``; ``)."""
        meta = self.pdf.open_metadata()
        out = {}
        for key in ("dc:title", "dc:identifier", "dc:language", "dc:publisher", "pdfuaid:part"):
            value = meta.get(key)
            if value is not None:
                out[key] = "; ".join(sorted(value)) if isinstance(value, list | set) else str(value)
        return out

    # -- content

    @cached_property
    def runs(self) -> list[TextRun]:
        """Every text run of every page, in content-stream order."""
        runs: list[TextRun] = []
        for index, page in enumerate(self.pdf.pages):
            runs += page_runs(index, page.obj)
        return runs

    def content_runs(self) -> list[TextRun]:
        """Runs that are real content (not artifacts)."""
        return [run for run in self.runs if not run.artifact]

    def artifact_runs(self) -> list[TextRun]:
        return [run for run in self.runs if run.artifact]

    # -- the structure tree

    @cached_property
    def structure(self) -> StructNode:
        """The structure tree from ``StructTreeRoot`` (type ``"StructTreeRoot"``)."""
        text: dict[tuple[int, int], list[TextRun]] = {}
        for run in self.runs:
            if run.mcid is not None and not run.artifact:
                text.setdefault((run.page, run.mcid), []).append(run)
        root = StructNode("StructTreeRoot", None)
        tree = self.pdf.Root.get("/StructTreeRoot")
        if tree is not None and "/K" in tree:
            self._read_kids(tree.K, root, None, text)
        return root

    def _read_kids(
        self, kids: pikepdf.Object, node: StructNode, page: int | None, text: dict[tuple[int, int], list[TextRun]]
    ) -> None:
        for kid in kids if isinstance(kids, Array) else [kids]:
            if isinstance(kid, int):
                if page is not None:
                    node.mcids.append((page, int(kid)))
                    node.runs += text.get((page, int(kid)), [])
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                where = self._page_index.get(kid.Pg.objgen) if "/Pg" in kid else page
                if where is not None:
                    node.mcids.append((where, int(kid.MCID)))
                    node.runs += text.get((where, int(kid.MCID)), [])
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                node.annotations.append(kid.Obj.objgen[0])
            elif isinstance(kid, Dictionary):
                where = self._page_index.get(kid.Pg.objgen) if "/Pg" in kid else page
                child = StructNode(str(kid.S)[1:], where, alt=str(kid.Alt) if "/Alt" in kid else None)
                node.kids.append(child)
                if "/K" in kid:
                    self._read_kids(kid.K, child, where, text)

    def parent_tree(self) -> dict[int, pikepdf.Object]:
        """The parent tree's number → value entries (flat ``/Nums``, as WeasyPrint writes it)."""
        tree = self.pdf.Root.StructTreeRoot.ParentTree
        return {int(k): v for k, v in pikepdf.NumberTree(tree).items()}

    # -- navigation

    @cached_property
    def destinations(self) -> dict[str, tuple[int, float]]:
        """Named destinations: name → (page, y of the target's top in PDF user space)."""
        names = self.pdf.Root.get("/Names", Dictionary())
        if "/Dests" not in names:
            return {}
        out = {}
        for name, dest in pikepdf.NameTree(names.Dests).items():
            array = dest.D if isinstance(dest, Dictionary) else dest
            out[str(name)] = (self._page_index[array[0].objgen], float(array[3]))
        return out

    @cached_property
    def outline(self) -> list[OutlineEntry]:
        entries: list[OutlineEntry] = []
        outlines = self.pdf.Root.get("/Outlines")
        if outlines is not None and "/First" in outlines:
            self._read_outline(outlines.First, 1, entries)
        return entries

    def _read_outline(self, item: pikepdf.Object, level: int, entries: list[OutlineEntry]) -> None:
        while item is not None:
            dest = item.get("/Dest")
            if isinstance(dest, pikepdf.String | Name):
                page = self.destinations.get(str(dest), (None, 0.0))[0]
            elif isinstance(dest, Array):
                page = self._page_index.get(dest[0].objgen)
            else:
                page = None
            entries.append(OutlineEntry(level, str(item.Title), page))
            if "/First" in item:
                self._read_outline(item.First, level + 1, entries)
            item = item.get("/Next")

    @cached_property
    def links(self) -> list[LinkAnnotation]:
        parents = self.parent_tree() if "/StructTreeRoot" in self.pdf.Root else {}
        links = []
        for index, page in enumerate(self.pdf.pages):
            for annot in page.obj.get("/Annots", Array()):
                if annot.get("/Subtype") != Name.Link:
                    continue
                target = str(annot.Dest) if "/Dest" in annot else str(annot.A.URI)
                parent = parents.get(int(annot.StructParent)) if "/StructParent" in annot else None
                parent_type = str(parent.S)[1:] if isinstance(parent, Dictionary) and "/S" in parent else None
                links.append(
                    LinkAnnotation(
                        index,
                        annot.objgen[0],
                        str(annot.get("/Contents", "")),
                        target,
                        int(annot.get("/F", 0)),
                        parent_type,
                    )
                )
        return links

    # -- words as poppler extracts them

    def words(self) -> list[str]:
        """``pdftotext`` words in content-stream order (``-raw``), without the words painted where artifacts are."""
        cmd = [pdftotext(), "-bbox", "-raw", "-enc", "UTF-8", str(self.path), "-"]
        proc = subprocess.run(cmd, capture_output=True, check=True, timeout=120)
        page_tree = etree.fromstring(proc.stdout, etree.XMLParser(recover=True, huge_tree=True))
        bands: dict[int, list[tuple[float, float]]] = {}
        for run in self.artifact_runs():
            height = float(self.pdf.pages[run.page].mediabox[3])
            top = height - run.y  # baseline, measured from the top as pdftotext does
            bands.setdefault(run.page, []).append((top - run.size, top + 0.35 * run.size))
        words = []
        for index, page in enumerate(page_tree.iter("{*}page")):
            for word in page.iter("{*}word"):
                middle = (float(word.get("yMin")) + float(word.get("yMax"))) / 2
                if not any(low <= middle <= high for low, high in bands.get(index, [])):
                    words.append(word.text or "")
        return words
