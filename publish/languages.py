"""Language packs: every word an edition prints or speaks, and the words the importer recognises, per language.

A pack is a data file, ``publish/languages/<code>.yaml``, one per official EU language, keyed by the primary
subtag of a BCP 47 tag (``fr`` for ``fr-BE``). Code holds no language's words: writers, the reader's spoken
labels and the importer take them from the pack of the document's language. A language without a pack is read
with the English one (and :func:`load` says so with ``fallback``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from publish.errors import PublishError

#: Where the packs live.
LANGUAGES_DIR = Path(__file__).resolve().parent / "languages"
#: The pack used for a language that has none.
FALLBACK = "en"

#: What every pack holds: top-level keys, and the keys of its mappings.
SCALARS = ("code", "name", "dir", "voice", "iso639_2", "formula")
LISTS = ("sources", "citation_openers", "recital_openers")
SECTIONS = ("citations", "recitals", "paragraphs")
CLAUSES = ("citation", "recital", "paragraph", "point", "indent")
WORDS = (
    "skip", "contents", "back", "notes", "note", "back_to_call", "about", "formats", "languages", "procedure",
    "landmarks", "pages", "page_of", "edition_pdf", "edition_pdf_large", "edition_epub", "edition_audio",
)  # fmt: skip
#: The EPUB's accessibility summary, sentence by sentence (templates; see en.yaml for the placeholders).
SUMMARY = ("conforms", "no_media", "text_only", "clauses", "reflow", "narration", "narration_notes", "pages")
#: Placeholders a template must hold.
TEMPLATES = {"page_of": ("{page}", "{pages}")}
SUMMARY_TEMPLATES = {
    "conforms": ("{reference}",),
    "clauses": ("{count}", "{example}"),
    "narration": ("{minutes}", "{seconds}", "{notes}", "{narrator}"),
    "pages": ("{pages}",),
}


@dataclass(frozen=True, slots=True)
class Pack:
    """One language's words."""

    code: str
    name: str
    dir: str
    voice: str
    iso639_2: str
    formula: str
    sources: tuple[str, ...]
    citation_openers: tuple[str, ...]
    recital_openers: tuple[str, ...]
    sections: dict[str, str]
    clauses: dict[str, str]
    of: dict[str, str]
    words: dict[str, str]
    summary: dict[str, str]
    fallback: bool = False

    def spoken_label(self, kind: str, label: str, parents: tuple[tuple[str, str], ...] = ()) -> str:
        """A clause's label as heard: "Recital A", "Point (a) of paragraph 3".

        ``parents`` are (kind, label) of the clauses it belongs to, innermost first.
        """
        own = f"{self.clauses[kind]} {label}"
        return " ".join([own, *(self.of[parent].format(label=text) for parent, text in parents)])


def primary(language: str) -> str:
    """The primary subtag of a BCP 47 tag, in lower case: ``fr-BE`` → ``fr``."""
    return language.split("-")[0].lower()


def available() -> tuple[str, ...]:
    """The codes of every pack there is."""
    return tuple(sorted(path.stem for path in LANGUAGES_DIR.glob("*.yaml")))


@cache
def load(language: str) -> Pack:
    """The pack of ``language`` (a BCP 47 tag), else the English pack marked ``fallback``."""
    code = primary(language)
    path = LANGUAGES_DIR / f"{code}.yaml"
    if not path.is_file():
        return _read(LANGUAGES_DIR / f"{FALLBACK}.yaml", fallback=True)
    return _read(path)


def missing(data: dict[str, Any]) -> list[str]:
    """The keys a pack's data lacks or leaves empty, as ``words.skip``; a template without its placeholders too."""
    out = [key for key in SCALARS if not isinstance(data.get(key), str) or not data[key].strip()]
    out += [key for key in LISTS if not isinstance(data.get(key), list)]
    if isinstance(data.get("sources"), list) and not data["sources"]:
        out.append("sources")
    groups = (("sections", SECTIONS), ("clauses", CLAUSES), ("of", CLAUSES), ("words", WORDS), ("summary", SUMMARY))
    for group, keys in groups:
        values = data.get(group) if isinstance(data.get(group), dict) else {}
        out += [f"{group}.{key}" for key in keys if not isinstance(values.get(key), str) or not values[key].strip()]
        if group == "of":
            out += [f"of.{key}" for key in keys if isinstance(values.get(key), str) and "{label}" not in values[key]]
        templates = {"words": TEMPLATES, "summary": SUMMARY_TEMPLATES}.get(group, {})
        out += [
            f"{group}.{key}"
            for key, needed in templates.items()
            if isinstance(values.get(key), str) and not all(n in values[key] for n in needed)
        ]
    return out


def _read(path: Path, fallback: bool = False) -> Pack:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PublishError(f"language pack {path}: {exc}") from None
    if not isinstance(data, dict):
        raise PublishError(f"language pack {path}: not a mapping of keys")
    lacking = missing(data)
    if lacking:
        raise PublishError(f"language pack {path} lacks {', '.join(lacking)}")
    return Pack(
        code=data["code"],
        name=data["name"],
        dir=data["dir"],
        voice=data["voice"],
        iso639_2=data["iso639_2"],
        formula=data["formula"],
        sources=tuple(data["sources"]),
        citation_openers=tuple(data["citation_openers"]),
        recital_openers=tuple(data["recital_openers"]),
        sections=dict(data["sections"]),
        clauses=dict(data["clauses"]),
        of=dict(data["of"]),
        words=dict(data["words"]),
        summary=dict(data["summary"]),
        fallback=fallback,
    )
