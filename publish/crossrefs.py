"""Find where a resolution's text refers to its own clauses ("as set out in paragraph 3") and link them.

The importer writes each such reference as a Markdown link to the clause's anchor (``[paragraph 3](#para_3)``), so the
source says it and every edition makes it a link (the PDF's a tagged ``Link``). The words come from the language pack
(``references``: "paragraph {label}"); a reference followed by one of the pack's ``references_elsewhere`` ("paragraph 3
of Article 2", "recital 12 thereof", "paragraph 3(b)") is to a clause of another text and stays text, and only
clauses the document has are linked. A pack without ``references`` links nothing: no wording is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from publish.languages import Pack

#: What a label looks like in running text, by clause kind: "3", "C", "AB".
LABEL_PATTERNS = {"citation": r"\d{1,3}", "recital": r"[A-Z]{1,3}", "paragraph": r"\d{1,3}"}


def pattern(pack: Pack) -> re.Pattern[str] | None:
    """The pattern of the references ``pack`` knows, a named group per kind, or None when it knows none."""
    options = []
    for kind, templates in pack.references.items():
        label = LABEL_PATTERNS.get(kind)
        if label is None:
            continue
        for template in templates:
            before, _, after = template.partition("{label}")
            options.append(f"(?i:{_words(before)})(?P<{kind}_{len(options)}>{label})(?i:{_words(after)})")
    if not options:
        return None
    elsewhere = "|".join(rf"{re.escape(word)}\b" for word in pack.references_elsewhere)
    not_elsewhere = rf"(?!\s*(?:{elsewhere}))" if elsewhere else ""
    return re.compile(rf"(?<!\w)(?:{'|'.join(options)})(?![\w(]){not_elsewhere}")


def _words(text: str) -> str:
    """A template's words as a pattern in which any run of blanks matches any run of blanks."""
    return r"\s+".join(re.escape(part) for part in text.split(" ")) if text else ""


def link(text: str, found: re.Pattern[str] | None, targets: Mapping[tuple[str, str], str]) -> str:
    """``text`` (Markdown, already escaped) with each reference to a clause of ``targets`` ((kind, label) → anchor)
    written as a link to it."""
    if found is None:
        return text

    def replace(match: re.Match[str]) -> str:
        group = next(name for name, value in match.groupdict().items() if value is not None)
        eid = targets.get((group.rsplit("_", 1)[0], match[group]))
        return f"[{match[0]}](#{eid})" if eid else match[0]

    return found.sub(replace, text)
