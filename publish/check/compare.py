"""Hold every output's reading up against the source: the same clause anchors in the same order, labels agreeing, the
same words in the same order, and ``anchors.json`` telling the truth; each difference names format, clause, problem.

What the source says each format must carry is :mod:`publish.check.expect`'s; each difference is a
:class:`~publish.check.findings.Finding` that names its format (:func:`~publish.check.findings.difference`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from difflib import SequenceMatcher
from typing import Any

from publish.anchors import NON_CLAUSE
from publish.check.expect import Word
from publish.check.findings import Finding, difference
from publish.check.readback import Anchor, Channel, Reading
from publish.model import Document

#: How many differences of one kind in one file are listed one by one.
LIMIT = 12
#: Audio starts in ``anchors.json`` may differ from the chapters' by rounding to the millisecond.
TIME_TOLERANCE_MS = 1


# --- anchors --------------------------------------------------------------------------------------------------------


def clause_ids(channel: Channel, document: Document) -> list[Anchor]:
    """The channel's clause anchors in its order (a place several names share counts as the clause among them)."""
    known = set(document.anchors)
    found = []
    for anchor in channel.anchors:
        eid = anchor.id if anchor.id in known else next((name for name in anchor.also if name in known), anchor.id)
        if eid in known:
            found.append(Anchor(eid, anchor.label, anchor.spoken, anchor.caption))
    return found


def compare_anchors(fmt: str, channel: Channel, document: Document) -> list[Finding]:
    """Missing, unexpected, repeated and out-of-order clause anchors, and labels that differ from the source's."""
    if not channel.present:
        return []
    clauses = {clause.eid: clause for clause in document.iter_clauses()}
    problems: list[Finding] = []

    def problem(where: str, message: str) -> None:
        problems.append(difference(fmt, channel.name, where, message))

    for anchor in channel.anchors:
        known = anchor.id in clauses or any(name in clauses for name in anchor.also)
        if anchor.resolved and not known and not NON_CLAUSE.fullmatch(anchor.id):
            problem(anchor.id or "(no id)", "an anchor the source does not have")
    found = clause_ids(channel, document)
    counts = Counter(a.id for a in found)
    for eid, count in counts.items():
        if count > 1:
            problem(eid, f"appears {count} times")
    astray = {a.spoken: a.id for a in channel.anchors if not a.resolved and a.spoken}
    for eid, clause in clauses.items():
        if eid not in counts and clause.spoken_label in astray:
            where = astray[clause.spoken_label]
            problem(eid, f"missing: the entry {clause.spoken_label!r} opens {where}, where no anchor is")
        elif eid not in counts:
            problem(eid, "missing")
    seen = list(dict.fromkeys(a.id for a in found))
    wanted = [eid for eid in clauses if eid in counts]
    matcher = SequenceMatcher(None, wanted, seen, autojunk=False)
    in_order = {seen[block.b + k] for block in matcher.get_matching_blocks() for k in range(block.size)}
    for index, eid in enumerate(seen):
        if eid not in in_order:
            before = seen[index - 1] if index else "the start"
            position = wanted.index(eid)
            should = wanted[position - 1] if position else "the start"
            problem(eid, f"out of order: comes after {before}, the source has it after {should}")
    first: dict[str, Anchor] = {}
    for anchor in found:
        first.setdefault(anchor.id, anchor)
    for anchor in first.values():
        clause = clauses[anchor.id]
        if anchor.label is not None and anchor.label != clause.label:
            problem(anchor.id, f"shows the label {anchor.label!r}, the source has {clause.label!r}")
        if anchor.spoken is not None and anchor.spoken != clause.spoken_label:
            problem(anchor.id, f"is named {anchor.spoken!r}, the source's spoken label is {clause.spoken_label!r}")
        # A spoken label may hold a full stop itself ("1. bevezető hivatkozás"): the caption must start with all of it.
        if anchor.caption is not None and not anchor.caption.startswith(f"{clause.spoken_label}. "):
            heard = anchor.caption[: len(clause.spoken_label) + 2]
            problem(anchor.id, f"is captioned {heard!r}…, not with the source's spoken label {clause.spoken_label!r}")
    return _capped(problems)


# --- words ----------------------------------------------------------------------------------------------------------


def compare_words(
    fmt: str, expected: Sequence[Word], got: Sequence[str], *, loose_spacing: bool = False
) -> list[Finding]:
    """Every word missing, extra or changed in ``got`` against ``expected``, named by the unit it falls in.

    ``loose_spacing`` forgives words a text extractor split or joined (``thing 1 ;`` for ``thing1;``): only the PDF's
    spacing is an extractor's guess.
    """
    texts = [word.text for word in expected]
    problems = []
    matcher = SequenceMatcher(None, texts, list(got), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        want, have = texts[i1:i2], list(got[j1:j2])
        if tag == "equal" or (loose_spacing and "".join(want) == "".join(have)):
            continue
        units = list(dict.fromkeys(w.unit for w in expected[i1:i2])) or [_unit_at(expected, i1)]
        where = units[0] if len(units) == 1 else f"{units[0]} … {units[-1]}"
        if tag == "delete":
            message = f"missing {_quote(want)}{_context(texts, i1)}"
        elif tag == "insert":
            message = f"extra {_quote(have)}{_context(texts, i1)}"
        else:
            message = f"{_quote(have)} instead of {_quote(want)}{_context(texts, i1)}"
        problems.append(difference(fmt, "text", where, message))
    return _capped(problems)


def _unit_at(expected: Sequence[Word], index: int) -> str:
    if not expected:
        return "(empty)"
    return expected[min(index, len(expected) - 1)].unit


def _quote(words: Sequence[str], most: int = 8) -> str:
    shown = " ".join(words[:most]) + (" …" if len(words) > most else "")
    return f"'{shown}'" if len(words) == 1 else f"{len(words)} words '{shown}'"


def _context(texts: Sequence[str], index: int) -> str:
    return f" after '{' '.join(texts[max(0, index - 4) : index])}'" if index else " at the start"


def _capped(problems: list[Finding]) -> list[Finding]:
    if len(problems) <= LIMIT:
        return problems
    last = problems[LIMIT - 1]
    more = replace(last, location="…", message=f"and {len(problems) - LIMIT + 1} more differences")
    return [*problems[: LIMIT - 1], more]


# --- anchors.json against the files ---------------------------------------------------------------------------------


def compare_manifest(data: Mapping[str, Any], document: Document, readings: Mapping[str, Reading]) -> list[Finding]:
    """What ``anchors.json`` records for each clause (links, PDF pages, audio starts) against the files themselves."""
    problems: list[Finding] = []
    clauses = data.get("clauses") or []
    if [c.get("eid") for c in clauses] != list(document.anchors):
        problems.append(difference("anchors.json", "clauses", "(all)", "its clause list is not the source's"))
    checks = (
        ("html", "href", "link"),
        ("epub", "href", "link"),
        ("akn", "href", "link"),
        ("pdf", "page", "page"),
        ("pdf-large", "page", "page"),
    )
    for clause in clauses:
        eid = str(clause.get("eid"))
        for fmt, key, what in checks:
            reading = readings.get(fmt)
            recorded = (clause.get(fmt) or {}).get(key)
            if reading is None or recorded is None:
                continue
            actual = reading.places.get(eid)
            if recorded != actual:
                has = "no such anchor" if actual is None else f"{what} {actual!r}"
                problems.append(
                    difference("anchors.json", fmt, eid, f"records {what} {recorded!r}, the file has {has}")
                )
        mp3, start = readings.get("mp3"), (clause.get("audio") or {}).get("start")
        if mp3 is not None and start is not None:
            actual = mp3.places.get(eid)
            if not isinstance(actual, int) or abs(round(float(start) * 1000) - actual) > TIME_TOLERANCE_MS:
                has = "no such chapter" if actual is None else f"the chapter starts at {actual} ms"
                problems.append(difference("anchors.json", "audio", eid, f"records start {start} s, {has}"))
    return _capped(problems)
