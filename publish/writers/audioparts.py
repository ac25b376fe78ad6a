"""Building blocks of the audio edition: join spoken units on one timeline, encode MP3 with ID3 chapters, write WebVTT.

Everything here is pure (bytes in, bytes out), so a rebuild from the same WAVs
is byte-identical. One :class:`Timeline` is the single source of truth for
where each unit is heard; the MP3's chapters, the WebVTT cues and the
manifest's times are all read from it.
"""

from __future__ import annotations

import array
import io
import sys
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import lameenc
from mutagen.id3 import CHAP, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, TSSE, TXXX, WXXX, CTOCFlags
from mutagen.id3._tags import save_frame

SAMPLE_RATE = 22050
#: MP3 bit rate in kbit/s: plenty for speech at 22.05 kHz mono.
BIT_RATE = 48
#: LAME's algorithm quality (0 best … 9 fastest): its default, 5; 2 takes 1.5 times as long for speech.
QUALITY = 5
#: Samples a decoder plays before the first encoded sample: lameenc writes no gapless (Xing/LAME) header,
#: so players start 576 + 529 samples (≈ 50 ms) late and every time is shifted by this much.
ENCODER_DELAY = 1105
#: A sample louder than this (of 32767) is speech when trimming a unit's silence.
SILENCE = 64
#: Silence kept before a unit's first and after its last loud sample, in ms.
LEAD_MS, TAIL_MS = 5, 40
#: Pauses after a unit, in ms: inside a group (a section's heading and clauses), and before a new group.
PAUSE_MS, GROUP_PAUSE_MS = 500, 1000

#: ISO 639-2 codes of the EU's official languages, for the ID3 TLAN frame.
ISO639_2 = {
    "bg": "bul", "cs": "ces", "da": "dan", "de": "deu", "el": "ell", "en": "eng", "es": "spa", "et": "est",
    "fi": "fin", "fr": "fra", "ga": "gle", "hr": "hrv", "hu": "hun", "it": "ita", "lt": "lit", "lv": "lav",
    "mt": "mlt", "nl": "nld", "pl": "pol", "pt": "por", "ro": "ron", "sk": "slk", "sl": "slv", "sv": "swe",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Unit:
    """One spoken unit: the title block, the formula, a heading, a clause or a note.

    ``id`` is its anchor (the same in every edition), ``title`` its spoken label
    (the chapter title), ``caption`` the text shown while it is heard (label first,
    as spoken), ``spoken`` what eSpeak NG reads (the caption with the lexicon
    applied), ``group`` the section it belongs to (a longer pause between groups).
    """

    id: str
    title: str
    caption: str
    spoken: str
    group: int


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a unit is heard, in ms as players play the MP3: speech from ``start`` to ``end``."""

    id: str
    title: str
    caption: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """The assembled speech (16-bit mono PCM) and every unit's place in it; ``duration`` in ms as played."""

    pcm: bytes
    units: tuple[Placed, ...]
    duration: int

    def chapters(self) -> list[tuple[str, str, int, int]]:
        """(id, title, start, end) per unit in ms, tiling the timeline: from 0, each to the next one's start."""
        starts = [0] + [unit.start for unit in self.units[1:]]
        ends = starts[1:] + [self.duration]
        return [(u.id, u.title, s, e) for u, s, e in zip(self.units, starts, ends, strict=True)]


def read_pcm(path: Path) -> bytes:
    """The samples of a WAV written by the speech engine."""
    with wave.open(str(path), "rb") as wav:
        return wav.readframes(wav.getnframes())


def trim(pcm: bytes) -> bytes:
    """``pcm`` without the silence eSpeak NG leaves before and after speech (a little kept at both ends)."""
    samples = array.array("h", pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    loud = (i for i, sample in enumerate(samples) if abs(sample) > SILENCE)
    first = next(loud, None)
    if first is None:
        return pcm
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > SILENCE)
    begin = max(0, first - LEAD_MS * SAMPLE_RATE // 1000)
    end = min(len(samples), last + 1 + TAIL_MS * SAMPLE_RATE // 1000)
    return pcm[2 * begin : 2 * end]


def _ms(samples: int) -> int:
    """Samples of the encoded PCM → ms as a player plays them (after the encoder delay)."""
    return round((samples + ENCODER_DELAY) * 1000 / SAMPLE_RATE)


def assemble(units: Sequence[Unit], pcms: Sequence[bytes]) -> Timeline:
    """Join the units' trimmed speech with pauses; each unit's place is exact to the sample, then rounded to ms."""
    parts: list[bytes] = []
    placed: list[Placed] = []
    at = 0  # samples
    for index, (unit, pcm) in enumerate(zip(units, pcms, strict=True)):
        speech = trim(pcm)
        start, at = at, at + len(speech) // 2
        placed.append(Placed(unit.id, unit.title, unit.caption, _ms(start), _ms(at)))
        last = index == len(units) - 1
        pause = GROUP_PAUSE_MS if last or units[index + 1].group != unit.group else PAUSE_MS
        silence = pause * SAMPLE_RATE // 1000
        parts += [speech, b"\0\0" * silence]
        at += silence
    return Timeline(b"".join(parts), tuple(placed), _ms(at))


def encode_mp3(pcm: bytes) -> bytes:
    """MP3 (CBR, mono, 22.05 kHz) of 16-bit mono PCM, without tags."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BIT_RATE)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_out_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    return bytes(encoder.encode(pcm)) + bytes(encoder.flush())


class OrderedID3(ID3):
    """ID3v2 tag whose frames are written in the order they were added.

    mutagen sorts frames by size, which puts CHAP frames out of time order, and
    players (ffmpeg among them) list chapters in file order. Uses mutagen's
    private ``save_frame`` (mutagen is pinned in ``pyproject.toml``).
    """

    def _write(self, config: object) -> bytes:
        return b"".join(save_frame(frame, config=config) for frame in self.values())


@dataclass(frozen=True, slots=True)
class Tags:
    """What the MP3's ID3 tag says besides the chapters."""

    title: str
    album: str
    artist: str
    language: str
    date: str | None
    encoder: str
    #: (description, value) of TXXX frames: the voice, the rate and the engine that spoke.
    facts: tuple[tuple[str, str], ...]
    #: Title of the table of contents (CTOC).
    contents: str
    #: Link of each chapter to the same anchor in another edition, e.g. ``doc.html#{id}``; "" for none.
    link: str = ""


def id3_tag(timeline: Timeline, tags: Tags) -> OrderedID3:
    """The ID3v2.4 tag: text frames, a CTOC listing every chapter, then one CHAP per unit in time order."""
    tag = OrderedID3()
    tag.add(TIT2(encoding=3, text=tags.title))
    tag.add(TALB(encoding=3, text=tags.album))
    tag.add(TPE1(encoding=3, text=tags.artist))
    code = ISO639_2.get(tags.language.split("-")[0].lower())
    if code:
        tag.add(TLAN(encoding=3, text=code))
    if tags.date:
        tag.add(TDRC(encoding=3, text=tags.date))
    tag.add(TSSE(encoding=3, text=tags.encoder))
    for description, value in tags.facts:
        tag.add(TXXX(encoding=3, desc=description, text=value))
    chapters = timeline.chapters()
    tag.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=[chapter_id for chapter_id, *_ in chapters],
            sub_frames=[TIT2(encoding=3, text=tags.contents)],
        )
    )
    for chapter_id, title, start, end in chapters:
        sub_frames: list[object] = [TIT2(encoding=3, text=title)]
        if tags.link:
            sub_frames.append(WXXX(encoding=3, desc="", url=tags.link.format(id=chapter_id)))
        tag.add(CHAP(element_id=chapter_id, start_time=start, end_time=end, sub_frames=sub_frames))
    return tag


def tagged_mp3(mp3: bytes, tag: ID3) -> bytes:
    """``mp3`` with ``tag`` in front (no padding, no ID3v1)."""
    buffer = io.BytesIO(mp3)
    tag.save(buffer, v1=0, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()


def webvtt(timeline: Timeline, note: str) -> bytes:
    """WebVTT: one cue per unit, its identifier the anchor, its text the caption, timed while the unit is heard."""
    lines = ["WEBVTT", "", "NOTE", " ".join(note.split()).replace("-->", "->"), ""]
    for unit in timeline.units:
        lines += [unit.id, f"{_timestamp(unit.start)} --> {_timestamp(unit.end)}", _cue_text(unit.caption), ""]
    return "\n".join(lines).encode("utf-8")


def _timestamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _cue_text(text: str) -> str:
    """Text safe in a cue payload: one line, ``&``, ``<`` and ``>`` escaped."""
    one_line = " ".join(text.split())
    return one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
