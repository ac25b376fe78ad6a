"""The EPUB edition read back: EPUBCheck and Ace, anchors, navigation, page list, words, reproducibility.

The media overlays are read back in ``test_epub_overlays.py``; their broken copies go through the gate here, with
the others, so that EPUBCheck checks every file in one JVM.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SEED_SOURCE, seed_words
from lxml import etree

from publish import manifest, reader
from publish.build import build
from publish.check.epub import Audit, audit, page_breaks_unnamed
from publish.cli import main
from publish.errors import PublishError
from publish.model import Metadata
from publish.writers import epub
from publish.writers.epubparts import PageStart, content_document
from publish.writers.shared import Options

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
#: EPUBCheck runs in Java, Ace in Node.js; an EPUB built alone lays out the PDF and speaks its narration.
FIXTURE_MARKERS = {"checked": ("jvm", "node"), "epub_alone": ("speech",)}


# --- reading an EPUB back -------------------------------------------------------------------------------------------


class Package:
    """An EPUB opened for reading: its OPF, spine documents and navigation document, parsed as XML."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.files = {name: z.read(name) for name in z.namelist()}
            self.infos = z.infolist()
        container = self.xml("META-INF/container.xml")
        self.opf_path = container.find(".//c:rootfile", NS).get("full-path")
        self.opf = self.xml(self.opf_path)
        self.base = posixpath.dirname(self.opf_path)
        items = self.opf.findall("opf:manifest/opf:item", NS)
        self.hrefs = {item.get("id"): self.resolve(item.get("href")) for item in items}
        self.spine = [self.hrefs[ref.get("idref")] for ref in self.opf.findall("opf:spine/opf:itemref", NS)]
        self.linear = [r.get("linear", "yes") != "no" for r in self.opf.findall("opf:spine/opf:itemref", NS)]
        self.nav_path = next(self.resolve(i.get("href")) for i in items if "nav" in (i.get("properties") or "").split())

    def resolve(self, href: str, relative_to: str | None = None) -> str:
        base = posixpath.dirname(relative_to) if relative_to else self.base
        return posixpath.normpath(posixpath.join(base, href))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.findall(f"opf:metadata/opf:meta[@property='{prop}']", NS)]

    def nav(self, kind: str) -> etree._Element | None:
        return self.xml(self.nav_path).find(f".//x:nav[@epub:type='{kind}']", NS)

    def ids(self, name: str) -> set[str]:
        return {e.get("id") for e in self.xml(name).iter() if e.get("id")}


def _clause_ids(package: Package) -> list[str]:
    ids = []
    for name in [n for n, linear in zip(package.spine, package.linear, strict=True) if linear]:
        ids += [li.get("id") for li in package.xml(name).iterfind(".//x:li", NS) if "clause" in li.get("class", "")]
    return ids


def _text_words(package: Package) -> list[str]:
    """Words of the content document's preface and main, without labels and section headings (as the HTML test)."""
    doc = package.xml(package.spine[0])
    hidden = ".//*[@class='visually-hidden']"  # what only a screen reader hears (the title's colon)
    for xpath in (".//*[@class='doc-type']", ".//x:main//x:h2", ".//*[@class='clause-label']", hidden):
        for element in doc.findall(xpath, NS):
            _drop(element)
    preface = "".join(doc.find(".//x:header[@id='preface']", NS).itertext())
    main = "".join(doc.find(".//x:main", NS).itertext())
    return (preface + " " + main).split()


def _drop(element: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent, previous, tail = element.getparent(), element.getprevious(), element.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _broken_copy(source: Path, target: Path, name: str, old: str | re.Pattern[str], new: str) -> Path:
    """A copy of ``source`` with ``old`` (a string or a pattern) replaced by ``new`` once in entry ``name``
    (mimetype stays first and stored, every entry keeps its compression)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == name:
                text = data.decode("utf-8")
                if isinstance(old, str):
                    assert old in text, (name, old)
                    text = text.replace(old, new, 1)
                else:
                    text, count = old.subn(lambda _: new, text, 1)
                    assert count == 1, (name, old.pattern)
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return target


# --- fixtures -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_epub(built) -> Path:
    return built / "B9-0311-2022" / "B9-0311-2022.epub"


@pytest.fixture(scope="module")
def small_epub(built) -> Path:
    return built / "small" / "small.epub"


@pytest.fixture(scope="module")
def seed_package(seed_epub) -> Package:
    return Package(seed_epub)


@pytest.fixture(scope="module")
def epub_alone(tmp_path_factory) -> Path:
    """The seed built with ``--to epub`` alone in a fresh folder: no PDF facts in the manifest."""
    out = tmp_path_factory.mktemp("epub-alone")
    assert main(["build", "-q", "--to", "epub", "-o", str(out), str(SEED_SOURCE)]) == 0
    return out / "B9-0311-2022" / "B9-0311-2022.epub"


@pytest.fixture(scope="module")
def no_pages_epub(tmp_path_factory, seed) -> Path:
    """The seed rendered without a page map and without a narration: no page list, no overlays, no such claims."""
    path = tmp_path_factory.mktemp("no-pages") / "no-pages.epub"
    path.write_bytes(epub.render(seed, Options(), [], epub.modified(seed.metadata)))
    return path


OPF, NAV, TEXT, SMIL = "EPUB/content.opf", "EPUB/nav.xhtml", "EPUB/text.xhtml", "EPUB/text.smil"
#: The last clip of the SMIL document.
LAST_CLIP_END = re.compile(r'clipEnd="[^"]*"(?=/>\s*</par>\s*</body>)')
#: Both access modes (textual, auditory).
ACCESS_MODES = re.compile(r'(<meta property="schema:accessMode">[^<]*</meta>\s*){2}')
#: The value of the SMIL document's own media:duration.
SMIL_DURATION = re.compile('(?<=refines="#overlay">)[^<]+')
BROKEN: dict[str, tuple[str, str | re.Pattern[str], str, str, str]] = {  # name: (entry, old, new, tool, rule)
    "no-access-mode": (OPF, ACCESS_MODES, "", "ace", "metadata-accessmode"),
    "no-conformance": (OPF, '"dcterms:conformsTo"', '"dcterms:references"', "package", "a11y-conformance"),
    "no-page-source": (OPF, '"pageBreakSource"', '"dcterms:references"', "package", "a11y-page-source"),
    "broken-nav-target": (NAV, "#para_3", "#para_33", "epubcheck", "RSC-012"),
    "broken-nav-order": (NAV, "#para_3", "#para_33", "ace", "epub-toc-order"),
    "no-package-lang": (OPF, ' xml:lang="en"', "", "ace", "epub-lang"),
    "pagebreak-without-role": (
        TEXT,
        ' role="doc-pagebreak" id="page_2"',
        ' id="page_2"',
        "ace",
        "epub-type-has-matching-role",
    ),
    # media overlays: EPUBCheck sees a missing text target, a detached overlay and (as a warning) a total duration
    # that is not the sum; only the overlay checks see a clip past the end of the audio, a SMIL's own duration,
    # pars out of reading order (EPUBCheck: a mere USAGE note), an unstyled active class and untrue claims.
    "broken-smil-target": (SMIL, 'text.xhtml#para_3"', 'text.xhtml#para_33"', "epubcheck", "RSC-012"),
    "broken-smil-target-overlay": (SMIL, 'text.xhtml#para_3"', 'text.xhtml#para_33"', "overlay", "overlay-text-target"),
    "clip-beyond-audio": (SMIL, LAST_CLIP_END, 'clipEnd="0:59:00.000"', "overlay", "overlay-clip"),
    "smil-duration-not-its-clips": (OPF, SMIL_DURATION, "0:20:00.000", "overlay", "overlay-duration"),
    "smil-duration-not-the-total": (OPF, SMIL_DURATION, "0:20:00.000", "epubcheck", "MED_016"),
    "pars-out-of-reading-order": (SMIL, 'text.xhtml#para_3"', 'text.xhtml#para_1"', "overlay", "overlay-order"),
    "active-class-unstyled": (OPF, "overlay-active<", "overlay-current<", "overlay", "overlay-active-class"),
    "no-synchronized-audio-claim": (OPF, ">synchronizedAudioText<", ">ttsMarkup<", "overlay", "overlay-claims"),
    "overlay-detached": (OPF, ' media-overlay="overlay"', "", "epubcheck", "MED_010"),
    "overlay-detached-claims": (OPF, ' media-overlay="overlay"', "", "overlay", "overlay-claims"),
}  # fmt: skip


@pytest.fixture(scope="module")
def broken(tmp_path_factory, seed_epub) -> dict[str, Path]:
    """One broken copy per distinct change (cases that make the same change share it)."""
    folder = tmp_path_factory.mktemp("broken-epubs")
    made: dict[str, Path] = {}
    by_change: dict[tuple[object, ...], Path] = {}
    for name, (entry, old, new, _, _) in BROKEN.items():
        change = (entry, old, new)
        if change not in by_change:
            by_change[change] = _broken_copy(seed_epub, folder / f"{name}.epub", entry, old, new)
        made[name] = by_change[change]
    return made


@pytest.fixture(scope="module")
def checked(seed_epub, small_epub, no_pages_epub, broken) -> Audit:
    """Every check run once over the built EPUBs and the broken copies (EPUBCheck in one JVM)."""
    paths = [seed_epub, small_epub, no_pages_epub, *dict.fromkeys(broken.values())]
    assert len({path.name for path in paths}) == len(paths)
    return audit(paths)


@pytest.fixture(scope="module")
def gate_failures(checked) -> dict[str, list[str]]:
    """The gate's failures as "tool rule …", by file name."""
    by_file: dict[str, list[str]] = {report.path.name: [] for report in checked.epubcheck}
    for finding in checked.failures:
        by_file[finding.location.split(":")[0]].append(f"{finding.check} {finding.rule} {finding}")
    return by_file


# --- the validators -------------------------------------------------------------------------------------------------


def test_built_epubs_pass_epubcheck_and_ace_with_nothing_to_report(gate_failures):
    # The seed (a page list of several pages), the small source (one page) and the seed without a page list.
    assert gate_failures["B9-0311-2022.epub"] == []
    assert gate_failures["small.epub"] == []
    assert gate_failures["no-pages.epub"] == []


def test_validators_are_the_pinned_versions_and_report_zero(checked):
    good = {"B9-0311-2022.epub", "small.epub", "no-pages.epub"}
    for report in checked.epubcheck:
        assert report.version == "5.3.0"
        if report.path.name in good:
            assert report.counts == {"fatal": 0, "error": 0, "warning": 0, "usage": 0}, report.findings
    for report in checked.ace:
        assert report.version == "1.4.6"
        if report.path.name in good:
            assert (report.outcome, report.violations) == ("pass", ())
            assert set(report.metadata["present"]) >= {
                "schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard",
                "schema:accessibilitySummary", "schema:accessModeSufficient", "dcterms:conformsTo",
            }  # fmt: skip
    assert [r.has_page_breaks for r in checked.ace[:3]] == [True, True, False]


@pytest.mark.parametrize("name", list(BROKEN))
def test_the_gate_bites_on_a_broken_copy(gate_failures, broken, name):
    *_, tool, rule = BROKEN[name]
    failures = gate_failures[broken[name].name]
    assert any(f.startswith(f"{tool} {rule} ") for f in failures), failures


# --- anchors, navigation, pages -------------------------------------------------------------------------------------


def test_clause_ids_in_spine_order_equal_the_models_anchors(seed, seed_package, small_epub, small_source):
    assert _clause_ids(seed_package) == list(seed.anchors)
    assert _clause_ids(Package(small_epub)) == list(reader.read(small_source).anchors)


def test_containers_carry_the_same_ids_as_the_html(seed_package):
    ids = seed_package.ids(seed_package.spine[0])
    assert {"preface", "preamble", "formula", "cits", "recs", "body", "cits-heading", "recs-heading"} <= ids


@pytest.mark.parametrize("which", ["seed", "small"])
def test_every_navigation_target_resolves(seed_epub, small_epub, which):
    package = Package(seed_epub if which == "seed" else small_epub)
    nav = package.xml(package.nav_path)
    targets = [(package.nav_path, a.get("href")) for a in nav.iterfind(".//x:a", NS)]
    ncx = package.xml(package.hrefs["ncx"])
    targets += [(package.hrefs["ncx"], c.get("src")) for c in ncx.iterfind(".//ncx:content", NS)]
    for document in package.spine:
        targets += [(document, a.get("href")) for a in package.xml(document).iterfind(".//x:a[@href]", NS)]
    assert len(targets) > 40
    for origin, href in targets:
        if href.startswith(("http:", "https:", "mailto:")):
            continue
        file, _, fragment = href.partition("#")
        name = package.resolve(file, origin) if file else origin
        assert name in package.files, href
        assert not fragment or fragment in package.ids(name), f"{origin}: {href}"


def test_table_of_contents_reaches_every_clause_in_order_by_its_spoken_label(seed, seed_package):
    toc = seed_package.nav("toc")
    assert toc.get("role") == "doc-toc"
    links = toc.findall(".//x:a", NS)
    fragments = [a.get("href").partition("#")[2] for a in links]
    clauses = [f for f in fragments if f in set(seed.anchors)]
    assert clauses == list(seed.anchors)
    spoken = {c.eid: c.spoken_label for c in seed.iter_clauses()}
    assert all(a.text == spoken[f] for a, f in zip(links, fragments, strict=True) if f in spoken)
    assert fragments[:4] == ["preface", "cits", *seed.anchors[:2]]


def test_points_nest_in_the_table_of_contents(small_epub):
    toc = Package(small_epub).nav("toc")
    point = next(a for a in toc.iterfind(".//x:a", NS) if a.get("href").endswith("#rec_B__point_b__point_i"))
    parent_item = point.getparent().getparent().getparent()
    assert parent_item.find("x:a", NS).get("href").endswith("#rec_B__point_b")
    assert point.text == "Point (i) of point (b) of recital B"


def test_landmarks_point_at_the_contents_the_text_and_the_notes(small_epub):
    landmarks = Package(small_epub).nav("landmarks")
    kinds = [(a.get(EPUB_TYPE), a.get("href")) for a in landmarks.iterfind(".//x:a", NS)]
    assert kinds == [("toc", "nav.xhtml#toc"), ("bodymatter", "text.xhtml#preface"), ("endnotes", "text.xhtml#notes")]


def test_page_list_has_one_entry_per_page_of_the_standard_pdf(built, seed_package):
    pdf = manifest.load(built / "B9-0311-2022")["editions"]["pdf"]
    assert pdf["pages"] >= 2
    page_list = seed_package.nav("page-list")
    assert page_list.get("role") == "doc-pagelist"
    entries = [(a.text, a.get("href")) for a in page_list.iterfind(".//x:a", NS)]
    assert entries == [(str(n), f"text.xhtml#page_{n}") for n in range(1, pdf["pages"] + 1)]
    text = seed_package.xml(seed_package.spine[0])
    markers = text.findall(".//x:span[@epub:type='pagebreak']", NS)
    assert [(m.get("id"), m.get("role"), m.get("aria-label")) for m in markers] == [
        (f"page_{n}", "doc-pagebreak", f"Page {n}") for n in range(1, pdf["pages"] + 1)
    ]
    for start, marker in zip(pdf["page_starts"], markers, strict=True):
        if not start.get("continues"):
            assert start["eid"] in {marker.getparent().get("id"), marker.getnext().get("id")}, start
    assert seed_package.meta("pageBreakSource") == ["B9-0311-2022.pdf"]
    assert {"pageBreakMarkers", "pageNavigation"} <= set(seed_package.meta("schema:accessibilityFeature"))


def test_the_ncx_counts_its_depth_and_lists_the_pages(built, seed_package):
    """EPUB 2 reading systems read the NCX: its depth is the contents' nesting (not ebooklib's 0) and it has the
    page list the navigation document has."""
    pages = manifest.load(built / "B9-0311-2022")["editions"]["pdf"]["pages"]
    ncx = etree.fromstring(seed_package.files["EPUB/toc.ncx"])
    n = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    meta = {m.get("name"): m.get("content") for m in ncx.iterfind("n:head/n:meta", n)}
    deepest = max(len(p.xpath("ancestor::n:navPoint", namespaces=n)) + 1 for p in ncx.iterfind(".//n:navPoint", n))
    assert meta["dtb:depth"] == str(deepest) and deepest >= 2
    assert meta["dtb:totalPageCount"] == meta["dtb:maxPageNumber"] == str(pages)
    targets = [(t.get("value"), t.find("n:content", n).get("src")) for t in ncx.iterfind("n:pageList/n:pageTarget", n)]
    assert targets == [(str(k), f"text.xhtml#page_{k}") for k in range(1, pages + 1)]


def test_without_a_page_map_there_is_no_page_list_and_no_page_claims(no_pages_epub):
    package = Package(no_pages_epub)
    assert package.nav("page-list") is None
    assert package.meta("pageBreakSource") == []
    assert not {"pageBreakMarkers", "pageNavigation"} & set(package.meta("schema:accessibilityFeature"))
    assert b"pagebreak" not in package.files["EPUB/text.xhtml"]


def test_page_breaks_follow_a_written_page_map_including_continued_pages(tmp_path, seed):
    manifest.start(seed, tmp_path)
    starts = [
        {"page": 1, "eid": "preface"},
        {"page": 2, "eid": "recs"},
        {"page": 3, "eid": "rec_C", "continues": True},
        {"page": 4, "eid": "para_2"},
        {"page": 5, "eid": "somewhere_only_in_the_pdf"},
    ]
    manifest.record(tmp_path, "pdf", {"file": "x.pdf", "pages": 5, "page_starts": starts})
    [path] = epub.write(seed, tmp_path, Options())
    text = Package(path).xml("EPUB/text.xhtml")
    marker = {m.get("id"): m for m in text.iterfind(".//x:span[@epub:type='pagebreak']", NS)}
    assert list(marker) == [f"page_{n}" for n in range(1, 6)]
    assert marker["page_1"].getparent().get("id") == "preface"
    assert marker["page_2"].getparent().get("id") == "recs" and marker["page_2"].getnext().tag == f"{{{NS['x']}}}h2"
    continued = marker["page_3"].getparent()
    assert continued.get("class") == "clause-text" and continued.getparent().get("id") == "rec_C"
    assert marker["page_3"] is continued[-1]
    assert marker["page_4"].getparent().get("id") == "para_2"
    assert marker["page_5"].getprevious() is marker["page_4"]
    assert manifest.load(tmp_path)["editions"]["epub"]["pages"] == 5


def test_a_page_map_with_a_missing_page_is_an_error(tmp_path, seed):
    manifest.start(seed, tmp_path)
    starts = [{"page": 1, "eid": "preface"}, {"page": 3, "eid": "para_2"}]
    manifest.record(tmp_path, "pdf", {"file": "x.pdf", "pages": 3, "page_starts": starts})
    with pytest.raises(PublishError, match="one start for each of its 3 pages"):
        epub.write(seed, tmp_path, Options())


def test_a_page_break_is_named_page_and_its_number_in_the_books_language(seed):
    """A screen reader says "Page 2", "Seite 2", "2. oldal" where it said a bare "2" before the clause after it."""
    starts = [PageStart(1, "preface"), PageStart(2, "rec_C")]
    root = etree.fromstring(content_document(seed, starts))
    assert [m.get("aria-label") for m in root.iterfind(".//x:span[@epub:type='pagebreak']", NS)] == ["Page 1", "Page 2"]
    assert page_breaks_unnamed(root) == []
    german = replace(seed, metadata=replace(seed.metadata, language="de"))
    assert "Seite 2" in content_document(german, starts).decode("utf-8")
    hungarian = replace(seed, metadata=replace(seed.metadata, language="hu"))
    assert "2. oldal" in content_document(hungarian, starts).decode("utf-8")
    for marker in root.iterfind(".//x:span[@epub:type='pagebreak']", NS):
        marker.set("aria-label", marker.get("id").removeprefix("page_"))  # as it was: a bare number
    assert page_breaks_unnamed(root) == [
        "page break page_1 is named '1', not a phrase with its number (\"Page 1\")",
        "page break page_2 is named '2', not a phrase with its number (\"Page 2\")",
    ]


def test_page_breaks_never_take_the_text_around_them(seed):
    starts = [PageStart(1, "preface"), PageStart(2, "para_1", continues=True), PageStart(3, "formula")]
    root = etree.fromstring(content_document(seed, starts))
    para_1 = root.find(".//x:li[@id='para_1']", NS)
    assert " ".join("".join(para_1.itertext()).split()).startswith("Paragraph 1. Calls on the Chinese authorities")
    assert root.find(".//x:p[@id='formula']", NS).getprevious().get("id") == "page_3"


# --- text, language, metadata ---------------------------------------------------------------------------------------


def test_text_content_gives_the_seeds_words_in_order(seed_package):
    assert _text_words(seed_package) == seed_words()


def test_package_and_every_document_declare_the_language(seed_package):
    assert seed_package.opf.get(XML_LANG) == "en"
    for name in [*seed_package.spine, seed_package.nav_path]:
        root = seed_package.xml(name)
        assert (root.get("lang"), root.get(XML_LANG)) == ("en", "en"), name


def test_accessibility_metadata_is_declared(seed_package):
    assert seed_package.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    # The narration (media overlays) speaks every unit of the text: the audio alone suffices too.
    assert seed_package.meta("schema:accessMode") == ["textual", "auditory"]
    assert seed_package.meta("schema:accessModeSufficient") == ["textual", "auditory"]
    assert seed_package.meta("schema:accessibilityHazard") == ["none"]
    assert set(seed_package.meta("schema:accessibilityFeature")) >= {
        "structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability", "synchronizedAudioText",
    }  # fmt: skip
    [summary] = seed_package.meta("schema:accessibilitySummary")
    assert "B9-0311/2022" in summary and "40 clauses" in summary
    assert "Synchronized audio (media overlays, 10 min" in summary and "eSpeak NG" in summary


def test_without_a_narration_the_book_is_text_only_and_says_so(no_pages_epub):
    package = Package(no_pages_epub)
    assert package.meta("schema:accessMode") == ["textual"]
    assert package.meta("schema:accessModeSufficient") == ["textual"]
    assert "synchronizedAudioText" not in package.meta("schema:accessibilityFeature")
    assert not [name for name in package.files if name.endswith((".smil", ".mp3"))]
    assert package.meta("media:duration") == [] and package.meta("media:active-class") == []
    assert "text only" in package.meta("schema:accessibilitySummary")[0]


def test_identifier_is_derived_from_the_reference(seed_package):
    identifier = seed_package.opf.find("opf:metadata/dc:identifier", NS)
    assert seed_package.opf.get("unique-identifier") == identifier.get("id")
    assert identifier.text == "urn:uuid:6747d165-d4b3-5b24-a792-635b328e0dec"


def test_footnote_call_and_note_are_marked_for_reading_systems(small_epub):
    text = Package(small_epub).xml("EPUB/text.xhtml")
    call = text.find(".//x:a[@id='authorialNote_1__ref']", NS)
    assert (call.get(EPUB_TYPE), call.get("role"), call.get("href")) == ("noteref", "doc-noteref", "#authorialNote_1")
    notes = text.find(".//x:section[@id='notes']", NS)
    assert (notes.get(EPUB_TYPE), notes.get("role")) == ("endnotes", "doc-endnotes")


# --- reproducibility ------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.speech
def test_two_builds_are_byte_identical(tmp_path, seed_epub):
    build([SEED_SOURCE], tmp_path, ("pdf", "epub"))
    assert _sha256(tmp_path / "B9-0311-2022" / "B9-0311-2022.epub") == _sha256(seed_epub)


def test_zip_has_mimetype_first_stored_and_fixed_entry_times(seed_package, seed):
    first = seed_package.infos[0]
    assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
    assert seed_package.files["mimetype"] == b"application/epub+zip"
    # The seed has no date: 1 January of its procedure's year, unless the environment sets SOURCE_DATE_EPOCH.
    when = epub.modified(seed.metadata, Options.from_environ().source_date_epoch)
    if "SOURCE_DATE_EPOCH" not in os.environ:
        assert when == datetime(2022, 1, 1, tzinfo=UTC)
    assert {info.date_time for info in seed_package.infos} == {when.timetuple()[:6]}
    assert seed_package.meta("dcterms:modified") == [when.strftime("%Y-%m-%dT%H:%M:%SZ")]


@pytest.mark.speech
def test_source_date_epoch_sets_the_modified_date_and_keeps_builds_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    paths = []
    for run in ("a", "b"):
        build([SEED_SOURCE], tmp_path / run, ("epub",))
        paths.append(tmp_path / run / "B9-0311-2022" / "B9-0311-2022.epub")
    assert _sha256(paths[0]) == _sha256(paths[1])
    package = Package(paths[0])
    assert package.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert {info.date_time for info in package.infos} == {(2023, 11, 14, 22, 13, 20)}


def test_modified_date_precedence():
    meta = Metadata("B9-0311/2022", "2022/2700(RSP)", "Motion", "Title", "en", "EP", date="2022-06-09")
    assert epub.modified(meta, Options.from_environ({"SOURCE_DATE_EPOCH": "0"}).source_date_epoch) == datetime(
        1970, 1, 1, tzinfo=UTC
    )
    assert epub.modified(meta) == datetime(2022, 6, 9, tzinfo=UTC)
    undated = Metadata("B9-0311/2022", "2022/2700(RSP)", "Motion", "Title", "en", "EP")
    assert epub.modified(undated) == datetime(2022, 1, 1, tzinfo=UTC)
    assert epub.modified(Metadata("X", "n/a", "M", "T", "en", "EP")) == datetime(1980, 1, 1, tzinfo=UTC)


def test_epub_alone_lays_out_the_pdf_pages_and_writes_the_same_epub(epub_alone, seed_epub):
    # `publish build --to epub` (what `make epub` runs) in a fresh folder: no PDF written, the PDF writer's
    # page map all the same, so the very bytes of the full build.
    assert sorted(p.name for p in epub_alone.parent.iterdir()) == ["B9-0311-2022.epub", "anchors.json"]
    assert Package(epub_alone).nav("page-list") is not None
    assert _sha256(epub_alone) == _sha256(seed_epub)
