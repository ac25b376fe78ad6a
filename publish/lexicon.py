"""Pronunciation lexicons: per-language rules that fix what eSpeak NG reads badly, applied to spoken text only.

A lexicon is a data file, ``publish/lexicons/<language>.tsv``: one rule a line,
tab-separated ``kind``, ``match``, ``spoken`` and an optional note; ``#`` starts
a comment line. ``word`` rules replace a literal matched as a whole word
("UNFCCC" → "U N F C C C"); ``regex`` rules replace a Python regular expression,
groups allowed ("2022/2700(RSP)" → "2022 slash 2700, R S P"). Rules apply in file
order. A language without a file gets an empty lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from publish.errors import SourceError

#: Where the lexicons live, one file per language (primary subtag of the BCP 47 tag).
LEXICONS_DIR = Path(__file__).resolve().parent / "lexicons"
KINDS = ("word", "regex")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: what to find and what to say instead."""

    pattern: re.Pattern[str]
    spoken: str
    line: int


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A language's rules, in order."""

    language: str
    rules: tuple[Rule, ...] = ()

    def apply(self, text: str) -> str:
        """``text`` as eSpeak NG should read it."""
        for rule in self.rules:
            text = rule.pattern.sub(rule.spoken, text)
        return text


def language_of(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag: ``en-GB`` → ``en``."""
    return tag.split("-")[0].lower()


@cache
def load(language: str, directory: Path = LEXICONS_DIR) -> Lexicon:
    """The lexicon of ``language`` (a BCP 47 tag); an empty one when there is no file for it."""
    code = language_of(language)
    path = directory / f"{code}.tsv"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Lexicon(code)
    return Lexicon(code, tuple(_parse(path, text)))


def _parse(path: Path, text: str) -> list[Rule]:
    rules: list[Rule] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (3, 4) or fields[0] not in KINDS or not fields[1]:
            raise SourceError(path, number, "a rule is KIND<TAB>MATCH<TAB>SPOKEN[<TAB>NOTE] with KIND word or regex")
        kind, match, spoken = fields[:3]
        source = rf"(?<!\w){re.escape(match)}(?!\w)" if kind == "word" else match
        try:
            pattern = re.compile(source)
            pattern.sub(spoken if kind == "regex" else "", "")
        except (re.error, IndexError) as exc:
            raise SourceError(path, number, f"bad regular expression or replacement: {exc}") from None
        rules.append(Rule(pattern, spoken if kind == "regex" else spoken.replace("\\", "\\\\"), number))
    return rules
