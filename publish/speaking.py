"""The speaking process: speak one text to a WAV with pyttsx3 over the eSpeak NG wheel, then exit.

Run by :mod:`publish.speech` as ``python -c "from publish.speaking import main; main()" JOB``, one fresh
process per text. It imports only what speaking needs, as every spoken unit pays for this process's start.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import time
from typing import Any


def main() -> None:
    """Speak the job (JSON) given on the command line; write the outcome (JSON) to stdout."""
    out = sys.stdout
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - pyttsx3 prints "Audio saved to …"
    try:
        job = json.loads(sys.argv[1])
        result = speak_once(job)
    except BaseException as exc:  # report anything: the parent retries in a new process
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    out.write(json.dumps(result))
    out.flush()


def speak_once(job: dict[str, Any]) -> dict[str, Any]:
    """Speak ``job["text"]`` into ``job["temp"]`` with the job's voice, rate and volume; the outcome as a dict."""
    voice = job["voice"]
    # The wheel's library first, globally, so pyttsx3's dlopen("libespeak-ng.so.1") finds it by SONAME;
    # without ESPEAK_DATA_PATH it would look for its data where the wheel was built, and exit.
    os.environ["ESPEAK_DATA_PATH"] = job["data"]
    ctypes.CDLL(job["library"], mode=ctypes.RTLD_GLOBAL)
    import pyttsx3
    from pyttsx3.drivers import _espeak

    tts = pyttsx3.init("espeak")
    finished: list[bool] = []
    tts.connect("finished-utterance", lambda name, completed: finished.append(completed))
    errors: list[str] = []  # pyttsx3 reports a failed command (an unknown voice) as an event, not an exception
    tts.connect("error", lambda name, exception: errors.append(str(exception)))
    _wait_idle(_espeak)
    tts.runAndWait()  # the first runAndWait of a process returns before speaking: spend it on nothing
    tts.setProperty("voice", voice["voice"])
    tts.setProperty("rate", voice["rate"])
    tts.setProperty("volume", voice["volume"])
    if errors:
        return {"ok": False, "fatal": True, "error": f"eSpeak NG refused voice {voice['voice']!r}: {errors[0]}"}
    _wait_idle(_espeak)
    tts.proxy._driver._stopping = False  # a stale stop would cancel this utterance
    tts.save_to_file(job["text"], job["temp"])
    tts.runAndWait()
    deadline = time.monotonic() + job["timeout"]
    while not finished and time.monotonic() < deadline:
        time.sleep(0.005)
    if errors or finished != [True]:
        return {"ok": False, "error": f"utterance not completed: {finished} {errors}"}
    return {"ok": True, "voice": str(tts.getProperty("voice") or ""), "libraries": sorted(mapped("espeak"))}


def _wait_idle(espeak: Any, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while espeak.IsPlaying() and time.monotonic() < deadline:
        time.sleep(0.002)


def mapped(word: str) -> set[str]:
    """Files this process has mapped whose name contains ``word`` (none known where there is no ``/proc``)."""
    found: set[str] = set()
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                parts = line.split(maxsplit=5)
                if len(parts) == 6 and word in os.path.basename(parts[5].strip()):
                    found.add(parts[5].strip())
    except OSError:
        pass
    return found
