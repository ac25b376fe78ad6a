"""What every writer shares: options, section headings, themes, output paths."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish import languages
from publish.errors import PublishError
from publish.model import Document, SectionKind
from publish.themes import THEMES_DIR


@dataclass(frozen=True, slots=True)
class Options:
    """Options every writer reads; each has a documented default."""

    #: Name of the CSS theme in ``themes_dir`` (``themes/<theme>.css``).
    theme: str = "default"
    #: Where the themes live.
    themes_dir: Path = THEMES_DIR
    #: Formats built beside this one, by writer name, for links between editions.
    formats: tuple[str, ...] = ()
    #: eSpeak NG voice of the audio edition (``en``, ``en-us``, ``gmw/en+f3``); "" = the source's language.
    voice: str = ""
    #: Speech rate of the audio edition in words per minute (eSpeak NG's own default).
    rate: int = 175
    #: Cache of spoken units; ``None``: ``<out>/.cache/speech`` (beside the documents).
    speech_cache: Path | None = None
    #: When the source last changed, in seconds since 1970 (the EPUB's ``dcterms:modified`` and ZIP entry times);
    #: ``None``: from the document's date.
    source_date_epoch: int | None = None
    #: Of a writer that makes several editions (the PDF writer: ``pdf``, ``pdf-large``), only these; empty: all.
    editions: tuple[str, ...] = ()
    #: Writers (by name) whose edition of this document could not be made in this build: a writer that would use
    #: it goes without (the EPUB's media overlays without the audio edition).
    failed: tuple[str, ...] = ()
    #: Where the facts of an edition a writer needs (its ``NEEDS``) were recorded when not in the document's folder:
    #: (edition, folder) pairs, the scratch folders of editions the build made only for their facts.
    provided: tuple[tuple[str, Path], ...] = ()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, **given: Any) -> Options:
        """Options as ``given``, completed from the environment (``os.environ`` when ``environ`` is ``None``): the
        only place the writers' environment is read.

        ``PUBLISH_SPEECH_CACHE`` sets :attr:`speech_cache`, ``SOURCE_DATE_EPOCH`` (the reproducible-builds
        convention) :attr:`source_date_epoch`; a value given wins over the environment's.
        """
        environ = os.environ if environ is None else environ
        cache = environ.get("PUBLISH_SPEECH_CACHE", "")
        if cache and given.get("speech_cache") is None:
            given["speech_cache"] = Path(cache)
        epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch and given.get("source_date_epoch") is None:
            if not epoch.isdigit():
                raise PublishError(f"SOURCE_DATE_EPOCH is not a number of seconds: '{epoch}'")
            given["source_date_epoch"] = int(epoch)
        return cls(**given)

    def facts_folder(self, edition: str, out_dir: Path) -> Path:
        """The folder whose manifest holds ``edition``'s facts for the document built in ``out_dir``."""
        return dict(self.provided).get(edition, out_dir)


def words(document: Document) -> dict[str, str]:
    """The chrome's words in the document's language (:mod:`publish.languages`)."""
    return languages.load(document.metadata.language).words


def pack(document: Document) -> languages.Pack:
    """The language pack of the document's language."""
    return languages.load(document.metadata.language)


#: The longest title a page or a PDF window gets, in characters (the full title is the page's ``h1``): screen readers
#: announce it on every window switch, and outloud (DOC-040) finds a title of more than 200 characters unhelpful.
TITLE_MAX = 160


def document_title(document: Document) -> str:
    """The title of a page or a PDF: "B9-0311/2022: European Parliament resolution on …", cut at a word with "…"
    when longer than :data:`TITLE_MAX` (some texts adopted have titles of 250 characters)."""
    meta = document.metadata
    title = f"{meta.reference}: {meta.title}"
    if len(title) <= TITLE_MAX:
        return title
    return title[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:–- ") + "…"


def section_heading(document: Document, kind: SectionKind) -> str:
    """The heading of a section in the document's language."""
    return pack(document).sections[kind.value]


def page_css(document: Document) -> str:
    """The page-number line of the paged editions in the document's language ("Page 3 of 4"), as a CSS rule that
    fills the themes' ``@bottom-center`` margin box."""
    before, _, rest = pack(document).words["page_of"].partition("{page}")
    middle, _, after = rest.partition("{pages}")
    parts = [_css_string(before), "counter(page)", _css_string(middle), "counter(pages)", _css_string(after)]
    return "@page { @bottom-center { content: " + " ".join(p for p in parts if p) + "; } }"


def _css_string(text: str) -> str:
    """``text`` as a CSS string ("" for none): backslashes, quotes and line ends escaped."""
    if not text:
        return ""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def theme_css(options: Options, flavour: str = "") -> str:
    """The text of the theme's CSS file (``<theme>.css`` or ``<theme>-<flavour>.css``)."""
    name = f"{options.theme}-{flavour}" if flavour else options.theme
    path = options.themes_dir / f"{name}.css"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PublishError(f"theme '{name}' not found: {path}: {exc.strerror}") from None


def output_path(document: Document, out_dir: Path, suffix: str) -> Path:
    """Where a document's output of a format goes: ``<out_dir>/<name><suffix>``."""
    return out_dir / f"{document.name}{suffix}"
