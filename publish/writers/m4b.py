"""Write the audiobook edition: the audio edition's narration as AAC in an MP4 (``.m4b``) with a chapter per unit.

Audiobook players and library apps (Apple Books, Smart AudioBook Player, Voice, BookPlayer, most library apps)
expect M4B: AAC audio with chapter atoms, the format they remember a place in and list chapters from. The audio
here is the audio edition's MP3 (its facts in ``anchors.json``, :class:`publish.manifest.AudioFacts`; the build
has the audio writer speak it into a scratch folder when it is missing or stale, see :data:`NEEDS`), decoded and
encoded again with FFmpeg's own AAC encoder through PyAV. Its chapters are the MP3's: one per spoken unit, titled
with the unit's spoken label ("Recital A"), starting where the MP3's chapter starts (the first at 0) and ending
where the next begins. MP4 chapters carry titles only, no ids: the anchor of each chapter is its place in the
manifest's list of units. The file is reproducible: FFmpeg's ``bitexact`` flags keep the encoder's name and the
clock out of it.
"""

from __future__ import annotations

import io
import logging
import tempfile
from fractions import Fraction
from pathlib import Path

from publish import formats, manifest
from publish.errors import EditionError
from publish.model import Document
from publish.outputs import write_atomic
from publish.writers.shared import Options, output_path, pack

NAME = "m4b"
SUFFIX = formats.M4B.suffix
#: The editions whose facts the audiobook is made with: the audio edition's narration and unit times.
NEEDS = (formats.AUDIO.edition,)
#: AAC bit rate for mono speech, in bit/s.
BIT_RATE = 48_000
#: Time base of the chapters: milliseconds, as the MP3's ID3 chapters.
MS = Fraction(1, 1000)

progress = logging.getLogger("publish.progress")


def write(document: Document, out_dir: Path, options: Options) -> list[Path]:
    """Write ``<name>.m4b`` from the recorded narration and record the edition in the manifest."""
    audio = formats.AUDIO.edition
    folder = options.facts_folder(audio, out_dir)
    facts: manifest.AudioFacts | None = manifest.edition(folder, audio)
    if audio in options.failed or not facts:
        raise EditionError("no narration to make the audiobook from: the audio edition could not be made")
    chapters = chapter_times(facts)
    import av  # PyAV (FFmpeg's libraries): imported only when an audiobook is made

    try:
        data = render(document, (folder / facts["file"]).read_bytes(), chapters)
    except (OSError, av.FFmpegError) as error:  # a missing or damaged MP3
        raise EditionError(f"the audiobook could not be encoded from {facts['file']}: {error}") from error
    path = write_atomic(output_path(document, out_dir, SUFFIX), data)
    manifest.record(
        out_dir,
        NAME,
        {"file": path.name, "bit_rate": BIT_RATE, "chapters": len(chapters), "duration": facts["duration"]},
    )
    return [path]


def chapter_times(facts: manifest.AudioFacts) -> list[tuple[str, str, int, int]]:
    """(anchor, title, start, end) in ms of every unit, tiling the narration as the MP3's chapters do."""
    return [(unit["id"], unit["title"], start, end) for unit, start, end in manifest.unit_spans(facts)]


def render(document: Document, mp3: bytes, chapters: list[tuple[str, str, int, int]]) -> bytes:
    """The M4B as bytes: ``mp3`` decoded and encoded as mono AAC, with ``chapters`` and the document's tags."""
    import av  # PyAV (FFmpeg's libraries): imported only when an audiobook is made

    meta = document.metadata
    # The muxer moves the index to the front (``faststart``: players start before the end has arrived) by reading
    # the file again: it is written to a scratch file, not to memory.
    scratch = tempfile.TemporaryDirectory(prefix="publish-m4b-")
    target = Path(scratch.name) / f"{document.name}{SUFFIX}"
    with (
        scratch,
        av.open(io.BytesIO(mp3)) as source,
        av.open(str(target), "w", format="ipod", options={"movflags": "+faststart", "brand": "M4B "},
                container_options={"fflags": "+bitexact"}) as book,
    ):  # fmt: skip
        heard = source.streams.audio[0]
        stream = book.add_stream("aac", rate=heard.codec_context.sample_rate, layout="mono")
        stream.bit_rate = BIT_RATE
        stream.metadata["language"] = pack(document).iso639_2
        stream.codec_context.flags |= av.codec.context.Flags.bitexact
        stream.codec_context.options = {"aac_coder": "fast"}
        book.metadata.update(
            {
                "title": meta.title,
                "album": f"{meta.doc_type} {meta.reference}",
                "artist": meta.issued_by,
                "album_artist": meta.issued_by,
                "genre": "Speech",
                **({"date": meta.date} if meta.date else {}),
            }
        )
        book.set_chapters(
            [
                {"id": number, "start": start, "end": end, "time_base": MS, "metadata": {"title": title}}
                for number, (_, title, start, end) in enumerate(chapters, 1)
            ]
        )
        # Counted timestamps: the encoder's priming (1024 samples) then goes before 0 and the muxer writes an edit
        # list that makes players skip it, so the sound is heard where the chapter marks say (without them it
        # would play one AAC frame, 46 ms, late).
        rate, heard_so_far = heard.codec_context.sample_rate, 0
        for frame in source.decode(heard):
            frame.pts, frame.time_base = heard_so_far, Fraction(1, rate)
            heard_so_far += frame.samples
            book.mux(stream.encode(frame))
        book.mux(stream.encode(None))
        book.close()
        return target.read_bytes()
