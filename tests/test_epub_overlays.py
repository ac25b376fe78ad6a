"""The EPUB's media overlays read back: one par per spoken unit, clips within the audio, durations, claims, styling.

EPUBCheck and Ace run on these EPUBs, and on broken copies of their overlays, in ``test_epub.py``'s gate.
"""

from __future__ import annotations

import logging
import shutil
import zipfile

import pytest
from conftest import SMALL
from lxml import etree
from mutagen.mp3 import MP3
from test_epub import NS, Package

from publish import manifest, reader
from publish.build import build
from publish.check.audio import ffprobe_chapters
from publish.check.epub import check_package
from publish.check.epuboverlay import clock_ms
from publish.writers import epuboverlay
from publish.writers.audio import stale
from publish.writers.epuboverlay import ACTIVE_CLASS, clock
from publish.writers.shared import Options

SMIL_NS = {"s": "http://www.w3.org/ns/SMIL"}
DOCUMENTS = ["B9-0311-2022", "small"]


def _pars(package: Package) -> list[tuple[str, str, str, str, str]]:
    """(par id, text src, audio src, clipBegin, clipEnd) of every par of the package's one SMIL document."""
    smil = package.xml("EPUB/text.smil")
    return [
        (
            par.get("id"),
            par.find("s:text", SMIL_NS).get("src"),
            par.find("s:audio", SMIL_NS).get("src"),
            par.find("s:audio", SMIL_NS).get("clipBegin"),
            par.find("s:audio", SMIL_NS).get("clipEnd"),
        )
        for par in smil.iterfind(".//s:par", SMIL_NS)
    ]


@pytest.fixture(scope="module")
def packages(built) -> dict[str, Package]:
    return {name: Package(built / name / f"{name}.epub") for name in DOCUMENTS}


@pytest.fixture(scope="module")
def audio_facts(built) -> dict[str, dict]:
    """What the audio writer recorded for each document: the times the overlays must follow."""
    return {name: manifest.load(built / name)["editions"]["audio"] for name in DOCUMENTS}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_one_par_per_spoken_unit_in_reading_order(packages, audio_facts, name):
    pars = _pars(packages[name])
    units = [unit["id"] for unit in audio_facts[name]["units"]]
    assert [text for _, text, *_ in pars] == [f"text.xhtml#{unit}" for unit in units]
    assert [par_id for par_id, *_ in pars] == [f"par_{unit}" for unit in units]
    assert {audio for _, _, audio, *_ in pars} == {f"audio/{name}.mp3"}


def test_clause_pars_use_the_models_anchors_in_document_order(packages, seed, small_source):
    for name, document in (("B9-0311-2022", seed), ("small", reader.read(small_source))):
        targets = [text.partition("#")[2] for _, text, *_ in _pars(packages[name])]
        assert [t for t in targets if t in set(document.anchors)] == list(document.anchors)
    small = [text for _, text, *_ in _pars(packages["small"])]
    assert small[:4] == ["text.xhtml#preface", "text.xhtml#formula", "text.xhtml#cits-heading", "text.xhtml#cit_1"]
    assert small[-2:] == ["text.xhtml#notes-heading", "text.xhtml#authorialNote_1"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_text_target_resolves_in_the_content_document_in_order(packages, name):
    package = packages[name]
    content = package.xml("EPUB/text.xhtml")
    order = {element.get("id"): n for n, element in enumerate(content.iter()) if element.get("id")}
    positions = []
    for _, text, *_ in _pars(package):
        document, _, fragment = text.partition("#")
        assert package.resolve(document, "EPUB/text.smil") == "EPUB/text.xhtml"
        assert fragment in order, text
        positions.append(order[fragment])
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_clip_ends_within_the_audio_as_ffprobe_and_mutagen_measure_it(packages, tmp_path, name):
    mp3 = tmp_path / f"{name}.mp3"
    mp3.write_bytes(packages[name].files[f"EPUB/audio/{name}.mp3"])
    _, probed = ffprobe_chapters(mp3)
    measured = round(MP3(mp3).info.length * 1000)
    ends = [clock_ms(end) for *_, end in _pars(packages[name])]
    assert max(ends) <= min(probed, measured)
    assert probed - max(ends) < 60  # the last clip runs to the end of the speech and its pause (an MP3 frame is 52 ms)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_clips_tile_the_narration_each_from_where_its_speech_starts(packages, audio_facts, name):
    clips = [(clock_ms(begin), clock_ms(end)) for *_, begin, end in _pars(packages[name])]
    units = audio_facts[name]["units"]
    assert clips[0][0] == 0
    assert all(before[1] == after[0] for before, after in zip(clips, clips[1:], strict=False))
    assert [begin for begin, _ in clips[1:]] == [round(unit["start"] * 1000) for unit in units[1:]]
    assert all(round(unit["end"] * 1000) <= end for unit, (_, end) in zip(units, clips, strict=True))
    assert clips[-1][1] == round(audio_facts[name]["duration"] * 1000)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_media_durations_are_the_sum_of_the_clips(packages, audio_facts, name):
    package = packages[name]
    total = sum(clock_ms(end) - clock_ms(begin) for *_, begin, end in _pars(package))
    durations = {
        m.get("refines"): clock_ms(m.text) for m in package.opf.iterfind("opf:metadata/opf:meta", NS)
        if m.get("property") == "media:duration"
    }  # fmt: skip
    assert durations == {"#overlay": total, None: total}
    assert total == round(audio_facts[name]["duration"] * 1000)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_narration_is_the_audio_edition_byte_for_byte_stored_in_the_zip(built, packages, name):
    package = packages[name]
    entry = f"EPUB/audio/{name}.mp3"
    assert package.files[entry] == (built / name / f"{name}.mp3").read_bytes()
    assert next(info for info in package.infos if info.filename == entry).compress_type == zipfile.ZIP_STORED
    items = {item.get("id"): item for item in package.opf.iterfind("opf:manifest/opf:item", NS)}
    assert (items["narration"].get("href"), items["narration"].get("media-type")) == (f"audio/{name}.mp3", "audio/mpeg")
    assert (items["overlay"].get("href"), items["overlay"].get("media-type")) == ("text.smil", "application/smil+xml")
    assert items["text"].get("media-overlay") == "overlay"
    assert [item.get("media-overlay") for item in items.values()].count("overlay") == 1


def test_active_class_narrator_and_claims(packages, audio_facts):
    package = packages["B9-0311-2022"]
    assert package.meta("media:active-class") == [ACTIVE_CLASS]
    css = package.files["EPUB/style.css"].decode("utf-8")
    assert f".{ACTIVE_CLASS} {{ background-color: Highlight; color: HighlightText; }}" in css
    facts = audio_facts["B9-0311-2022"]
    [narrator] = package.meta("media:narrator")
    assert f"eSpeak NG {facts['espeak_ng']}" in narrator and f"'{facts['voice']}'" in narrator
    assert "synchronizedAudioText" in package.meta("schema:accessibilityFeature")
    assert package.meta("schema:accessModeSufficient") == ["textual", "auditory"]
    assert "and the notes" in packages["small"].meta("schema:accessibilitySummary")[0]
    assert "and the notes" not in package.meta("schema:accessibilitySummary")[0]


def test_manifest_records_the_overlay_and_each_clauses_par(built):
    data = manifest.load(built / "small")
    overlay = data["editions"]["epub"]["media_overlay"]
    assert overlay["smil"] == "EPUB/text.smil" and overlay["audio"] == "EPUB/audio/small.mp3"
    assert overlay["duration"] == data["editions"]["audio"]["duration"]
    assert {c["eid"]: c["epub"]["par"] for c in data["clauses"]}["para_2__indent_1"] == (
        "EPUB/text.smil#par_para_2__indent_1"
    )


@pytest.mark.browser
def test_the_active_clause_is_highlighted_but_not_the_points_read_after_it(built, tmp_path):
    """Chromium renders the content document with the active class where a reading system puts it."""
    from playwright.sync_api import sync_playwright

    from publish.check.tools import chromium_path

    with zipfile.ZipFile(built / "small" / "small.epub") as z:
        z.extractall(tmp_path)
    script = """([id, active]) => {
        document.getElementById(id).classList.add(active);
        const colour = (selector) => getComputedStyle(document.querySelector(selector)).backgroundColor;
        return [colour('#rec_B > .clause-text'), colour('#rec_B__point_a > .clause-text'), colour('#formula')];
    }"""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path()))
        page = browser.new_page(viewport={"width": 600, "height": 700})
        page.goto((tmp_path / "EPUB" / "text.xhtml").as_uri())
        clear = page.evaluate(script, ["formula", "no-such-class"])[0]
        clause, point, _ = page.evaluate(script, ["rec_B", ACTIVE_CLASS])
        _, _, formula = page.evaluate(script, ["formula", ACTIVE_CLASS])
        page.screenshot(path=str(tmp_path / "active.png"))
        browser.close()
    assert clear == "rgba(0, 0, 0, 0)"
    assert clause != clear and formula == clause  # the system's Highlight colour
    assert point == clear


# --- where the narration comes from ---------------------------------------------------------------------------------


@pytest.mark.speech
def test_an_edited_clause_is_not_narrated_by_the_stale_audio_edition(tmp_path, caplog):
    """``--to epub`` after a clause changed: the recorded narration speaks the old text, so the audio writer speaks
    the new one (only that unit is new to the speech cache); the audio edition in the folder stays as it was."""
    source = tmp_path / "small.md"
    source.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    build([source], out, ("audio",))
    recorded = (out / "small" / "small.mp3").read_bytes()

    source.write_text(SMALL.replace("Calls for one thing", "Calls for one other thing"), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="publish.progress"):
        build([source], out, ("epub",))
    assert "speaks an earlier text: the audio writer makes it in a scratch folder (not kept)" in caplog.text
    assert "speaking 1 of" in caplog.text
    assert (out / "small" / "small.mp3").read_bytes() == recorded
    package = Package(out / "small" / "small.epub")
    assert package.files["EPUB/audio/small.mp3"] != recorded
    assert check_package(package.path) == []

    build([source], out, ("audio",))  # the audio edition of the new text: the very narration the EPUB holds
    assert package.files["EPUB/audio/small.mp3"] == (out / "small" / "small.mp3").read_bytes()


def test_the_recorded_narration_is_used_when_it_speaks_the_text_as_asked(built, seed, tmp_path):
    folder = tmp_path / "B9-0311-2022"
    shutil.copytree(built / "B9-0311-2022", folder)
    facts = manifest.load(folder)["editions"]["audio"]
    assert stale(seed, folder, Options(), facts) is None
    assert "words per minute" in stale(seed, folder, Options(rate=200), facts)
    assert "voice" in stale(seed, folder, Options(voice="en-us"), facts)
    assert stale(seed, folder, Options(), None) == "no narration in the manifest"
    (folder / facts["vtt"]).unlink()
    assert stale(seed, folder, Options(), facts) == "the audio edition's vtt is missing"
    narration = epuboverlay.narration(built / "B9-0311-2022", manifest.edition(built / "B9-0311-2022", "audio"))
    assert narration.mp3 == (built / "B9-0311-2022" / "B9-0311-2022.mp3").read_bytes()


def test_smil_is_well_formed_smil_3(packages):
    smil = packages["small"].xml("EPUB/text.smil")
    assert (smil.tag, smil.get("version")) == ("{http://www.w3.org/ns/SMIL}smil", "3.0")
    assert [etree.QName(child).localname for child in smil] == ["body"]


def test_clock_values():
    assert clock(0) == "0:00:00.000" and clock(653_984) == "0:10:53.984" and clock(3_723_004) == "1:02:03.004"
    for text, ms in [("0:10:53.984", 653_984), ("10:53.984", 653_984), ("653.984s", 653_984), ("500ms", 500),
                     ("2min", 120_000), ("1.5h", 5_400_000), ("12", 12_000), ("0:00:01", 1000)]:  # fmt: skip
        assert clock_ms(text) == ms, text
    assert clock_ms("1:2:3") is None and clock_ms("") is None and clock_ms("0:60:00") is None
