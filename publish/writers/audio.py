"""Write the audio edition: the resolution spoken unit by unit into an MP3 with a chapter per clause, and WebVTT.

Each unit (the title block, the formula, each section heading and subheading,
every clause and point, the notes) is spoken label first ("Paragraph 3. Reiterates …") by eSpeak
NG through :mod:`publish.speech`, with the language's pronunciation lexicon
(:mod:`publish.lexicon`) applied to the spoken text only. ``<doc>.mp3`` carries
an ID3v2 CTOC and one CHAP per unit whose element id is the unit's anchor and
whose title its spoken label, in time order; ``<doc>.vtt`` has one cue per
unit, its identifier the anchor. Times are as players play the MP3 and go into
``anchors.json`` (``audio.units`` and each clause's ``audio.start``/``end``),
from which the EPUB's media overlays are built.
"""

from __future__ import annotations

import html as htmlib
import itertools
import os
from pathlib import Path

from publish import formats, lexicon, manifest, speech
from publish.anchors import FORMULA, NOTES, PREFACE, heading_eid
from publish.model import Document, Part, plain_text
from publish.outputs import write_atomic
from publish.writers.audioparts import (
    BIT_RATE,
    Tags,
    Timeline,
    Unit,
    encode_segments,
    id3_bytes,
    id3_tag,
    lameenc_version,
    pauses,
    place,
    webvtt,
)
from publish.writers.shared import Options, output_path, pack, section_heading, words

NAME = "audio"
SUFFIX = formats.AUDIO.suffix
VTT_SUFFIX = formats.CAPTIONS.suffix


def write(document: Document, out_dir: Path, options: Options) -> list[Path]:
    """Speak the document, write ``<name>.mp3`` and ``<name>.vtt``, record the times; return the paths written."""
    voice = speech.Voice(options.voice or pack(document).voice, options.rate)
    units = spoken_units(document)
    cache_dir = speech_cache(options, out_dir)
    label, jobs = f"{document.name}: audio", _cores()
    names = [f"{unit.id} ({unit.title})" for unit in units]
    wavs, _ = speech.speak([unit.spoken for unit in units], voice, cache_dir, jobs, label, names)
    timeline = place(units, encode_segments(wavs, pauses(units), jobs, label))
    engine = speech.engine()
    facts = (("voice", voice.voice), ("rate", f"{voice.rate} words per minute"), ("eSpeak NG", engine.espeak_ng))
    tag = id3_bytes(id3_tag(units, timeline, _tags(document, options, facts)))
    mp3_path = write_atomic(output_path(document, out_dir, SUFFIX), itertools.chain([tag], timeline.mp3_frames()))
    note = f"{document.metadata.reference}: {document.metadata.title}. " + ", ".join(f"{k}: {v}" for k, v in facts)
    vtt_path = write_atomic(output_path(document, out_dir, VTT_SUFFIX), webvtt(timeline, note))
    _record(document, out_dir, timeline, voice, engine, mp3_path, vtt_path)
    return [mp3_path, vtt_path]


def stale(document: Document, out_dir: Path, options: Options, facts: manifest.AudioFacts | None) -> str | None:
    """Why the narration recorded in ``out_dir`` cannot be used for ``document`` with ``options`` (the EPUB's media
    overlays); ``None`` when it can.

    It can when its files exist, it has the document's units in order, was spoken in the voice and at the rate
    asked for, and its captions (the WebVTT written with the MP3) are the text each unit speaks now.
    """
    if not facts:
        return "no narration in the manifest"
    voice = options.voice or pack(document).voice
    if (facts.get("voice"), facts.get("rate")) != (voice, options.rate):
        return f"the recorded narration is voice {facts.get('voice')} at {facts.get('rate')} words per minute"
    for key in ("file", "vtt"):
        if not (out_dir / str(facts.get(key, ""))).is_file():
            return f"the audio edition's {key} is missing"
    units = spoken_units(document)
    if [(unit["id"], unit.get("title")) for unit in facts.get("units", ())] != [
        (unit.id, unit.title) for unit in units
    ]:
        return "the recorded narration has other units or titles"
    captions = _cue_texts((out_dir / facts["vtt"]).read_text(encoding="utf-8"))
    if captions != {unit.id: " ".join(unit.caption.split()) for unit in units}:
        return "the recorded narration speaks an earlier text"
    return None


def _cue_texts(vtt: str) -> dict[str, str]:
    """Each cue's text by its identifier, from this writer's own WebVTT (blocks of identifier, timing line, text;
    notes have no timing line)."""
    cues: dict[str, str] = {}
    for block in vtt.replace("\r\n", "\n").split("\n\n"):
        lines = block.strip("\n").split("\n")
        if len(lines) >= 3 and "-->" in lines[1]:
            cues[lines[0]] = htmlib.unescape(" ".join(" ".join(lines[2:]).split()))
    return cues


def speech_cache(options: Options, out_dir: Path) -> Path:
    """The cache of spoken units: the option (:meth:`Options.from_environ` reads ``$PUBLISH_SPEECH_CACHE``), else
    ``<out>/.cache/speech``."""
    return options.speech_cache or out_dir.parent / ".cache" / "speech"


def spoken_units(document: Document) -> list[Unit]:
    """Every unit in reading order, each with its anchor, spoken label, caption and spoken text."""
    meta = document.metadata
    w = words(document)
    say = lexicon.load(meta.language).apply
    units: list[Unit] = []

    def add(unit_id: str, title: str, caption: str, group: str, subgroups: tuple[str, ...] = ()) -> None:
        units.append(Unit(unit_id, title, caption, say(caption), group, subgroups))

    def add_parts(parts: tuple[Part, ...], group: str, above: tuple[str, ...]) -> None:
        for part in parts:
            path = above + ((part.subheading.eid,) if part.subheading else ())
            if part.subheading is not None:
                text = part.subheading.text
                add(part.subheading.eid, text, text if text.endswith((".", ":", "?", "!")) else f"{text}.", group, path)
            for clause in (clause for top in part.clauses for clause in top.walk()):
                caption = f"{clause.spoken_label}. {plain_text(clause.content, note_calls=False).strip()}"
                add(clause.eid, clause.spoken_label, caption, group, path)
            add_parts(part.parts, group, path)

    title = f"{meta.doc_type} {meta.reference}"
    procedure = f" {w['procedure']} {meta.procedure}." if meta.procedure else ""
    add(PREFACE, title, f"{title}, {meta.issued_by}. {meta.title}.{procedure}", PREFACE)
    add(FORMULA, document.formula, document.formula, FORMULA)
    for section in document.sections:
        heading = section_heading(document, section.kind)
        add(heading_eid(section.eid), heading, f"{heading}.", section.eid)
        add_parts(section.outline(), section.eid, ())
    if document.footnotes:
        group = NOTES
        add(heading_eid(NOTES), w["notes"], f"{w['notes']}.", group)
        for note in document.footnotes:
            label = f"{w['note']} {note.number}"
            add(note.eid, label, f"{label}. {plain_text(note.content, note_calls=False).strip()}", group)
    return units


def _tags(document: Document, options: Options, facts: tuple[tuple[str, str], ...]) -> Tags:
    meta = document.metadata
    encoder = f"lameenc {lameenc_version()}, {BIT_RATE} kbit/s mono"
    link = f"{formats.HTML.name(document.name)}#{{id}}" if "html" in options.formats else ""
    return Tags(
        title=meta.title,
        album=f"{meta.doc_type} {meta.reference}",
        artist=meta.issued_by,
        language=pack(document).iso639_2,
        date=meta.date,
        encoder=encoder,
        facts=facts,
        contents=words(document)["contents"],
        link=link,
    )


def _record(
    document: Document,
    out_dir: Path,
    timeline: Timeline,
    voice: speech.Voice,
    engine: speech.Engine,
    mp3: Path,
    vtt: Path,
) -> None:
    units: list[manifest.AudioUnitFacts] = [
        {"id": u.id, "title": u.title, "start": u.start / 1000, "end": u.end / 1000} for u in timeline.units
    ]
    clauses = {c.eid for c in document.iter_clauses()}
    facts: manifest.AudioFacts = {
        "file": mp3.name,
        "vtt": vtt.name,
        "duration": timeline.duration / 1000,
        "voice": voice.voice,
        "rate": voice.rate,
        "espeak_ng": engine.espeak_ng,
        "units": units,
    }
    manifest.record(
        out_dir, NAME, facts, {u["id"]: {"start": u["start"], "end": u["end"]} for u in units if u["id"] in clauses}
    )


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
