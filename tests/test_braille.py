"""The braille edition (BRF and PEF) of the seed, of a German and an Italian text and of eight-dot ones (mt, ro),
read back by the check with the real liblouis (``lou_translate -b``) and jing, and broken copies that the check must
catch."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SEED_SOURCE

from publish import formats, languages, manifest, reader
from publish.build import build
from publish.check import braille as check
from publish.check.run import compare_braille
from publish.importer import import_file
from publish.writers import EDITIONS, braille, brailleparts, html, louis
from publish.writers.shared import Options

GERMAN = ROOT / "sources" / "P6-TA-2008-0190.de.md"
ITALIAN = ROOT / "sources" / "P6-TA-2008-0190.it.md"
CORPUS = ROOT / "tests" / "corpus"
pytestmark = pytest.mark.jvm  # jing


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("braille")
    build([SEED_SOURCE, GERMAN], folder, ["braille"])
    return folder


def _copy(out: Path, tmp_path: Path, name: str = "B9-0311-2022") -> Path:
    folder = tmp_path / name
    shutil.copytree(out / name, folder)
    return folder


def _problems(folder: Path, source: Path) -> list[str]:
    document = reader.read(source)
    results = compare_braille(folder, document, manifest.load(folder))
    return [str(p) for r in results for p in r.problems]


def test_the_seed_reads_back_with_every_label_on_its_recorded_page(out: Path):
    folder = out / "B9-0311-2022"
    document = reader.read(SEED_SOURCE)
    results = compare_braille(folder, document, manifest.load(folder))
    assert [r.format for r in results] == ["pef", "brf"]
    for result in results:
        assert result.problems == []
        assert result.channels == [("labels", True, 40)]
    data = manifest.load(folder)
    assert data["editions"]["braille"]["table"] == "en-ueb-g2.ctb"
    assert data["editions"]["braille"]["proofread"] is False
    assert all(isinstance(c["braille"]["page"], int) and 1 <= c["braille"]["line"] <= 24 for c in data["clauses"])


def test_the_brf_keeps_the_page_rules(out: Path):
    data = (out / "B9-0311-2022" / "B9-0311-2022.brf").read_bytes()
    facts = manifest.edition(out / "B9-0311-2022", "braille")
    pages = data.decode("ascii").split("\f")
    assert len(pages) == facts["pages"]
    for page in pages:
        lines = page.removesuffix("\r\n").split("\r\n")
        assert len(lines) == 25
        assert all(len(line) <= 40 and set(line) <= check.BRF_CHARACTERS for line in lines)
    assert pages[0].splitlines()[0].strip() == ",B#I-#JCAA_/#BJBB"  # B9-0311/2022, centred


def test_the_word_fidelity_is_measured_and_no_clause_loses_more_than_two_percent(out: Path):
    document = reader.read(SEED_SOURCE)
    reading = check.read_brf(out / "B9-0311-2022" / "B9-0311-2022.brf", "en-ueb-g2.ctb")
    assert check.compare(reading, document, {}) == []
    assert reading.fidelity is not None and reading.fidelity > 0.998
    assert sorted(reading.lost) == sorted(["people → p", "today → td", " → be", "calls → discalls"])


def test_a_word_dropped_from_the_brf_is_found(out: Path, tmp_path: Path):
    folder = _copy(out, tmp_path)
    brf = folder / "B9-0311-2022.brf"
    brf.write_bytes(brf.read_bytes().replace(b",ILHAM", b"", 1).replace(b",TOHTI1", b"", 1))
    assert any("brf words: cit_1: back-translation keeps" in p for p in _problems(folder, SEED_SOURCE))


def test_a_wrong_page_in_the_manifest_or_the_contents_is_found(out: Path, tmp_path: Path):
    folder = _copy(out, tmp_path)
    data = json.loads((folder / "anchors.json").read_text(encoding="utf-8"))
    para_3 = next(c for c in data["clauses"] if c["eid"] == "para_3")
    para_3["braille"]["page"] += 1
    (folder / "anchors.json").write_text(json.dumps(data), encoding="utf-8")
    brf = folder / "B9-0311-2022.brf"
    brf.write_bytes(brf.read_bytes().replace(b'""" #G', b'""" #H', 1))  # the contents' entry for the paragraphs
    problems = _problems(folder, SEED_SOURCE)
    assert any(p.startswith("anchors.json brf: para_3: records page") for p in problems)
    assert any(p.startswith("anchors.json pef: para_3: records page") for p in problems)
    assert any(p.startswith("brf contents: Paragraphs: gives page 8") for p in problems)


def test_a_missing_label_and_a_long_line_are_found(out: Path, tmp_path: Path):
    folder = _copy(out, tmp_path)
    brf = folder / "B9-0311-2022.brf"
    text = brf.read_bytes().replace(b";,C4 ", b";,X4 ", 1).replace(b"\r\n", b" " * 41 + b"x\r\n", 1)
    brf.write_bytes(text)
    problems = _problems(folder, SEED_SOURCE)
    assert "brf labels: rec_C: missing" in problems
    assert any(p.startswith("brf line: page 1 line 1: 70 cells, more than 40") for p in problems)
    assert any(p.startswith("brf characters: page 1 line 1") for p in problems)


def test_the_pef_validates_with_jing_and_a_broken_one_does_not(out: Path, tmp_path: Path):
    folder = out / "B9-0311-2022"
    assert check.validate_pef(folder / "B9-0311-2022.pef") == []
    broken = tmp_path / "broken.pef"
    broken.write_text(
        (folder / "B9-0311-2022.pef").read_text(encoding="utf-8").replace("<row>", "<row>ABC", 1), encoding="utf-8"
    )
    assert any("jing" in str(p) for p in check.validate_pef(broken))


def test_the_schema_is_kept_as_found():
    import hashlib

    digest = hashlib.sha256(check.SCHEMA.read_bytes()).hexdigest()
    assert digest == "ef3361acd681c1d6ddb7d59320d0c3c56b59763119581e6bdccd0df8b372b9e6"


def test_the_german_text_has_its_own_table_and_reads_back(out: Path):
    folder = out / "P6-TA-2008-0190.de"
    assert _problems(folder, GERMAN) == []
    pef = (folder / "P6-TA-2008-0190.de.pef").read_text(encoding="utf-8")
    assert 'table="de-g1.ctb"' in pef and "<dc:language>de</dc:language>" in pef
    assert "nicht von einer Braille-Übertragerin" in pef


def test_every_language_pack_names_a_table_liblouis_compiles():
    for code in languages.available():
        table = languages.load(code).braille_table
        assert louis.translate(table, ["Text 12"]), code


def test_lines_break_only_at_blank_cells():
    cells = louis.translate("en-ueb-g2.ctb", ["Calls on the Chinese authorities " * 8])[0]
    lines = brailleparts.wrap(cells, 0, 2)
    assert all(len(line) <= 40 for line in lines)
    assert louis.BLANK.join(part.strip(louis.BLANK) for part in lines) == cells.strip(louis.BLANK)
    long = brailleparts.wrap("\u2801" * 50 + "\u2824" + "\u2803" * 10, 0, 2)
    assert [len(line) for line in long] == [40, 23]


def test_the_page_links_both_braille_files():
    page = html.render(reader.read(SEED_SOURCE), Options(formats=EDITIONS)).decode()
    assert f'href="B9-0311-2022{formats.BRF.suffix}"' in page and f'href="B9-0311-2022{formats.PEF.suffix}"' in page
    assert "Braille (PEF, for embossers)" in page


def test_a_changed_cell_in_the_pef_is_found(out: Path, tmp_path: Path):
    folder = _copy(out, tmp_path)
    pef = folder / "B9-0311-2022.pef"
    text = pef.read_text(encoding="utf-8")
    end = text.index("</row>", text.index('pub:eid="para_3"'))
    blank = text.rindex("\u2800", 0, end)  # the row's last blank cell, after the label: a word gets a cell more
    changed = text[:blank] + "\u283f" + text[blank + 1 :]
    pef.write_text(changed, encoding="utf-8")
    problems = _problems(folder, SEED_SOURCE)
    assert any(p.startswith("pef cells: para_3: differ from liblouis's translation") for p in problems), problems


def _imported(tmp_path: Path, name: str) -> Path:
    source = tmp_path / f"{name}.md"
    source.write_text(import_file(CORPUS / f"{name}.txt").source, encoding="utf-8")
    return source


@pytest.mark.parametrize("name", ["TA-6-2008-0538_MT", "TA-7-2009-0097_RO"])
def test_an_eight_dot_text_gets_the_pef_alone_and_its_page_links_no_brf(tmp_path: Path, name: str):
    source = _imported(tmp_path, name)
    folder = tmp_path / "build" / name
    folder.mkdir(parents=True)
    (folder / f"{name}{formats.BRF.suffix}").write_bytes(b"a BRF an earlier build left\r\n")
    build([source], tmp_path / "build", ["html", "braille"])
    assert not (folder / f"{name}{formats.BRF.suffix}").exists()
    assert (folder / f"{name}{formats.PEF.suffix}").is_file()
    page = (folder / f"{name}.html").read_text(encoding="utf-8")
    assert formats.BRF.suffix not in page and f'href="{name}{formats.PEF.suffix}"' in page
    facts = manifest.edition(folder, "braille")
    assert facts["file"] is None and facts["no_brf"].startswith("braille page p1, line 1: the cell U+"), facts
    assert _problems(folder, source) == []


def test_a_text_needing_eight_dot_cells_in_a_six_dot_pack_gets_the_pef_alone_and_says_why(
    tmp_path, monkeypatch, caplog
):
    # A six-dot table can still write a character of another script in eight dots: the edition is not lost for it.
    source = _imported(tmp_path, "TA-6-2008-0538_MT")
    declared = languages.load("mt")
    monkeypatch.setattr(braille, "pack", lambda document: dataclasses.replace(declared, braille_brf=True))
    folder = tmp_path / "build" / "TA-6-2008-0538_MT"
    with caplog.at_level("WARNING", logger="publish.progress"):
        build([source], tmp_path / "build", ["braille"])
    assert (folder / "TA-6-2008-0538_MT.pef").exists() and not (folder / "TA-6-2008-0538_MT.brf").exists()
    assert re.search(r"no BRF although the mt pack expects one: braille page p1, line 1: the cell U\+[0-9A-F]{4}",
                     caplog.text), caplog.text  # fmt: skip
    facts = json.loads((folder / "anchors.json").read_text(encoding="utf-8"))["editions"]["braille"]
    assert facts["file"] is None and facts["no_brf"].startswith("braille page p1, line 1")


def test_the_low_line_of_a_spanish_reference_is_a_hyphen_and_the_brf_is_made(tmp_path):
    # es-g2.ctb lacks "_": its escape has an eight-dot cell, and every Spanish text lost its BRF to "P9_TA".
    assert any(len(cells) > 2 for cells in louis.translate("es-g2.ctb", ["_"]))
    source = _imported(tmp_path, "TA-9-2022-0052_ES")
    build([source], tmp_path / "build", ["braille"])
    folder = tmp_path / "build" / "TA-9-2022-0052_ES"
    assert (folder / "TA-9-2022-0052_ES.brf").exists()
    assert _problems(folder, source) == []


def test_italian_citations_start_with_the_braille_dash_not_liblouis_s_escape(tmp_path: Path):
    """The Italian table has neither the en dash nor the hyphen: liblouis writes them as their codes ('\\x2013',
    ⠄⠠⠭… in cells, ``',X`` in the BRF); the edition writes the braille dash ⠤ (dots 3-6) instead."""
    escape = "\u2804\u2820\u282d"  # ' \ x: how it-it-comp6.utb writes the start of a character it lacks
    assert all(cells.startswith(escape) for cells in louis.translate("it-it-comp6.utb", ["\u2013", "-"]))
    build([ITALIAN], tmp_path, ["braille"])
    folder = tmp_path / ITALIAN.stem
    pef = (folder / f"{ITALIAN.stem}.pef").read_text(encoding="utf-8")
    brf = (folder / f"{ITALIAN.stem}.brf").read_text(encoding="ascii")
    rows = [row for row in pef.splitlines() if "<row" in row]
    assert rows and not [row for row in rows if escape in row]
    assert "',X" not in brf
    citations = [row for row in rows if 'pub:eid="cit_' in row]
    assert len(citations) == 4 and all(">\u2824\u2800" in row for row in citations), citations
    assert "#BJJH-#JE-#JH" in brf  # the date 2008-05-08 on the title page: its hyphens as ⠤ too
    assert _problems(folder, ITALIAN) == []
