"""The PDF editions as Firefox's viewer reads them: pdf.js (``pdfjs-dist`` 6.5, ``tests/clients/pdfjs.mjs``).

Over the seed's A4 and large-print editions, and a source with cross-references and a paragraph longer than a page:
the outline and its pages, the named destinations, each page's structure tree (what Firefox gives screen readers),
the link annotations and where they lead, and the text lines, all held to the manifest's pages (issue 17).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SMALL

from publish import reader
from publish.check.tools import node_modules, node_path
from publish.model import Clause, Document
from publish.writers import pdf
from publish.writers.html import DASH
from publish.writers.shared import Options, section_heading

pytestmark = pytest.mark.node

HARNESS = ROOT / "tests" / "clients" / "pdfjs.mjs"
EDITIONS = {"pdf": "", "pdf-large": "-large-print"}
FLAVOURS = {"pdf": "print", "pdf-large": "large-print"}
#: The small source with cross-references to a recital, a point and a paragraph; its paragraph 1 runs over pages.
LONG = " ".join(f"whereas item {i} is long enough to fill the line;" for i in range(220))
CROSS = SMALL.replace("Calls for one thing[^1];", f"Calls for {LONG} one thing[^1];").replace(
    "Instructs its President to forward this resolution.",
    "Instructs its President, as [recital B](#rec_B) and [point (a) of recital B](#rec_B__point_a) ask, to forward"
    " this resolution.",
)


def read_with_pdfjs(*paths: Path) -> list[dict[str, Any]]:
    """pdf.js's report on each file (one Node process for all)."""
    command = [str(node_path()), str(HARNESS), str(node_modules()), *map(str, paths)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def seed_pdfs(built: Path) -> dict[str, tuple[dict[str, Any], dict[str, int]]]:
    """Each seed edition's pdf.js report, with the page of each clause the manifest (``anchors.json``) records."""
    folder = built / "B9-0311-2022"
    reports = read_with_pdfjs(*(folder / f"B9-0311-2022{suffix}.pdf" for suffix in EDITIONS.values()))
    manifest = json.loads((folder / "anchors.json").read_text(encoding="utf-8"))
    out = {}
    for (edition, _), report in zip(EDITIONS.items(), reports, strict=True):
        assert report["pages"] == manifest["editions"][edition]["pages"]
        out[edition] = (report, {clause["eid"]: clause[edition]["page"] for clause in manifest["clauses"]})
    return out


@pytest.fixture(scope="module")
def cross(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, dict[str, tuple[dict[str, Any], dict]]]:
    """The cross-reference source rendered in both editions: pdf.js's report and the page of each anchor."""
    folder = tmp_path_factory.mktemp("pdfjs")
    source = folder / "cross.md"
    source.write_text(CROSS, encoding="utf-8")
    document = reader.read(source)
    pages, paths = {}, []
    for edition, flavour in FLAVOURS.items():
        rendered = pdf.render(document, Options(), flavour)
        paths.append(folder / f"cross{EDITIONS[edition]}.pdf")
        paths[-1].write_bytes(rendered.pdf)
        pages[edition] = rendered.anchor_pages
    reports = read_with_pdfjs(*paths)
    return document, {edition: (report, pages[edition]) for edition, report in zip(EDITIONS, reports, strict=True)}


# --- reading pdf.js's report --------------------------------------------------------------------------------------


def _nodes(node: dict[str, Any], role: str) -> Iterator[dict[str, Any]]:
    """The structure nodes of ``role`` under ``node``, depth first."""
    for kid in node.get("children", []):
        if kid.get("role") == role:
            yield kid
        yield from _nodes(kid, role)


def _ids(node: dict[str, Any], kind: str) -> list[str]:
    """The ids of the ``content`` (or ``annotation``) leaves under ``node``, in order."""
    found = []
    for kid in node.get("children", []):
        found += [kid["id"]] if kid.get("type") == kind else _ids(kid, kind)
    return found


def _top(page: dict[str, Any]) -> list[dict[str, Any]]:
    """A page's top-level structure nodes (the children of its Document node)."""
    (document,) = page["structTree"]["children"]
    assert document["role"] == "Document"
    return document["children"]


def _compact(text: str) -> str:
    """Text without white space: words that join at a line end still compare equal (that is the layout's test)."""
    return "".join(text.split())


def _clause_text(clause: Clause) -> str:
    return _compact(f"{clause.label or DASH} {clause.text}")


def paragraphs(report: dict[str, Any], document: Document) -> list[tuple[str, list[int]]]:
    """Every top-level P node's text and the pages it is on, a P continued on the next page folded into one.

    pdf.js builds the structure tree page by page and says nothing of an element's identity: a clause that runs
    over a page break shows as a P on each page, holding that page's part only. A page's first P continues the
    last P of the page before when that one is not yet a whole clause and the two together begin one.
    """
    wanted = {_clause_text(clause) for clause in document.iter_clauses()}
    found: list[tuple[str, list[int]]] = []
    for page in report["pageList"]:
        for index, node in enumerate(_top(page)):
            if node["role"] != "P":
                continue
            text = _compact("".join(page["marked"].get(id_, "") for id_ in _ids(node, "content")))
            if index == 0 and found and found[-1][0] not in wanted:
                joined = found[-1][0] + text
                if any(clause.startswith(joined) for clause in wanted):
                    found[-1] = (joined, [*found[-1][1], page["number"]])
                    continue
            found.append((text, [page["number"]]))
    return found


#: pdf.js names an annotation in the structure tree by its id with this prefix.
PREFIX = "pdfjs_internal_id_"


def links(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every link annotation of the file by its pdf.js id."""
    return {a["id"]: a for page in report["pageList"] for a in page["annotations"] if a["subtype"] == "Link"}


def contents_links(report: dict[str, Any]) -> list[tuple[dict[str, Any], str | None]]:
    """The contents' links in order: the annotation and the ``/Alt`` of the Link node that holds it.

    The contents is the first list (L) of the document; when it is the last node of its page it goes on as the first
    node of the next.
    """
    annotations = links(report)
    found: list[tuple[dict[str, Any], str | None]] = []
    pages = iter(report["pageList"])
    top = _top(next(pages))
    node: dict[str, Any] | None = next(node for node in top if node["role"] == "L")
    while node is not None:
        for link in _nodes(node, "Link"):
            found += [(annotations[id_.removeprefix(PREFIX)], link.get("alt")) for id_ in _ids(link, "annotation")]
        following = _top(next(pages)) if node is top[-1] else []
        top, node = following, following[0] if following and following[0]["role"] == "L" else None
    return found


# --- the seed's editions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
def test_outline_is_the_title_sections_and_clauses_each_opening_its_manifest_page(seed_pdfs, seed, edition):
    report, manifest = seed_pdfs[edition]
    outline = [(e["level"], e["title"], e["page"]) for e in report["outline"]]
    expected = [(1, seed.metadata.title, 1)]
    for section in seed.sections:
        expected.append((2, section_heading(seed, section.kind), report["destinations"][section.eid]))
        expected += [(3, clause.spoken_label, manifest[clause.eid]) for clause in section.clauses]
    assert outline == expected
    assert len(outline) == 1 + 3 + 40


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_clause_anchor_is_a_named_destination_on_its_manifest_page(seed_pdfs, seed, edition):
    report, manifest = seed_pdfs[edition]
    destinations = report["destinations"]
    assert {eid: destinations.get(eid) for eid in manifest} == manifest
    assert len(manifest) == len(list(seed.iter_clauses())) == 40


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_clause_is_one_paragraph_node_in_the_structure_tree(seed_pdfs, seed, edition):
    report, manifest = seed_pdfs[edition]
    found = paragraphs(report, seed)
    texts = [text for text, _ in found]
    for clause in seed.iter_clauses():
        assert texts.count(_clause_text(clause)) == 1, clause.eid
        pages = next(pages for text, pages in found if text == _clause_text(clause))
        assert pages[0] == manifest[clause.eid], clause.eid
    clause_texts = [_clause_text(clause) for clause in seed.iter_clauses()]
    assert [text for text in texts if text in clause_texts] == clause_texts


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_contents_links_every_section_and_clause_by_its_spoken_label(seed_pdfs, seed, edition):
    report, manifest = seed_pdfs[edition]
    entries = contents_links(report)
    expected = []
    for section in seed.sections:
        heading = section_heading(seed, section.kind)
        expected.append((section.eid, heading, heading, None))
        bare = [(c.eid, c.label.removesuffix(".") or c.num, c.spoken_label) for c in section.clauses]
        expected += [(eid, shown, spoken, spoken) for eid, shown, spoken in bare]
    got = [(a["dest"], a["overlaidText"], a["contents"], alt) for a, alt in entries]
    assert got == expected
    clause_links = [a for a, alt in entries if a["dest"] in manifest]
    assert len(clause_links) == len(manifest) == 40
    assert all(a["page"] == manifest[a["dest"]] for a in clause_links)
    assert all(a["rect"][2] > a["rect"][0] and a["rect"][3] > a["rect"][1] for a, _ in entries)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_link_is_tagged_described_and_leads_to_the_page_of_its_target(seed_pdfs, edition):
    report, manifest = seed_pdfs[edition]
    annotations = links(report)
    tagged = {
        id_.removeprefix(PREFIX)
        for page in report["pageList"]
        for link in _nodes(page["structTree"], "Link")
        for id_ in _ids(link, "annotation")
    }
    assert len(annotations) == 3 + 40 and tagged == set(annotations)
    for link in annotations.values():
        assert link["dest"] and link["page"] == report["destinations"][link["dest"]]
        assert link["page"] == manifest.get(link["dest"], link["page"])
        assert link["contents"] and link["contents"] != link["dest"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_text_lines_show_the_contents_and_only_running_heads_are_outside_marked_content(seed_pdfs, seed, edition):
    report, _ = seed_pdfs[edition]
    first = [line["text"] for line in report["pageList"][0]["lines"]]
    start, end = first.index("Contents"), first.index(seed.formula)
    contents = " ".join(first[start:end]).split()
    expected = ["Contents"]
    for section in seed.sections:
        labels = [clause.label.removesuffix(".") or clause.num for clause in section.clauses]
        expected += f"{section_heading(seed, section.kind)}: {', '.join(labels)}".split()
    assert contents == expected
    pages = report["pages"]
    heads = {f"Page {n} of {pages}" for n in range(1, pages + 1)} | {seed.metadata.reference}
    heads |= {f"{seed.metadata.doc_type} · {seed.metadata.issued_by}"}
    for page in report["pageList"]:
        assert page["lines"], page["number"]
        outside = " ".join(line["text"] for line in page["lines"] if not line["mc"])  # the A4 heads share a line
        assert f"Page {page['number']} of {pages}" in outside
        for head in sorted(heads, key=len, reverse=True):
            outside = outside.replace(head, "")
        assert not outside.strip(), (page["number"], outside)


# --- cross-references and a clause over several pages -------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
def test_cross_references_are_one_described_link_each_to_their_clauses_pages(cross, edition):
    document, reports = cross
    report, pages = reports[edition]
    annotations = links(report)
    in_contents = {a["id"] for a, _ in contents_links(report)}
    found = []
    for page in report["pageList"]:
        for link in _nodes(page["structTree"], "Link"):
            parts = [annotations[id_.removeprefix(PREFIX)] for id_ in _ids(link, "annotation")]
            if parts and parts[0]["dest"] in document.anchors and parts[0]["id"] not in in_contents:
                assert len({(a["dest"], a["contents"]) for a in parts}) == 1
                found.append((parts[0]["dest"], parts[0]["contents"], " ".join(a["overlaidText"] for a in parts)))
                for part in parts:
                    assert part["page"] == pages[part["dest"]] == report["destinations"][part["dest"]]
                    assert part["rect"][2] > part["rect"][0] and part["rect"][3] > part["rect"][1]
    assert found == [
        ("para_1", "Paragraph 1", "paragraph 1"),
        ("rec_B", "Recital B", "recital B"),
        ("rec_B__point_a", "Point (a) of recital B", "point (a) of recital B"),
    ]
    assert pages["para_1"] < pages["para_2"]  # the reference to paragraph 1 leads back over the long paragraph's pages
    assert len(contents_links(report)) == 3 + len(list(document.iter_clauses())) + 1  # sections, clauses, notes


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_clause_over_several_pages_is_a_paragraph_node_on_each_page_that_folds_into_one(cross, edition):
    document, reports = cross
    report, pages = reports[edition]
    found = paragraphs(report, document)
    para_1 = next(clause for clause in document.iter_clauses() if clause.eid == "para_1")
    spans = [on for text, on in found if text == _clause_text(para_1)]
    assert len(spans) == 1 and len(spans[0]) >= 3 and spans[0][0] == pages["para_1"]
    for number in spans[0][1:]:  # pdf.js shows the part on each later page as that page's first P node
        assert _top(report["pageList"][number - 1])[0]["role"] == "P"
    texts = [text for text, _ in found]
    assert all(texts.count(_clause_text(clause)) == 1 for clause in document.iter_clauses())
