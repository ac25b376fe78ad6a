"""Every EU language (issue 14): language packs as data, and language versions of one document sharing anchors."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import webvtt
import yaml
from conftest import ROOT, SMALL
from lxml import html
from mutagen.id3 import ID3

from publish import languages, reader
from publish.build import build
from publish.check import run
from publish.errors import SourceError
from publish.importer import import_file
from publish.model import Version
from publish.writers import epub
from publish.writers.epubparts import PageStart

PACKS = languages.available()


@pytest.mark.parametrize("code", PACKS)
def test_each_pack_is_complete_and_names_its_sources(code):
    data = yaml.safe_load((languages.LANGUAGES_DIR / f"{code}.yaml").read_text(encoding="utf-8"))
    assert languages.missing(data) == []
    pack = languages.load(code)
    assert (pack.code, pack.fallback, pack.dir) == (code, False, "ltr")
    assert len(pack.iso639_2) == 3 and pack.sources


def test_english_words_are_the_editions_words():
    pack = languages.load("en-GB")
    assert (pack.formula, pack.sections["recitals"], pack.words["page_of"]) == (
        "The European Parliament,", "Recitals", "Page {page} of {pages}"
    )  # fmt: skip
    assert pack.spoken_label("point", "(i)", (("point", "(b)"), ("recital", "B"))) == (
        "Point (i) of point (b) of recital B"
    )


def test_a_language_without_a_pack_is_read_with_the_english_words():
    assert languages.load("tlh").fallback and languages.load("tlh").code == "en"


def _versions(tmp_path: Path, languages_: dict[str, str]) -> list[Path]:
    paths = []
    for code, text in languages_.items():
        path = tmp_path / f"small.{code}.md"
        path.write_text(text.replace("language: en", f"language: {code}"), encoding="utf-8")
        paths.append(path)
    return paths


def test_sources_named_document_dot_language_are_language_versions_of_one_document(tmp_path):
    paths = _versions(tmp_path, {"en": SMALL, "fr": SMALL, "de": SMALL})
    (tmp_path / "other.md").write_text(SMALL, encoding="utf-8")
    document = reader.read(paths[1])
    assert document.versions == (Version("de", "small.de"), Version("en", "small.en"), Version("fr", "small.fr"))
    assert reader.read(tmp_path / "other.md").versions == ()


def test_a_language_version_must_say_the_language_its_name_says(tmp_path):
    paths = _versions(tmp_path, {"en": SMALL, "fr": SMALL})
    paths[1].write_text(SMALL, encoding="utf-8")  # language: en, named .fr
    with pytest.raises(SourceError, match=r"small\.fr\.md:6: the language version 'small.fr.md' says its language"):
        reader.read(paths[1])


def test_each_version_links_the_others_and_check_finds_a_clause_missing_in_one(tmp_path):
    paths = _versions(tmp_path, {"en": SMALL, "fr": SMALL})
    build(paths, tmp_path / "build", ["html"])
    page = html.parse(str(tmp_path / "build" / "small.en" / "small.en.html")).getroot()
    assert page.xpath("//link[@rel='alternate'][@hreflang]/@href") == ["../small.fr/small.fr.html"]
    switcher = page.xpath("//nav[@class='versions']//a")
    assert [(a.get("hreflang"), a.get("lang"), a.get("href")) for a in switcher] == [
        ("fr", "fr", "../small.fr/small.fr.html")
    ]
    assert any("location.hash" in (script.text or "") for script in page.xpath("//script"))
    outcome = run.compare_folder(tmp_path / "build" / "small.en", paths[0], reader.read(paths[0]))
    assert [str(p) for p in outcome.manifest if p.format == "versions"] == []
    # A clause dropped from the French version is named, in its source and in its page.
    paths[1].write_text(
        paths[1].read_text(encoding="utf-8").replace("3. Instructs its President to forward this resolution.\n", ""),
        encoding="utf-8",
    )
    build([paths[1]], tmp_path / "build", ["html"])
    outcome = run.compare_folder(tmp_path / "build" / "small.en", paths[0], reader.read(paths[0]))
    assert [str(p) for p in outcome.manifest if p.format == "versions"] == [
        "versions source: para_3: missing in small.fr",
        "versions html: para_3: missing in small.fr",
    ]


@pytest.mark.browser
@pytest.mark.jvm
def test_the_switcher_in_chromium_keeps_the_clause_and_both_pages_pass_axe(tmp_path):
    from playwright.sync_api import sync_playwright

    from publish.check import browser as check_browser
    from publish.check import html as check_html
    from publish.check import tools as check_tools

    paths = _versions(tmp_path, {"en": SMALL, "fr": SMALL})
    build(paths, tmp_path / "build", ["html"])
    pages = [tmp_path / "build" / p.stem / f"{p.stem}.html" for p in paths]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(check_tools.chromium_path()), args=list(check_browser.CHROMIUM_ARGS)
        )
        try:
            page = browser.new_page()
            page.goto(pages[0].resolve().as_uri() + "#para_3")
            page.click("nav.versions a[hreflang='fr']")
            page.wait_for_load_state("load")
            assert page.url == pages[1].resolve().as_uri() + "#para_3"
            page.goto(pages[0].resolve().as_uri())  # not at a clause: to the top of the other version
            page.click("nav.versions a[hreflang='fr']")
            page.wait_for_load_state("load")
            assert page.url == pages[1].resolve().as_uri()
        finally:
            browser.close()
    with check_browser.Browser() as chromium:
        for path in pages:
            for scheme in ("light", "dark"):
                report = check_html.axe(chromium, path, scheme)
                assert (report.violations, report.incomplete) == ((), ()), (path.name, scheme)
    assert [str(f) for f in check_html.run_vnu(pages) if f.rule not in ("warning", "info")] == []


# --- real texts in other languages -----------------------------------------------------------------------------------

CORPUS = Path(__file__).parent / "corpus"
LANGUAGE_ROWS = list(
    csv.DictReader((CORPUS / "languages.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t")
)


def test_the_texts_in_other_languages_have_their_provenance():
    sources = (CORPUS / "SOURCES-languages.md").read_text(encoding="utf-8")
    assert len({row["language"] for row in LANGUAGE_ROWS}) >= 8
    assert {"el", "bg"} <= {row["language"] for row in LANGUAGE_ROWS}
    for row in LANGUAGE_ROWS:
        assert (CORPUS / row["file"]).is_file()
        base, _, code = row["file"].removesuffix(".txt").rpartition("_")
        # A section is headed by the file's name, or by several files' as "TA-7-2013-0238_{BG,DA,DE}.txt".
        heading = rf"{re.escape(base)}_(?:{code}|\{{[A-Z,]*\b{code}\b[A-Z,]*\}})\.txt"
        section = re.search(rf"^## {heading}[^\n]*\n(.*?)(?=^## |\Z)", sources, re.MULTILINE | re.DOTALL)
        assert section is not None and re.search(r"https?://", section[1]), row["file"]


def test_there_is_a_pack_for_every_official_eu_language_and_none_waits_in_drafts():
    official = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv"
    assert " ".join(PACKS) == official
    assert not (languages.LANGUAGES_DIR / "drafts").exists()


@pytest.mark.parametrize("row", LANGUAGE_ROWS, ids=lambda row: row["file"])
def test_every_text_in_another_language_imports_with_its_pack_and_the_clauses_a_person_counted(row):
    path = CORPUS / row["file"]
    imported = import_file(path)
    document = reader.parse(imported.source, path.with_suffix(".md"))
    assert row["language"] in PACKS and document.metadata.language == row["language"]
    assert document.metadata.reference.replace("-PROV", "") == row["reference"]
    counts = {s.kind.value: len(s.clauses) for s in document.sections}
    assert [counts.get(k, 0) for k in ("citations", "recitals", "paragraphs")] == [
        int(row[k]) for k in ("citations", "recitals", "paragraphs")
    ]
    assert document.formula.rstrip(",") in [f.rstrip(",") for f in languages.load(row["language"]).all_formulas]


def test_a_text_in_a_language_without_a_pack_stops_naming_the_file_the_line_and_the_language(tmp_path):
    path = tmp_path / "TA-7-2013-0238_XX.txt"  # the Swedish text, named as if it were in a language "xx"
    path.write_text((CORPUS / "TA-7-2013-0238_SV.txt").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        import_file(path)
    assert str(caught.value).startswith(f"{path}:1: no language pack for 'xx' (from the file name {path.name}); ")
    assert caught.value.hint == "its formula is sv's: give --language sv"
    with pytest.raises(SourceError, match=r":1: no language pack for 'tlh' \(given with --language\)"):
        import_file(CORPUS / "TA-7-2013-0238_SV.txt", language="tlh")


def test_a_swedish_decision_and_a_swedish_resolution_have_their_own_formulas():
    for name, formula in (
        ("TA-7-2013-0238_SV.txt", "Europaparlamentet fattar detta beslut"),
        ("TA-9-2022-0052_SV.txt", "Europaparlamentet utfärdar denna resolution"),
    ):
        assert reader.parse(import_file(CORPUS / name).source, Path("x.md")).formula == formula


def test_dates_are_read_in_each_language_from_the_title():
    dates = {
        row["file"]: reader.parse(import_file(CORPUS / row["file"]).source, Path("x.md")).metadata.date
        for row in LANGUAGE_ROWS
    }
    assert dates["TA-7-2013-0238_HU.txt"] == "2013-06-11"  # "Az Európai Parlament 2013. június 11-i határozata"
    assert dates["TA-6-2009-0035_LV.txt"] == "2009-02-03"  # "Eiropas Parlamenta 2009. gada 3. februāra lēmums"
    assert dates["TA-9-2022-0052_FR.txt"] == "2022-03-01"  # "… du 1er mars 2022 …"
    assert [name for name, date in dates.items() if date is None] == [
        "B-9-2023-0455_EL.txt",  # a motion: no date in its title
        "TA-6-2004-0111_NL.txt",  # "Resolutie van het Europees Parlement over …": none either
        # "2008 m. gegužės 8 d. Europos Parlamento sprendimas …": a title that starts with its date is not read yet
        "TA-6-2008-0190_LT.txt",
    ]


def test_label_first_languages_speak_the_label_where_they_put_it():
    assert languages.load("hu").spoken_label("recital", "A") == "A preambulumbekezdés"
    assert languages.load("hu").spoken_label("paragraph", "3") == "3. bekezdés"
    assert languages.load("hu").spoken_label("point", "(a)", (("paragraph", "3"),)) == "(a) pont – 3. bekezdés"
    assert languages.load("fi").spoken_label("recital", "A") == "Johdanto-osan A kappale"
    assert languages.load("fr").spoken_label("point", "(a)", (("paragraph", "3"),)) == "Point (a) du paragraphe 3"


def test_a_clause_name_without_its_label_is_a_missing_key():
    data = yaml.safe_load((languages.LANGUAGES_DIR / "en.yaml").read_text(encoding="utf-8"))
    data["clauses"]["recital"] = "Recital"
    data["months"] = data["months"][:11]
    data["dates"] = ["{day} {month}"]
    del data["formulas"]
    assert languages.missing(data) == ["formulas", "months", "dates: {day} {month}", "clauses.recital"]


@pytest.mark.speech
def test_a_french_document_is_spoken_and_captioned_in_french(tmp_path):
    source = tmp_path / "petite.md"
    source.write_text(SMALL.replace("language: en", "language: fr"), encoding="utf-8")
    build([source], tmp_path / "build", ["audio"])
    folder = tmp_path / "build" / "petite"
    cues = {cue.identifier: cue.text for cue in webvtt.read(str(folder / "petite.vtt"))}
    assert cues["rec_A"].startswith("Considérant A. ")
    assert cues["rec_B__point_b__point_i"].startswith("Point (i) du point (b) du considérant B. ")
    assert cues["recs-heading"] == "Considérants."
    tag = ID3(folder / "petite.mp3")
    assert str(tag["TLAN"]) == "fra"
    assert [str(f) for f in tag.getall("TXXX") if f.desc == "voice"] == ["fr"]


def test_the_epub_accessibility_summary_is_written_in_the_language_of_the_document(tmp_path):
    source = tmp_path / "petite.md"
    source.write_text(SMALL.replace("language: en", "language: fr"), encoding="utf-8")
    french = epub.accessibility_summary(reader.read(source), [PageStart(1, "cit_1"), PageStart(2, "para_1")])
    assert french.startswith("Cette édition EPUB (") and "WCAG 2.2." in french
    assert "par exemple Considérant A ;" in french and "(2 pages)." in french
    english = epub.accessibility_summary(reader.parse(SMALL, source), [])
    assert english.startswith("This EPUB edition of ") and "such as Recital A;" in english


def test_the_contents_of_a_label_first_language_show_the_label_and_name_the_clause_in_its_words(tmp_path):
    source = tmp_path / "kicsi.md"
    source.write_text(SMALL.replace("language: en", "language: hu"), encoding="utf-8")
    build([source], tmp_path / "build", ["html"])
    page = html.parse(str(tmp_path / "build" / "kicsi" / "kicsi.html")).getroot()
    links = {a.get("href"): a for a in page.xpath("//nav[@class='toc']//a[starts-with(@href, '#')]")}
    recital, paragraph = links["#rec_A"], links["#para_3"]
    assert (recital.text, recital.text_content()) == ("A ", "A preambulumbekezdés")
    assert (paragraph.text, paragraph.text_content()) == ("3. ", "3. bekezdés")
    assert [s.text for s in paragraph.xpath("span[@class='visually-hidden']")] == ["bekezdés"]


# --- one real decision in three language versions, under sources/ -----------------------------------------------------

PARALLEL = {code: ROOT / "sources" / f"P6-TA-2008-0190.{code}.md" for code in ("de", "it", "sv")}
#: The front matter the importer cannot yet write in the language (its type and issuer words are English).
HAND_WRITTEN = {
    "de": ("Angenommener Text", "Europäisches Parlament"),
    "it": ("Testo approvato", "Parlamento europeo"),
    "sv": ("Antagen text", "Europaparlamentet"),
}


@pytest.mark.parametrize("code", PARALLEL)
def test_each_language_version_under_sources_is_the_real_text_imported(code):
    imported = import_file(CORPUS / f"TA-6-2008-0190_{code.upper()}.txt").source
    doc_type, issuer = HAND_WRITTEN[code]
    expected = imported.replace("type: Text adopted\n", f"type: {doc_type}\n").replace(
        "issued_by: European Parliament\n", f"issued_by: {issuer}\n"
    )
    assert PARALLEL[code].read_text(encoding="utf-8") == expected


@pytest.mark.browser
def test_the_three_versions_share_their_anchors_and_the_switcher_keeps_the_clause_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    from publish.check import browser as check_browser
    from publish.check import html as check_html
    from publish.check import tools as check_tools

    documents = {code: reader.read(path) for code, path in PARALLEL.items()}
    for document in documents.values():
        assert [v.language for v in document.versions] == ["de", "it", "sv"]
        assert document.anchors == documents["de"].anchors
    assert [c.eid for c in documents["sv"].iter_clauses()] == [f"cit_{n}" for n in (1, 2, 3, 4)] + [
        f"para_{n}" for n in (1, 2, 3)
    ]
    build(list(PARALLEL.values()), tmp_path / "build", ["html"])
    pages = {code: tmp_path / "build" / path.stem / f"{path.stem}.html" for code, path in PARALLEL.items()}
    for code, document in documents.items():  # publish check's comparison: sources and built pages
        assert run.compare_versions(pages[code].parent, PARALLEL[code], document) == []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(check_tools.chromium_path()), args=list(check_browser.CHROMIUM_ARGS)
        )
        try:
            page = browser.new_page()
            page.goto(pages["de"].resolve().as_uri() + "#para_3")
            for code in ("it", "sv", "de"):
                page.click(f"nav.versions a[hreflang='{code}']")
                page.wait_for_load_state("load")
                assert page.url == pages[code].resolve().as_uri() + "#para_3"
                assert page.locator("html").get_attribute("lang") == code
                # The clause comes into view (Chromium scrolls to the fragment once the page is laid out).
                box = "document.querySelector('#para_3').getBoundingClientRect()"
                in_view = f"(r => r.top >= 0 && r.top < innerHeight)({box})"
                page.wait_for_function(in_view, timeout=5000)
        finally:
            browser.close()
    with check_browser.Browser() as chromium:
        for path in pages.values():
            for scheme in ("light", "dark"):
                report = check_html.axe(chromium, path, scheme)
                assert (report.violations, report.incomplete) == ((), ()), (path.name, scheme)


# --- one real text per language through every gate -------------------------------------------------------------------


def _one_per_language() -> list[dict[str, str]]:
    """A text of every language in the corpus but English: the one reaching furthest (most paragraphs, then clauses)."""

    def reach(row: dict[str, str]) -> tuple[int, int]:
        return int(row["paragraphs"]), int(row["citations"]) + int(row["recitals"])

    best: dict[str, dict[str, str]] = {}
    for row in LANGUAGE_ROWS:
        if row["language"] != "en" and (row["language"] not in best or reach(row) > reach(best[row["language"]])):
            best[row["language"]] = row
    return [best[code] for code in sorted(best)]


ONE_PER_LANGUAGE = _one_per_language()


def _build_and_check(tmp_path: Path, rows: list[dict[str, str]]) -> list[run.Outcome]:
    sources = []
    for row in rows:
        source = tmp_path / "sources" / row["file"].replace(".txt", ".md")
        source.parent.mkdir(exist_ok=True)
        source.write_text(import_file(CORPUS / row["file"]).source, encoding="utf-8")
        sources.append(source)
    build(sources, tmp_path / "build")
    return run.check([tmp_path / "build" / source.stem for source in sources], sources)


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.jvm
@pytest.mark.node
def test_real_texts_in_every_language_build_in_every_format_and_pass_every_gate(tmp_path):
    """Imported as found, built in every format, read back by publish check: anchors agree in every format, the
    words round-trip, and axe (light and dark), Nu, veraPDF, outloud, EPUBCheck, Ace and the audio gate pass."""
    rows = ONE_PER_LANGUAGE  # Maltese among them: its many no-wrap compounds once left empty Spans in the PDF
    assert len(rows) >= 8 and {"el", "bg"} <= {row["language"] for row in rows}
    outcomes = _build_and_check(tmp_path, rows)
    assert {o.folder.name: o.problems for o in outcomes} == {row["file"].removesuffix(".txt"): [] for row in rows}
    for outcome, row in zip(outcomes, rows, strict=True):
        # Every file, and the braille edition's PEF, its BRF too exactly when the pack's table makes six-dot cells
        # (not mt, ro, el): a text of a six-dot pack that lost its BRF (every Spanish one, to "P9_TA") fails here.
        found = {f.format for f in outcome.formats if f.found}
        assert found >= set(run.FILES) | {"pef"}, row["file"]
        assert ("brf" in found) == languages.load(row["language"]).braille_brf, row["file"]
        folder = outcome.folder
        page = html.parse(str(folder / f"{folder.name}.html")).getroot()
        assert page.get("lang") == row["language"] and page.get("dir") == "ltr"
        assert str(ID3(folder / f"{folder.name}.mp3")["TLAN"]) == languages.load(row["language"]).iso639_2
