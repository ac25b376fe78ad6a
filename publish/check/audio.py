"""Check the audio edition as players read it: ffprobe's chapters, the ID3 tag read back, WebVTT, speech onsets.

* ``ffprobe`` (Debian ``ffmpeg``) lists the chapters a player shows, in file order;
* mutagen reads the ID3v2 CTOC and CHAP frames back (ffprobe shows titles only,
  not the element ids that carry the anchors);
* webvtt-py parses the WebVTT file in strict mode;
* ``ffmpeg`` decodes the MP3 as a player does (encoder delay included), and the
  speech onsets are found in the decoded samples: each chapter and cue must
  start within :data:`ONSET_TOLERANCE_MS` of the speech it names.

A missing tool raises :class:`~publish.check.tools.ToolMissing`; nothing is skipped silently. Each problem is a
:class:`~publish.check.findings.Finding` whose ``check`` is ``ffprobe``, ``id3``, ``timeline``, ``onset`` or ``webvtt``.
"""

from __future__ import annotations

import array
import json
import math
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import ID3, ID3NoHeaderError

from publish.check.findings import Finding
from publish.check.tools import ToolFailed, ffmpeg

#: How far a chapter or cue may start from the speech onset it names.
ONSET_TOLERANCE_MS = 60
#: The silence before the first unit's speech (the audio writer's lead-in): the first chapter, which starts at 0 so
#: that the chapters tile the timeline, may start this much more before its speech.
LEAD_IN_MS = 500
#: How far the last chapter may end from the end of the audio (an MP3 ends on a whole frame of 26 ms).
END_TOLERANCE_MS = 60
#: Decoding rate and the analysis window for onsets.
RATE = 22050
WINDOW = 110  # samples: 4.99 ms
#: A window whose RMS exceeds this (of 32767, about -40 dBFS) holds speech.
VOICED_RMS = 330.0
#: An onset is looked for from this long before a chapter's start (the pauses between units are longer).
LOOKBACK_MS = 300
TIMEOUT = 120.0


@dataclass(frozen=True)
class Chapter:
    """A chapter as read back: ``id`` the ID3 element id ("" from ffprobe), times in ms."""

    id: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Cue:
    """A WebVTT cue: identifier, times in ms, text."""

    id: str
    start: int
    end: int
    text: str


# --- running the tools ------------------------------------------------------------------------------------------------


def _run(args: Sequence[str]) -> bytes:
    try:
        done = subprocess.run(args, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"{args[0]} timed out after {TIMEOUT:.0f} s") from exc
    if done.returncode != 0:
        raise ToolFailed(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return done.stdout


# --- reading back ---------------------------------------------------------------------------------------------------


def ffprobe_chapters(mp3: Path) -> tuple[list[Chapter], int]:
    """The chapters ffprobe lists (in its order) and the audio's duration, in ms."""
    out = _run([ffmpeg("ffprobe"), "-v", "error", "-show_chapters", "-show_format", "-of", "json", str(mp3)])
    data = json.loads(out)
    chapters = [
        Chapter(
            "",
            str(c.get("tags", {}).get("title", "")),
            round(float(c["start_time"]) * 1000),
            round(float(c["end_time"]) * 1000),
        )
        for c in data.get("chapters", [])
    ]
    # ffprobe counts the encoder delay a LAME tag skips (its start_time) in the duration: the audio heard is shorter.
    start = float(data["format"].get("start_time", 0) or 0)
    return chapters, round((float(data["format"]["duration"]) - start) * 1000)


def id3_chapters(mp3: Path) -> tuple[list[Chapter], list[str]]:
    """The CHAP frames in file order, and the chapters the tables of contents list, read depth-first.

    The top-level CTOC's children are chapters or nested CTOCs (one per part of
    the document); a child that is neither, or a CTOC met twice, is listed as
    ``"?<element id>"`` so that the comparison with the anchors fails on it.
    """
    try:
        tag = ID3(mp3)
    except ID3NoHeaderError:
        return [], []
    chapters = [
        Chapter(frame.element_id, str(frame.sub_frames["TIT2"]) if "TIT2" in frame.sub_frames else "",
                frame.start_time, frame.end_time)
        for frame in tag.getall("CHAP")
    ]  # fmt: skip
    tocs = {frame.element_id: frame for frame in tag.getall("CTOC")}
    tops = [frame for frame in tocs.values() if frame.flags & 1]  # CTOCFlags.TOP_LEVEL
    known = {chapter.id for chapter in chapters}
    listed: list[str] = []
    seen: set[str] = set()

    def walk(element_id: str) -> None:
        if element_id in tocs and element_id not in seen:
            seen.add(element_id)
            for child in tocs[element_id].child_element_ids:
                walk(child)
        else:
            listed.append(element_id if element_id in known else f"?{element_id}")

    if tops:
        walk(tops[0].element_id)
    return chapters, listed


def webvtt_cues(vtt: Path) -> list[Cue]:
    """The cues of a WebVTT file, parsed strictly (a malformed file raises ``webvtt.errors.MalformedFileError``)."""
    import webvtt

    parsed = webvtt.read(str(vtt), strict=True)
    return [
        Cue(c.identifier or "", c.start_time.in_milliseconds(), c.end_time.in_milliseconds(), c.text)
        for c in parsed.captions
    ]


def decode(mp3: Path) -> array.array[int]:
    """The MP3 decoded as a player plays it: 16-bit mono samples at :data:`RATE`."""
    out = _run([ffmpeg("ffmpeg"), "-v", "error", "-i", str(mp3), "-f", "s16le", "-ac", "1", "-ar", str(RATE), "-"])
    samples = array.array("h", out)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def voiced(samples: array.array[int]) -> list[bool]:
    """Per window of :data:`WINDOW` samples: does it hold speech?"""
    size = WINDOW
    flags: list[bool] = []
    for begin in range(0, len(samples), size):
        window = samples[begin : begin + size]
        flags.append(math.sqrt(sum(s * s for s in window) / len(window)) > VOICED_RMS)
    return flags


def onset(flags: Sequence[bool], around: int) -> int | None:
    """The first speech at or after ``around - LOOKBACK_MS`` (ms), or None when there is none."""
    first = max(0, math.floor((around - LOOKBACK_MS) * RATE / 1000 / WINDOW))
    for index in range(first, len(flags)):
        if flags[index]:
            return round(index * WINDOW * 1000 / RATE)
    return None


# --- the gate -------------------------------------------------------------------------------------------------------


def gate(mp3: Path, vtt: Path, ids: Sequence[str], titles: Sequence[str] | None = None) -> list[Finding]:
    """Everything wrong with an audio edition whose units are ``ids`` (anchors, in order) titled ``titles``.

    An empty list means: ffprobe lists one chapter per unit in order (with the
    titles); the ID3 CTOC and CHAP element ids are the anchors, CHAP frames in
    time order; the chapters tile the timeline; each chapter and each cue starts
    within :data:`ONSET_TOLERANCE_MS` of its speech in the decoded audio; the
    WebVTT parses strictly with cue ids equal to the anchors.
    """
    findings: list[Finding] = []
    where = mp3.name
    probed, duration = ffprobe_chapters(mp3)
    chapters, toc = id3_chapters(mp3)

    def fail(check: str, location: str, message: str) -> None:
        findings.append(Finding(check, "", location, message))

    got_titles = [c.title for c in probed]
    if len(probed) != len(ids):
        fail("ffprobe", where, f"{len(probed)} chapters for {len(ids)} units")
    if titles is not None and got_titles != list(titles):
        fail("ffprobe", where, f"chapter titles {_diff(got_titles, titles)}")
    if [(c.start, c.end) for c in probed] != sorted((c.start, c.end) for c in probed):
        fail("ffprobe", where, "chapters are not listed in time order")

    if [c.id for c in chapters] != list(ids):
        fail("id3", where, f"CHAP element ids {_diff([c.id for c in chapters], ids)}")
    if toc != list(ids):
        fail("id3", where, f"chapters listed by the CTOCs {_diff(toc, ids)}")
    if [(c.title, c.start, c.end) for c in chapters] != [(c.title, c.start, c.end) for c in probed]:
        fail("id3", where, "CHAP frames differ from the chapters ffprobe lists (titles or times)")
    if [c.start for c in chapters] != sorted(c.start for c in chapters):
        fail("id3", where, "CHAP frames are not in time order")

    if chapters and chapters[0].start != 0:
        fail("timeline", chapters[0].id, f"first chapter starts at {chapters[0].start} ms, not 0")
    for before, after in zip(chapters, chapters[1:], strict=False):
        if before.end != after.start:
            gap = "gap" if before.end < after.start else "overlap"
            fail("timeline", after.id, f"{gap} of {abs(after.start - before.end)} ms after {before.id}")
    if chapters and abs(chapters[-1].end - duration) > END_TOLERANCE_MS:
        fail("timeline", chapters[-1].id, f"last chapter ends at {chapters[-1].end} ms, the audio at {duration} ms")

    flags = voiced(decode(mp3))
    for chapter in chapters:
        _check_onset(findings, "onset", chapter.id, chapter.start, flags, LEAD_IN_MS if chapter.start == 0 else 0)

    try:
        cues = webvtt_cues(vtt)
    except Exception as exc:  # webvtt-py's MalformedFileError / MalformedCaptionError
        fail("webvtt", vtt.name, f"does not parse: {type(exc).__name__}: {exc}")
        return findings
    if [c.id for c in cues] != list(ids):
        fail("webvtt", vtt.name, f"cue ids {_diff([c.id for c in cues], ids)}")
    for before, after in zip(cues, cues[1:], strict=False):
        if after.start < before.end:
            fail("webvtt", after.id, f"starts at {after.start} ms, before {before.id} ends at {before.end} ms")
    for cue in cues:
        if cue.end <= cue.start:
            fail("webvtt", cue.id, f"ends at {cue.end} ms, not after its start {cue.start} ms")
        _check_onset(findings, "webvtt", cue.id, cue.start, flags)
    return findings


def _check_onset(
    findings: list[Finding], check: str, unit: str, start: int, flags: Sequence[bool], lead_in: int = 0
) -> None:
    heard = onset(flags, start)
    if heard is None:
        findings.append(Finding(check, "", unit, f"no speech after {start} ms"))
    elif not -ONSET_TOLERANCE_MS <= heard - start <= ONSET_TOLERANCE_MS + lead_in:
        findings.append(Finding(check, "", unit, f"starts at {start} ms, its speech at {heard} ms"))


def _diff(got: Sequence[str], want: Sequence[str]) -> str:
    for index, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            return f"differ at #{index + 1}: {a!r} instead of {b!r}"
    return f"count {len(got)} instead of {len(want)}"


# --- the audiobook ----------------------------------------------------------------------------------------------------


def m4b_stream(m4b: Path) -> tuple[str, int, str]:
    """The audiobook's audio codec, its sample rate and the file's major brand, as ffprobe reads them."""
    out = _run([ffmpeg("ffprobe"), "-v", "error", "-show_streams", "-show_format", "-of", "json", str(m4b)])
    data = json.loads(out)
    audio_streams = [s for s in data.get("streams", []) if s.get("codec_type") == "audio"]
    if not audio_streams:
        return "", 0, str(data.get("format", {}).get("tags", {}).get("major_brand", ""))
    first = audio_streams[0]
    brand = str(data.get("format", {}).get("tags", {}).get("major_brand", "")).strip()
    return str(first.get("codec_name", "")), int(first.get("sample_rate", 0)), brand


#: How far the speech of an audiobook chapter may be heard from the MP3's, decoded alike: two onset windows.
AUDIOBOOK_SYNC_MS = 10


def m4b_gate(m4b: Path, mp3: Path, titles: Sequence[str]) -> list[Finding]:
    """Everything wrong with an audiobook beside its MP3, whose units are titled ``titles`` in order.

    An empty list means: the file is AAC in an M4B; ffprobe lists one chapter per unit, titled with its spoken
    label, in order, tiling the audio from 0 to its end; each chapter starts where the MP3's chapter starts, within
    one AAC frame (1024 samples), and the two last as long within two frames (the encoder's priming and padding);
    and the speech after each chapter's start is heard when the MP3's is, within :data:`AUDIOBOOK_SYNC_MS` (both
    decoded by ffmpeg as a player decodes them: a book whose sound is shifted from its chapter marks fails).
    """
    findings: list[Finding] = []
    where = m4b.name

    def fail(location: str, message: str) -> None:
        findings.append(Finding("m4b", "", location, message))

    codec, rate, brand = m4b_stream(m4b)
    if codec != "aac":
        fail(where, f"audio codec {codec or 'none'}, not AAC")
    if brand != "M4B":
        fail(where, f"major brand {brand or 'none'}, not M4B")
    frame = 1024 * 1000 / rate if rate else 0.0
    probed, duration = ffprobe_chapters(m4b)
    heard, mp3_duration = ffprobe_chapters(mp3)
    got = [c.title for c in probed]
    if got != list(titles):
        fail(where, f"chapter titles {_diff(got, titles)}")
    if [c.start for c in probed] != sorted(c.start for c in probed):
        fail(where, "chapters are not listed in time order")
    for before, after in zip(probed, probed[1:], strict=False):
        if before.end != after.start:
            fail(
                after.title, f"{'gap' if before.end < after.start else 'overlap'} of {abs(after.start - before.end)} ms"
            )
    if len(probed) == len(heard):
        for book, mp3_chapter in zip(probed, heard, strict=True):
            if abs(book.start - mp3_chapter.start) > frame:
                fail(book.title, f"starts at {book.start} ms, the MP3's chapter at {mp3_chapter.start} ms")
    else:
        fail(where, f"{len(probed)} chapters, the MP3 has {len(heard)}")
    if abs(duration - mp3_duration) > 2 * frame:
        fail(where, f"lasts {duration} ms, the MP3 {mp3_duration} ms")
    if probed and (probed[0].start != 0 or not 0 <= duration - probed[-1].end <= 2 * frame):
        fail(where, f"chapters run from {probed[0].start} to {probed[-1].end} ms, the audio from 0 to {duration} ms")
    book_flags, mp3_flags = voiced(decode(m4b)), voiced(decode(mp3))
    for chapter in probed:
        book_onset, mp3_onset = onset(book_flags, chapter.start), onset(mp3_flags, chapter.start)
        if book_onset is None or mp3_onset is None or abs(book_onset - mp3_onset) > AUDIOBOOK_SYNC_MS:
            fail(chapter.title, f"its speech is heard at {book_onset} ms, in the MP3 at {mp3_onset} ms")
    return findings
