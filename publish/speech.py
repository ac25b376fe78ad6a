"""Speak texts to WAV files with pyttsx3 and eSpeak NG from a wheel, each in a fresh process, cached per text.

pyttsx3 2.99 on Linux is fragile, and eSpeak NG's output depends on what the same
process spoke before, so every text is spoken in a new *spawned* process
(fork after init hangs) that loads the ``espeakng-loader`` wheel's library, waits
for the engine to be idle, speaks exactly one utterance and writes a WAV (that
process runs :mod:`publish.speaking`, which imports only what speaking needs). The
parent kills a process that overruns its timeout, checks that the WAV is
non-empty and plausibly long for the text and rate, and retries in a new
process. Results are cached by a hash of (spoken text, voice, rate, volume,
eSpeak NG version, pyttsx3 version): editing one clause re-speaks only that
clause, and a rebuild from the cache is byte-identical. Up to one process per
core runs at a time; progress goes to the ``publish.progress`` logger.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import importlib.util
import json
import logging
import os
import subprocess
import sys
import time
import wave
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from publish.errors import EditionError

progress = logging.getLogger("publish.progress")

#: Bumped when the way a text becomes a WAV changes, so old cache entries are not reused.
PROTOCOL = "publish-speech-1"
#: pyttsx3's eSpeak driver writes mono 16-bit WAVs at this rate, whatever the voice.
SAMPLE_RATE = 22050
#: What ``--voice`` takes.
VOICES_HINT = "a language (en, en-us, fr, de …), a voice id (gmw/en) or a variant (gmw/en+f3): espeak-ng --voices"
#: The rates eSpeak NG speaks at, in words per minute.
RATES = range(80, 451)
_RATE_PROBLEM = f"{{}} words per minute: eSpeak NG speaks {RATES.start} to {RATES[-1]}"
#: Seconds one process may take for one text (start, engine init, synthesis) before it is killed.
TIMEOUT = 60.0
#: Processes tried per text before giving up.
ATTEMPTS = 3
#: A WAV must last at least this share of the time the text's words take at the rate.
MIN_SHARE = 0.3
#: ... and at most this many times the time its spoken words (:func:`spoken_words`) take, plus ``MAX_EXTRA`` seconds.
MAX_SHARE = 4.0
MAX_EXTRA = 3.0
#: Characters other than digits that make about one spoken word, in a long token eSpeak NG reads in parts.
CHARS_PER_WORD = 4


#: The folder holding the ``publish`` package, for the speaking processes' import path.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


class SpeechError(EditionError):
    """Speech could not be produced (no engine, or every attempt failed): the audio edition cannot be made."""


@dataclass(frozen=True, slots=True)
class Voice:
    """How to speak: an eSpeak NG voice (id, language or variant: ``en``, ``gmw/en+f3``) and a rate in words/min."""

    voice: str
    rate: int
    volume: float = 1.0

    def __post_init__(self) -> None:
        if self.rate not in RATES:
            raise SpeechError(f"speech rate {_RATE_PROBLEM.format(self.rate)}")
        if not 0.0 < self.volume <= 1.0:
            raise SpeechError(f"volume {self.volume}: it is more than 0 and at most 1")


@dataclass(frozen=True, slots=True)
class Engine:
    """The speech engine's identity: what a cached WAV depends on besides the text and voice."""

    espeak_ng: str
    pyttsx3: str
    library: str

    def key(self, text: str, voice: Voice) -> str:
        """The cache key of ``text`` spoken with ``voice`` by this engine."""
        facts = {
            "protocol": PROTOCOL,
            "text": text,
            "voice": voice.voice,
            "rate": voice.rate,
            "volume": voice.volume,
            "espeak_ng": self.espeak_ng,
            "pyttsx3": self.pyttsx3,
        }
        return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Report:
    """What one :func:`speak` call did: how many texts were spoken and taken from the cache, and by which library."""

    spoken: int = 0
    cached: int = 0
    retries: int = 0
    seconds: float = 0.0
    #: Paths of every eSpeak library mapped by the speaking processes (from ``/proc/<pid>/maps``).
    libraries: set[str] = field(default_factory=set)
    #: The voice eSpeak NG chose for the requested one (e.g. ``gmw/en`` for ``en``), when a text was spoken.
    resolved_voice: str = ""


@cache
def engine() -> Engine:
    """The engine: eSpeak NG from the ``espeakng-loader`` wheel, driven by pyttsx3."""
    library, _ = _wheel_paths()
    lib = ctypes.CDLL(library)
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    version = (lib.espeak_Info(None) or b"").decode("ascii", "replace").split()[0]
    return Engine(espeak_ng=version, pyttsx3=metadata.version("pyttsx3"), library=str(Path(library).resolve()))


def speech_rate(text: str) -> int:
    """A speech rate given on the command line, checked against what eSpeak NG can do."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of words per minute: {text!r}") from None
    if value not in RATES:
        raise argparse.ArgumentTypeError(_RATE_PROBLEM.format(value))
    return value


def cache_path(cache_dir: Path, key: str) -> Path:
    """Where the WAV with cache key ``key`` lives."""
    return cache_dir / key[:2] / f"{key}.wav"


def speak(
    texts: Sequence[str],
    voice: Voice,
    cache_dir: Path,
    jobs: int = 0,
    label: str = "speech",
    names: Sequence[str] = (),
) -> tuple[list[Path], Report]:
    """Speak every text (cached ones are reused); return the WAV of each, in order, and a report.

    ``jobs`` is the number of processes at a time (0: one per core). Progress
    lines name ``label`` (e.g. the document); a text that cannot be spoken is
    named in the error by its entry in ``names`` (e.g. its anchor), else by its start.
    """
    started = time.perf_counter()
    eng = engine()
    report = Report()
    paths = [cache_path(cache_dir, eng.key(text, voice)) for text in texts]
    todo: dict[Path, str] = {}
    called: dict[Path, str] = {}
    for index, (text, path) in enumerate(zip(texts, paths, strict=True)):
        if path in todo or (path.is_file() and not check_wav(path, text, voice.rate)):
            continue
        todo[path] = text  # not cached, or a cached file that cannot be the speech: speak it (again)
        called[path] = names[index] if index < len(names) else f"{text[:60]!r}…"
    report.cached = len(texts) - len(todo)
    if todo:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        progress.info("%s: speaking %d of %d units (%d cached) in %d processes", label, len(todo), len(texts),
                      report.cached, jobs)  # fmt: skip
        _run(todo, called, voice, jobs, report, label)
    report.seconds = time.perf_counter() - started
    return paths, report


def _run(todo: dict[Path, str], called: dict[Path, str], voice: Voice, jobs: int, report: Report, label: str) -> None:
    """Speak ``todo`` (cache path → text) with up to ``jobs`` processes at a time, retrying failures; a text that
    fails every attempt is an error naming it as ``called`` says."""
    queue: list[tuple[Path, str, int]] = [(path, text, 1) for path, text in todo.items()]
    running: list[_Attempt] = []
    done, total, step = 0, len(todo), max(1, len(todo) // 10)
    try:
        while queue or running:
            while queue and len(running) < jobs:
                running.append(_Attempt.start(*queue.pop(0), voice))
            time.sleep(0.005)
            for job in list(running):
                outcome = job.poll()
                if outcome is None:
                    continue
                running.remove(job)
                if outcome == "":
                    report.spoken += 1
                    report.libraries |= job.libraries
                    report.resolved_voice = job.resolved_voice or report.resolved_voice
                    done += 1
                    if done % step == 0 or done == total:
                        progress.info("%s: spoken %d/%d", label, done, total)
                elif job.attempt < ATTEMPTS:
                    report.retries += 1
                    progress.info("%s: retrying in a new process (%s)", label, outcome)
                    queue.append((job.path, job.text, job.attempt + 1))
                else:
                    raise SpeechError(f"could not speak {called[job.path]} after {ATTEMPTS} attempts: {outcome}")
    finally:
        for job in running:
            job.kill()


@dataclass(slots=True)
class _Attempt:
    """One fresh process speaking one text into a temporary WAV beside its cache path."""

    process: subprocess.Popen[bytes]
    path: Path
    text: str
    attempt: int
    voice: Voice
    temp: Path
    deadline: float
    libraries: set[str] = field(default_factory=set)
    resolved_voice: str = ""

    @classmethod
    def start(cls, path: Path, text: str, attempt: int, voice: Voice) -> _Attempt:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.stem}.{os.getpid()}.{attempt}.tmp.wav")
        library, data = _wheel_paths()
        job = {"text": text, "temp": str(temp), "voice": asdict(voice), "library": library, "data": data}
        job["timeout"] = TIMEOUT
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")])))
        process = subprocess.Popen(
            [sys.executable, "-c", "from publish.speaking import main; main()", json.dumps(job)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )  # fmt: skip
        return cls(process, path, text, attempt, voice, temp, time.monotonic() + TIMEOUT)

    def poll(self) -> str | None:
        """None while running; then "" when the WAV is in the cache, else why the attempt failed."""
        if self.process.poll() is None:
            if time.monotonic() < self.deadline:
                return None
            self.kill()
            return f"timed out after {TIMEOUT:.0f} s"
        out, err = self.process.communicate()
        try:
            try:
                message: dict[str, Any] = json.loads(out.decode("utf-8") or "{}")
            except ValueError:
                message = {}
            if message.get("fatal"):
                raise SpeechError(str(message["error"]), VOICES_HINT)
            if not message.get("ok"):
                tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
                return str(message.get("error") or f"exit status {self.process.returncode}: {tail[0]}")
            problem = check_wav(self.temp, self.text, self.voice.rate)
            if problem:
                return problem
            os.replace(self.temp, self.path)
        finally:
            self.temp.unlink(missing_ok=True)
        self.libraries = set(message.get("libraries", ()))
        self.resolved_voice = str(message.get("voice", ""))
        return ""

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()
        self.temp.unlink(missing_ok=True)


def check_wav(path: Path, text: str, rate: int) -> str:
    """Why a WAV cannot be the speech of ``text`` at ``rate`` words/min ("" when it plausibly is)."""
    try:
        with wave.open(str(path), "rb") as wav:
            frames, framerate = wav.getnframes(), wav.getframerate()
            width, channels = wav.getsampwidth(), wav.getnchannels()
    except (OSError, EOFError, wave.Error) as exc:
        return f"unreadable WAV: {exc}"
    if (framerate, width, channels) != (SAMPLE_RATE, 2, 1):
        return f"unexpected WAV format {framerate} Hz, {8 * width} bit, {channels} channels"
    if frames == 0:
        return "empty WAV"
    if path.stat().st_size < 44 + frames * width * channels:  # 44: the header Python's wave module writes
        return f"truncated WAV: {path.stat().st_size} bytes for {frames} frames"
    seconds = frames / framerate
    tokens = len(text.split())
    least = MIN_SHARE * max(1, tokens) / rate * 60
    most = MAX_SHARE * max(1.0, spoken_words(text)) / rate * 60 + MAX_EXTRA
    if not least <= seconds <= most:
        return f"implausible length {seconds:.2f} s for {tokens} words at {rate} words/min ({least:.1f}–{most:.1f} s)"
    return ""


def spoken_words(text: str) -> float:
    """About how many words eSpeak NG says at most for ``text``: the upper bound of a plausible length.

    A token counts as one word, or, when longer, as one word per digit (a number is read as words: "362" is
    "three hundred and sixty-two") plus one per :data:`CHARS_PER_WORD` other characters (a long token, such as
    an address or a reference the lexicon leaves alone, is read or spelled in parts).
    """
    total = 0.0
    for token in text.split():
        digits = sum(char.isdigit() for char in token)
        total += max(1.0, digits + (len(token) - digits) / CHARS_PER_WORD)
    return total


def _wheel_paths() -> tuple[str, str]:
    """The ``espeakng-loader`` wheel's library and data folder (and pyttsx3 is there to drive it)."""
    try:
        import espeakng_loader
    except ImportError as exc:
        raise SpeechError("eSpeak NG is missing", "pip install espeakng-loader (see pyproject.toml)") from exc
    if importlib.util.find_spec("pyttsx3") is None:
        raise SpeechError("pyttsx3 is missing", "pip install pyttsx3 (see pyproject.toml)")
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
