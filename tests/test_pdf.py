"""The PDF editions read back from the files: structure per clause, anchors, outline, words, page map, sizes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SMALL, seed_words
from lxml import html

from publish import reader
from publish.check.pdfread import PdfReading
from publish.model import Document
from publish.writers import html as html_writer
from publish.writers import pdf, weasy
from publish.writers.shared import Options, section_heading

EDITIONS = {"pdf": "", "pdf-large": "-large-print"}


def _path(built: Path, name: str, edition: str) -> Path:
    return built / name / f"{name}{EDITIONS[edition]}.pdf"


@pytest.fixture(scope="module")
def small(small_source) -> Document:
    return reader.read(small_source)


@pytest.fixture(scope="module", params=[(n, e) for n in ("B9-0311-2022", "small") for e in EDITIONS])
def case(request, built, seed, small):
    name, edition = request.param
    with PdfReading(_path(built, name, edition)) as reading:
        yield (seed if name == "B9-0311-2022" else small), reading, edition


def _front_matter(document: Document) -> list[str]:
    """Structure types of the print page's top-level elements, as the model says they must be."""
    types = ["P", "P", "H1", "P", "H2", "L", "P"]  # document type, reference, title, procedure, contents, formula
    for section in document.sections:
        types += ["H2"] + ["P" for top in section.clauses for _ in top.walk()]
    if document.footnotes:
        types += ["H2"] + ["P"] * len(document.footnotes)
    return types


def _clause_elements(document: Document, reading: PdfReading):
    """The top-level P elements of the clauses, paired with their clauses in document order."""
    top = reading.structure.kids[0].kids
    clauses = list(document.iter_clauses())
    paragraphs = [node for node in top[7:] if node.type == "P"][: len(clauses)]
    return list(zip(clauses, paragraphs, strict=True))


def test_the_tree_is_one_element_per_heading_paragraph_and_clause(case):
    document, reading, _ = case
    root = reading.structure
    assert [node.type for node in root.kids] == ["Document"]
    assert [node.type for node in root.kids[0].kids] == _front_matter(document)
    assert len(_clause_elements(document, reading)) == len(list(document.iter_clauses()))


def test_each_clause_element_reads_its_label_then_its_text(case):
    document, reading, _ = case
    for clause, node in _clause_elements(document, reading):
        label = clause.label or html_writer.DASH
        assert node.text.split() == [label, *clause.text.split()], clause.eid


def test_headings_are_the_title_then_the_section_headings(case):
    document, reading, _ = case
    headings = [(n.type, n.text) for n in reading.structure.walk() if n.type.startswith("H")]
    expected = [("H1", document.metadata.title), ("H2", "Contents")]
    expected += [("H2", section_heading(document, s.kind)) for s in document.sections]
    expected += [("H2", "Notes")] if document.footnotes else []
    assert headings == expected


def test_catalog_has_language_title_shown_and_xmp(case):
    document, reading, _ = case
    meta = document.metadata
    assert reading.lang == meta.language
    assert reading.display_doc_title
    assert reading.xmp == {
        "dc:title": f"{meta.reference}: {meta.title}",
        "dc:identifier": meta.reference,
        "dc:language": meta.language,
        "dc:publisher": meta.issued_by,
        "pdfuaid:part": "1",
    }
    assert str(reading.pdf.docinfo["/Title"]) == f"{meta.reference}: {meta.title}"


def test_every_anchor_is_a_destination_on_the_page_and_at_the_line_where_its_clause_starts(case):
    document, reading, _ = case
    dests = reading.destinations
    assert set(document.anchors) | {"preface", "preamble", "formula"} <= set(dests)
    assert {s.eid for s in document.sections} <= set(dests)
    for clause, node in _clause_elements(document, reading):
        page, top = dests[clause.eid]
        first = node.all_runs()[0]
        assert page == node.page == first.page, clause.eid
        assert 0 <= top - first.y <= 1.5 * first.size, (clause.eid, top, first.y)


def test_outline_has_the_title_each_section_and_each_clause_by_its_spoken_label(case):
    document, reading, _ = case
    dests = reading.destinations
    expected = [(1, document.metadata.title, 0)]
    for section in document.sections:
        expected.append((2, section_heading(document, section.kind), dests[section.eid][0]))
        for top in section.clauses:
            for clause in top.walk():
                depth = clause.eid.count("__")
                expected.append((3 + depth, clause.spoken_label, dests[clause.eid][0]))
    if document.footnotes:
        expected.append((2, "Notes", dests["notes"][0]))
    assert [(e.level, e.title, e.page) for e in reading.outline] == expected


def test_running_heads_are_pagination_artifacts_and_nothing_else_is(case):
    document, reading, _ = case
    pages = reading.pages
    artifacts = {(run.page, run.text) for run in reading.artifact_runs()}
    expected = {(i, f"Page {i + 1} of {pages}") for i in range(pages)}
    expected |= {(i, document.metadata.reference) for i in range(1, pages)}
    if case[2] == "pdf":
        doc_type = f"{document.metadata.doc_type} · {document.metadata.issued_by}"
        expected |= {(i, doc_type) for i in range(1, pages)}
    assert artifacts == expected
    assert all(run.mcid is not None for run in reading.content_runs())


def test_links_sit_in_link_elements_and_are_described_by_spoken_labels(built, small):
    with PdfReading(_path(built, "small", "pdf")) as reading:
        links = {(link.target, link.contents, link.parent_type, link.flags) for link in reading.links}
    assert links == {
        ("para_1", "Paragraph 1", "Link", 4),
        ("https://www.europarl.europa.eu/", "the Parliament (https://www.europarl.europa.eu/)", "Link", 4),
        ("authorialNote_1", "Note 1", "Link", 4),
        ("authorialNote_1__ref", "Back to the call of note 1", "Link", 4),
        # the contents: each section by its heading, each clause by its spoken label, the notes
        *((s.eid, section_heading(small, s.kind), "Link", 4) for s in small.sections),
        *((clause.eid, clause.spoken_label, "Link", 4) for clause in small.iter_clauses()),
        ("notes", "Notes", "Link", 4),
    }


def _without_print_words(words: list[str], document: Document) -> list[str]:
    """Drop, in order, the words the print page adds to the seed: document type, headings, labels."""
    added = f"{document.metadata.doc_type} · {document.metadata.issued_by}".split()
    added += ["Contents"] + [s for section in document.sections for s in _contents_entry(section, document)]
    for section in document.sections:
        added.append(section_heading(document, section.kind))
        added += [clause.label or html_writer.DASH for top in section.clauses for clause in top.walk()]
    rest, position = [], 0
    for word in words:
        if position < len(added) and word == added[position]:
            position += 1
        else:
            rest.append(word)
    assert position == len(added), f"not found in order: {added[position:]}"
    return rest


def _contents_entry(section, document: Document) -> list[str]:
    """A section's words in the contents: its heading, then its clauses' bare labels (a point without one: the dash)."""
    labels = [
        clause.label.removesuffix(".") or (clause.num if clause is top else html_writer.DASH)
        for top in section.clauses
        for clause in top.walk()
    ]
    return f"{section_heading(document, section.kind)}: {', '.join(labels)}".split()


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdftotext_gives_the_seeds_words_in_the_seeds_order(built, seed, edition):
    with PdfReading(_path(built, "B9-0311-2022", edition)) as reading:
        words = reading.words()
    assert _without_print_words(words, seed) == seed_words()


def test_large_print_text_is_at_least_18_pt_its_running_head_16_and_the_standard_edition_is_smaller(built):
    for name in ("B9-0311-2022", "small"):
        with PdfReading(_path(built, name, "pdf-large")) as reading:
            text = [run.size for run in reading.content_runs() if run.text.strip()]
            furniture = {run.text: round(run.size, 2) for run in reading.artifact_runs() if run.text.strip()}
            pages = reading.pages
        assert min(text) >= 18 - 1e-6, name
        # UKAAF's large-print minimum for the running head; the page number keeps the text's size
        assert set(furniture.values()) == {16.0, 18.0}, furniture
        assert all(size == 18.0 for text, size in furniture.items() if text.endswith(f" of {pages}")), furniture
    with PdfReading(_path(built, "B9-0311-2022", "pdf")) as reading:
        body = [run.size for run in reading.content_runs() if run.text.strip()]
    assert round(max(set(body), key=body.count), 2) == 11


def _fonts(path: Path) -> set[str]:
    with PdfReading(path) as reading:
        return {
            str(font.BaseFont).split("+")[-1] for page in reading.pdf.pages for font in page.obj.Resources.Font.values()
        }


def test_large_print_is_set_in_sans_serif_and_the_standard_edition_in_serif(built):
    assert _fonts(_path(built, "small", "pdf-large")) == {"Publish-Sans", "Publish-Sans-Bold"}
    assert {"Publish-Serif", "Publish-Serif-Bold", "Publish-Serif-Italic"} <= _fonts(_path(built, "small", "pdf"))


def test_manifest_records_each_editions_pages_and_page_starts(built, seed):
    data = json.loads((built / "B9-0311-2022" / "anchors.json").read_text(encoding="utf-8"))
    for edition in EDITIONS:
        path = _path(built, "B9-0311-2022", edition)
        facts = data["editions"][edition]
        with PdfReading(path) as reading:
            dests = reading.destinations
            pages = reading.pages
        assert facts["file"] == path.name and facts["pages"] == pages
        for clause in data["clauses"]:
            assert clause[edition] == {"page": dests[clause["eid"]][0] + 1}
        order = pdf.element_anchors(seed)
        assert [start["page"] for start in facts["page_starts"]] == list(range(1, pages + 1))
        for start in facts["page_starts"]:
            on_page = [a for a in order if dests[a][0] + 1 == start["page"]]
            if on_page:
                assert start == {"page": start["page"], "eid": on_page[0]}
            else:
                assert start["continues"] is True
    assert data["editions"]["pdf"]["page_starts"][0] == {"page": 1, "eid": "preface"}


def test_page_starts_name_the_running_clause_on_a_page_without_a_start():
    anchor_pages = {"preface": 1, "cits": 1, "cit_1": 1, "cit_2": 3}
    starts = pdf.page_starts(["preface", "cits", "cit_1", "cit_2"], anchor_pages, 3)
    assert starts == [
        {"page": 1, "eid": "preface"},
        {"page": 2, "eid": "cit_1", "continues": True},
        {"page": 3, "eid": "cit_2"},
    ]


@pytest.fixture(scope="module")
def long_clause(tmp_path_factory) -> tuple[Document, Path]:
    """A source whose paragraph 1 is longer than a page, so it must break across pages."""
    words = " ".join(f"whereas item {i} is long enough to fill the line;" for i in range(220))
    source = tmp_path_factory.mktemp("long") / "long.md"
    source.write_text(SMALL.replace("Calls for one thing[^1];", f"Calls for {words} one thing[^1];"), encoding="utf-8")
    document = reader.read(source)
    rendered = pdf.render(document, Options())
    path = source.with_suffix(".pdf")
    path.write_bytes(rendered.pdf)
    return document, path


def test_a_clause_longer_than_a_page_is_still_one_element(long_clause):
    document, path = long_clause
    with PdfReading(path) as reading:
        assert [n.type for n in reading.structure.kids[0].kids] == _front_matter(document)
        para_1 = dict((c.eid, n) for c, n in _clause_elements(document, reading))["para_1"]
        assert len({run.page for run in para_1.all_runs()}) >= 2
        assert para_1.text.split()[:3] == ["1.", "Calls", "for"]


def test_without_the_merge_the_long_clause_would_be_two_elements(long_clause, tmp_path, monkeypatch):
    document, _ = long_clause
    monkeypatch.setattr(weasy, "continuations", lambda laid_out: iter(()))
    path = tmp_path / "split.pdf"
    path.write_bytes(pdf.render(document, Options()).pdf)
    with PdfReading(path) as reading:
        types = [n.type for n in reading.structure.kids[0].kids]
    assert len(types) > len(_front_matter(document))


def test_rendering_is_reproducible_and_logs_no_weasyprint_warnings(small, caplog):
    with caplog.at_level("WARNING", logger="weasyprint"):
        first = pdf.render(small, Options(), "large-print").pdf
    assert pdf.render(small, Options(), "large-print").pdf == first
    assert [r.getMessage() for r in caplog.records] == []


def test_a_missing_language_fails_the_build(small):
    from dataclasses import replace

    from publish.errors import PublishError

    broken = replace(small, metadata=replace(small.metadata, language=""))
    with pytest.raises(PublishError, match="lang"):
        pdf.render(broken, Options())


def test_the_html_page_links_both_pdf_editions(built, seed):
    page = html_writer.page(seed, Options(formats=("html", *pdf.EDITIONS)))
    hrefs = [a.get("href") for a in page.cssselect("footer .editions a")]
    assert hrefs[:2] == ["B9-0311-2022.pdf", "B9-0311-2022-large-print.pdf"]
    assert all((built / "B9-0311-2022" / href).is_file() for href in hrefs[:2])
    built_page = html.parse(str(built / "B9-0311-2022" / "B9-0311-2022.html")).getroot()
    assert "B9-0311-2022.pdf" in [a.get("href") for a in built_page.cssselect("footer .editions a")]


def test_print_page_has_no_wrappers_and_keeps_compounds_whole(seed):
    page = html_writer.print_page(seed, Options())
    body = page.find("body")
    assert {child.tag for child in body} == {"p", "h1", "h2", "ol"}  # the contents' list: its items never break
    compounds = [span.text for span in page.cssselect("span.nw")]
    assert "re-education" in compounds and "EU-Taiwan" in compounds
    assert body.get_element_by_id("para_3").text_content().startswith("3. Reiterates")
