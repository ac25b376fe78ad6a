"""The audio edition's signal and file: broadcast loudness, lead-in and tail, the Info frame, the ID3 frames it adds."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from publish import reader
from publish.check import audio as check
from publish.check import tools
from publish.model import Document
from publish.writers import audio, audioparts, loudness
from publish.writers.audioparts import LEAD_IN_MS, SAMPLE_RATE, Segment, Tags
from publish.writers.shared import Options

RATE = SAMPLE_RATE
#: The editions' loudness target and its tolerance, and the highest true peak allowed (README, the audio section).
TARGET, TOLERANCE, MAX_TRUE_PEAK = -19.0, 1.0, -1.5


@pytest.fixture(scope="module")
def small(small_source: Path) -> Document:
    return reader.read(small_source)


def _mp3s(built: Path) -> list[Path]:
    return [built / "B9-0311-2022" / "B9-0311-2022.mp3", built / "small" / "small.mp3"]


def ebur128(mp3: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of the decoded MP3, by ffmpeg's EBU R128 meter."""
    args = [
        tools.ffmpeg("ffmpeg"),
        "-hide_banner",
        "-nostats",
        "-i",
        str(mp3),
        "-af",
        "ebur128=peak=true",
        "-f",
        "null",
        "-",
    ]
    summary = subprocess.run(args, capture_output=True, text=True, check=True).stderr.rsplit("Summary:", 1)[1]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated.group(1)), float(peak.group(1))


def decoded(mp3: Path) -> np.ndarray:
    return np.asarray(check.decode(mp3), dtype=np.float64) / 32768.0


# --- the meter and the limiter, on made-up signals --------------------------------------------------------------------


def test_the_meter_reads_a_full_scale_1_khz_sine_at_minus_3_lufs():
    """BS.1770's reference: a 997 Hz sine at 0 dBFS in one channel reads −3.01 LKFS."""
    t = np.arange(10 * RATE) / RATE
    assert loudness.integrated_loudness(np.sin(2 * np.pi * 997 * t), RATE) == pytest.approx(-3.01, abs=0.05)
    assert loudness.integrated_loudness(0.1 * np.sin(2 * np.pi * 997 * t), RATE) == pytest.approx(-23.01, abs=0.05)


def test_the_meter_gates_out_silence():
    t = np.arange(4 * RATE) / RATE
    tone = 0.1 * np.sin(2 * np.pi * 997 * t)
    with_silence = loudness.integrated_loudness(np.concatenate((tone, np.zeros(20 * RATE))), RATE)
    # Only the blocks reaching into the silence count (ungated, the silence would take 7.8 LU off).
    assert with_silence == pytest.approx(loudness.integrated_loudness(tone, RATE), abs=0.25)


def test_true_peak_sees_the_peak_between_samples():
    """A sine at a quarter of the rate, sampled 45° off its crests: every sample is at 0.707, the wave at 1."""
    n = np.arange(RATE)
    wave = 0.5 * np.sin(2 * np.pi * n / 4 + np.pi / 4)
    assert 20 * np.log10(np.abs(wave).max()) == pytest.approx(-9.03, abs=0.01)  # the samples' peak
    assert loudness.true_peak(wave) == pytest.approx(-6.02, abs=0.2)  # the wave's


def _speechlike(seconds: float, seed: int = 7) -> np.ndarray:
    """Noise shaped like speech: syllables of 150 ms at changing levels, with short gaps and a few sharp peaks."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    envelope = np.repeat(rng.uniform(0.02, 0.3, n // 3300 + 1), 3300)[:n]
    envelope *= np.sin(np.pi * (np.arange(n) % 3300) / 3300) ** 2
    signal = rng.standard_normal(n) * envelope
    signal[rng.integers(0, n, 20)] = 0.99
    return np.clip(signal, -0.99, 0.99)


def test_levelling_brings_a_unit_to_the_target_under_the_ceiling():
    pcm = loudness.pcm16(_speechlike(12.0) * 0.5)
    levelled = loudness.samples(loudness.level(pcm, RATE))
    heard = loudness.heard_loudness(levelled, RATE) + loudness.ENCODING_LOSS_DB
    assert heard == pytest.approx(loudness.TARGET_LUFS + loudness.ENCODING_LOSS_DB, abs=0.15)
    assert loudness.true_peak(levelled) <= loudness.CEILING_DBTP + 0.05  # the 16-bit rounding's share
    assert loudness.level(pcm, RATE) == loudness.level(pcm, RATE)  # deterministic: a rebuild is byte-identical


def test_the_limiter_ramps_its_gain_and_leaves_quiet_signals_alone():
    quiet = _speechlike(3.0) * 0.1
    assert np.array_equal(loudness.limit(quiet, RATE), quiet)
    loud = _speechlike(3.0) * 4
    limited = loudness.limit(loud, RATE)
    assert loudness.true_peak(limited) <= loudness.CEILING_DBTP + 0.01
    at = np.nonzero(np.abs(loud) > 1e-6)[0]
    gain = limited[at] / loud[at]
    slope = np.abs(np.diff(gain)) / np.diff(at)  # per sample, across the samples where the gain cannot be seen
    assert gain.min() < 0.5 and slope.max() <= 1 / (loudness.ATTACK_S * RATE)  # it works hard, in ramps: no steps


def test_silence_is_left_silent():
    assert loudness.level(bytes(2 * RATE), RATE) == bytes(2 * RATE)


# --- the Info frame and the ID3 frames, without speech ----------------------------------------------------------------


def _segments() -> list[Segment]:
    return [
        Segment(Path("/nonexistent"), LEAD_IN_MS * RATE // 1000, 20_000, 34_000, 62, 62 * audioparts.FRAME_BYTES),
        Segment(Path("/nonexistent"), 0, 30_000, 50_000, 90, 90 * audioparts.FRAME_BYTES + 3),
    ]


def test_the_info_frame_holds_the_frame_count_the_size_and_the_lame_delays():
    segments = _segments()
    frame = audioparts.info_frame(segments)
    assert len(frame) == audioparts.FRAME_BYTES  # a frame like the others, at the same bit rate
    assert audioparts.count_frames(frame) == 1
    header = int.from_bytes(frame[:4], "big")
    assert header >> 21 == 0x7FF and (header >> 19 & 3, header >> 17 & 3, header >> 6 & 3) == (
        2,
        1,
        3,
    )  # MPEG-2 L3 mono
    assert frame[4:13] == bytes(9)  # side information of silence
    assert frame[13:17] == b"Info"  # the Xing header of a constant bit rate
    flags, frames, size = (int.from_bytes(frame[at : at + 4], "big") for at in (17, 21, 25))
    assert (flags, frames, size) == (3, 62 + 90, audioparts.FRAME_BYTES * (1 + 62 + 90) + 3)
    lame = frame[29:65]
    assert lame[:4] == b"LAME"
    delay, padding = int.from_bytes(lame[21:24], "big") >> 12, int.from_bytes(lame[21:24], "big") & 0xFFF
    assert delay == audioparts.LAME_DELAY == 576
    assert padding == 90 * audioparts.FRAME_SAMPLES - 576 - 50_000 == audioparts.end_padding(segments)
    assert int.from_bytes(lame[28:32], "big") == size
    assert int.from_bytes(lame[34:36], "big") == audioparts._crc16(frame[:63])  # the tag's CRC
    assert audioparts._crc16(b"123456789") == 0xBB3D  # CRC-16/ARC's check value


def test_the_timeline_ends_where_the_last_pause_ends():
    segments = _segments()
    units = [
        audioparts.Unit("preface", "T", "T.", "T.", "preface"),
        audioparts.Unit("formula", "F", "F", "F", "formula"),
    ]
    timeline = audioparts.place(units, segments)
    assert timeline.units[0].start == LEAD_IN_MS
    assert timeline.duration == (62 * audioparts.FRAME_SAMPLES + 50_000) * 1000 // RATE


def test_id3_has_the_date_the_genre_and_chapter_links_without_a_trailing_nul(small):
    units = audio.spoken_units(small)
    timeline = audioparts.place(units, [_segments()[1]] * len(units))
    tags = Tags("Title", "Album", "Artist", "eng", "2022-06-09", "encoder", (), "Contents", "small.html#{id}")
    raw = audioparts.id3_bytes(audioparts.id3_tag(units, timeline, tags))
    tag = ID3(io.BytesIO(raw))
    assert str(tag["TDRC"]) == "2022-06-09" and str(tag["TCON"]) == "Speech"
    links = [chapter.sub_frames.getall("WXXX")[0].url for chapter in tag.getall("CHAP")]
    assert links == [f"small.html#{unit.id}" for unit in units]
    found = 0
    for match in re.finditer(rb"WXXX", raw):
        size = int.from_bytes(raw[match.end() : match.end() + 4], "big")  # ID3v2.4 sizes are synchsafe; these are small
        body = raw[match.end() + 6 : match.end() + 6 + size]
        assert body[0] == 3 and body[1:2] == b"\0"  # UTF-8, an empty description and its terminator
        assert body[2:] == f"small.html#{units[found].id}".encode() and not body.endswith(b"\0")
        found += 1
    assert found == len(units)


def test_the_writer_dates_the_tag_from_the_document_when_it_has_a_date(small):
    assert audio._tags(small, Options(), ()).date == small.metadata.date  # None: no TDRC
    assert audio._tags(small, Options(), ()).genre == "Speech"


# --- the built editions, as players read them -------------------------------------------------------------------------


def test_every_edition_is_at_broadcast_loudness_with_headroom(built):
    """EBU R128 (ffmpeg's meter, true peak on) on the decoded MP3: −19 LUFS ±1, true peak at most −1.5 dBTP."""
    for mp3 in _mp3s(built):
        integrated, peak = ebur128(mp3)
        assert abs(integrated - TARGET) <= TOLERANCE and peak <= MAX_TRUE_PEAK, (mp3.name, integrated, peak)
        # Our meter, on the same decoded samples, reads what ffmpeg's does.
        samples = decoded(mp3)
        assert loudness.integrated_loudness(samples, RATE) == pytest.approx(integrated, abs=0.15)
        assert loudness.true_peak(samples) == pytest.approx(peak, abs=0.3)


def test_the_audiobook_is_at_the_same_loudness(built):
    """The M4B (the narration encoded again as AAC) meets the same target: −19 LUFS ±1, true peak ≤ −1.5 dBTP."""
    for mp3 in _mp3s(built):
        book = mp3.with_suffix(".m4b")
        integrated, peak = ebur128(book)
        assert abs(integrated - TARGET) <= TOLERANCE and peak <= MAX_TRUE_PEAK, (book.name, integrated, peak)


def test_speech_starts_after_half_a_second_and_ends_a_second_before_the_end(built):
    for mp3 in _mp3s(built):
        samples = decoded(mp3)
        heard = np.nonzero(np.abs(samples) > 10 ** (-50 / 20))[0]  # above −50 dBFS
        lead, tail = heard[0] / RATE, (len(samples) - 1 - heard[-1]) / RATE
        assert 0.5 <= lead <= 0.52 and tail >= 1.0, (mp3.name, lead, tail)
        units = json.loads((mp3.parent / "anchors.json").read_text(encoding="utf-8"))["editions"]["audio"]["units"]
        assert units[0]["start"] == LEAD_IN_MS / 1000


def test_players_read_the_exact_length_from_the_info_frame(built):
    for mp3 in _mp3s(built):
        probe = subprocess.run([tools.ffmpeg("ffprobe"), "-v", "info", str(mp3)], capture_output=True, text=True)
        assert "Estimating duration from bitrate" not in probe.stderr
        manifest = json.loads((mp3.parent / "anchors.json").read_text(encoding="utf-8"))["editions"]["audio"]
        length = len(decoded(mp3)) / RATE  # what a gapless player plays: the delay and the padding skipped
        assert length == pytest.approx(manifest["duration"], abs=0.002)
        info = MP3(mp3).info
        assert info.length == pytest.approx(length, abs=0.002) and info.encoder_info.startswith("LAME")
        _, probed = check.ffprobe_chapters(mp3)
        assert abs(probed / 1000 - length) <= 0.03  # ffprobe's duration less its start time
