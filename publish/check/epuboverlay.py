"""Check an EPUB's media overlays where EPUBCheck and Ace do not look: clips against the audio, durations, claims.

EPUBCheck 5.3.0 checks the SMIL's schema and that each ``text`` target exists,
but not that a clip lies inside its audio (a ``clipEnd`` of 0:59:00 on a
10-minute MP3 passes), nor that a SMIL's ``media:duration`` is the sum of its
clips; Ace checks neither, nor that the accessibility claims about audio
(``auditory``, ``synchronizedAudioText``) are true. :func:`overlay_problems`
reads the package for those: every ``text`` target resolves, in reading order;
every clip lies within its audio (its length read by mutagen from the MP3 in
the package); each SMIL's ``media:duration`` is the sum of its clips and the
total the sum of the SMILs'; ``media:active-class`` is set and styled; the
claims are made exactly when the book has overlays.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from functools import cache

import mutagen
from lxml import etree

SMIL_TYPE = "application/smil+xml"
#: How far (ms) a clip may end after the audio's length as read: the clock values are rounded to the ms.
CLIP_TOLERANCE_MS = 1
#: How far (ms) a declared duration may be from the sum of the clips.
DURATION_TOLERANCE_MS = 1

#: (rule, place in the package, message)
Problem = tuple[str, str, str]

_CLOCK = re.compile(
    r"(?:(?:(?P<h>\d+):)?(?P<m>[0-5]?\d):(?P<s>[0-5]\d(?:\.\d+)?))"  # full or partial clock value
    r"|(?:(?P<count>\d+(?:\.\d+)?)(?P<unit>h|min|s|ms)?)"  # timecount value
)
_UNIT_MS = {"h": 3_600_000, "min": 60_000, "s": 1000, "ms": 1, None: 1000}


def clock_ms(value: str) -> int | None:
    """A SMIL clock value (``0:01:02.5``, ``01:02.5``, ``62.5s``, ``62500ms``, ``62.5``) in ms; None if invalid."""
    match = _CLOCK.fullmatch(value.strip())
    if not match:
        return None
    if match["count"] is not None:
        return round(float(match["count"]) * _UNIT_MS[match["unit"]])
    return round((int(match["h"] or 0) * 3600 + int(match["m"]) * 60 + float(match["s"])) * 1000)


def overlay_problems(z: zipfile.ZipFile, opf: etree._Element, opf_path: str) -> list[Problem]:
    """Everything wrong with the media overlays of the EPUB open as ``z`` (its package document ``opf``)."""
    items = {item.get("id"): item for item in opf.iterfind("{*}manifest/{*}item")}
    names = set(z.namelist())
    problems: list[Problem] = []
    meta: list[tuple[str, str, str]] = [
        (m.get("property"), m.get("refines") or "", (m.text or "").strip())
        for m in opf.iterfind("{*}metadata/{*}meta[@property]")
    ]

    overlays: list[str] = []
    for item in items.values():
        overlay = item.get("media-overlay")
        if overlay is None:
            continue
        if overlay not in items or items[overlay].get("media-type") != SMIL_TYPE:
            problems.append(
                ("overlay-reference", opf_path, f"{item.get('href')}: media-overlay '{overlay}' is no SMIL")
            )
        elif overlay not in overlays:
            overlays.append(overlay)

    ids: Callable[[str], dict[str, int]] = cache(lambda name: _ids_in_order(z.read(name)))
    lengths: Callable[[str], int | None] = cache(lambda name: _audio_ms(z.read(name)))
    durations: dict[str, int] = {}
    for overlay in overlays:
        smil = _resolve(items[overlay].get("href"), opf_path)
        if smil not in names:
            problems.append(("overlay-reference", opf_path, f"SMIL {smil} is not in the package"))
            continue
        total, found = _check_smil(smil, etree.fromstring(z.read(smil)), names, ids, lengths)
        problems += found
        durations[overlay] = total
        declared = [value for prop, refines, value in meta if (prop, refines) == ("media:duration", f"#{overlay}")]
        if not _agrees(declared, total):
            message = f"media:duration of #{overlay} is {declared}, its clips add up to {total} ms"
            problems.append(("overlay-duration", opf_path, message))
    if overlays:
        declared = [value for prop, refines, value in meta if prop == "media:duration" and not refines]
        if not _agrees(declared, sum(durations.values())):
            message = f"the total media:duration is {declared}, the overlays add up to {sum(durations.values())} ms"
            problems.append(("overlay-duration", opf_path, message))
    problems += _check_claims(z, opf, opf_path, meta, bool(overlays))
    return problems


def _check_smil(
    smil: str,
    root: etree._Element,
    names: set[str],
    ids: Callable[[str], dict[str, int]],
    lengths: Callable[[str], int | None],
) -> tuple[int, list[Problem]]:
    """The sum of a SMIL document's clips in ms, and what is wrong with its pars."""
    problems: list[Problem] = []
    total = 0
    previous: tuple[str, int] | None = None  # the previous par's text target: (document, position in it)
    for number, par in enumerate(root.iter("{*}par"), 1):
        place = f"{smil}#{par.get('id') or number}"
        text, clip = par.find("{*}text"), par.find("{*}audio")
        src = text.get("src", "") if text is not None else ""
        document, _, fragment = src.partition("#")
        target = _resolve(document, smil) if document else ""
        position = ids(target).get(fragment) if target in names else None
        if position is None:
            problems.append(("overlay-text-target", place, f"text target '{src}' does not resolve"))
        else:
            if previous is not None and previous[0] == target and position <= previous[1]:
                problems.append(("overlay-order", place, f"text target '{src}' is not after the previous par's"))
            previous = (target, position)
        if clip is None:
            continue
        audio = _resolve(clip.get("src", ""), smil)
        length = lengths(audio) if audio in names else None
        if length is None:
            problems.append(("overlay-audio", place, f"audio '{clip.get('src')}' is not audio in the package"))
            continue
        begin, end = clock_ms(clip.get("clipBegin", "0")), clock_ms(clip.get("clipEnd", str(length) + "ms"))
        span = f"{clip.get('clipBegin')} … {clip.get('clipEnd')}"
        if begin is None or end is None or not 0 <= begin < end:
            problems.append(("overlay-clip", place, f"clip {span} is not a span of time"))
            continue
        if end > length + CLIP_TOLERANCE_MS:
            problems.append(("overlay-clip", place, f"clip {span} ends after the end of {audio} ({length} ms)"))
        total += end - begin
    if previous is None and not problems:
        problems.append(("overlay-text-target", smil, "no par with a text target"))
    return total, problems


def _check_claims(
    z: zipfile.ZipFile,
    opf: etree._Element,
    opf_path: str,
    meta: list[tuple[str, str, str]],
    overlays: bool,
) -> list[Problem]:
    """The claims about audio are true: made with overlays, absent without; the active class is styled."""
    values = {(prop, value) for prop, refines, value in meta if not refines}
    problems: list[Problem] = []
    for claim in (("schema:accessMode", "auditory"), ("schema:accessibilityFeature", "synchronizedAudioText")):
        if overlays and claim not in values:
            problems.append(("overlay-claims", opf_path, f"media overlays without {claim[0]} {claim[1]}"))
        elif not overlays and claim in values:
            problems.append(("overlay-claims", opf_path, f"{claim[0]} {claim[1]} without media overlays"))
    if not overlays:
        return problems
    classes = [value for prop, refines, value in meta if prop == "media:active-class" and not refines]
    css = b"".join(
        z.read(name)
        for item in opf.iterfind("{*}manifest/{*}item[@media-type='text/css']")
        if (name := _resolve(item.get("href"), opf_path)) in z.namelist()
    ).decode("utf-8", "replace")
    if len(classes) != 1:
        problems.append(("overlay-active-class", opf_path, f"media:active-class is {classes}, not one class"))
    elif not re.search(rf"\.{re.escape(classes[0])}(?![\w-])", css):
        problems.append(("overlay-active-class", opf_path, f"no style sheet styles the active class .{classes[0]}"))
    return problems


def _resolve(href: str, relative_to: str) -> str:
    """The package entry that ``href`` names, relative to the entry ``relative_to``."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(relative_to), href))


def _ids_in_order(data: bytes) -> dict[str, int]:
    """Each id of an XML document with its position in document order."""
    ids: dict[str, int] = {}
    for position, element in enumerate(etree.fromstring(data).iter()):
        if isinstance(element.tag, str) and element.get("id"):
            ids.setdefault(element.get("id"), position)
    return ids


def _audio_ms(data: bytes) -> int | None:
    """The length in ms of an audio file as mutagen reads it (an MP3's from its frames), or None if it is no audio."""
    try:
        parsed = mutagen.File(io.BytesIO(data))
    except mutagen.MutagenError:
        return None
    length = getattr(getattr(parsed, "info", None), "length", 0) if parsed is not None else 0
    return round(length * 1000) if length else None


def _agrees(declared: list[str], total: int) -> bool:
    """Exactly one duration is declared, and it is ``total`` ms."""
    ms = clock_ms(declared[0]) if len(declared) == 1 else None
    return ms is not None and abs(ms - total) <= DURATION_TOLERANCE_MS
