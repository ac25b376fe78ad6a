"""Language packs: every word an edition prints or speaks, and the words the importer recognises, per language.

A pack is a data file, ``publish/languages/<code>.yaml``, one per official EU language, keyed by the primary
subtag of a BCP 47 tag (``fr`` for ``fr-BE``). Code holds no language's words: writers, the reader's spoken
labels and the importer take them from the pack of the document's language. A language without a pack is read
with the English one (and :func:`load` says so with ``fallback``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
SCALARS = ("code", "name", "dir", "voice", "iso639_2", "formula", "motto", "braille_table")
#: Lists every pack has; those in ``MAY_BE_EMPTY`` may be empty (a language whose recitals have no opener).
LISTS = (
    "sources", "formulas", "citation_openers", "recital_openers", "title_openers", "title_dates", "dates", "months",
    "report_title_openers",
)  # fmt: skip
MAY_BE_EMPTY = (
    "formulas", "citation_openers", "recital_openers", "title_openers", "title_dates", "report_title_openers"
)  # fmt: skip
SECTIONS = ("citations", "recitals", "paragraphs")
CLAUSES = ("citation", "recital", "paragraph", "point", "indent")
WORDS = (
    "skip", "contents", "all_clauses", "back", "notes", "note", "back_to_call", "about", "formats", "languages",
    "procedure", "landmarks", "pages", "page_of", "page", "edition_pdf", "edition_pdf_large", "edition_epub",
    "edition_audio", "edition_m4b", "edition_akn", "edition_braille", "edition_pef", "braille_notice", "listen",
    "listen_from", "download_audio", "listen_buttons",
)  # fmt: skip
#: The kinds of document a type line may name (``type_lines``), as the importer records them.
DOCUMENT_KINDS = ("motion", "joint_motion", "report", "text_adopted")
#: Placeholders a template must hold.
TEMPLATES = {"page_of": ("{page}", "{pages}"), "page": ("{page}",), "listen_from": ("{label}",)}
DATE_PLACEHOLDERS = ("{day}", "{month}", "{year}")
#: The EPUB's accessibility summary, sentence by sentence (templates; see en.yaml for the placeholders).
SUMMARY = (
    "conforms", "no_media", "text_only", "clauses", "labels_all", "labels_some", "points", "notes", "reflow",
    "narration", "narration_some", "narration_notes", "pages",
)  # fmt: skip
SUMMARY_TEMPLATES = {
    "conforms": ("{reference}",),
    "clauses": ("{count}", "{example}"),
    "labels_all": ("{label}",),
    "labels_some": ("{labelled}", "{count}"),
    "points": ("{points}",),
    "notes": ("{notes}",),
    "narration": ("{minutes}", "{seconds}", "{notes}", "{narrator}"),
    "narration_some": ("{minutes}", "{seconds}", "{voiced}", "{count}", "{narrator}"),
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
    #: The liblouis table the braille edition is translated with ("en-ueb-g2.ctb").
    braille_table: str
    #: The formula as the editions print it ("The European Parliament,"); ``formulas`` are other wordings the importer
    #: also recognises (the Swedish decision's "Europaparlamentet fattar detta beslut").
    formula: str
    formulas: tuple[str, ...]
    sources: tuple[str, ...]
    citation_openers: tuple[str, ...]
    recital_openers: tuple[str, ...]
    #: How a title line starts ("European Parliament resolution"), and where a title states its date
    #: ("European Parliament resolution of {date}").
    title_openers: tuple[str, ...]
    title_dates: tuple[str, ...]
    #: How a date is written ("{day} {month} {year}"), and the months' names as dates write them, January first;
    #: each one name or several.
    dates: tuple[str, ...]
    months: tuple[tuple[str, ...], ...]
    #: Lines that name the document's type (in any case), by kind (``DOCUMENT_KINDS``).
    type_lines: dict[str, str]
    #: A report's title after its type line ("on …"): the words it starts with, and the title it makes ({title}).
    report_title: str
    report_title_openers: tuple[str, ...]
    #: The Union's motto as page footers print it between language codes ("EN United in diversity EN").
    motto: str
    sections: dict[str, str]
    #: Clause names with their label ("Recital {label}", "{label}. bekezdés"), and how a point names the clause it
    #: belongs to ("of paragraph {label}").
    clauses: dict[str, str]
    of: dict[str, str]
    words: dict[str, str]
    summary: dict[str, str]
    #: How the text refers to its own clauses, by kind ("paragraph {label}"), and the words after such a reference
    #: that make it another text's ("of", "thereof"); optional: a pack without them links no references.
    references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    references_elsewhere: tuple[str, ...] = ()
    #: Whether liblouis back-translates the table's braille of real texts closely enough (under 2 % of a clause's
    #: words lost) for ``publish check`` to hold each clause to its words; optional, measured (README, Braille).
    braille_round_trip: bool = False
    #: Whether the table's cells are six-dot ones, which the BRF's Braille ASCII can hold; ``false`` for an eight-dot
    #: table (liblouis's Maltese and Romanian): the braille edition is then the PEF alone, and the page links no BRF.
    braille_brf: bool = True
    fallback: bool = False

    @property
    def all_formulas(self) -> tuple[str, ...]:
        """Every formula the importer recognises, the one the editions print first."""
        return (self.formula, *self.formulas)

    def spoken_label(self, kind: str, label: str, parents: tuple[tuple[str, str], ...] = ()) -> str:
        """A clause's label as heard: "Recital A", "Point (a) of paragraph 3"; label-first where the language puts
        it first ("A preambulumbekezdés").

        ``parents`` are (kind, label) of the clauses it belongs to, innermost first.
        """
        own = self.clauses[kind].format(label=label)
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
    out += [
        key
        for key in LISTS
        if isinstance(data.get(key), list)
        and ((not data[key] and key not in MAY_BE_EMPTY) or not all(_text_or_texts(item) for item in data[key]))
    ]
    if isinstance(data.get("months"), list) and len(data["months"]) != 12 and "months" not in out:
        out.append("months")
    out += [f"dates: {t}" for t in _strings(data.get("dates")) if not all(p in t for p in DATE_PLACEHOLDERS)]
    out += [f"title_dates: {t}" for t in _strings(data.get("title_dates")) if "{date}" not in t]
    report = data.get("report_title")
    if not isinstance(report, str) or (report and "{title}" not in report):
        out.append("report_title")
    lines = data.get("type_lines")
    if not isinstance(lines, dict) or not all(kind in DOCUMENT_KINDS for kind in lines.values()):
        out.append("type_lines")
    references = data.get("references", {})
    if not isinstance(references, dict) or not all(
        kind in ("citation", "recital", "paragraph") and all("{label}" in t for t in _strings(templates))
        for kind, templates in references.items()
    ):
        out.append("references")
    if not all(isinstance(word, str) and word.strip() for word in data.get("references_elsewhere", [])):
        out.append("references_elsewhere")
    out += [key for key in ("braille_round_trip", "braille_brf") if not isinstance(data.get(key, False), bool)]
    groups = (("sections", SECTIONS), ("clauses", CLAUSES), ("of", CLAUSES), ("words", WORDS), ("summary", SUMMARY))
    for group, keys in groups:
        values = data.get(group) if isinstance(data.get(group), dict) else {}
        out += [f"{group}.{key}" for key in keys if not isinstance(values.get(key), str) or not values[key].strip()]
        if group in ("clauses", "of"):
            out += [
                f"{group}.{key}" for key in keys if isinstance(values.get(key), str) and "{label}" not in values[key]
            ]
        templates = {"words": TEMPLATES, "summary": SUMMARY_TEMPLATES}.get(group, {})
        out += [
            f"{group}.{key}"
            for key, needed in templates.items()
            if isinstance(values.get(key), str) and not all(n in values[key] for n in needed)
        ]
    return out


def _text_or_texts(item: object) -> bool:
    """A list item: a non-empty string, or (a month's names) a non-empty list of them."""
    if isinstance(item, list):
        return bool(item) and all(isinstance(i, str) and i.strip() for i in item)
    return isinstance(item, str) and bool(item.strip())


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


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
        braille_table=data["braille_table"],
        formula=data["formula"],
        formulas=tuple(data["formulas"]),
        sources=tuple(data["sources"]),
        citation_openers=tuple(data["citation_openers"]),
        recital_openers=tuple(data["recital_openers"]),
        title_openers=tuple(data["title_openers"]),
        title_dates=tuple(data["title_dates"]),
        dates=tuple(data["dates"]),
        months=tuple(tuple(m) if isinstance(m, list) else (m,) for m in data["months"]),
        type_lines={line.casefold(): kind for line, kind in data["type_lines"].items()},
        report_title=data["report_title"],
        report_title_openers=tuple(data["report_title_openers"]),
        motto=data["motto"],
        sections=dict(data["sections"]),
        clauses=dict(data["clauses"]),
        of=dict(data["of"]),
        words=dict(data["words"]),
        summary=dict(data["summary"]),
        references={kind: tuple(templates) for kind, templates in (data.get("references") or {}).items()},
        references_elsewhere=tuple(data.get("references_elsewhere") or ()),
        braille_round_trip=data.get("braille_round_trip") is True,
        braille_brf=data.get("braille_brf", True),
        fallback=fallback,
    )
