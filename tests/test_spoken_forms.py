"""Spoken forms (issue 13): addresses and references are heard as a listener understands them, captions keep the text.

A note whose text is a long URL used to make the audio writer give up (eSpeak NG read the URL in pieces, the
plausibility check counted it as one word) and the build stop without the MP3, the captions or the EPUB.
"""

from __future__ import annotations

import json
import wave
import zipfile
from pathlib import Path

import pytest
import webvtt

from publish import lexicon, reader, speech
from publish.build import build
from publish.check import audio as check
from publish.cli import main
from publish.writers import audio
from publish.writers.shared import Options

WHO_URL = (
    "https://www.who.int/docs/default-source/coronaviruse/situation-reports/"
    "20200423-sitrep-94-covid-19.pdf?sfvrsn=b8304bf0_4"
)
OHCHR_URL = "https://www.ohchr.org/sites/default/files/documents/countries/2022-08-31/22-08-31-final-assesment.pdf"
#: ``audio_dir`` is the audio edition of REFERENCES, spoken.
FIXTURE_MARKERS = {"audio_dir": ("speech",)}

#: A tiny source whose notes are an address or a reference each, and a citation with a Commission document number.
REFERENCES = f"""\
---
reference: B9-0013/2024
procedure: 2024/0013(RSP)
type: Motion for a resolution
title: A test resolution on references read aloud
language: en
issued_by: European Parliament
---

The European Parliament,

## Citations

- having regard to the Commission communication of 12 May 2021 (COM(2021)0206),

## Paragraphs

1. Instructs its President to forward this resolution[^1][^2][^3].

[^1]: {WHO_URL}

[^2]: OJ C 362, 8.9.2021, p. 2.

[^3]: Questions to info@europarl.europa.eu.
"""

#: What each unit's caption and spoken text are: the caption exactly the source's text, the spoken text as heard.
EXPECTED = {
    "authorialNote_1": (f"Note 1. {WHO_URL}", "Note 1. link to W H O.int"),
    "authorialNote_2": (
        "Note 2. OJ C 362, 8.9.2021, p. 2.",
        "Note 2. Official Journal C 362 of 8 September 2021, page 2.",
    ),
    "authorialNote_3": (
        "Note 3. Questions to info@europarl.europa.eu.",
        "Note 3. Questions to e-mail address, info at europarl.europa.eu.",
    ),
    "cit_1": (
        "Citation 1. having regard to the Commission communication of 12 May 2021 (COM(2021)0206),",
        "Citation 1. having regard to the Commission communication of 12 May 2021 (C O M 2021, number 206),",
    ),
}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("references") / "references.md"
    path.write_text(REFERENCES, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def audio_dir(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source's audio edition, spoken by the real audio writer (the session's speech cache)."""
    out = tmp_path_factory.mktemp("references-build")
    build([source], out, ["audio"])
    return out / "references"


def _cues(folder: Path) -> dict[str, str]:
    return {c.identifier: c.text for c in webvtt.read(str(folder / "references.vtt"), strict=True).captions}


# --- the audio writer speaks them -------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit_id", list(EXPECTED), ids=["url", "oj", "e-mail", "com"])
def test_the_caption_keeps_the_text_and_the_speech_says_it_as_heard(source, audio_dir, unit_id):
    caption, spoken = EXPECTED[unit_id]
    unit = {u.id: u for u in audio.spoken_units(reader.read(source))}[unit_id]
    assert (unit.caption, unit.spoken) == (caption, spoken)
    assert _cues(audio_dir)[unit_id] == caption  # the WebVTT shows the source's text, the URL in full


def test_a_note_that_is_a_long_url_gets_its_mp3_captions_and_chapters(source, audio_dir):
    document = reader.read(source)
    units = audio.spoken_units(document)
    mp3, vtt = audio_dir / "references.mp3", audio_dir / "references.vtt"
    assert check.gate(mp3, vtt, [u.id for u in units], [u.title for u in units]) == []
    heard = json.loads((audio_dir / "anchors.json").read_text(encoding="utf-8"))["editions"]["audio"]["units"]
    note = next(u for u in heard if u["id"] == "authorialNote_1")
    assert 0 < note["end"] - note["start"] < 4  # "Note 1. link to W H O.int", not the URL spelled out


def test_the_wav_is_checked_against_the_spoken_text(source, audio_dir):
    """Each cached WAV is the speech of its unit's spoken text, and plausibly long for that text."""
    voice, cache = speech.Voice("en", 175), audio.speech_cache(Options.from_environ(), audio_dir)
    for unit in audio.spoken_units(reader.read(source)):
        wav = speech.cache_path(cache, speech.engine().key(unit.spoken, voice))
        assert wav.is_file(), unit.id
        assert speech.check_wav(wav, unit.spoken, voice.rate) == "", unit.id


# --- the lexicon's rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        (f"Note 1. {WHO_URL}", "Note 1. link to W H O.int"),
        (f"Note 3. {OHCHR_URL}", "Note 3. link to O H C H R.org"),
        ("see https://www.europarl.europa.eu/ and (www.un.org/en/about.html).", "see link to europarl.europa.eu"
         " and (link to U N.org)."),
        ("at http://example.com:8080/a/b?c=d#e, then", "at link to example.com, then"),
        ("OJ C 362, 8.9.2021, p. 2.", "Official Journal C 362 of 8 September 2021, page 2."),
        ("OJ L 119, 4.5.2016, p. 1.", "Official Journal L 119 of 4 May 2016, page 1."),
        ("OJ C 377 E, 7.12.2012, p. 142.", "Official Journal C 377 E of 7 December 2012, page 142."),
        ("OJ L, 2024/1689, 12.7.2024.", "Official Journal L, 2024/1689, 12 July 2024."),
        ("on 8.9.2021, p. 2", "on 8.9.2021, page 2"),  # a date outside an OJ reference is left to eSpeak NG
        ("write to info@europarl.europa.eu.", "write to e-mail address, info at europarl.europa.eu."),
        ("jane.doe@ec.europa.eu", "e-mail address, jane.doe at E C.europa.eu"),
        ("COM(2021)0206", "C O M 2021, number 206"),
        ("SWD(2020)0300 and JOIN(2020) 5 final", "S W D 2020, number 300 and JOIN 2020, number 5 final"),
        ("P9_TA(2022)0237", "P 9 T eh 2022, number 237"),
        ("ST 12345/22", "S T 12345 slash 22"),
        ("register number 1234567890", "register number 1 2 3 4 5 6 7 8 9 0"),
        ("EUR 123456789", "EUR 123456789"),  # fewer than 10 digits: a number eSpeak NG reads as one
        ("Directive (EU) 2019/1937", "Directive (EU) 2019/1937"),  # eSpeak NG reads it well: "… slash …"
    ],
    ids=["who", "ohchr", "www", "port-query", "oj-c", "oj-l", "oj-ce", "oj-new", "not-oj", "e-mail", "e-mail-dots",
         "com", "swd-join", "p9-ta", "st", "10-digits", "9-digits", "directive"],
)  # fmt: skip
def test_english_spoken_forms(text, spoken):
    assert lexicon.load("en").apply(text) == spoken


# --- plausibility ---------------------------------------------------------------------------------------------------


def _silent_wav(path: Path, seconds: float) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(speech.SAMPLE_RATE)
        wav.writeframes(b"\0\0" * round(seconds * speech.SAMPLE_RATE))
    return path


def test_a_long_token_counts_as_the_words_it_takes_to_say(tmp_path):
    """The URL of issue 13, left as it is (a lexicon without the rule), took 14.35 s: plausible, not a failure."""
    wav = _silent_wav(tmp_path / "url.wav", 14.35)
    assert speech.check_wav(wav, f"Note 3. {OHCHR_URL}", 175) == ""
    assert speech.check_wav(_silent_wav(tmp_path / "digits.wav", 6.0), "Note 1. 123456789.", 175) == ""
    refused = speech.check_wav(_silent_wav(tmp_path / "long.wav", 30.0), "Note 3. A short note.", 175)
    assert refused.startswith("implausible length 30.00 s for 5 words at 175 words/min")


# --- a unit that still fails ----------------------------------------------------------------------------------------


@pytest.mark.build
def _refuse_note_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every WAV of note 2 fail its check, as a unit eSpeak NG cannot speak would."""
    check_wav = speech.check_wav

    def refuse_note_2(path: Path, text: str, rate: int) -> str:
        return "refused by the test" if text.startswith("Note 2.") else check_wav(path, text, rate)

    monkeypatch.setattr(speech, "check_wav", refuse_note_2)


def test_a_unit_that_cannot_be_spoken_is_named_and_the_other_editions_are_written(
    source, audio_dir, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "out"
    assert main(["build", "-q", "-t", "audio", "-o", str(out), str(source)]) == 0  # the last good audio edition
    folder = out / "references"
    good = {name: (folder / name).read_bytes() for name in ("references.mp3", "references.vtt", "anchors.json")}
    _refuse_note_2(monkeypatch)
    assert main(["build", "-q", "-o", str(out), str(source)]) == 1
    err = capsys.readouterr().err
    # the audiobook is made from the audio edition's narration: it goes without, and says why
    assert "publish: 2 editions could not be made:" in err
    assert "references: audio: could not speak authorialNote_2 (Note 2) after 3 attempts: refused" in err
    assert "references: m4b: no narration to make the audiobook from: the audio edition could not be made" in err
    assert "hint: every other edition was written" in err
    for name in ("references.html", "references.pdf", "references-large-print.pdf", "references.epub"):
        assert (folder / name).stat().st_size > 0, name
    for name in ("references.mp3", "references.vtt"):
        assert (folder / name).read_bytes() == good[name], name  # the last good audio edition, untouched
    with zipfile.ZipFile(folder / "references.epub") as epub:
        assert not [name for name in epub.namelist() if name.endswith((".smil", ".mp3"))]
        opf = epub.read("EPUB/content.opf").decode("utf-8")
    assert "synchronizedAudioText" not in opf and "auditory" not in opf and "media:duration" not in opf
    data = json.loads((folder / "anchors.json").read_text(encoding="utf-8"))
    assert data["editions"]["audio"] == json.loads(good["anchors.json"])["editions"]["audio"]
    assert data["editions"]["epub"]["media_overlay"] is None


def test_the_epub_alone_goes_without_overlays_when_its_narration_cannot_be_spoken(
    source, tmp_path, monkeypatch, capsys
):
    """``--to epub`` alone, a unit eSpeak NG cannot speak: as in a full build, the EPUB is written without media
    overlays and the build fails naming the audio edition (not the EPUB)."""
    _refuse_note_2(monkeypatch)
    out = tmp_path / "out"
    assert main(["build", "-q", "-t", "epub", "-o", str(out), str(source)]) == 1
    err = capsys.readouterr().err
    assert "publish: references: audio: could not speak authorialNote_2 (Note 2)" in err
    assert "references: epub" not in err
    folder = out / "references"
    assert sorted(path.name for path in folder.iterdir()) == ["anchors.json", "references.epub"]
    with zipfile.ZipFile(folder / "references.epub") as epub:
        assert not [name for name in epub.namelist() if name.endswith((".smil", ".mp3"))]
