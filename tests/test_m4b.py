"""The audiobook edition (M4B): AAC in MP4 with a chapter per unit titled with its spoken label, starting where the
MP3's chapter starts; read back by ffprobe and mediainfo as players read it; held to the MP3 by the check."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SMALL
from lxml import html

from publish import manifest, reader
from publish.build import build
from publish.check import audio as check_audio
from publish.check.expect import spoken_units
from publish.errors import EditionError
from publish.writers import audio as audio_writer
from publish.writers import m4b
from publish.writers.shared import Options

pytestmark = pytest.mark.speech


@pytest.fixture(scope="module")
def small(built) -> Path:
    return built / "small"


def _titles(document_source: Path | str) -> list[str]:
    document = (
        reader.parse(SMALL, Path("small.md")) if isinstance(document_source, str) else reader.read(document_source)
    )
    return [title for _, title, _ in spoken_units(document)]


def test_ffprobe_lists_one_chapter_per_unit_titled_with_its_spoken_label_in_clause_order(small):
    chapters, duration = check_audio.ffprobe_chapters(small / "small.m4b")
    titles = _titles(SMALL)
    assert [c.title for c in chapters] == titles
    assert "Recital A" in titles and "Point (a) of recital B" in titles
    _, rate, _ = check_audio.m4b_stream(small / "small.m4b")
    # the last chapter ends with the narration; the AAC stream may run on by its encoder padding (under 2 frames)
    assert chapters[0].start == 0 and 0 <= duration - chapters[-1].end <= 2 * 1024 * 1000 / rate
    assert all(before.end == after.start for before, after in zip(chapters, chapters[1:], strict=False))


def test_chapters_start_where_the_mp3s_start_within_one_aac_frame(small):
    book, book_duration = check_audio.ffprobe_chapters(small / "small.m4b")
    heard, mp3_duration = check_audio.ffprobe_chapters(small / "small.mp3")
    codec, rate, brand = check_audio.m4b_stream(small / "small.m4b")
    assert (codec, brand) == ("aac", "M4B")
    frame = 1024 * 1000 / rate
    assert len(book) == len(heard)
    assert max(abs(b.start - h.start) for b, h in zip(book, heard, strict=True)) <= frame
    assert abs(book_duration - mp3_duration) <= 2 * frame
    assert check_audio.m4b_gate(small / "small.m4b", small / "small.mp3", _titles(SMALL)) == []


def test_mediainfo_lists_the_chapters_in_clause_order(small):
    out = subprocess.run(
        ["mediainfo", "--Output=JSON", str(small / "small.m4b")], capture_output=True, text=True, check=True
    ).stdout
    menus = [track for track in json.loads(out)["media"]["track"] if track["@type"] == "Menu"]
    assert menus, "mediainfo sees no chapters"
    for menu in menus:
        marks = {key: value for key, value in menu["extra"].items() if key.startswith("_")}
        assert list(marks.values()) == _titles(SMALL)
        assert list(marks) == sorted(marks)  # listed in time order: "_00_00_00_000", …


def test_the_manifest_and_the_html_page_name_the_audiobook(small):
    facts = manifest.edition(small, "m4b")
    assert facts["file"] == "small.m4b" and facts["chapters"] == len(_titles(SMALL))
    page = html.parse(str(small / "small.html")).getroot()
    links = {a.get("href"): (a.get("type"), a.text_content()) for a in page.iterfind(".//ul[@class='editions']//a")}
    assert links["small.m4b"] == ("audio/mp4", "Audiobook (M4B, for audiobook apps)")


def test_the_gate_names_a_chapter_out_of_place(small, tmp_path):
    """A book whose chapters are in another order, or titled otherwise, fails the gate naming the difference."""
    facts = manifest.edition(small, "audio")
    chapters = m4b.chapter_times(facts)
    swapped = (
        chapters[:3]
        + [(chapters[4][0], chapters[4][1], *chapters[3][2:]), (chapters[3][0], chapters[3][1], *chapters[4][2:])]
        + chapters[5:]
    )
    document = reader.parse(SMALL, Path("small.md"))
    broken = tmp_path / "small.m4b"
    broken.write_bytes(m4b.render(document, (small / "small.mp3").read_bytes(), swapped))
    findings = [str(f) for f in check_audio.m4b_gate(broken, small / "small.mp3", _titles(SMALL))]
    assert any("chapter titles" in f for f in findings), findings


def test_the_audiobook_alone_is_the_same_bytes_and_leaves_no_audio_edition(small, tmp_path, caplog):
    source = tmp_path / "small.md"
    source.write_text(SMALL, encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="publish.progress"):
        build([source], tmp_path / "out", ("m4b",))
    folder = tmp_path / "out" / "small"
    assert "the audio writer makes it in a scratch folder (not kept)" in caplog.text
    assert sorted(p.name for p in folder.iterdir()) == ["anchors.json", "small.m4b"]
    assert (folder / "small.m4b").read_bytes() == (small / "small.m4b").read_bytes()


def test_without_the_audio_edition_the_audiobook_fails_and_keeps_its_last_good_file(small, tmp_path):
    folder = tmp_path / "small"
    shutil.copytree(small, folder)
    before = (folder / "small.m4b").read_bytes()
    document = reader.parse(SMALL, Path("small.md"))
    with pytest.raises(EditionError, match="no narration to make the audiobook from"):
        m4b.write(document, folder, Options(failed=("audio",)))
    assert (folder / "small.m4b").read_bytes() == before


def test_a_narration_recorded_without_chapter_titles_is_stale(small):
    """An audio edition recorded before its units carried their titles is spoken again, not used without them."""
    facts = manifest.edition(small, "audio")
    document = reader.parse(SMALL, Path("small.md"))
    assert audio_writer.stale(document, small, Options(), facts) is None
    untitled = {**facts, "units": [{k: v for k, v in unit.items() if k != "title"} for unit in facts["units"]]}
    assert (
        audio_writer.stale(document, small, Options(), untitled) == "the recorded narration has other units or titles"
    )
