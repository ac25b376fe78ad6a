"""Where the themes live: ``themes/`` of the checkout the package runs from, else where a wheel installs it."""

from __future__ import annotations

import sys
from pathlib import Path


def _themes_dir() -> Path:
    """``themes/`` of the checkout the package runs from, else where a wheel installs it: ``<prefix>/share``."""
    checkout = Path(__file__).resolve().parents[1] / "themes"
    return checkout if checkout.is_dir() else Path(sys.prefix) / "share" / "publish" / "themes"


#: The theme folder: plain CSS files, one per theme and flavour, and the fonts of the print themes.
THEMES_DIR = _themes_dir()
