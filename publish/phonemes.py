"""Turn text into the phonemes eSpeak NG speaks for it (``espeak-ng -x``), through the wheel's library.

What a listener hears can be checked as text: ``phonemes("Recital eh.")`` is
``"rI2s'aIt@L 'eI"``, in eSpeak NG's ASCII phoneme mnemonics (``'`` primary
stress, ``,`` secondary, ``_:`` a pause). Lexicon authors and the pronunciation
tests use it; the editions do not (they are spoken by :mod:`publish.speech`,
which speaks the same text with the same library and voice). Clauses are joined
with `` | ``, as eSpeak NG converts one clause at a time.

Run ``python -m publish.phonemes [--language en] [--voice gmw/en] TEXT …`` to see a text's
phonemes, as written and after the lexicon: ``--raw`` leaves the lexicon out.
"""

from __future__ import annotations

import argparse
import ctypes
import threading
from functools import cache

from publish import lexicon, speech

#: ``espeak_Initialize``'s output mode: no sound device, synthesis kept in memory.
_AUDIO_OUTPUT_RETRIEVAL = 1
#: ``espeak_TextToPhonemes``'s text mode: UTF-8; and its phoneme mode: ASCII mnemonics, as ``espeak-ng -x`` prints.
_CHARS_UTF8 = 1
_MNEMONICS = 0
#: eSpeak NG keeps one voice per process: one conversion at a time.
_LOCK = threading.Lock()


@cache
def _library() -> ctypes.CDLL:
    """The wheel's eSpeak NG, initialised once for this process (no audio output)."""
    path, data = speech._wheel_paths()
    lib = ctypes.CDLL(path)
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
    if lib.espeak_Initialize(_AUDIO_OUTPUT_RETRIEVAL, 0, data.encode(), 0) < 0:
        raise speech.SpeechError(f"eSpeak NG could not start from {data}")
    return lib


def phonemes(text: str, voice: str = "en") -> str:
    """The phonemes eSpeak NG says for ``text`` in ``voice`` (mnemonics as ``espeak-ng -x``; clauses joined by
    `` | ``)."""
    with _LOCK:
        lib = _library()
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise speech.SpeechError(f"eSpeak NG has no voice {voice!r}", speech.VOICES_HINT)
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        clauses: list[str] = []
        while pointer.value:
            clause = lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, _MNEMONICS)
            if clause is None:
                break
            clauses.append(clause.decode("utf-8").strip())
    return " | ".join(clause for clause in clauses if clause)


def spoken_phonemes(text: str, language: str = "en", voice: str = "") -> str:
    """The phonemes of ``text`` as the audio edition sends it: after the language's lexicon."""
    return phonemes(lexicon.load(language).apply(text), voice or language)


def main(argv: list[str] | None = None) -> None:
    """Print each text's phonemes (``python -m publish.phonemes``)."""
    parser = argparse.ArgumentParser(prog="python -m publish.phonemes", description=main.__doc__)
    parser.add_argument("texts", nargs="+", metavar="TEXT")
    parser.add_argument("--language", default="en", help="whose lexicon applies (a BCP 47 tag)")
    parser.add_argument("--voice", default="", help=f"{speech.VOICES_HINT}; the language by default")
    parser.add_argument("--raw", action="store_true", help="without the lexicon")
    args = parser.parse_args(argv)
    say = (lambda text: text) if args.raw else lexicon.load(args.language).apply
    for text in args.texts:
        print(f"{text}\t{say(text)}\t{phonemes(say(text), args.voice or args.language)}")


if __name__ == "__main__":
    main()
