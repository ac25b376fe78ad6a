"""Every EU language (issue 14): language packs as data, and language versions of one document sharing anchors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import SMALL
from lxml import html

from publish import languages, reader
from publish.build import build
from publish.check import run
from publish.errors import SourceError
from publish.model import Version

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
    assert page.xpath("//script") and "location.hash" in page.xpath("//script")[0].text
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


def test_the_switcher_in_chromium_keeps_the_clause_and_both_pages_pass_axe(tmp_path):
    from playwright.sync_api import sync_playwright

    from publish.check import html as check_html

    paths = _versions(tmp_path, {"en": SMALL, "fr": SMALL})
    build(paths, tmp_path / "build", ["html"])
    pages = [tmp_path / "build" / p.stem / f"{p.stem}.html" for p in paths]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(check_html.chromium_path()), args=list(check_html.CHROMIUM_ARGS)
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
    with check_html.Browser() as chromium:
        for path in pages:
            for scheme in ("light", "dark"):
                report = chromium.axe(path, scheme)
                assert (report.violations, report.incomplete) == ((), ()), (path.name, scheme)
    assert [str(f) for f in check_html.run_vnu(pages) if f.rule not in ("warning", "info")] == []
