"""Finish WeasyPrint's PDF/UA-1 output with pikepdf: artifacts, merged fragments, link descriptions, XMP.

WeasyPrint 70 leaves four gaps that this step closes, on the file it wrote:

* running headers and footers (page margin boxes) are marked content mapped to structure elements
  outside the tree (upstream issue #1836): their marked content becomes ``/Artifact`` (pagination)
  and their slots in the parent tree are emptied;
* an element that crosses a page break is emitted once per page (upstream issue #2903): the
  fragment on the later page is merged into the first one, so each clause is one element;
* a text box that the line breaking left empty (the space after a no-wrap compound, ``span.nw``, pushed to the
  next line) is still a ``Span`` element, over marked content that paints nothing: the element leaves the tree
  and its marked content becomes an ``/Artifact``;
* a link's ``/Contents`` is its raw target (``para_3``): it becomes the spoken label
  ("Paragraph 3"), and links get the Print flag; a contents link that shows a bare label ("A") gets the spoken
  label as the ``/Alt`` of its ``Link`` element too, which is what pdf.js (Firefox) names the link by;
* a link broken over two lines (or pages) is two ``Link`` elements side by side, heard as two links: they become
  one ``Link`` element holding both annotations.

It also adds the reference and the language to the XMP metadata. Nothing here reads a clock: the
file identifier is derived from the content.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from publish.writers.pdfspaces import space_line_ends

#: The annotation flag "Print" (PDF 32000-1, 12.5.3).
PRINT_FLAG = 4


@dataclass(frozen=True, slots=True)
class Finish:
    """What the post-processing needs to know that the PDF itself does not say."""

    #: Readable description of each link target: anchor or URL → "Paragraph 3".
    link_labels: Mapping[str, str]
    #: 0-based indices of pages whose first block continues the last block of the page before.
    continued_pages: tuple[int, ...]
    #: The document's reference (``dc:identifier``), language (``dc:language``) and publisher.
    reference: str
    language: str
    publisher: str
    #: The contents' links in order, as (target, text shown): the first links of the document.
    contents: tuple[tuple[str, str], ...] = ()


def finish(raw: bytes, facts: Finish) -> bytes:
    """The finished PDF as bytes."""
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        for page in facts.continued_pages:
            merge_fragment(pdf, document, page)
        margin_boxes_to_artifacts(pdf)
        space_line_ends(pdf, document)
        drop_empty_spans(pdf)
        describe_links(pdf, facts.link_labels)
        name_contents_links(pdf, facts.contents, facts.link_labels)
        join_split_links(pdf)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:identifier"] = facts.reference
            meta["dc:language"] = [facts.language]
            meta["dc:publisher"] = [facts.publisher]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def merge_fragment(pdf: pikepdf.Pdf, document: pikepdf.Object, page: int) -> None:
    """Merge the first top-level element of ``page`` into the element before it, which it continues.

    Call it for continued pages in page order: a clause over three pages is merged twice into its first part.
    """
    here = pdf.pages[page].obj.objgen
    kids = list(document.K)
    first = min(i for i, kid in enumerate(kids) if kid.Pg.objgen == here)
    if first == 0 or kids[first - 1].S != kids[first].S:
        raise ValueError(f"page {page + 1}: its first element does not continue the element before it")
    target, fragment = kids[first - 1], kids[first]
    if not isinstance(target.K, Array):
        target.K = Array([target.K])
    for kid in fragment.K if isinstance(fragment.K, Array) else [fragment.K]:
        if isinstance(kid, int):  # marked content of the fragment's page: say which page
            kid = pdf.make_indirect(Dictionary(Type=Name.MCR, Pg=fragment.Pg, MCID=kid))
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.StructElem:
            kid.P = target
        target.K.append(kid)
    _repoint_parent_tree(pdf, fragment.objgen, target)
    del document.K[first]


def _repoint_parent_tree(pdf: pikepdf.Pdf, old: tuple[int, int], new: pikepdf.Object) -> None:
    """Make the parent tree's entries that name the element ``old`` name ``new``."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    for i in range(1, len(nums), 2):
        value = nums[i]
        if isinstance(value, Array):
            for j, elem in enumerate(value):
                if isinstance(elem, Dictionary) and elem.objgen == old:
                    value[j] = new
        elif isinstance(value, Dictionary) and value.objgen == old:
            nums[i] = new


def margin_boxes_to_artifacts(pdf: pikepdf.Pdf) -> None:
    """Turn marked content whose structure element is not in the tree into pagination artifacts."""
    reachable = set(_tree_objgens(pdf.Root.StructTreeRoot.K))
    for page, mapping in _page_slots(pdf):
        stray = {
            mcid for mcid, elem in enumerate(mapping) if isinstance(elem, Dictionary) and elem.objgen not in reachable
        }
        if stray:
            _to_artifacts(pdf, page, pikepdf.parse_content_stream(page), mapping, stray, Name.Pagination)


def _page_slots(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Page, Array]]:
    """Each page with its slots in the parent tree (the structure element of each MCID)."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    slots = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for index, page in enumerate(pdf.pages):
        mapping = slots.get(index)
        if isinstance(mapping, Array):
            yield page, mapping


def _to_artifacts(
    pdf: pikepdf.Pdf,
    page: pikepdf.Page,
    instructions: list[pikepdf.ContentStreamInstruction],
    mapping: Array,
    mcids: set[int],
    kind: Name | None = None,
) -> None:
    """Make the marked content ``mcids`` of ``page`` artifacts (of type ``kind``) and empty their slots."""
    for i, (operands, operator) in enumerate(instructions):
        if str(operator) == "BDC" and _mcid(operands) in mcids:
            artifact = Dictionary(Type=kind) if kind is not None else Dictionary()
            instructions[i] = pikepdf.ContentStreamInstruction([Name.Artifact, artifact], operator)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    for mcid in mcids:
        mapping[mcid] = None


#: Operators that paint: text showing, path painting, XObjects and shadings (PDF 32000-1, tables 51, 60, 87, 107).
PAINTING = frozenset(("Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI"))


def drop_empty_spans(pdf: pikepdf.Pdf) -> None:
    """Take ``Span`` elements whose marked content paints nothing out of the tree; that content becomes an artifact."""
    for page, mapping in _page_slots(pdf):
        instructions = pikepdf.parse_content_stream(page)
        blank = _blank_mcids(instructions)
        gone: set[int] = set()
        for mcid in sorted(blank):
            elem = mapping[mcid] if mcid < len(mapping) else None
            if isinstance(elem, Dictionary) and elem.get("/S") == Name.Span:
                mcids = _own_mcids(elem)
                if mcids and mcids <= blank and _remove_from_parent(elem):
                    gone |= mcids
        if gone:
            _to_artifacts(pdf, page, instructions, mapping, gone)


def _blank_mcids(instructions: list[pikepdf.ContentStreamInstruction]) -> set[int]:
    """The MCIDs of the marked content on a page that paints nothing."""
    blank: set[int] = set()
    stack: list[list[Any]] = []  # [mcid or None, painted] per open marked-content sequence
    for operands, operator in instructions:
        name = str(operator)
        if name in ("BDC", "BMC"):
            stack.append([_mcid(operands) if name == "BDC" else None, False])
        elif name == "EMC" and stack:
            mcid, painted = stack.pop()
            if mcid is not None and not painted:
                blank.add(mcid)
        elif name in PAINTING:
            for sequence in stack:
                sequence[1] = True
    return blank


def _own_mcids(elem: Dictionary) -> set[int] | None:
    """The MCIDs an element holds directly, or None when it holds anything else (elements, references)."""
    kids = elem.get("/K")
    items = list(kids) if isinstance(kids, Array) else [kids]
    if not items or not all(isinstance(kid, int) for kid in items):
        return None
    return {int(kid) for kid in items}


def _remove_from_parent(elem: Dictionary) -> bool:
    """Take ``elem`` out of its parent's kids, unless it is the only one; say whether it was."""
    parent = elem.get("/P")
    kids = parent.get("/K") if isinstance(parent, Dictionary) else None
    if not isinstance(kids, Array) or len(kids) < 2:
        return False
    kept = [kid for kid in kids if not (isinstance(kid, Dictionary) and kid.objgen == elem.objgen)]
    if len(kept) == len(kids):
        return False
    parent.K = Array(kept)
    return True


def describe_links(pdf: pikepdf.Pdf, labels: Mapping[str, str]) -> None:
    """Give every link annotation a readable ``/Contents`` and the Print flag."""
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", Array()):
            if annot.get("/Subtype") != Name.Link:
                continue
            target = str(annot.Dest) if "/Dest" in annot else str(annot.A.URI)
            annot.Contents = pikepdf.String(labels.get(target, target))
            annot.F = PRINT_FLAG


def name_contents_links(pdf: pikepdf.Pdf, contents: Sequence[tuple[str, str]], labels: Mapping[str, str]) -> None:
    """Give the ``Link`` element of each contents link that shows other words than its target's label (a bare "A")
    that label as ``/Alt`` ("Recital A").

    The contents' links are the document's first: the first link annotations, in page order, must have the targets
    of ``contents`` in its order, or the contents is not where this step expects it (``ValueError``).
    """
    annotations = [annot for page in pdf.pages for annot in page.obj.get("/Annots", Array())]
    links = [annot for annot in annotations if annot.get("/Subtype") == Name.Link][: len(contents)]
    found = [str(annot.Dest) if "/Dest" in annot else None for annot in links]
    if found != [target for target, _ in contents]:
        raise ValueError(f"the first links are not the contents': {found[:5]} …")
    parents = _annotation_parents(pdf)
    for annot, (target, shown) in zip(links, contents, strict=True):
        label = labels.get(target)
        if label and label != shown:
            element = parents.get(int(annot.get("/StructParent", -1)))
            if not isinstance(element, Dictionary) or element.get("/S") != Name.Link:
                raise ValueError(f"the contents link to {target} is in no Link element")
            element.Alt = pikepdf.String(label)


def join_split_links(pdf: pikepdf.Pdf) -> None:
    """Make each run of sibling ``Link`` elements whose annotations lead to the same target one ``Link`` element.

    WeasyPrint tags each line's part of a link as an element of its own; the first keeps the kids (annotations and
    marked content) of the others, and the parent tree says so.
    """
    moved: dict[tuple[int, int], pikepdf.Object] = {}
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        kids = stack.pop()
        for elem in kids if isinstance(kids, Array) else [kids]:
            if isinstance(elem, Dictionary) and elem.get("/Type", Name.StructElem) == Name.StructElem and "/K" in elem:
                if isinstance(elem.K, Array):
                    moved |= _join_links_in(pdf, elem)
                stack.append(elem.K)
    if moved:
        _repoint_all(pdf, moved)


def _join_links_in(pdf: pikepdf.Pdf, parent: pikepdf.Object) -> dict[tuple[int, int], pikepdf.Object]:
    """Join the split links among ``parent``'s kids; the elements taken out, by object, with the one that holds them."""
    kept: list[pikepdf.Object] = []
    moved: dict[tuple[int, int], pikepdf.Object] = {}
    for kid in parent.K:
        previous = kept[-1] if kept else None
        target = _link_target(kid)
        if target is not None and previous is not None and _link_target(previous) == target:
            if not isinstance(previous.K, Array):
                previous.K = Array([previous.K])
            for part in kid.K if isinstance(kid.K, Array) else [kid.K]:
                if isinstance(part, int) and kid.Pg.objgen != previous.Pg.objgen:  # on the next page: say which
                    part = pdf.make_indirect(Dictionary(Type=Name.MCR, Pg=kid.Pg, MCID=part))
                elif isinstance(part, Dictionary) and part.get("/Type") == Name.StructElem:
                    part.P = previous
                previous.K.append(part)
            moved[kid.objgen] = previous
        else:
            kept.append(kid)
    if moved:
        parent.K = Array(kept)
    return moved


def _link_target(elem: pikepdf.Object) -> str | None:
    """The target of the annotations of a ``Link`` element (``None`` for anything else or a link without one)."""
    if not isinstance(elem, Dictionary) or elem.get("/S") != Name.Link:
        return None
    kids = elem.get("/K")
    targets = {
        str(kid.Obj.Dest) if "/Dest" in kid.Obj else str(kid.Obj.A.get("/URI", ""))
        for kid in (kids if isinstance(kids, Array) else [kids])
        if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR
    }
    return targets.pop() if len(targets) == 1 else None


def _repoint_all(pdf: pikepdf.Pdf, moved: Mapping[tuple[int, int], pikepdf.Object]) -> None:
    """Make the parent tree's entries that name an element of ``moved`` name the element that now holds its kids."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    for i in range(1, len(nums), 2):
        value = nums[i]
        if isinstance(value, Array):
            for j, elem in enumerate(value):
                if isinstance(elem, Dictionary) and elem.objgen in moved:
                    value[j] = moved[elem.objgen]
        elif isinstance(value, Dictionary) and value.objgen in moved:
            nums[i] = moved[value.objgen]


def _annotation_parents(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Object]:
    """The parent tree's entries that are one element (an annotation's ``/StructParent``), by number."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2) if isinstance(nums[i + 1], Dictionary)}


def _mcid(operands: list[pikepdf.Object]) -> int | None:
    if len(operands) == 2 and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]:
        return int(operands[1].MCID)
    return None


def _tree_objgens(kids: Iterable[pikepdf.Object] | pikepdf.Object) -> Iterable[tuple[int, int]]:
    items = kids if isinstance(kids, Array) else [kids]
    for kid in items:
        if isinstance(kid, Dictionary) and kid.get("/Type") == Name.StructElem:
            yield kid.objgen
            if "/K" in kid:
                yield from _tree_objgens(kid.K)
