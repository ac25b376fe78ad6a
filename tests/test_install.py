"""Installed from a wheel, without the checkout: the package finds its themes, lexicons and checks, and builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SEED_SOURCE

from publish import formats

PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline (no build isolation: setuptools is a test dependency) from a copy of the
    files it is made of, so that setuptools' own build/ and egg-info stay out of the checkout."""
    folder = tmp_path_factory.mktemp("wheel")
    tree = folder / "tree"
    for name in ("publish", "themes"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    subprocess.run([*PIP, "wheel", str(tree), "--no-deps", "--no-build-isolation", "-w", str(folder)], check=True)
    return next(folder.glob("publish-*.whl"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A new virtual environment with the project's wheel installed (not editable); the dependencies are the
    test environment's, put on its path by a ``.pth`` file (so nothing is downloaded)."""
    venv = tmp_path_factory.mktemp("install") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    Path(site, "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run([*PIP, "--python", str(python), "install", "--no-deps", str(wheel)], check=True)
    return venv


def test_the_wheel_carries_every_theme_lexicon_and_the_pdf_check(wheel):
    """What the package reads besides its code: the themes and their fonts (as data), the lexicons, veraPDF's PDF/UA
    check, the HTML page's read-along script."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    files = [*(ROOT / "themes").glob("*.css"), *(ROOT / "themes" / "fonts").iterdir()]
    themes = {f"publish-0.1.0.data/data/share/publish/{path.relative_to(ROOT)}" for path in files}
    assert any(path.suffix == ".ttf" for path in files)
    lexicons = {f"publish/lexicons/{tsv.name}" for tsv in (ROOT / "publish" / "lexicons").glob("*.tsv")}
    assert themes and lexicons
    assert themes | lexicons | {"publish/check/verapdf/VeraUA.java", "publish/writers/readalong.js"} <= names


@pytest.mark.build
def test_an_installed_wheel_builds_every_format_outside_the_checkout(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    source = tmp_path / "B9-0311-2022.md"
    source.write_bytes(SEED_SOURCE.read_bytes())
    where = subprocess.run([installed / "bin" / "python", "-c", "import publish; print(publish.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert Path(where).is_relative_to(installed), where
    done = subprocess.run([installed / "bin" / "publish", "build", "-q", "-o", "out", source.name],
                          cwd=tmp_path, env=env, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "out" / "B9-0311-2022"
    suffixes = [file.suffix for file in formats.FILES]
    assert {path.name for path in folder.iterdir()} == {f"B9-0311-2022{s}" for s in suffixes} | {"anchors.json"}
    theme = (ROOT / "themes" / "default.css").read_text(encoding="utf-8")
    assert theme.strip().splitlines()[-1] in (folder / "B9-0311-2022.html").read_text(encoding="utf-8")
