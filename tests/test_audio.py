"""The audio edition as a listener's player sees it: chapters, ID3 read back, WebVTT, speech onsets, cache, engine."""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import wave
from pathlib import Path

import espeakng_loader
import pytest
import webvtt
from conftest import SEED_SOURCE, SMALL
from mutagen.id3 import ID3

from publish import lexicon, reader, speech
from publish.build import build
from publish.check import audio as check
from publish.cli import main
from publish.errors import SourceError
from publish.model import Document
from publish.writers import audio, audioparts
from publish.writers.audioparts import OrderedID3
from publish.writers.shared import Options, section_heading


def expected_units(document: Document) -> tuple[list[str], list[str]]:
    """Unit anchors and chapter titles, straight from the model: title block, formula, headings, subheadings, clauses,
    notes."""
    meta = document.metadata
    ids, titles = ["preface", "formula"], [f"{meta.doc_type} {meta.reference}", document.formula]
    for section in document.sections:
        ids.append(f"{section.eid}-heading")
        titles.append(section_heading(document, section.kind))
        for subheading, clauses in section.groups():
            if subheading is not None:
                ids.append(subheading.eid)
                titles.append(subheading.text)
            for top in clauses:
                for clause in top.walk():
                    ids.append(clause.eid)
                    titles.append(clause.spoken_label)
    if document.footnotes:
        ids.append("notes-heading")
        titles.append("Notes")
        for note in document.footnotes:
            ids.append(note.eid)
            titles.append(f"Note {note.number}")
    return ids, titles


@pytest.fixture(scope="module")
def seed_dir(built) -> Path:
    return built / "B9-0311-2022"


@pytest.fixture(scope="module")
def small_dir(built) -> Path:
    return built / "small"


@pytest.fixture(scope="module")
def small(small_source) -> Document:
    return reader.read(small_source)


@pytest.fixture(scope="module")
def session_cache(built) -> Path:
    """The speech cache the session's build filled: rebuilds below speak only what it lacks."""
    cache = audio.speech_cache(Options.from_environ(), built / "B9-0311-2022")  # conftest's PUBLISH_SPEECH_CACHE
    assert any(cache.rglob("*.wav"))
    return cache


def _files(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"{name}.mp3", folder / f"{name}.vtt"


# --- the gate -------------------------------------------------------------------------------------------------------


def test_seed_and_small_pass_the_audio_gate(seed, seed_dir, small, small_dir):
    for document, folder in ((seed, seed_dir), (small, small_dir)):
        ids, titles = expected_units(document)
        assert check.gate(*_files(folder, document.name), ids, titles) == []


def test_ffprobe_lists_one_chapter_per_unit_in_document_order(seed, seed_dir):
    chapters, duration = check.ffprobe_chapters(seed_dir / "B9-0311-2022.mp3")
    ids, titles = expected_units(seed)
    assert [c.title for c in chapters] == titles
    assert len(chapters) == 45 == 5 + len(seed.anchors)
    assert [c.start for c in chapters] == sorted(c.start for c in chapters)
    assert chapters[0].start == 0
    assert all(a.end == b.start for a, b in zip(chapters, chapters[1:], strict=False))
    assert abs(chapters[-1].end - duration) <= check.END_TOLERANCE_MS
    assert 600_000 < duration < 720_000  # the seed at 175 words/min: about 11 minutes


def test_id3_element_ids_are_the_models_anchors_titles_its_spoken_labels(seed, seed_dir, small, small_dir):
    for document, folder in ((seed, seed_dir), (small, small_dir)):
        chapters, toc = check.id3_chapters(folder / f"{document.name}.mp3")
        clause_ids = set(document.anchors)
        assert tuple(c.id for c in chapters if c.id in clause_ids) == document.anchors
        labels = {c.eid: c.spoken_label for c in document.iter_clauses()}
        assert all(c.title == labels[c.id] for c in chapters if c.id in clause_ids)
        assert [c.id for c in chapters] == toc == expected_units(document)[0]
        assert [c.start for c in chapters] == sorted(c.start for c in chapters)  # frames written in time order


def test_chapters_start_where_their_speech_starts_in_the_decoded_audio(seed, seed_dir):
    """Tighter than the gate's 60 ms: each chapter starts where its speech does, the encoder delay of every segment
    but the first (which players skip, as the LAME tag says) counted."""
    mp3 = seed_dir / "B9-0311-2022.mp3"
    flags = check.voiced(check.decode(mp3))
    chapters, _ = check.id3_chapters(mp3)
    errors = {c.id: check.onset(flags, c.start) - c.start for c in chapters[1:]}
    assert all(abs(error) <= 20 for error in errors.values()), errors
    assert abs(check.onset(flags, 0) - check.LEAD_IN_MS) <= 20  # chapter 1 starts at 0, its speech at 0.5 s


def test_webvtt_parses_strictly_with_cue_ids_equal_to_the_anchors(seed, seed_dir, small, small_dir):
    for document, folder in ((seed, seed_dir), (small, small_dir)):
        cues = webvtt.read(str(folder / f"{document.name}.vtt"), strict=True).captions
        assert [c.identifier for c in cues] == expected_units(document)[0]
    cue = {c.identifier: c for c in webvtt.read(str(small_dir / "small.vtt"), strict=True).captions}
    assert cue["para_2"].text == (
        "Paragraph 2. Calls for another thing, see paragraph 1 and the Parliament:"
    )  # label first, as heard; markup and links as plain text
    assert cue["para_1"].text == "Paragraph 1. Calls for one thing;"  # the footnote call is not read …
    assert cue["authorialNote_1"].text == "Note 1. A footnote text."  # … the note is, at the end


def test_manifest_records_every_units_times_as_played(seed, seed_dir):
    data = json.loads((seed_dir / "anchors.json").read_text(encoding="utf-8"))
    edition = data["editions"]["audio"]
    chapters, _ = check.id3_chapters(seed_dir / "B9-0311-2022.mp3")
    assert edition | {"units": None} == {
        "file": "B9-0311-2022.mp3", "vtt": "B9-0311-2022.vtt", "duration": chapters[-1].end / 1000,
        "voice": "en", "rate": 175, "espeak_ng": speech.engine().espeak_ng, "units": None,
    }  # fmt: skip
    units = edition["units"]
    assert [u["id"] for u in units] == [c.id for c in chapters]
    assert all(round(u["start"] * 1000) == c.start for u, c in zip(units[1:], chapters[1:], strict=True))
    assert all(u["start"] < u["end"] <= c.end / 1000 for u, c in zip(units, chapters, strict=True))
    by_id = {u["id"]: u for u in units}
    for clause in data["clauses"]:
        assert clause["audio"] == {"start": by_id[clause["eid"]]["start"], "end": by_id[clause["eid"]]["end"]}


def test_the_pauses_between_units_are_as_designed(seed, seed_dir):
    """Each unit is encoded on its own with its pause: half a second inside a part, a second between parts."""
    units = audio.spoken_units(seed)
    heard = json.loads((seed_dir / "anchors.json").read_text(encoding="utf-8"))["editions"]["audio"]["units"]
    assert [u["id"] for u in heard] == [u.id for u in units]
    for (unit, placed), (after, next_placed) in itertools.pairwise(zip(units, heard, strict=True)):
        pause = audioparts.PAUSE_MS if unit.group == after.group else audioparts.GROUP_PAUSE_MS
        gap = round((next_placed["start"] - placed["end"]) * 1000)
        assert abs(gap - pause) <= 15, (unit.id, gap, pause)


def test_the_tables_of_contents_nest_one_per_part(seed, seed_dir):
    tag = ID3(seed_dir / "B9-0311-2022.mp3")
    tocs = {frame.element_id: frame for frame in tag.getall("CTOC")}
    top = tocs.pop("toc")
    sections = [section.eid for section in seed.sections]
    assert top.child_element_ids == ["preface", "formula", *[f"toc-{eid}" for eid in sections]]
    assert list(tocs) == [f"toc-{eid}" for eid in sections]
    for section in seed.sections:
        toc = tocs[f"toc-{section.eid}"]
        assert str(toc.sub_frames["TIT2"]) == section_heading(seed, section.kind)
        assert toc.child_element_ids == [f"{section.eid}-heading", *[c.eid for t in section.clauses for c in t.walk()]]


@pytest.mark.speech
def test_a_part_of_more_than_255_units_is_split_into_tables_of_contents(tmp_path):
    """ID3v2 counts a CTOC's children in one byte: 300 paragraphs make two CTOCs, and the gate reads them through."""
    paragraphs = "\n\n".join(f"{n}. Calls for measure {n};" for n in range(1, 301))
    source = tmp_path / "long.md"
    source.write_text(SMALL.split("## Citations")[0] + "## Paragraphs\n\n" + paragraphs + "\n", encoding="utf-8")
    document = reader.read(source)
    build([source], tmp_path / "out", ["audio"], Options(speech_cache=tmp_path / "cache"))
    mp3, vtt = _files(tmp_path / "out" / "long", "long")
    ids, titles = expected_units(document)
    assert len(ids) == 303
    assert check.gate(mp3, vtt, ids, titles) == []
    tocs = {frame.element_id: frame for frame in ID3(mp3).getall("CTOC")}
    eid = document.sections[0].eid
    assert tocs["toc"].child_element_ids == ["preface", "formula", f"toc-{eid}", f"toc-{eid}-2"]
    assert [len(tocs[f"toc-{eid}"].child_element_ids), len(tocs[f"toc-{eid}-2"].child_element_ids)] == [255, 46]
    assert str(tocs[f"toc-{eid}-2"].sub_frames["TIT2"]) == "Paragraphs (2/2)"


def test_id3_tag_records_voice_rate_and_engine(seed_dir):
    tag = ID3(seed_dir / "B9-0311-2022.mp3")
    assert str(tag["TXXX:voice"]) == "en"
    assert str(tag["TXXX:rate"]) == "175 words per minute"
    assert str(tag["TXXX:eSpeak NG"]) == speech.engine().espeak_ng
    assert str(tag["TLAN"]) == "eng"
    assert str(tag["TALB"]) == "Motion for a resolution B9-0311/2022"
    chap = tag.getall("CHAP")[5]
    assert chap.sub_frames.getall("WXXX")[0].url == f"B9-0311-2022.html#{chap.element_id}"


# --- broken copies fail the same gate --------------------------------------------------------------------------------


def _broken_tag(folder: Path, tmp_path: Path, change) -> tuple[Path, Path]:
    mp3, vtt = _files(folder, "small")
    copy = tmp_path / "small.mp3"
    shutil.copy(mp3, copy)
    tag = OrderedID3(copy)
    change(tag)
    tag.save(copy, v2_version=4)
    return copy, vtt


def _shift(tag: ID3, element_id: str, ms: int) -> None:
    chapters = tag.getall("CHAP")
    index = next(i for i, c in enumerate(chapters) if c.element_id == element_id)
    chapters[index].start_time += ms
    chapters[index - 1].end_time += ms


def _rename(tag: ID3, old: str, new: str) -> None:
    for frame in tag.getall("CHAP"):
        if frame.element_id == old:
            tag.delall(f"CHAP:{old}")
            frame.element_id = new
            tag.add(frame)


def _unlist(tag: ID3, element_id: str) -> None:
    """Take a chapter out of the (nested) table of contents that lists it."""
    for frame in tag.getall("CTOC"):
        if element_id in frame.child_element_ids:
            frame.child_element_ids.remove(element_id)
            return
    raise AssertionError(f"no CTOC lists {element_id}")


@pytest.mark.parametrize(
    ("change", "check_name"),
    [
        (lambda tag: _shift(tag, "para_2", 150), "onset"),
        (lambda tag: _shift(tag, "rec_B__point_a", -150), "onset"),
        (lambda tag: setattr(tag.getall("CHAP")[6], "end_time", tag.getall("CHAP")[6].end_time - 100), "timeline"),
        (lambda tag: _rename(tag, "para_3", "para_99"), "id3"),
        (lambda tag: _unlist(tag, "para_3"), "id3"),
    ],
    ids=["chapter-late", "chapter-early", "gap", "wrong-anchor", "not-in-a-toc"],
)
def test_the_gate_bites_on_a_broken_tag(small, small_dir, tmp_path, change, check_name):
    ids, titles = expected_units(small)
    findings = check.gate(*_broken_tag(small_dir, tmp_path, change), ids, titles)
    assert any(f.check == check_name for f in findings), [str(f) for f in findings]


def test_mutagens_own_frame_order_fails_the_gate(small, small_dir, tmp_path):
    """mutagen sorts frames by size: ffprobe then lists chapters out of order, as players would."""
    mp3, vtt = _files(small_dir, "small")
    copy = tmp_path / "small.mp3"
    shutil.copy(mp3, copy)
    tag = ID3(copy)
    tag.save(copy, v2_version=4)
    ids, titles = expected_units(small)
    findings = check.gate(copy, vtt, ids, titles)
    assert {f.check for f in findings} >= {"ffprobe", "id3"}, [str(f) for f in findings]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("\npara_3\n", "\npara_33\n", "cue ids differ"),
        ("WEBVTT\n", "WEBVTX\n", "does not parse"),
        ("00:00:00.500 -->", "00:00:00,500 -->", "does not parse"),  # SRT's decimal comma (after the lead-in)
    ],
    ids=["wrong-cue-id", "bad-header", "bad-timing"],
)
def test_the_gate_bites_on_a_broken_webvtt(small, small_dir, tmp_path, old, new, message):
    mp3, vtt = _files(small_dir, "small")
    text = vtt.read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / "small.vtt"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    ids, titles = expected_units(small)
    findings = check.gate(mp3, copy, ids, titles)
    assert any(f.check == "webvtt" and message in f.message for f in findings), [str(f) for f in findings]


def test_a_cue_off_its_speech_fails_the_gate(small, small_dir, tmp_path):
    mp3, vtt = _files(small_dir, "small")
    cue = next(c for c in webvtt.read(str(vtt), strict=True).captions if c.identifier == "rec_A")
    late = cue.start_time.in_milliseconds() + 200
    shifted = f"00:00:{late // 1000:02d}.{late % 1000:03d}"
    copy = tmp_path / "small.vtt"
    copy.write_text(vtt.read_text(encoding="utf-8").replace(f"{cue.start} -->", f"{shifted} -->"), encoding="utf-8")
    findings = check.gate(mp3, copy, *expected_units(small))
    assert [(f.check, f.location) for f in findings] == [("webvtt", "rec_A")], [str(f) for f in findings]


# --- cache, determinism, engine ---------------------------------------------------------------------------------------


def _cached(cache: Path) -> set[Path]:
    return set(cache.rglob("*.wav"))


@pytest.mark.speech
def test_editing_one_clause_respeaks_exactly_that_unit(tmp_path, session_cache, small, caplog):
    source = tmp_path / "small.md"
    source.write_text(SMALL.replace("3. Instructs its President", "3. Instructs its President today"), "utf-8")
    before = _cached(session_cache)
    with caplog.at_level(logging.INFO, logger="publish.progress"):
        build([source], tmp_path / "out", ["audio"], Options(speech_cache=session_cache))
    new = _cached(session_cache) - before
    assert len(new) == 1
    n = len(expected_units(small)[0])
    assert f"small: audio: speaking 1 of {n} units ({n - 1} cached) in 1 processes" in caplog.messages
    assert f"small: audio: encoding 1 of {n} units ({n - 1} cached)" in caplog.messages
    edited = reader.read(source)
    spoken = {u.id: u.spoken for u in audio.spoken_units(edited)}["para_3"]
    assert new == {speech.cache_path(session_cache, speech.engine().key(spoken, speech.Voice("en", 175)))}
    assert check.gate(*_files(tmp_path / "out" / "small", "small"), *expected_units(edited)) == []


@pytest.mark.speech
def test_a_rebuild_from_the_cache_is_byte_identical(tmp_path, session_cache, seed_dir, caplog):
    before = _cached(session_cache)
    with caplog.at_level(logging.INFO, logger="publish.progress"):
        build([SEED_SOURCE], tmp_path, ["audio"], Options(speech_cache=session_cache))
    assert _cached(session_cache) == before
    assert not [m for m in caplog.messages if "speaking" in m or "encoding" in m]
    for name in ("B9-0311-2022.mp3", "B9-0311-2022.vtt"):
        assert (tmp_path / "B9-0311-2022" / name).read_bytes() == (seed_dir / name).read_bytes()
    fresh = json.loads((tmp_path / "B9-0311-2022" / "anchors.json").read_text(encoding="utf-8"))
    old = json.loads((seed_dir / "anchors.json").read_text(encoding="utf-8"))
    assert fresh["editions"]["audio"] == old["editions"]["audio"]


@pytest.mark.speech
def test_a_damaged_segment_is_encoded_again(tmp_path, small_source, small_dir):
    cache = tmp_path / "cache"
    build([small_source], tmp_path / "first", ["audio"], Options(speech_cache=cache))
    segments = sorted(cache.rglob("*.mp3seg"))
    assert len(segments) == len(audio.spoken_units(reader.read(small_source)))
    segments[0].write_bytes(segments[0].read_bytes()[:100])  # cut short, as by a full disk
    segments[1].write_bytes(b"")
    build([small_source], tmp_path / "second", ["audio"], Options(speech_cache=cache))
    assert (tmp_path / "second" / "small" / "small.mp3").read_bytes() == (small_dir / "small.mp3").read_bytes()


@pytest.mark.speech
def test_encoding_a_segment_leaves_another_builds_temporary_file_alone(tmp_path, session_cache):
    """Builds of several documents share the cache (make -j) and may encode the same heading at once."""
    wav = tmp_path / next(session_cache.rglob("*.wav")).name
    shutil.copy(next(session_cache.rglob(wav.name)), wav)
    path = audioparts.segment_path(wav, audioparts.PAUSE_MS)
    other = path.with_name(f".{path.name}.other.tmp")  # another build's, about to be renamed into place
    other.write_bytes(b"partial")
    segment = audioparts.encode_segment(wav, audioparts.PAUSE_MS, path)
    assert other.read_bytes() == b"partial"
    assert audioparts.load_segment(path) == segment


@pytest.mark.speech
def test_speaking_afresh_gives_the_same_bytes(tmp_path, small_source, small_dir):
    """Each unit is spoken in a fresh process, so a cold cache speaks every unit exactly as before."""
    build([small_source], tmp_path, ["audio"], Options(speech_cache=tmp_path / "cache"))
    assert (tmp_path / "small" / "small.mp3").read_bytes() == (small_dir / "small.mp3").read_bytes()


@pytest.mark.speech
def test_the_wheels_espeak_ng_is_the_library_the_speaking_process_maps(tmp_path):
    wavs, report = speech.speak(["Paragraph 1. A test of the engine."], speech.Voice("en", 175), tmp_path)
    wheel = Path(espeakng_loader.get_library_path()).resolve()
    assert report.spoken == 1
    assert report.libraries
    assert {Path(lib).resolve() for lib in report.libraries} == {wheel}
    assert report.resolved_voice == "gmw/en"
    assert speech.engine().library == str(wheel)
    assert speech.check_wav(wavs[0], "Paragraph 1. A test of the engine.", 175) == ""


def test_a_wav_that_cannot_be_the_speech_is_refused(tmp_path):
    empty, short = tmp_path / "empty.wav", tmp_path / "short.wav"
    for path, frames in ((empty, 0), (short, 2205)):
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(22050)
            wav.writeframes(b"\0\0" * frames)
    text = "Paragraph 3. Reiterates its call on the Chinese authorities to release everyone detained."
    assert speech.check_wav(empty, text, 175) == "empty WAV"
    assert speech.check_wav(short, text, 175).startswith("implausible length 0.10 s")


@pytest.mark.speech
def test_a_refused_wav_is_spoken_again_in_a_new_process(tmp_path, monkeypatch):
    refused: list[Path] = []
    check_wav = speech.check_wav

    def refuse_first(path: Path, text: str, rate: int) -> str:
        if not refused and path.name.endswith(".tmp.wav"):
            refused.append(path)
            return "empty WAV"
        return check_wav(path, text, rate)

    monkeypatch.setattr(speech, "check_wav", refuse_first)
    wavs, report = speech.speak(["Paragraph 2. Once more."], speech.Voice("en", 175), tmp_path)
    assert (report.spoken, report.retries, len(refused)) == (1, 1, 1)
    assert ".1.tmp.wav" in refused[0].name and not refused[0].exists()  # attempt 1, cleaned up
    assert wavs[0].is_file() and not list(tmp_path.rglob("*.tmp.wav"))


@pytest.mark.speech
def test_a_process_that_overruns_is_killed_and_retried_then_given_up(tmp_path, monkeypatch):
    monkeypatch.setattr(speech, "TIMEOUT", 0.05)
    with pytest.raises(speech.SpeechError, match=f"after {speech.ATTEMPTS} attempts: timed out"):
        speech.speak(["Paragraph 2. Never finished."], speech.Voice("en", 175), tmp_path)
    assert not list(tmp_path.rglob("*.wav"))


@pytest.mark.speech
def test_a_damaged_cache_entry_is_spoken_again(tmp_path):
    text, voice = "Paragraph 4. Cached.", speech.Voice("en", 175)
    (wav,), _ = speech.speak([text], voice, tmp_path)
    good = wav.read_bytes()
    wav.write_bytes(good[:44])  # the header of a WAV without samples
    (again,), report = speech.speak([text], voice, tmp_path)
    assert (again, report.spoken, report.cached) == (wav, 1, 0)
    assert again.read_bytes() == good


@pytest.mark.speech
def test_an_unknown_voice_is_an_error_not_a_silent_fallback(tmp_path):
    with pytest.raises(speech.SpeechError, match="refused voice 'no-such-voice'"):
        speech.speak(["Paragraph 1. A test."], speech.Voice("no-such-voice", 175), tmp_path)
    assert not _cached(tmp_path)


@pytest.mark.speech
def test_voice_and_rate_from_the_command_line(tmp_path, small_source, small_dir, capsys):
    out = tmp_path / "out"
    assert (
        main(["build", "-q", "-t", "audio", "--voice", "en-us", "--rate", "220", "-o", str(out), str(small_source)])
        == 0
    )
    data = json.loads((out / "small" / "anchors.json").read_text(encoding="utf-8"))["editions"]["audio"]
    usual = json.loads((small_dir / "anchors.json").read_text(encoding="utf-8"))["editions"]["audio"]
    assert (data["voice"], data["rate"]) == ("en-us", 220)
    assert data["duration"] < 0.9 * usual["duration"]
    assert str(ID3(out / "small" / "small.mp3")["TXXX:rate"]) == "220 words per minute"
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--rate", "1000", str(small_source)])
    assert exit_.value.code == 2
    assert "1000 words per minute: eSpeak NG speaks 80 to 450" in capsys.readouterr().err


def test_audio_cache_stays_out_of_the_documents_folders(built, tmp_path, monkeypatch):
    monkeypatch.delenv("PUBLISH_SPEECH_CACHE", raising=False)
    assert audio.speech_cache(Options(), tmp_path / "doc") == tmp_path / ".cache" / "speech"
    for folder in (built / "B9-0311-2022", built / "small"):
        assert not list(folder.rglob("*.wav")) and not (folder / ".cache").exists()


# --- what is spoken ---------------------------------------------------------------------------------------------------


def test_every_unit_is_spoken_label_first_in_document_order(seed):
    units = audio.spoken_units(seed)
    ids, titles = expected_units(seed)
    assert [u.id for u in units] == ids and [u.title for u in units] == titles
    assert units[0].caption.startswith(
        "Motion for a resolution B9-0311/2022, European Parliament. European Parliament resolution on"
    )
    clauses = {c.eid: c for c in seed.iter_clauses()}
    for unit in units:
        if unit.id in clauses:
            assert unit.caption == f"{clauses[unit.id].spoken_label}. {clauses[unit.id].text.strip()}"


def test_the_lexicon_changes_only_the_spoken_text(seed, seed_dir):
    unit = {u.id: u for u in audio.spoken_units(seed)}["cit_3"]
    assert "(ICCPR)" in unit.caption and "ICCPR" not in unit.spoken and "I C C P R" in unit.spoken
    preface = audio.spoken_units(seed)[0]
    assert "2022 slash 2700, R S P" in preface.spoken and "B 9, 0311 slash 2022" in preface.spoken
    vtt = (seed_dir / "B9-0311-2022.vtt").read_text(encoding="utf-8")
    assert "(ICCPR)" in vtt and "I C C P R" not in vtt


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("the UNFCCC and the WHO", "the U N F C C C and the W H O"),
        ("procedure 2019/2945(RSP))", "procedure 2019 slash 2945, R S P)"),
        ("Point (a) of paragraph 3", "Point (eh) of paragraph 3"),
        ("Point a of recital B", "Point eh of recital B"),
        ("Art. 5 of Regulation No 1234/2011, p. 7", "Article 5 of Regulation number 1234/2011, page 7"),
        ("the Commission / High Representative", "the Commission, High Representative"),
        ("who points a finger at WHOLE words", "who points a finger at WHOLE words"),
    ],
)
def test_english_lexicon(text, spoken):
    assert lexicon.load("en-GB").apply(text) == spoken


def test_a_bad_lexicon_rule_is_reported_with_its_line(tmp_path):
    (tmp_path / "xx.tsv").write_text("# comment\nword\tA\tB\nregex\t(unclosed\tX\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"xx\.tsv:3: bad regular expression"):
        lexicon.load("xx", tmp_path)
    assert lexicon.load("yy", tmp_path).rules == ()
