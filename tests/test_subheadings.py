"""Subheadings between clauses (issue 13): in the model, and at the right level in every edition's outline."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
import pytest
import webvtt
from conftest import SMALL, SUBHEADED
from lxml import etree, html
from mutagen.id3 import ID3

from publish import reader
from publish.writers.shared import document_title

#: The outline of SUBHEADED below the sections, as (level, text) with the clauses each heading heads.
SUBHEADINGS = [
    ("hcontainer_1", 1, "Points and sub-points", ["rec_B"]),
    ("hcontainer_2", 1, "I. General remarks", []),
    ("hcontainer_3", 2, "The first call", ["para_1"]),
    ("hcontainer_4", 2, "Links and indents", ["para_2", "para_3"]),
]


@pytest.fixture(scope="module")
def folder(built) -> Path:
    return built / "subheaded"


def test_the_model_holds_each_subheading_with_its_level_and_clauses():
    document = reader.parse(SUBHEADED, Path("subheaded.md"))
    got = [(s.eid, s.level, s.text, [c.eid for c in s.clauses]) for s in document.iter_subheadings()]
    assert got == SUBHEADINGS
    body = document.sections[-1].outline()
    assert [(p.subheading.eid, [q.subheading.eid for q in p.parts]) for p in body] == [
        ("hcontainer_2", ["hcontainer_3", "hcontainer_4"])
    ]
    assert [c.eid for c in body[0].walk()] == ["para_1", "para_2", "para_2__indent_1", "para_2__indent_2", "para_3"]


def test_adding_subheadings_renames_no_clause():
    with_them = reader.parse(SUBHEADED, Path("subheaded.md"))
    without = reader.parse(SMALL, Path("small.md"))
    assert with_them.anchors == without.anchors
    assert [c.spoken_label for c in with_them.iter_clauses()] == [c.spoken_label for c in without.iter_clauses()]


def _outline(root: etree._Element, xpath: str) -> list[tuple[str, str, str]]:
    return [(e.tag, e.get("id") or "", " ".join(e.text_content().split())) for e in root.xpath(xpath)]


def test_html_has_each_subheading_as_h3_or_h4_in_its_section_and_in_the_contents(folder):
    root = html.parse(str(folder / "subheaded.html")).getroot()
    headings = _outline(root, "//main//*[self::h2 or self::h3 or self::h4]")
    assert headings == [
        ("h2", "formula", "The European Parliament,"),
        ("h2", "cits-heading", "Citations"),
        ("h2", "recs-heading", "Recitals"),
        ("h3", "hcontainer_1", "Points and sub-points"),
        ("h2", "body-heading", "Paragraphs"),
        ("h3", "hcontainer_2", "I. General remarks"),
        ("h4", "hcontainer_3", "The first call"),
        ("h4", "hcontainer_4", "Links and indents"),
        ("h2", "notes-heading", "Notes"),
    ]
    # The contents: a subheading's link holds the links to the clauses it heads, level-2 ones inside level-1 ones.
    entry = root.xpath("//nav[@class='toc']//li[@class='toc-subheading'][a/@href='#hcontainer_2']")[0]
    inner = [a.get("href") for a in entry.xpath(".//li[@class='toc-subheading']/a")]
    assert inner == ["#hcontainer_3", "#hcontainer_4"]
    assert [a.get("href") for a in entry.xpath("(.//li[@class='toc-subheading'])[2]//li/a")] == ["#para_2", "#para_3"]


def test_pdf_outline_nests_the_clauses_under_their_subheadings(folder):
    def walk(items, depth=0):
        for item in items:
            yield depth, item.title
            yield from walk(item.children, depth + 1)

    for name in ("subheaded.pdf", "subheaded-large-print.pdf"):
        with pikepdf.open(folder / name) as pdf, pdf.open_outline() as outline:
            entries = list(walk(outline.root))
        body = entries[[t for _, t in entries].index("Paragraphs") :]
        assert body[:7] == [
            (1, "Paragraphs"),
            (2, "I. General remarks"),
            (3, "The first call"),
            (4, "Paragraph 1"),
            (3, "Links and indents"),
            (4, "Paragraph 2"),
            (5, "Indent 1 of paragraph 2"),
        ]
        assert (2, "Points and sub-points") in entries and (3, "Recital B") in entries


def test_pdf_tags_the_subheadings_h3_and_h4(folder):
    with pikepdf.open(folder / "subheaded.pdf") as pdf:
        kinds = []

        def walk(node):
            kind = node.get("/S")
            if kind is not None and str(kind) in ("/H1", "/H2", "/H3", "/H4"):
                kinds.append(str(kind)[1:])
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                for kid in kids:
                    if isinstance(kid, pikepdf.Dictionary):
                        walk(kid)
            elif isinstance(kids, pikepdf.Dictionary):
                walk(kids)

        walk(pdf.Root.StructTreeRoot)
    assert kinds == ["H1", "H2", "H2", "H2", "H3", "H2", "H3", "H4", "H4", "H2"]  # the second: Contents


def test_epub_nav_nests_the_subheadings(folder):
    with zipfile.ZipFile(folder / "subheaded.epub") as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    entry = nav.xpath("//x:nav[@id='toc']//x:li[x:a/@href='text.xhtml#hcontainer_2']", namespaces=ns)[0]
    children = entry.xpath("x:ol/x:li/x:a/@href", namespaces=ns)
    assert children == ["text.xhtml#hcontainer_3", "text.xhtml#hcontainer_4"]
    grand = entry.xpath("x:ol/x:li[2]/x:ol/x:li/x:a/@href", namespaces=ns)
    assert grand == ["text.xhtml#para_2", "text.xhtml#para_3"]


def test_audio_gives_each_subheading_a_chapter_a_nested_table_of_contents_and_a_cue(folder):
    tag = ID3(folder / "subheaded.mp3")
    tocs = {frame.element_id: frame for frame in tag.getall("CTOC")}
    chapters = {frame.element_id: str(frame.sub_frames["TIT2"]) for frame in tag.getall("CHAP")}
    assert tocs["toc-body"].child_element_ids == ["body-heading", "toc-hcontainer_2"]
    assert tocs["toc-hcontainer_2"].child_element_ids == ["hcontainer_2", "toc-hcontainer_3", "toc-hcontainer_4"]
    assert tocs["toc-hcontainer_4"].child_element_ids == [
        "hcontainer_4", "para_2", "para_2__indent_1", "para_2__indent_2", "para_3"
    ]  # fmt: skip
    assert chapters["hcontainer_4"] == "Links and indents"
    cues = {cue.identifier: cue.text for cue in webvtt.read(str(folder / "subheaded.vtt"))}
    assert cues["hcontainer_1"] == "Points and sub-points."
    assert cues["hcontainer_2"] == "I. General remarks."


def test_a_long_title_is_cut_at_a_word_for_the_window_title(seed):
    assert document_title(seed) == f"{seed.metadata.reference}: {seed.metadata.title}"
    long_title = "European Parliament resolution of 7 April 2022 on the conclusions of the European Council " * 3
    document = reader.parse(SMALL.replace("A test resolution on everything a source can hold", long_title), Path("x"))
    title = document_title(document)
    assert len(title) <= 160 and title.endswith("…") and long_title.startswith(title[len("B9-0001/2024: ") : -1])
