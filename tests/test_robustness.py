"""Robustness: killed builds keep the last good outputs, builds are reproducible, nothing is fetched, tools time out."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, SEED_SOURCE
from lxml import html
from mutagen.id3 import ID3

from publish.build import build
from publish.check import html as check_html
from publish.check.tools import ToolFailed
from publish.errors import PublishError
from publish.writers.shared import THEMES_DIR, Options
from publish.writers.weasy import ThemeFetcher

NAME = SEED_SOURCE.stem
EPOCH = "1700000000"
#: ``good`` is the seed built in every format.
FIXTURE_MARKERS = {"good": ("build",)}


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def loadable(folder: Path) -> None:
    """Every output opens with the library a reader would use."""
    assert html.parse(str(folder / f"{NAME}.html")).getroot().get_element_by_id("para_3") is not None
    for pdf in (f"{NAME}.pdf", f"{NAME}-large-print.pdf"):
        with pikepdf.open(folder / pdf) as document:
            assert len(document.pages) >= 1
    with zipfile.ZipFile(folder / f"{NAME}.epub") as epub:
        assert epub.testzip() is None
    assert len(ID3(folder / f"{NAME}.mp3").getall("CHAP")) >= 40
    assert (folder / f"{NAME}.vtt").read_text(encoding="utf-8").startswith("WEBVTT")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good")
    build([SEED_SOURCE], out)
    return out


def _edited_source(tmp_path: Path) -> Path:
    source = tmp_path / f"{NAME}.md"
    text = SEED_SOURCE.read_text(encoding="utf-8")
    source.write_text(text.replace("2. Calls on the Chinese government", "2. Urges the Chinese government"), "utf-8")
    return source


@pytest.mark.speech
@pytest.mark.parametrize(
    ("step", "after"), [("pdf", ": html → "), ("audio", "-large-print.pdf"), ("audio", "spoken 4/")]
)
def test_a_build_killed_mid_step_leaves_the_previous_outputs_intact_and_loadable(good, tmp_path, step, after):
    out = tmp_path / "build"
    subprocess.run(["cp", "-r", str(good), str(out)], check=True)
    before = hashes(out / NAME)
    env = dict(os.environ, PUBLISH_SPEECH_CACHE=str(tmp_path / "fresh-cache"))  # speaking takes long enough to kill
    process = subprocess.Popen(
        [sys.executable, "-m", "publish.cli", "build", str(_edited_source(tmp_path)), "--out", str(out)],
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    seen = []
    deadline = time.monotonic() + 120
    assert process.stderr is not None
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen.append(line)
        if after in line or not line:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "".join(seen)
    after_kill = hashes(out / NAME)
    assert set(after_kill) == set(before), "no temporary or partial file is left under an output's name"
    changed = {name for name in before if after_kill[name] != before[name]}
    assert f"{NAME}.mp3" not in changed and f"{NAME}.epub" not in changed  # not reached yet
    loadable(out / NAME)


def test_a_new_build_clears_what_a_killed_build_left_behind(good, tmp_path):
    out = tmp_path / "build"
    subprocess.run(["cp", "-r", str(good), str(out)], check=True)
    stale = out / NAME / f".{NAME}.pdf.abc123.tmp"
    stale.write_bytes(b"%PDF-1.7 half")
    build([SEED_SOURCE], out, ["pdf"])
    assert not stale.exists()


def test_two_builds_with_the_same_source_date_epoch_are_byte_identical(good, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first, second = tmp_path / "one" / "a", tmp_path / "two" / "b" / "c"
    build([SEED_SOURCE], first)
    build([SEED_SOURCE], second)
    assert hashes(first / NAME) == hashes(second / NAME)
    assert {f"{NAME}{s}" for s in (".html", ".pdf", "-large-print.pdf", ".epub", ".mp3", ".vtt")} < set(
        hashes(first / NAME)
    )


def test_outputs_hold_no_build_time_machine_path_or_user(good):
    today = time.gmtime()
    needles = [
        time.strftime("%Y-%m-%d", today), time.strftime("%Y%m%d", today), f"{good}/", f"{ROOT}/",
        f"{Path.home()}/", f"{Path(sys.executable).parent}/",
    ]  # fmt: skip
    for path in sorted((good / NAME).iterdir()):
        data = path.read_bytes()
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                data = b"".join(epub.read(name) for name in epub.namelist())
                assert all(info.date_time != today[:6] for info in epub.infolist())
        for needle in needles:
            assert needle.encode() not in data, f"{path.name} holds {needle!r}"


def test_weasyprint_may_read_only_files_inside_the_themes_folder(tmp_path):
    fetch = ThemeFetcher(THEMES_DIR).fetch
    assert fetch((THEMES_DIR / "default-print.css").as_uri()).read().startswith(b"/*")
    for url in ("https://example.org/x.css", "http://127.0.0.1:9/x.png", "file:///etc/passwd", "data:text/css,x",
                (THEMES_DIR / ".." / "README.md").resolve().as_uri()):  # fmt: skip
        with pytest.raises(PublishError, match="refused to fetch"):
            fetch(url)


@pytest.mark.parametrize("resource", ["https://example.org/remote.css", "file:///etc/passwd", "../README.md"])
def test_a_theme_asking_for_a_resource_outside_the_themes_fails_the_build(tmp_path, resource):
    themes = tmp_path / "themes"
    themes.mkdir()
    for css in THEMES_DIR.glob("*.css"):
        (themes / css.name).write_text(css.read_text(encoding="utf-8"), encoding="utf-8")
    print_css = themes / "default-print.css"
    print_css.write_text(f'@import url("{resource}");\n' + print_css.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PublishError, match="refused to fetch"):
        build([SEED_SOURCE], tmp_path / "out", ["pdf"], Options(themes_dir=themes))
    assert not (tmp_path / "out" / NAME / f"{NAME}.pdf").exists()


def test_a_hung_validator_is_stopped_with_an_error_naming_it(tmp_path, monkeypatch, good):
    hung = tmp_path / "java"
    hung.write_text("#!/bin/sh\nsleep 60\n", encoding="utf-8")
    hung.chmod(0o755)
    monkeypatch.setenv("PUBLISH_JAVA", str(hung))
    started = time.monotonic()
    with pytest.raises(ToolFailed, match=r"Nu Html Checker \(vnu.jar\) timed out after 2 s"):
        check_html.run_vnu([good / NAME / f"{NAME}.html"], timeout=2)
    assert time.monotonic() - started < 30
