"""Building blocks of the audio edition: MP3 segments per unit, one timeline, the Info frame, ID3 chapters, WebVTT.

Each unit's speech (trimmed, brought to broadcast loudness by
:mod:`publish.writers.loudness`) and the pause after it is encoded on its own
into whole MP3 frames, a *segment*, cached beside the unit's WAV: editing one
clause re-encodes only that clause, and the MP3 is an Info frame (Xing/LAME
header: frame count, byte count, encoder delay and padding) then the segments
one after the other, written as a stream (a long document is never held in
memory as PCM). The first segment begins with :data:`LEAD_IN_MS` of silence and
the last pause is :data:`END_PAUSE_MS`. A player decoding the joined frames
plays each segment's speech :data:`ENCODER_DELAY` samples after the segment's
first frame, and skips that delay once at the start of the file (as the LAME
tag says), so every unit's place is exact to the sample. One :class:`Timeline`
is the single source of truth for where each unit is heard; the MP3's chapters,
the WebVTT cues and the manifest's times are all read from it. Encoding is
deterministic, so a rebuild is byte-identical.
"""

from __future__ import annotations

import array
import hashlib
import io
import itertools
import logging
import os
import struct
import sys
import wave
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import lameenc
from mutagen.id3 import CHAP, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, TSSE, TXXX, CTOCFlags
from mutagen.id3 import WXXX as _MutagenWXXX
from mutagen.id3._specs import EncodedTextSpec, EncodingSpec, Latin1TextSpec
from mutagen.id3._tags import save_frame

from publish.anchors import TOC
from publish.outputs import write_atomic
from publish.writers import loudness

progress = logging.getLogger("publish.progress")

SAMPLE_RATE = 22050
#: MP3 bit rate in kbit/s: plenty for speech at 22.05 kHz mono.
BIT_RATE = 48
#: LAME's algorithm quality (0 best … 9 fastest): its default, 5; 2 takes 1.5 times as long for speech.
QUALITY = 5
#: Samples a decoder plays before the first encoded sample of a segment: LAME's delay (576) and the decoder's
#: (529), ≈ 50 ms. Players skip it once, at the start of the file, as the Info frame's LAME tag says; inside a
#: joined MP3 each later segment's speech still comes this long after its first frame.
LAME_DELAY = 576
ENCODER_DELAY = LAME_DELAY + 529
#: Samples one MP3 frame decodes to (MPEG-2 Layer III at 22.05 kHz), and a frame's size in bytes without padding.
FRAME_SAMPLES = 576
FRAME_BYTES = 72 * BIT_RATE * 1000 // SAMPLE_RATE
#: An encoded segment plays its samples plus 1152 to 1727 more (the encoder delay, then padding to whole frames):
#: the silence encoded after a unit's speech is its pause less the middle of that range, so pauses are ±13 ms.
SEGMENT_OVERHEAD = 1440
#: ID3v2 allows at most this many children per table of contents (CTOC); longer sections get several.
CTOC_MAX = 255
#: Bumped when the way a WAV becomes a segment changes beyond the settings in its cache key.
SEGMENT_PROTOCOL = "publish-segment-2"
#: A cached segment starts with this magic, then the samples of silence before the speech, of speech, of input in
#: all (silence, speech, pause) and the frames (four little-endian uint32).
_SEGMENT_HEADER = struct.Struct("<4sIIII")
_SEGMENT_MAGIC = b"PSG2"
#: A sample louder than this (of 32767) is speech when trimming a unit's silence.
SILENCE = 64
#: Silence kept before a unit's first and after its last loud sample, in ms.
LEAD_MS, TAIL_MS = 5, 40
#: Pauses after a unit, in ms: inside a group (a section's heading and clauses), and before a new group.
PAUSE_MS, GROUP_PAUSE_MS = 500, 1000
#: Digital silence before the first unit's speech and after the last one's, in ms (the last as encoded: players
#: hear it less LAME's frame overhead, still more than a second).
LEAD_IN_MS, END_PAUSE_MS = 500, 1500
#: The encoder named in the LAME tag (lameenc 1.9 is built from LAME 4.0's sources): decoders honour the delay and
#: padding of a tag from LAME.
LAME_VERSION = b"LAME4.0\0\0"


@dataclass(frozen=True, slots=True)
class Unit:
    """One spoken unit: the title block, the formula, a heading, a clause or a note.

    ``id`` is its anchor (the same in every edition), ``title`` its spoken label
    (the chapter title), ``caption`` the text shown while it is heard (label first,
    as spoken), ``spoken`` what eSpeak NG reads (the caption with the lexicon
    applied), ``group`` the id of the part it belongs to (the title block, the
    formula, a section, the notes): a longer pause between parts, and each part
    of more than one unit has its own table of contents in the ID3 tag.
    ``subgroups`` are the anchors of the subheadings a unit stands under inside
    its part, outermost first (a subheading's own unit included): each
    subheading with what it heads gets a table of contents of its own inside
    the one above it, and a longer pause before it.
    """

    id: str
    title: str
    caption: str
    spoken: str
    group: str
    subgroups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a unit is heard, in ms as players play the MP3: speech from ``start`` to ``end``."""

    id: str
    title: str
    caption: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Segment:
    """A unit's speech and the pause after it, encoded on its own: a cached file of whole MP3 frames.

    ``lead`` is the samples of silence it begins with (the lead-in, in the
    first segment only), ``speech`` the samples of speech after them,
    ``samples`` all the samples encoded (lead, speech, pause), ``frames`` the
    MP3 frames it holds (``size`` bytes); a player plays ``frames *
    FRAME_SAMPLES`` samples for it, the encoded samples from
    :data:`ENCODER_DELAY` on.
    """

    path: Path
    lead: int
    speech: int
    samples: int
    frames: int
    size: int

    @property
    def played(self) -> int:
        return self.frames * FRAME_SAMPLES

    def mp3(self) -> bytes:
        """The segment's MP3 frames."""
        with self.path.open("rb") as handle:
            handle.seek(_SEGMENT_HEADER.size)
            return handle.read()


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every unit's place as players play the MP3, and the segments it is made of; ``duration`` in ms."""

    units: tuple[Placed, ...]
    segments: tuple[Segment, ...]
    duration: int

    def chapters(self) -> list[tuple[str, str, int, int]]:
        """(id, title, start, end) per unit in ms, tiling the timeline: from 0, each to the next one's start."""
        starts = [0] + [unit.start for unit in self.units[1:]]
        ends = starts[1:] + [self.duration]
        return [(u.id, u.title, s, e) for u, s, e in zip(self.units, starts, ends, strict=True)]

    def mp3_frames(self) -> Iterator[bytes]:
        """The MP3 frames: the Info frame, then every segment's in order, one segment at a time."""
        yield info_frame(self.segments)
        for segment in self.segments:
            yield segment.mp3()


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
    return round(samples * 1000 / SAMPLE_RATE)


def pauses(units: Sequence[Unit]) -> list[int]:
    """The pause after each unit in ms: longer before a new group or subheading, and the tail after the last."""

    def new_part(unit: Unit, following: Unit) -> bool:
        return following.group != unit.group or following.id in following.subgroups

    return [
        END_PAUSE_MS if index == len(units) - 1 else GROUP_PAUSE_MS if new_part(unit, units[index + 1]) else PAUSE_MS
        for index, unit in enumerate(units)
    ]


def segment_path(wav: Path, pause_ms: int, lead_ms: int = 0) -> Path:
    """Where the segment of ``lead_ms`` of silence, ``wav``'s speech and ``pause_ms`` of silence is cached: beside
    the WAV, keyed by the WAV's own cache key, the silences and everything else the encoding depends on."""
    settings = (SEGMENT_PROTOCOL, wav.stem, pause_ms, lead_ms, SILENCE, LEAD_MS, TAIL_MS, SEGMENT_OVERHEAD,
                BIT_RATE, SAMPLE_RATE, QUALITY, lameenc_version(), loudness.settings())  # fmt: skip
    key = hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:32]
    return wav.with_name(f"{wav.stem}.{key}.mp3seg")


@cache
def lameenc_version() -> str:
    """The encoder's version: in the segments' cache key and the MP3's TSSE frame."""
    return metadata.version("lameenc")


def encode_segments(wavs: Sequence[Path], pauses_ms: Sequence[int], jobs: int, label: str) -> list[Segment]:
    """The segment of each WAV and pause (the first one after the lead-in), from the cache or encoded now (``jobs``
    at a time: LAME and numpy run in threads, as lameenc and numpy's FFT release the GIL while they work)."""
    leads = [LEAD_IN_MS] + [0] * (len(wavs) - 1)
    paths = [segment_path(wav, pause, lead) for wav, pause, lead in zip(wavs, pauses_ms, leads, strict=True)]
    found = [load_segment(path) for path in paths]
    todo = [index for index, segment in enumerate(found) if segment is None]
    if todo:
        progress.info("%s: encoding %d of %d units (%d cached)", label, len(todo), len(wavs), len(wavs) - len(todo))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            made = pool.map(lambda i: encode_segment(wavs[i], pauses_ms[i], paths[i], leads[i]), todo)
            for index, segment in zip(todo, made, strict=True):
                found[index] = segment
    return [segment for segment in found if segment is not None]


def load_segment(path: Path) -> Segment | None:
    """The cached segment at ``path``, or None when there is none (or it is not one: then it is made again)."""
    try:
        with path.open("rb") as handle:
            magic, lead, speech, samples, frames = _SEGMENT_HEADER.unpack(handle.read(_SEGMENT_HEADER.size))
            size = os.fstat(handle.fileno()).st_size
    except (OSError, struct.error):
        return None
    size -= _SEGMENT_HEADER.size
    if magic != _SEGMENT_MAGIC or not frames or not frames * FRAME_BYTES <= size <= frames * (FRAME_BYTES + 1):
        return None
    return Segment(path, lead, speech, samples, frames, size)


def encode_segment(wav: Path, pause_ms: int, path: Path, lead_ms: int = 0) -> Segment:
    """Encode ``lead_ms`` of silence, ``wav``'s trimmed speech at broadcast loudness and ``pause_ms`` of silence
    into the segment file ``path`` (atomically)."""
    speech = loudness.level(trim(read_pcm(wav)), SAMPLE_RATE)
    lead = lead_ms * SAMPLE_RATE // 1000
    silence = max(0, pause_ms * SAMPLE_RATE // 1000 - SEGMENT_OVERHEAD)
    mp3 = encode_mp3(b"\0\0" * lead + speech + b"\0\0" * silence)
    samples = lead + len(speech) // 2 + silence
    segment = Segment(path, lead, len(speech) // 2, samples, count_frames(mp3), len(mp3))
    header = _SEGMENT_HEADER.pack(_SEGMENT_MAGIC, lead, segment.speech, samples, segment.frames)
    # Builds of several documents share the cache and may encode the same unit (a heading) at once: each writes
    # its own temporary file, and neither removes the other's.
    write_atomic(path, header + mp3, clear_stale=False)
    return segment


def count_frames(mp3: bytes) -> int:
    """The frames of an MP3 stream as :func:`encode_mp3` writes it (no tags), read from each frame's header."""
    at = frames = 0
    while at < len(mp3):
        header = int.from_bytes(mp3[at : at + 4], "big")
        if header >> 21 != 0x7FF:
            raise ValueError(f"no MP3 frame header at byte {at}")
        at += FRAME_BYTES + (header >> 9 & 1)  # the padding bit adds a byte
        frames += 1
    if at != len(mp3):
        raise ValueError("the last MP3 frame is cut short")
    return frames


def place(units: Sequence[Unit], segments: Sequence[Segment]) -> Timeline:
    """Put the units' segments one after the other; each unit's speech is placed exactly, then rounded to ms.

    Times are as a player that reads the LAME tag plays the file: the first
    segment's :data:`ENCODER_DELAY` skipped, the audio ending with the last
    segment's pause (the padding after it skipped too).
    """
    placed: list[Placed] = []
    at = 0  # samples played, less the delay skipped at the start
    for unit, segment in zip(units, segments, strict=True):
        start = at + segment.lead
        placed.append(Placed(unit.id, unit.title, unit.caption, _ms(start), _ms(start + segment.speech)))
        last = at
        at += segment.played
    end = last + segments[-1].samples if segments else 0
    return Timeline(tuple(placed), tuple(segments), end * 1000 // SAMPLE_RATE)


def end_padding(segments: Sequence[Segment]) -> int:
    """The samples a player skips at the end: what the last frame holds after the last sample encoded."""
    return segments[-1].played - LAME_DELAY - segments[-1].samples if segments else 0


def info_frame(segments: Sequence[Segment]) -> bytes:
    """The Info frame (a Xing header for a constant bit rate, with a LAME tag) that goes before the segments.

    An MPEG-2 Layer III frame of silence at the segments' bit rate holding
    ``Info``, the flags (frames, bytes), the frames that follow, the bytes of
    the whole stream (this frame included), then the LAME tag: encoder, CBR,
    the bit rate, the encoder delay (:data:`LAME_DELAY`) and the padding at the
    end, the stream's length, and the tag's CRC-16 (the music's CRC is left 0).
    Players read the exact duration from it, skip it, and play gaplessly.
    """
    frames = sum(segment.frames for segment in segments)
    size = FRAME_BYTES + sum(segment.size for segment in segments)
    padding = end_padding(segments)
    if not 0 <= padding < 4096:
        raise ValueError(f"an end padding of {padding} samples does not fit the LAME tag")
    header = 0xFFF30000 | _BITRATE_INDEX << 12 | 0xC4  # MPEG-2, Layer III, no CRC, 22.05 kHz, mono, original
    tag = bytearray(header.to_bytes(4, "big") + bytes(9))  # the header, then the side information: nothing coded
    tag += b"Info" + struct.pack(">III", 0x3, frames, size)  # flags: frames and bytes
    tag += LAME_VERSION + bytes([0x01, 0])  # tag revision 0 + CBR, no lowpass recorded
    tag += struct.pack(">IHHBB", 0, 0, 0, 0, BIT_RATE)  # no peak or ReplayGain recorded, no flags, the bit rate
    tag += (LAME_DELAY << 12 | padding).to_bytes(3, "big")
    tag += struct.pack(">BBHIH", 0, 0, 0, size, 0)  # misc, MP3 gain, preset, the length, the music's CRC
    tag += struct.pack(">H", _crc16(bytes(tag)))
    return bytes(tag) + bytes(FRAME_BYTES - len(tag))


#: The header's bit rate index of :data:`BIT_RATE` (MPEG-2 Layer III: 8, 16, 24, 32, 40, 48 … kbit/s).
_BITRATE_INDEX = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160).index(BIT_RATE) + 1


def _crc16(data: bytes) -> int:
    """CRC-16/ARC (polynomial 0x8005 reflected, as the LAME tag's CRC)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def encode_mp3(pcm: bytes) -> bytes:
    """MP3 (CBR, mono, 22.05 kHz) of 16-bit mono PCM, without tags."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BIT_RATE)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_out_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    return bytes(encoder.encode(pcm)) + bytes(encoder.flush())


class _UrlSpec(Latin1TextSpec):
    """A URL that ends its frame: written without the NUL that ends a string followed by more fields."""

    def write(self, config: object, data: object, value: str) -> bytes:
        return value.encode("latin1")


class WXXX(_MutagenWXXX):
    """A user-defined link frame whose URL is not followed by a NUL (ID3v2.4: the URL is the rest of the frame;
    mutagen ends it with one)."""

    _framespec = [EncodingSpec("encoding", default=3), EncodedTextSpec("desc"), _UrlSpec("url")]


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
    #: The language as ISO 639-2/T (``eng``, ``fra``), for the TLAN frame.
    language: str
    date: str | None
    encoder: str
    #: (description, value) of TXXX frames: the voice, the rate and the engine that spoke.
    facts: tuple[tuple[str, str], ...]
    #: Title of the table of contents (CTOC).
    contents: str
    #: Link of each chapter to the same anchor in another edition, e.g. ``doc.html#{id}``; "" for none.
    link: str = ""
    #: The genre (TCON).
    genre: str = "Speech"


def id3_tag(units: Sequence[Unit], timeline: Timeline, tags: Tags) -> OrderedID3:
    """The ID3v2.4 tag: text frames, the tables of contents (CTOC), then one CHAP per unit in time order.

    The top-level CTOC lists the parts in order: a part of one unit (the title
    block, the formula) as its chapter, any other part (a section with its
    heading, the notes) as a CTOC of its own, titled as the part's first unit,
    that lists its chapters, split into CTOCs of :data:`CTOC_MAX` chapters
    (ID3v2's limit) when longer; a subheading and the clauses it heads are a
    CTOC inside their part's. Read depth-first, the CTOCs list every chapter
    once, in time order.
    """
    tag = OrderedID3()
    tag.add(TIT2(encoding=3, text=tags.title))
    tag.add(TALB(encoding=3, text=tags.album))
    tag.add(TPE1(encoding=3, text=tags.artist))
    tag.add(TLAN(encoding=3, text=tags.language))
    if tags.date:
        tag.add(TDRC(encoding=3, text=tags.date))
    tag.add(TCON(encoding=3, text=tags.genre))
    tag.add(TSSE(encoding=3, text=tags.encoder))
    for description, value in tags.facts:
        tag.add(TXXX(encoding=3, desc=description, text=value))
    top: list[str] = []
    parts: list[CTOC] = []
    for group, members in itertools.groupby(units, key=lambda unit: unit.group):
        part = list(members)
        if len(part) == 1:
            top.append(part[0].id)
            continue
        top += _ctocs(group, _toc_children(part, 0, parts), part[0].title, parts)
    if len(top) > CTOC_MAX:
        raise ValueError(f"{len(top)} parts: an ID3 table of contents lists at most {CTOC_MAX}")
    tag.add(_ctoc(TOC, top, tags.contents, top_level=True))
    for part in parts:
        tag.add(part)
    for chapter_id, title, start, end in timeline.chapters():
        sub_frames: list[object] = [TIT2(encoding=3, text=title)]
        if tags.link:
            sub_frames.append(WXXX(encoding=3, desc="", url=tags.link.format(id=chapter_id)))
        tag.add(CHAP(element_id=chapter_id, start_time=start, end_time=end, sub_frames=sub_frames))
    return tag


def _toc_children(units: list[Unit], depth: int, out: list[CTOC]) -> list[str]:
    """The children of a table of contents over ``units`` (all under the same ``depth`` subheadings): chapters, and
    a CTOC for each subheading one level down, added to ``out``."""
    children: list[str] = []
    for subgroup, run in itertools.groupby(units, key=lambda unit: unit.subgroups[depth : depth + 1]):
        members = list(run)
        if subgroup:
            children += _ctocs(subgroup[0], _toc_children(members, depth + 1, out), members[0].title, out)
        else:
            children += [unit.id for unit in members]
    return children


def _ctocs(group: str, children: list[str], title: str, out: list[CTOC]) -> list[str]:
    """Add the CTOCs of a part (``toc-<group>``, split every :data:`CTOC_MAX` children) to ``out``; return their ids.

    The parts' CTOCs are added after the CTOCs inside them, so that ``out`` lists each CTOC after those it holds.
    """
    chunks = [children[at : at + CTOC_MAX] for at in range(0, len(children), CTOC_MAX)]
    ids = []
    for number, chunk in enumerate(chunks, 1):
        element_id = f"toc-{group}" + (f"-{number}" if number > 1 else "")
        label = title if len(chunks) == 1 else f"{title} ({number}/{len(chunks)})"
        out.append(_ctoc(element_id, chunk, label))
        ids.append(element_id)
    return ids


def _ctoc(element_id: str, children: Sequence[str], title: str, top_level: bool = False) -> CTOC:
    flags = CTOCFlags.ORDERED | (CTOCFlags.TOP_LEVEL if top_level else 0)
    return CTOC(element_id=element_id, flags=flags, child_element_ids=list(children),
                sub_frames=[TIT2(encoding=3, text=title)])  # fmt: skip


def id3_bytes(tag: ID3) -> bytes:
    """The tag as it goes in front of the MP3 frames (ID3v2.4, no padding, no ID3v1)."""
    buffer = io.BytesIO()
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
