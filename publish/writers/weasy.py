"""Run WeasyPrint: lay out a print page and write the raw PDF, reading only theme files; its page boxes read back.

This is the one module that imports WeasyPrint, which takes about half a second
to import (Pango and fonts through cffi): :mod:`publish.writers.pdf` imports it
only when it renders, so building the other formats does not pay for it.
WeasyPrint is pinned in ``pyproject.toml``; :func:`continuations` reads its page
boxes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from publish.errors import PublishError


class ThemeFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads only files inside the themes folder: no network, no other file.

    A source cannot carry raw HTML, so only a theme can ask for a resource (a font, an image, an
    ``@import``); anything else is refused, and the refusal stops the rendering.
    """

    def __init__(self, themes_dir: Path) -> None:
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.root = themes_dir.resolve()

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """The bytes of a theme file; anything else raises :class:`PublishError`."""
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise PublishError(f"refused to fetch '{url}': WeasyPrint may read only the theme's files")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise PublishError(f"refused to fetch '{url}': not a file inside {self.root}")
        return URLFetcherResponse(url, body=path.read_bytes())


def lay_out(name: str, page: str, themes_dir: Path, variant: str) -> tuple[weasyprint.Document, bytes]:
    """Lay out the HTML ``page`` of document ``name`` and write it as PDF ``variant``; WeasyPrint's errors (a
    missing language, a refused fetch) fail the build."""
    errors = _ErrorLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(errors)
    try:
        fetcher = ThemeFetcher(themes_dir)
        source = weasyprint.HTML(string=page, base_url=themes_dir.resolve().as_uri() + "/", url_fetcher=fetcher)
        laid_out = source.render(pdf_variant=variant)
        raw = laid_out.write_pdf(pdf_variant=variant)
    except FatalURLFetchingError as exc:
        raise PublishError(f"{name}: {exc.__cause__ or exc}") from None
    finally:
        logger.removeHandler(errors)
    if errors.messages:
        raise PublishError(f"{name}: WeasyPrint: {'; '.join(errors.messages)}")
    return laid_out, raw


def continuations(laid_out: weasyprint.Document) -> Iterator[tuple[int, Any]]:
    """(0-based page, element) for each page whose first block continues the last block of the page before.

    Reads WeasyPrint's page boxes (pinned version): the print page's blocks are the body's children.
    """
    previous = None
    for index, laid_page in enumerate(laid_out.pages):
        blocks = [box.element for box in _body(laid_page._page_box).children]
        if blocks and previous is not None and blocks[0] is previous:
            yield index, previous
        previous = blocks[-1] if blocks else None


def _body(page_box: Any) -> Any:
    root = page_box.children[0]
    body = root.children[0] if root.element_tag == "html" and root.children else None
    if body is None or body.element_tag != "body":
        raise PublishError("WeasyPrint laid out a page without the body box: check the pinned version")
    return body


class _ErrorLog(logging.Handler):
    """Collects WeasyPrint's error messages."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
