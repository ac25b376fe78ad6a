"""Listening (issue 16): a speech recogniser, forced to choose, hears the intended pronunciation in the audio edition.

Each case is spoken the way the audio writer speaks it (the English lexicon applied, then :func:`publish.speech.speak`
in the English pack's voice at the edition's rate), resampled to 16 kHz mono by ffmpeg and decoded by the
``pocketsphinx`` wheel (its own US English acoustic model; no download) with a JSGF grammar that allows exactly two
pronunciations, the intended one and the one eSpeak NG says without the lexicon ("recital eh" against "recital uh",
"wee-gur" against "eye-gur"). Each is a word added to the decoder's dictionary with its ARPAbet phones. The same
cases spoken without the lexicon must be heard as the wrong pronunciation: the test bites.

Not every entry can be heard this way: this recogniser hears "Recital eh N" as "Recital an", finds no path through
"Point (eh) of paragraph three", and lets its silence model swallow the "dot" of "C C C dot Calls"; those are
checked as phonemes only (tests/test_pronunciation.py).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pocketsphinx import Decoder

from publish import languages, lexicon, speech
from publish.writers.shared import Options

pytestmark = pytest.mark.speech

#: The recogniser's sample rate.
RATE = 16000


@dataclass(frozen=True, slots=True)
class Case:
    """A text, the words heard around the word in question, and the two pronunciations (word, ARPAbet phones)."""

    text: str
    intended: tuple[str, str]
    wrong: tuple[str, str]
    before: str = ""
    after: str = ""


CASES = {
    "Recital A": Case("Recital A. whereas", ("a_letter", "EY"), ("a_uh", "AH"), "recital", "whereas"),
    "Uyghur": Case("Uyghur", ("wee_gur", "W IY G ER"), ("eye_gur", "AY G ER")),
    "Xi": Case("Xi", ("shee", "SH IY"), ("zye", "Z AY")),
    "Bachelet": Case("Bachelet", ("bah_shuh_lay", "B AA SH AH L EY"), ("bah_kel_it", "B AA K AH L IH T")),
    "Xinjiang": Case("Xinjiang", ("shin_jahng", "SH IH N JH AA NG"), ("zin_jyang", "Z IH N JH Y AE NG")),
    "1948": Case("of 1948", ("nineteen_forty", "N AY N T IY N F AO R T IY"),
                 ("nineteen_hundred_and_forty", "N AY N T IY N HH AH N D R AH D AH N D F AO R T IY"), "of", "eight"),
}  # fmt: skip


@pytest.fixture(scope="module")
def decoder() -> Decoder:
    """The recogniser, its dictionary holding both pronunciations of every case."""
    found = Decoder(lm=None, loglevel="ERROR")
    for case in CASES.values():
        for word, phones in (case.intended, case.wrong):
            found.add_word(word, phones, True)
    return found


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's speech cache (tests/conftest.py sets it), else a new one."""
    return Options.from_environ().speech_cache or tmp_path_factory.mktemp("listening-speech")


def _heard(decoder: Decoder, cache: Path, name: str, text: str) -> str:
    """Which of the case's two pronunciations the recogniser hears in ``text`` spoken by the audio edition's voice."""
    case = CASES[name]
    voice = speech.Voice(languages.load("en").voice, Options().rate)
    [wav], _ = speech.speak([text], voice, cache, jobs=1, label="listening")
    pcm = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(wav), "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    grammar = f"public <s> = {case.before} ( {case.intended[0]} | {case.wrong[0]} ) {case.after};"
    search = re.sub(r"\W+", "_", name.lower()).strip("_")
    decoder.add_jsgf_string(search, f"#JSGF V1.0;\ngrammar {search};\n{grammar}\n")
    decoder.activate_search(search)
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    words = hypothesis.hypstr.split() if hypothesis else []
    return next((word for word in words if word in (case.intended[0], case.wrong[0])), "nothing")


@pytest.mark.parametrize("name", list(CASES))
def test_the_recogniser_hears_the_intended_pronunciation(decoder, cache, name):
    case = CASES[name]
    assert _heard(decoder, cache, name, lexicon.load("en").apply(case.text)) == case.intended[0]


@pytest.mark.parametrize("name", list(CASES))
def test_without_the_lexicon_it_hears_the_wrong_one(decoder, cache, name):
    """The test bites: eSpeak NG's own reading is heard as the wrong pronunciation."""
    case = CASES[name]
    assert lexicon.load("en").apply(case.text) != case.text
    assert _heard(decoder, cache, name, case.text) == case.wrong[0]
