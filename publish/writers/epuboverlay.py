"""The EPUB edition's media overlays: the audio edition's narration, one SMIL ``<par>`` per spoken unit, its metadata.

The narration is the audio edition's MP3, byte for byte, and its times are the
ones the audio writer recorded in ``anchors.json`` (``editions.audio``,
:class:`publish.manifest.AudioFacts`): the manifest is the seam. When the
manifest has no narration that speaks the current text in the requested voice
and rate (``publish build --to epub`` in a fresh folder, or after a clause was
edited: :func:`publish.writers.audio.stale`), the build has the audio writer
speak it into a scratch folder, with the build's speech cache, and nothing of the
audio edition is left in the build folder (:mod:`publish.build`): the EPUB is
then the very bytes a full build gives.

The clips tile the narration as its ID3 chapters do: each unit's clip begins
where its speech begins (the first at 0) and ends where the next unit's begins
(the last at the end of the audio), so the pause after a unit is played while
that unit stays highlighted, and the clips add up to the narration's duration.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from publish import manifest
from publish.errors import PublishError
from publish.writers.epubparts import CONTENT, OPS

SMIL_NS = "http://www.w3.org/ns/SMIL"
#: The SMIL document and the audio, as named inside the package's ``EPUB/`` folder, and their manifest ids.
SMIL = "text.smil"
SMIL_ID = "overlay"
AUDIO_DIR = "audio"
AUDIO_ID = "narration"
#: The class a reading system puts on the element being read aloud (``media:active-class``), styled by the theme.
ACTIVE_CLASS = "overlay-active"

progress = logging.getLogger("publish.progress")


@dataclass(frozen=True, slots=True)
class Clip:
    """Where one unit is heard in the narration, in ms: its anchor and its clip."""

    id: str
    begin: int
    end: int


@dataclass(frozen=True, slots=True)
class Narration:
    """The narration of a document: the MP3 bytes, its file name, one clip per unit in reading order, who speaks."""

    mp3: bytes
    file: str
    clips: tuple[Clip, ...]
    voice: str
    rate: int
    espeak_ng: str

    @property
    def duration(self) -> int:
        """The narration's length in ms: the sum of its clips, which tile it."""
        return sum(clip.end - clip.begin for clip in self.clips)

    @property
    def audio_href(self) -> str:
        """The MP3's place in the package, relative to ``EPUB/``."""
        return f"{AUDIO_DIR}/{self.file}"

    @property
    def narrator(self) -> str:
        """``media:narrator``: the synthetic voice that speaks."""
        return f"eSpeak NG {self.espeak_ng} synthetic voice '{self.voice}', {self.rate} words per minute"


def narration(folder: Path, facts: manifest.AudioFacts) -> Narration:
    """The narration the audio writer recorded in ``folder`` (the document's, or the build's scratch folder): its
    MP3, and clips that tile ``0 … duration`` as the chapters do (:func:`publish.manifest.unit_spans`)."""
    clips = tuple(Clip(str(unit["id"]), start, end) for unit, start, end in manifest.unit_spans(facts))
    if not clips or any(clip.end <= clip.begin for clip in clips):
        raise PublishError(f"{folder / manifest.NAME}: the audio edition's unit times do not follow each other")
    file = str(facts["file"])
    mp3 = (folder / file).read_bytes()
    return Narration(mp3, file, clips, str(facts["voice"]), int(facts["rate"]), str(facts["espeak_ng"]))


def smil_document(narration: Narration) -> bytes:
    """The SMIL media overlay of the content document: one ``<par>`` per unit, in reading order."""
    root = etree.Element(f"{{{SMIL_NS}}}smil", {"version": "3.0"}, nsmap={None: SMIL_NS, "epub": OPS})
    body = etree.SubElement(root, f"{{{SMIL_NS}}}body")
    for clip in narration.clips:
        par = etree.SubElement(body, f"{{{SMIL_NS}}}par", {"id": par_id(clip.id)})
        etree.SubElement(par, f"{{{SMIL_NS}}}text", {"src": f"{CONTENT}#{clip.id}"})
        attrs = {"src": narration.audio_href, "clipBegin": clock(clip.begin), "clipEnd": clock(clip.end)}
        etree.SubElement(par, f"{{{SMIL_NS}}}audio", attrs)
    return etree.tostring(etree.ElementTree(root), xml_declaration=True, encoding="utf-8", pretty_print=True)


def metadata(narration: Narration) -> list[tuple[str, str, str]]:
    """The package's media overlay metadata, as (property, value, refines): durations, narrator, active class."""
    duration = clock(narration.duration)
    return [
        ("media:duration", duration, f"#{SMIL_ID}"),
        ("media:duration", duration, ""),
        ("media:narrator", narration.narrator, ""),
        ("media:active-class", ACTIVE_CLASS, ""),
    ]


def par_id(unit: str) -> str:
    """The id of a unit's ``<par>`` in the SMIL document."""
    return f"par_{unit}"


def clock(ms: int) -> str:
    """A SMIL full clock value, ``h:mm:ss.fff``."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"
