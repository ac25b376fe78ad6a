"""`publish check` read every output back: the seed passes with 40 clause rows; broken copies fail, naming format,
clause and problem; the comparisons and the report page are checked on their own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, SEED_SOURCE
from lxml import html
from mutagen.id3 import ID3

from publish.check import compare, expect, readback, run, validators
from publish.check.browser import Browser
from publish.check.html import axe, gate
from publish.check.readback import Anchor, Channel
from publish.cli import main
from publish.errors import PublishError

SEED = "B9-0311-2022"
#: ``publish check`` runs every validator: axe-core in Chromium, Nu, veraPDF and EPUBCheck in Java, Ace in Node.js.
FIXTURE_MARKERS = {"seed_run": ("browser", "jvm", "node"), "broken_run": ("browser", "jvm", "node")}


def _check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``publish check`` as a user runs it, from the project root."""
    cmd = [sys.executable, "-m", "publish.cli", "check", *map(str, args)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)


def _copy(built: Path, target: Path) -> Path:
    """A copy of the built seed folder, without reports from earlier checks."""
    folder = target / SEED
    shutil.copytree(built / SEED, folder, ignore=shutil.ignore_patterns("report.*", ".*"))
    return folder


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rewrite_zip(path: Path, change) -> None:
    """Rewrite an EPUB in place: ``change(entries)`` edits the {name: bytes} dict (mimetype stays first, stored)."""
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        entries = {info.filename: z.read(info) for info in infos}
    change(entries)
    with zipfile.ZipFile(path, "w") as z:
        for info in infos:
            if info.filename in entries:
                z.writestr(info, entries.pop(info.filename))
        for name, data in entries.items():
            z.writestr(name, data, zipfile.ZIP_DEFLATED)


def _swap(text: str, first: str, second: str) -> str:
    assert first in text and second in text, (first, second)
    return text.replace(first, "\0").replace(second, first).replace("\0", second)


# --- the seed -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_run(built, tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = _copy(built, tmp_path_factory.mktemp("check-seed"))
    return _check(folder, "--source", SEED_SOURCE), folder


@pytest.fixture(scope="module")
def seed_report(seed_run) -> dict:
    return json.loads((seed_run[1] / "report.json").read_text(encoding="utf-8"))


def test_the_seed_passes_every_check(seed_run, seed_report):
    done, folder = seed_run
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        f"{folder}: pass: 40 clauses agree in 10 files, {seed_report['summary']['validator_runs']} validator runs at 0"
        f" → {folder / 'report.html'}"
    ]
    assert list(seed_report)[:3] == ["verdict", "summary", "problems"]
    assert seed_report["verdict"] == "pass"
    assert seed_report["problems"] == []
    summary = seed_report["summary"]
    assert (summary["clauses"], summary["formats"], summary["formats_agreeing"]) == (40, 10, 10)
    assert summary["validator_runs_failing"] == 0


def test_progress_is_shown(seed_run, seed):
    progress = seed_run[0].stderr
    words = len(expect.expected_words(seed, "pdf"))
    lines = [
        "check B9-0311-2022: reading back 10 files",
        f"check B9-0311-2022 pdf: named destinations 40, outline 40, contents links 40, {words} words; 0 problems",
        "veraPDF PDFUA-1.xml: 2 files",
        "outloud: 2 files",
        "epubcheck: 1 files",
        "ace B9-0311-2022.epub: pass",
        "axe B9-0311-2022.html [dark]: 0 violations",
        "vnu: 1 files, 0 errors",
        "audio gate B9-0311-2022.mp3: 0 findings",
        "audiobook gate B9-0311-2022.m4b: 0 findings",
        "akn schema B9-0311-2022.akn.xml: 0 errors",
    ]
    for line in lines:
        assert line in progress, line


def test_every_format_carries_all_40_anchors_and_the_sources_words(seed_run, seed_report, seed):
    formats = {f["format"]: f for f in seed_report["formats"]}
    assert list(formats) == ["html", "pdf", "pdf-large", "epub", "mp3", "vtt", "m4b", "akn", "pef", "brf"]
    channels = {(name, c["channel"]): (c["present"], c["clauses"]) for name, f in formats.items() for c in f["anchors"]}
    with zipfile.ZipFile(seed_run[1] / f"{SEED}.epub") as z:
        has_overlay = any(name.endswith(".smil") for name in z.namelist())
    assert channels == {
        ("html", "clause ids"): (True, 40),
        ("pdf", "named destinations"): (True, 40),
        ("pdf", "outline"): (True, 40),
        ("pdf", "contents links"): (True, 40),
        ("pdf-large", "named destinations"): (True, 40),
        ("pdf-large", "outline"): (True, 40),
        ("pdf-large", "contents links"): (True, 40),
        ("epub", "content ids"): (True, 40),
        ("epub", "nav targets"): (True, 40),
        ("epub", "SMIL text targets"): (True, 40) if has_overlay else (False, 0),
        ("mp3", "chapter ids"): (True, 40),
        ("vtt", "cue ids"): (True, 40),
        ("akn", "eIds"): (True, 40),
        ("pef", "labels"): (True, 40),
        ("brf", "labels"): (True, 40),
    }
    for name, fmt in formats.items():
        assert (fmt["verdict"], fmt["problems"]) == ("pass", []), name
        if name in {"pef", "brf"}:  # words back-translated from grade 2 braille: measured (tests/test_braille.py)
            assert fmt["word_fidelity"] > 0.998, name
        elif name not in {"mp3", "m4b"}:  # chapters only, no words
            assert fmt["words"] == len(expect.expected_words(seed, name)) > 1500, name
    assert seed_report["manifest"] == {"verdict": "pass", "problems": []}


#: (tool, format, scope) → (version prefix, counts) of every validator run on the seed.
VALIDATORS = {
    ("axe-core", "html", "light"): ("4.14.1 (Chromium ", {"violations": 0, "incomplete": 0}),
    ("axe-core", "html", "dark"): ("4.14.1 (Chromium ", {"violations": 0, "incomplete": 0}),
    ("Nu Html Checker", "html", ""): ("26.9.27", {"error": 0}),
    ("veraPDF", "pdf", "PDF/UA-1"): ("1.31.", {"failed rules": 0, "failed checks": 0}),
    ("veraPDF", "pdf-large", "PDF/UA-1"): ("1.31.", {"failed rules": 0, "failed checks": 0}),
    ("outloud", "pdf", ""): ("0.2.1", {"error": 0, "warning": 0}),
    ("outloud", "pdf-large", ""): ("0.2.1", {"error": 0, "warning": 0}),
    ("structure (pikepdf)", "pdf", ""): ("10.", {"findings": 0}),
    ("structure (pikepdf)", "pdf-large", ""): ("10.", {"findings": 0}),
    ("EPUBCheck", "epub", ""): ("5.3.0", {"fatal": 0, "error": 0, "warning": 0, "usage": 0}),
    ("Ace", "epub", ""): ("1.4.6", {"violations": 0}),
    ("package checks", "epub", ""): ("publish", {"findings": 0}),
    ("ffprobe", "mp3", ""): ("", {"findings": 0}),
    ("mutagen (ID3 chapters)", "mp3", ""): ("1.48", {"findings": 0}),
    ("speech onsets (ffmpeg)", "mp3", ""): ("", {"findings": 0}),
    ("webvtt-py", "vtt", ""): ("0.6", {"findings": 0}),
    ("ffprobe (audiobook chapters)", "m4b", ""): ("", {"findings": 0}),
    ("Akoma Ntoso 3.0 XSD (lxml)", "akn", ""): ("OASIS AKN 3.0 (cobalt 9.0.1)", {"errors": 0}),
}


def test_every_validator_ran_once_per_file_with_its_version_and_reports_zero(seed_report):
    runs = {(v["tool"], v["format"], v["scope"]): v for v in seed_report["validators"]}
    assert len(runs) == len(seed_report["validators"]) == seed_report["summary"]["validator_runs"]
    assert set(runs) == set(VALIDATORS)
    for key, (version, counts) in VALIDATORS.items():
        result = runs[key]
        assert result["version"].startswith(version) and result["version"], key
        assert {k: result["counts"][k] for k in counts} == counts, key
        assert (result["verdict"], result["failures"], result["error"]) == ("pass", [], None), key


def test_anchor_table_has_one_row_per_clause_with_its_place_in_every_format(seed_report, seed):
    rows = seed_report["anchors"]
    assert [row["anchor"] for row in rows] == list(seed.anchors)
    assert len(rows) == 40
    for row, clause in zip(rows, seed.iter_clauses(), strict=True):
        assert (row["label"], row["spoken_label"]) == (clause.label, clause.spoken_label)
        assert row["html"] == f"{SEED}.html#{clause.eid}"
        assert row["epub"] == f"EPUB/text.xhtml#{clause.eid}"
        assert 1 <= row["pdf_page"] <= row["pdf_large_page"]
    for key in ("pdf_page", "pdf_large_page", "audio_start"):
        values = [row[key] for row in rows]
        assert values == sorted(values), key
    assert rows[0]["audio_start"] > 0 and len({row["audio_start"] for row in rows}) == 40


def test_report_page_shows_the_verdict_and_40_clause_rows(seed_run):
    page = html.parse(str(seed_run[1] / "report.html")).getroot()
    assert page.get("lang") == "en"
    assert "Pass" in page.get_element_by_id("verdict").text_content()
    rows = page.cssselect("#anchors tbody tr")
    assert len(rows) == 40
    cells = [c.text_content() for c in rows[2]]
    assert cells[:3] == ["cit_3", "—", "Citation 3"]
    links = [a.get("href") for a in rows[2].cssselect("a")]
    assert links[0] == f"{SEED}.html#cit_3" and links[1] == f"{SEED}.pdf#cit_3"
    assert links[3].startswith(f"{SEED}.mp3#t=")


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


def test_report_page_passes_axe_in_light_and_dark_and_the_nu_checker(seed_run, browser):
    page = seed_run[1] / "report.html"
    assert gate([page], browser=browser) == []
    for scheme in ("light", "dark"):
        assert axe(browser, page, scheme).incomplete == ()


def test_report_page_reflows_at_320_px_and_200_percent(seed_run, browser):
    page = seed_run[1] / "report.html"
    assert browser.horizontal_overflow(page, 320) == 0
    assert browser.horizontal_overflow(page, 640, device_scale_factor=2) == 0


# --- broken copies: each comparison and the validators bite ---------------------------------------------------------


def _drop_destination(folder: Path) -> None:
    path = folder / f"{SEED}.pdf"
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        del pikepdf.NameTree(pdf.Root.Names.Dests)["para_3"]
        pdf.save(path)


def _nav_out_of_order(folder: Path) -> None:
    def change(entries: dict[str, bytes]) -> None:
        nav = entries["EPUB/nav.xhtml"].decode()
        first, second = '<a href="text.xhtml#para_3">Paragraph 3</a>', '<a href="text.xhtml#para_4">Paragraph 4</a>'
        entries["EPUB/nav.xhtml"] = _swap(nav, first, second).encode()

    _rewrite_zip(folder / f"{SEED}.epub", change)


BROKEN = {  # name: (break it, a line the command must print, what every problem of the copy must start with)
    "missing-anchor": (
        _drop_destination,
        "pdf named destinations: para_3: missing",
        (
            "pdf named destinations: para_3:",
            "pdf outline: para_3:",
            "pdf contents links: para_3:",
            "anchors.json pdf: para_3:",
        ),
    ),
    "out-of-order": (
        _nav_out_of_order,
        "epub nav targets: para_4: out of order: comes after para_2, the source has it after para_3",
        ("epub nav targets: para_4:", "epub EPUBCheck: epubcheck NAV-011", "epub Ace: ace epub-toc-order"),
    ),
    "dropped-word": (
        lambda folder: _replace(folder / f"{SEED}.html", "Reiterates its call on the", "Reiterates its call the"),
        "html text: para_3: missing 'on' after '3. Reiterates its call'",
        ("html text: para_3:",),
    ),
    "dropped-caption-word": (
        lambda folder: _replace(folder / f"{SEED}.vtt", "Recital C. whereas independent", "Recital C. whereas"),
        "vtt text: rec_C: missing 'independent' after 'voices Recital C. whereas'",
        ("vtt text: rec_C:",),
    ),
    "akn-duplicate-eid": (
        lambda folder: _replace(folder / f"{SEED}.akn.xml", 'eId="para_3"', 'eId="para_2"'),
        "akn eIds: para_2: appears 2 times",
        ("akn eIds: para_", "akn Akoma Ntoso 3.0 XSD (lxml): ", "anchors.json akn: para_3:"),
    ),
    "validator-failure": (
        lambda folder: _replace(folder / f"{SEED}.html", "--link: #9cc3ff;", "--link: #20324a;"),
        "html axe-core: axe[dark] color-contrast (serious)",
        ("html axe-core: axe[dark] color-contrast",),
    ),
}


@pytest.fixture(scope="module")
def broken_run(built, tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], dict[str, Path]]:
    """Every broken copy checked in ONE batch (one browser, one JVM per tool for all of them)."""
    folders = {}
    for name, (change, *_) in BROKEN.items():
        folders[name] = _copy(built, tmp_path_factory.mktemp(name))
        change(folders[name])
    return _check(*folders.values(), "--quiet"), folders


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_copy_fails_naming_the_format_the_clause_and_the_problem(broken_run, name):
    done, folders = broken_run
    assert done.returncode == 1
    _, line, prefixes = BROKEN[name]
    folder = folders[name]
    printed = [text.removeprefix(f"{folder}: ") for text in done.stdout.splitlines() if text.startswith(f"{folder}: ")]
    assert printed[0].startswith("FAIL: ")
    assert any(text.startswith(line) for text in printed), printed
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "fail"
    assert report["problems"] == printed[1:]
    assert all(problem.startswith(prefixes) for problem in report["problems"]), report["problems"]


def test_quiet_prints_no_progress(broken_run):
    assert broken_run[0].stderr == ""


# --- the comparisons on their own -----------------------------------------------------------------------------------


def test_every_kind_of_anchor_difference_is_named(seed):
    anchors = {c.eid: Anchor(c.eid, c.label, c.spoken_label) for c in seed.iter_clauses()}
    anchors["rec_B"] = Anchor("rec_B", "C.", "Recital B")  # the wrong label
    anchors["rec_M"] = Anchor("rec_M", "M.", "Recital 13")  # the wrong spoken label
    del anchors["para_7"]
    order = list(anchors.values())
    order[3], order[4] = order[4], order[3]  # cit_4 and cit_5 swapped
    order += [anchors["para_1"], Anchor("para_99"), Anchor("preface"), Anchor("cits-heading"), Anchor("page_2")]
    problems = [str(p) for p in compare.compare_anchors("html", Channel("clause ids", tuple(order)), seed)]
    assert problems == [
        "html clause ids: para_99: an anchor the source does not have",
        "html clause ids: para_1: appears 2 times",
        "html clause ids: para_7: missing",
        "html clause ids: cit_5: out of order: comes after cit_3, the source has it after cit_4",
        "html clause ids: rec_B: shows the label 'C.', the source has 'B.'",
        "html clause ids: rec_M: is named 'Recital 13', the source's spoken label is 'Recital M'",
    ]


def test_a_format_without_overlays_is_not_compared_but_reported_absent(seed):
    assert compare.compare_anchors("epub", Channel("SMIL text targets", (), present=False), seed) == []


def test_word_differences_are_named_by_their_clause(seed):
    expected = expect.expected_words(seed, "html")

    def at(unit: str, word: str) -> int:
        return next(i for i, w in enumerate(expected) if (w.unit, w.text) == (unit, word))

    words = [w.text for w in expected]
    words[at("rec_D", "President")] = "Premier"
    words.insert(at("para_5", "serious"), "very")
    del words[at("para_18", "its") + 1]
    assert [str(p) for p in compare.compare_words("html", expected, words)] == [
        "html text: rec_D: 'Premier' instead of 'President' after 'Lithuania; D. whereas, since'",
        "html text: para_5: extra 'very' after 'punishment; 5. Express its'",
        "html text: para_18: missing 'its' after 're-education camps; 18. Instructs'",
    ]


def test_a_pdf_extractors_spacing_is_forgiven_but_nothing_else(seed):
    expected = [expect.Word("thing1;", "para_1"), expect.Word("see", "para_1")]
    assert compare.compare_words("pdf", expected, ["thing", "1", ";", "see"], loose_spacing=True) == []
    assert compare.compare_words("html", expected, ["thing", "1", ";", "see"]) != []
    assert compare.compare_words("pdf", expected, ["thing", "2", ";", "see"], loose_spacing=True) != []


def test_smil_text_targets_are_compared_when_present(built, tmp_path, seed):
    path = tmp_path / f"{SEED}.epub"
    shutil.copy(built / SEED / f"{SEED}.epub", path)

    def change(entries: dict[str, bytes]) -> None:
        """The writer's overlay, if it made one, replaced by the test's: every clause, para_3 and para_4 swapped."""
        for name in [n for n in entries if n.endswith(".smil")]:
            del entries[name]
        opf = re.sub(r"<item [^>]*application/smil\+xml[^>]*/>", "", entries["EPUB/content.opf"].decode())
        item = '<item id="check-smil" href="check.smil" media-type="application/smil+xml"/>'
        entries["EPUB/content.opf"] = opf.replace("</manifest>", f"{item}</manifest>", 1).encode()
        order = list(seed.anchors)
        at = order.index("para_3")
        order[at], order[at + 1] = order[at + 1], order[at]
        pars = "".join(f'<par><text src="text.xhtml#{eid}"/></par>' for eid in order)
        smil = f'<smil xmlns="http://www.w3.org/ns/SMIL" version="3.0"><body>{pars}</body></smil>'
        entries["EPUB/check.smil"] = smil.encode()

    _rewrite_zip(path, change)
    channel = next(c for c in readback.read_epub(path).channels if c.name == "SMIL text targets")
    assert channel.present
    assert [str(p) for p in compare.compare_anchors("epub", channel, seed)] == [
        "epub SMIL text targets: para_4: out of order: comes after para_2, the source has it after para_3"
    ]


def test_a_renamed_chapter_is_missing_and_unexpected(built, tmp_path, seed):
    path = tmp_path / f"{SEED}.mp3"
    shutil.copy(built / SEED / f"{SEED}.mp3", path)
    data = path.read_bytes()
    assert data.count(b"para_3\x00") == 2  # the CTOC's child id, the CHAP's element id (its link ends with no NUL)
    path.write_bytes(data.replace(b"para_3\x00", b"parx_3\x00"))  # the same length: the tag stays whole
    assert [c.element_id for c in ID3(path).getall("CHAP")].count("parx_3") == 1
    channel = readback.read_mp3(path).channels[0]
    assert [str(p) for p in compare.compare_anchors("mp3", channel, seed)] == [
        "mp3 chapter ids: parx_3: an anchor the source does not have",
        "mp3 chapter ids: para_3: missing",
    ]


def test_a_caption_under_the_wrong_label_is_named(built, tmp_path, seed):
    path = tmp_path / f"{SEED}.vtt"
    shutil.copy(built / SEED / f"{SEED}.vtt", path)
    _replace(path, "Paragraph 3. Reiterates", "Paragraph 4. Reiterates")
    channel = readback.read_vtt(path).channels[0]
    assert [str(p) for p in compare.compare_anchors("vtt", channel, seed)] == [
        "vtt cue ids: para_3: is captioned 'Paragraph 4. '…, not with the source's spoken label 'Paragraph 3'"
    ]


def test_a_manifest_that_lies_is_caught(built, seed):
    folder = built / SEED
    readings = {"pdf": readback.read_pdf(folder / f"{SEED}.pdf"), "mp3": readback.read_mp3(folder / f"{SEED}.mp3")}
    data = json.loads((folder / "anchors.json").read_text(encoding="utf-8"))
    assert compare.compare_manifest(data, seed, readings) == []
    clause = next(c for c in data["clauses"] if c["eid"] == "rec_C")
    clause["pdf"]["page"] += 1
    clause["audio"]["start"] += 0.5
    assert [str(p) for p in compare.compare_manifest(data, seed, readings)] == [
        f"anchors.json pdf: rec_C: records page {clause['pdf']['page']}, the file has page {clause['pdf']['page'] - 1}",
        f"anchors.json audio: rec_C: records start {clause['audio']['start']} s, the chapter starts at "
        f"{readings['mp3'].places['rec_C']} ms",
    ]


# --- tools that cannot run, folders that are not there -------------------------------------------------------------


def test_a_missing_browser_or_java_fails_every_file_it_should_check(built, monkeypatch):
    page = built / SEED / f"{SEED}.html"
    monkeypatch.setenv("PUBLISH_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("PUBLISH_JAVA", "/nonexistent/java")
    for result in validators.axe_results([page]) + validators.vnu_results([page]):
        assert not result.ok and "not found" in (result.error or ""), result


def test_an_unknown_folder_or_source_is_an_error(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere")]) == 1
    assert "not a build folder" in capsys.readouterr().err
    (tmp_path / "unknown-document").mkdir()
    with pytest.raises(PublishError, match="no source"):
        run.check([tmp_path / "unknown-document"])
