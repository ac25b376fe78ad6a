"""The EPUB edition's media overlays: the audio edition's narration, one SMIL ``<par>`` per spoken unit, its metadata.

The narration is the audio edition's MP3, byte for byte, and its times are the
ones the audio writer recorded in ``anchors.json`` (``editions.audio``): the
manifest is the seam. When the manifest has no narration that speaks the
current text in the requested voice and rate (``publish build --to epub`` in a
fresh folder, or after a clause was edited), the audio writer's public
``write`` speaks it into a scratch folder, with the build's speech cache, and
nothing of the audio edition is left in the build folder: the EPUB is then the
very bytes a full build gives.

The clips tile the narration as its ID3 chapters do: each unit's clip begins
where its speech begins (the first at 0) and ends where the next unit's begins
(the last at the end of the audio), so the pause after a unit is played while
that unit stays highlighted, and the clips add up to the narration's duration.
"""

from __future__ import annotations

import html as htmlib
import logging
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree

from publish import manifest
from publish.errors import PublishError
from publish.model import Document
from publish.writers import audio
from publish.writers.epubparts import CONTENT, OPS
from publish.writers.shared import Options

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


def narration(document: Document, out_dir: Path, options: Options) -> Narration:
    """The narration the audio writer recorded in ``out_dir``, or, when it is missing or stale, one spoken now."""
    facts = manifest.load(out_dir).get("editions", {}).get("audio")
    problem = stale(document, out_dir, options, facts)
    if problem is None:
        return _from_facts(out_dir, facts)
    progress.info("%s: epub: %s: the audio writer speaks the narration (not written)", document.name, problem)
    cache = audio.speech_cache(options, out_dir)
    with tempfile.TemporaryDirectory(prefix="publish-epub-narration-") as temp:
        scratch = Path(temp) / document.name
        manifest.start(document, scratch)
        audio.write(document, scratch, replace(options, speech_cache=cache))
        return _from_facts(scratch, manifest.load(scratch)["editions"]["audio"])


def stale(document: Document, out_dir: Path, options: Options, facts: Mapping[str, Any] | None) -> str | None:
    """Why the recorded narration cannot be used for ``document`` with ``options``; ``None`` when it can.

    It can when its files exist, it has the document's units in order, was spoken in the voice and at the rate
    asked for, and its captions (the WebVTT written with the MP3) are the text each unit speaks now.
    """
    if not facts:
        return "no narration in the manifest"
    voice = options.voice or document.metadata.language.lower()
    if (facts.get("voice"), facts.get("rate")) != (voice, options.rate):
        return f"the recorded narration is voice {facts.get('voice')} at {facts.get('rate')} words per minute"
    for key in ("file", "vtt"):
        if not (out_dir / str(facts.get(key, ""))).is_file():
            return f"the audio edition's {key} is missing"
    units = audio.spoken_units(document)
    if [unit["id"] for unit in facts.get("units", ())] != [unit.id for unit in units]:
        return "the recorded narration has other units"
    captions = _cue_texts((out_dir / facts["vtt"]).read_text(encoding="utf-8"))
    if captions != {unit.id: " ".join(unit.caption.split()) for unit in units}:
        return "the recorded narration speaks an earlier text"
    return None


def _cue_texts(vtt: str) -> dict[str, str]:
    """Each cue's text by its identifier (blocks of identifier, timing line, text; notes have no timing line)."""
    cues: dict[str, str] = {}
    for block in vtt.replace("\r\n", "\n").split("\n\n"):
        lines = block.strip("\n").split("\n")
        if len(lines) >= 3 and "-->" in lines[1]:
            cues[lines[0]] = htmlib.unescape(" ".join(" ".join(lines[2:]).split()))
    return cues


def _from_facts(folder: Path, facts: Mapping[str, Any]) -> Narration:
    """The narration from the audio writer's facts and MP3: the clips tile ``0 … duration`` as the chapters do."""
    units = facts["units"]
    starts = [0] + [round(float(unit["start"]) * 1000) for unit in units[1:]]
    ends = starts[1:] + [round(float(facts["duration"]) * 1000)]
    clips = tuple(Clip(str(unit["id"]), s, e) for unit, s, e in zip(units, starts, ends, strict=True))
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
