"""Turn a resolution's Markdown source into a :class:`~publish.model.Document`.

The source is CommonMark (markdown-it-py) with YAML front matter. Every clause
is one Markdown paragraph that starts with its official label; ``## Citations``,
``## Recitals`` and ``## Paragraphs`` open the sections, ``###`` is a subheading
between the clauses of a section (``####`` one below it); footnotes use the
``[^1]`` syntax; ``{#anchor}`` on the line before a clause overrides its anchor.
Everything else — raw HTML, images, lists, code, other headings — is refused
with an error naming the file and line.
"""

from __future__ import annotations

import glob
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from publish import anchors, languages
from publish.errors import SourceError
from publish.frontmatter import read_front_matter
from publish.labels import Label, LabelStyle, find_label, first_value, next_value, spoken_label
from publish.model import (
    Clause,
    ClauseKind,
    Document,
    Emphasis,
    Footnote,
    FootnoteRef,
    Inline,
    Link,
    Section,
    SectionKind,
    Strong,
    Subheading,
    Text,
    Version,
    plain_text,
)

#: A resolution is tens of kilobytes; refuse anything far beyond before parsing it.
MAX_SOURCE_BYTES = 4 * 1024 * 1024

#: Section headings, as written after ``##``, case-insensitive.
SECTION_HEADINGS: dict[str, SectionKind] = {
    "citations": SectionKind.CITATIONS,
    "recitals": SectionKind.RECITALS,
    "paragraphs": SectionKind.PARAGRAPHS,
}
SECTION_ORDER = tuple(SectionKind)

#: Which label starts a new clause in each section.
SECTION_STYLE: dict[SectionKind, LabelStyle] = {
    SectionKind.CITATIONS: LabelStyle.BULLET,
    SectionKind.RECITALS: LabelStyle.UPPER,
    SectionKind.PARAGRAPHS: LabelStyle.NUMBER,
}
SECTION_CLAUSE: dict[SectionKind, ClauseKind] = {
    SectionKind.CITATIONS: ClauseKind.CITATION,
    SectionKind.RECITALS: ClauseKind.RECITAL,
    SectionKind.PARAGRAPHS: ClauseKind.PARAGRAPH,
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: Subheadings between clauses, by heading tag: ``###`` heads clauses, ``####`` a part of a ``###`` subheading.
SUBHEADING_LEVELS = {"h3": 1, "h4": 2}

_FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
#: Layout white space, folded to one space; other spaces (U+00A0 in "20 000") are the text's own and kept.
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


def markdown() -> MarkdownIt:
    """The configured parser: CommonMark, front matter, footnotes, ``{#id}`` blocks; no lists or code blocks.

    Lists are off because a clause's label ("1.", "-") is its own text, and
    indented code is off so that points may be indented freely. Raw HTML stays on
    only so that the reader can find it and refuse it.
    """
    md = MarkdownIt("commonmark").disable(["list", "code", "lheading"])
    md.use(front_matter_plugin).use(footnote_plugin).use(attrs_block_plugin)
    md.validateLink = lambda url: True  # the reader checks every link itself, with its line
    return md


def read(path: Path, name: str | None = None) -> Document:
    """Read and check the source file at ``path``."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(path, 0, f"cannot read the source: {exc.strerror}") from None
    if size > MAX_SOURCE_BYTES:
        raise SourceError(
            path, 1, f"the source is {size:,} bytes, more than the {MAX_SOURCE_BYTES:,} a resolution can need"
        )
    text = decode(path.read_bytes(), path)
    document = parse(text, path, name)
    versions = language_versions(path)
    own = _VERSION_NAME.fullmatch(path.stem)
    if versions and own and own["language"] != document.metadata.language.split("-")[0].lower():
        line = next((n for n, raw in enumerate(text.splitlines(), 1) if raw.startswith("language:")), 1)
        raise SourceError(
            path,
            line,
            f"the language version '{path.name}' says its language is '{document.metadata.language}'",
            f"a source named <document>.{own['language']}.md is in language {own['language']}",
        )
    return replace(document, versions=versions)


#: A language version's source: ``<document>.<language>.md``, the language a primary subtag (``fr``).
_VERSION_NAME = re.compile(r"(?P<base>.+)\.(?P<language>[a-z]{2,3})")


def language_versions(path: Path) -> tuple[Version, ...]:
    """The language versions of the document whose source is ``path``, when it is one of them.

    A source named ``<document>.<language>.md`` (``TA-9-2022-0237.fr.md``) is a language version; every source
    beside it named ``<document>.<other language>.md`` is another. One alone is no parallel document.
    """
    match = _VERSION_NAME.fullmatch(path.stem)
    if match is None:
        return ()
    versions = []
    for sibling in sorted(path.parent.glob(f"{glob.escape(match['base'])}.*{path.suffix}")):
        other = _VERSION_NAME.fullmatch(sibling.stem)
        if other and other["base"] == match["base"]:
            versions.append(Version(other["language"], sibling.stem))
    return tuple(versions) if len(versions) > 1 else ()


def decode(data: bytes, path: Path) -> str:
    """The source's text: UTF-8 with no NUL bytes, CRLF line ends made LF."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            path, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", "save the file as UTF-8"
        ) from None
    if "\0" in text:
        raise SourceError(path, text.count("\n", 0, text.index("\0")) + 1, "NUL byte in the source")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str, path: Path, name: str | None = None) -> Document:
    """Build the document model from the source text; ``path`` names the file in errors."""
    env: dict = {}
    tokens = markdown().parse(text, env)
    return _Reader(path, text, env).document(tokens, name or path.stem)


@dataclass
class _Draft:
    """A clause while the reader still collects its points."""

    kind: ClauseKind
    label: Label
    num: str
    content: tuple[Inline, ...]
    line: int
    eid_override: str | None
    parent: _Draft | None = None
    points: list[_Draft] = field(default_factory=list)
    eid: str = ""
    spoken: str = ""


@dataclass
class _SubheadingDraft:
    """A subheading while the reader still collects the clauses after it."""

    content: tuple[Inline, ...]
    line: int
    start: int  # how many of the section's clauses come before it
    level: int


@dataclass
class _SectionDraft:
    kind: SectionKind
    line: int
    clauses: list[_Draft] = field(default_factory=list)
    subheadings: list[_SubheadingDraft] = field(default_factory=list)


class _Reader:
    """Walks markdown-it's token stream once, checking as it goes."""

    def __init__(self, path: Path, text: str, env: dict) -> None:
        self.path = path
        self.text = text
        self.env = env
        self.language = "en"
        self.links: list[tuple[str, int]] = []
        self.footnote_numbers: dict[str, int] = {}

    def error(self, line: int, message: str, hint: str | None = None) -> SourceError:
        return SourceError(self.path, line, message, hint)

    # -- the walk --------------------------------------------------------------

    def document(self, tokens: Sequence[Token], name: str) -> Document:
        if not tokens or tokens[0].type != "front_matter":
            if self.text.startswith("---"):
                raise self.error(1, "the front matter is not closed", "end it with a line of three hyphens: ---")
            raise self.error(1, "missing front matter", "start the source with the metadata between two '---' lines")
        metadata = read_front_matter(tokens[0].content, self.path, first_line=2)
        self.language = metadata.language
        formula: str | None = None
        sections: list[_SectionDraft] = []
        footnotes: list[Footnote] = []
        pending_id: str | None = None
        i = 1
        while i < len(tokens):
            token = tokens[i]
            line = _line(token)
            if token.type == "paragraph_open":
                inline = tokens[i + 1]
                pending_id = self._anchor_override(token)
                if not sections:
                    if formula is not None or find_label(inline.content) is not None:
                        raise self.error(
                            line,
                            "clause outside any section",
                            f"only the formula ('{languages.load(self.language).formula}') comes before the first "
                            "'## Citations', '## Recitals' or '## Paragraphs' heading",
                        )
                    if pending_id:
                        raise self.error(line, "the formula cannot take an anchor")
                    formula = _plain(self._inlines(inline))
                else:
                    self._clause(sections[-1], inline, pending_id)
                i += 3
            elif token.type == "heading_open" and token.tag in SUBHEADING_LEVELS and sections:
                self._subheading(sections[-1], token, tokens[i + 1])
                i += 3
            elif token.type == "heading_open":
                sections.append(self._section(token, tokens[i + 1], sections))
                i += 3
            elif token.type == "footnote_block_open":
                i, footnotes = self._footnotes(tokens, i + 1)
            elif token.type == "html_block":
                raise self.error(line, "raw HTML is not allowed in a source", "write the text as Markdown")
            else:
                raise self.error(line, f"unknown structure ({_describe(token)})", _STRUCTURE_HINT)
        if formula is None:
            line = sections[0].line if sections else _line(tokens[0])
            formula_words = languages.load(self.language).formula
            raise self.error(line, "missing the formula", f"write '{formula_words}' before the sections")
        if not sections:
            raise self.error(len(self.text.splitlines()), "the source has no clauses")
        self._check_subheadings(sections[-1])
        self._check_footnote_definitions()
        numbers = itertools.count(1)
        built = tuple(self._freeze_section(s, numbers) for s in sections)
        document = Document(name, metadata, formula, built, tuple(footnotes))
        self._check_anchors(document)
        return document

    def _anchor_override(self, token: Token) -> str | None:
        attrs = dict(token.attrs)
        if not attrs:
            return None
        line = _line(token) - 1
        if set(attrs) != {"id"}:
            raise self.error(line, "only an anchor ({#anchor}) may be set on a clause")
        eid = str(attrs["id"])
        if not anchors.is_valid_eid(eid):
            raise self.error(
                line, f"invalid anchor '{eid}'", "an anchor starts with a letter and holds only A-Z a-z 0-9 _ -"
            )
        return eid

    def _section(self, token: Token, inline: Token, sections: list[_SectionDraft]) -> _SectionDraft:
        line = _line(token)
        if token.tag != "h2":
            raise self.error(
                line,
                f"unexpected level-{token.tag[1:]} heading '{inline.content}'",
                "the title goes in the front matter; sections are '## Citations', '## Recitals', '## Paragraphs'; "
                "a subheading between clauses is '### ' inside a section",
            )
        kind = SECTION_HEADINGS.get(inline.content.strip().casefold())
        if kind is None:
            raise self.error(
                line, f"unknown section '{inline.content}'", "sections are Citations, Recitals and Paragraphs"
            )
        if sections:
            self._check_subheadings(sections[-1])
        if sections and not sections[-1].clauses:
            raise self.error(sections[-1].line, f"the {sections[-1].kind} section is empty")
        seen = [s.kind for s in sections]
        if kind in seen:
            raise self.error(line, f"a second {kind} section")
        if seen and SECTION_ORDER.index(kind) < SECTION_ORDER.index(seen[-1]):
            raise self.error(
                line,
                f"the {kind} section comes after the {seen[-1]} section",
                "the order is citations, recitals, paragraphs",
            )
        return _SectionDraft(kind, line)

    def _subheading(self, section: _SectionDraft, token: Token, inline: Token) -> None:
        line = _line(inline)
        level = SUBHEADING_LEVELS[token.tag]
        self._check_subheadings(section, level)
        if level > 1 and not any(s.level == level - 1 for s in section.subheadings):
            raise self.error(
                line,
                f"a level-{level} subheading ('{'#' * (level + 2)} {inline.content}') before any "
                f"'{'#' * (level + 1)}' subheading of its section",
                f"write '{'#' * (level + 1)} ' for a subheading of the section's clauses",
            )
        content = self._inlines(inline)
        if not _plain(content):
            raise self.error(line, "empty subheading", "write the heading's text after '### '")
        if any(not isinstance(node, Text | Emphasis | Strong) for node in content):
            raise self.error(line, "a subheading holds text only: no links or footnote calls")
        section.subheadings.append(_SubheadingDraft(content, line, len(section.clauses), level))

    def _check_subheadings(self, section: _SectionDraft, next_level: int = 0) -> None:
        """The section's last subheading must head a clause, or a deeper subheading coming next (``next_level``)."""
        last = section.subheadings[-1] if section.subheadings else None
        if last is not None and last.start == len(section.clauses) and next_level <= last.level:
            raise self.error(
                last.line,
                f"the subheading '{_plain(last.content)}' heads no clause",
                "a subheading stands before the clauses it heads, inside their section",
            )

    # -- clauses ---------------------------------------------------------------

    def _clause(self, section: _SectionDraft, inline: Token, eid_override: str | None) -> None:
        line = _line(inline)
        current = section.clauses[-1] if section.clauses else None
        last_letter = _last_point(current, LabelStyle.LOWER)
        last_roman = _last_point(last_letter or current, LabelStyle.ROMAN)
        label = find_label(
            inline.content,
            last_letter.label.value if last_letter else None,
            last_roman.label.value if last_roman else None,
        )
        own_style = SECTION_STYLE[section.kind]
        if label is None:
            raise self.error(
                line, f"a {SECTION_CLAUSE[section.kind]} must start with its label", _label_hint(section.kind)
            )
        if label.style is own_style:
            parent, kind = None, SECTION_CLAUSE[section.kind]
            siblings = section.clauses
        elif section.kind is SectionKind.CITATIONS or current is None:
            raise self.error(
                line, f"a {SECTION_CLAUSE[section.kind]} must start with its label", _label_hint(section.kind)
            )
        elif label.style is LabelStyle.ROMAN and last_letter is not None:
            parent, kind, siblings = last_letter, ClauseKind.POINT, last_letter.points
        else:
            parent = current
            kind = ClauseKind.INDENT if label.style is LabelStyle.BULLET else ClauseKind.POINT
            siblings = current.points
        content = self._inlines(inline, skip=label.length, style=own_style, next_label=self._next_label(section))
        if not _plain(content):
            raise self.error(line, f"empty {kind}: the label '{label.text or '-'}' has no text")
        num = self._number(kind, label, siblings, line)
        draft = _Draft(kind, label, num, content, line, eid_override, parent)
        siblings.append(draft)

    def _number(self, kind: ClauseKind, label: Label, siblings: list[_Draft], line: int) -> str:
        """Check the label's place in its sequence; return the clause's number for its anchor."""
        same = [s for s in siblings if s.label.style is label.style]
        if label.style is LabelStyle.BULLET:
            return str(len(same) + 1)
        expected = next_value(label.style, same[-1].label.value) if same else first_value(label.style)
        if label.value != expected:
            what = f"{kind} '{label.text}'"
            earlier = next((s for s in same if s.label.value == label.value), None)
            if earlier is not None:
                raise self.error(line, f"duplicate {what}: the same label is at line {earlier.line}")
            after = f" after '{same[-1].label.text}'" if same else ""
            raise self.error(line, f"{what} is out of sequence: expected '{_printed(label, expected)}'{after}")
        return anchors.clean_num(label.text)

    def _next_label(self, section: _SectionDraft) -> str | None:
        """The label the next clause of the section would start with, to spot clauses run together."""
        style = SECTION_STYLE[section.kind]
        if style is LabelStyle.BULLET:
            return None
        own = [c for c in section.clauses if c.label.style is style]
        value = next_value(style, own[-1].label.value) if own else first_value(style)
        value = next_value(style, value)  # the clause being read takes the expected one
        return f"{value}."

    # -- inline content ----------------------------------------------------------

    def _inlines(
        self, inline: Token, skip: int = 0, style: LabelStyle | None = None, next_label: str | None = None
    ) -> tuple[Inline, ...]:
        """Convert an inline token's children, dropping the first ``skip`` characters (the label)."""
        stack: list[tuple[str, str, list[Inline]]] = [("", "", [])]
        line = _line(inline)
        for child in inline.children or []:
            kind = child.type
            if kind == "text":
                text = child.content
                if skip:
                    text, skip = text[skip:], 0
                stack[-1][2].append(Text(text))
            elif kind in ("softbreak", "hardbreak"):
                line += 1
                self._check_run_together(inline, line, style, next_label)
                stack[-1][2].append(Text(" "))
            elif kind in ("em_open", "strong_open", "link_open"):
                href = str(child.attrs.get("href", ""))
                if kind == "link_open":
                    self._check_link(href, line)
                stack.append((kind, href, []))
            elif kind in ("em_close", "strong_close", "link_close"):
                opened, href, children = stack.pop()
                node: Inline
                if opened == "em_open":
                    node = Emphasis(_normalise(children))
                elif opened == "strong_open":
                    node = Strong(_normalise(children))
                else:
                    node = Link(href, _normalise(children))
                stack[-1][2].append(node)
            elif kind == "footnote_ref":
                stack[-1][2].append(self._footnote_ref(child))
            elif kind == "footnote_anchor":
                continue
            elif kind == "html_inline":
                raise self.error(
                    line, f"raw HTML is not allowed in a source: {child.content}", "write the text as Markdown"
                )
            elif kind == "image":
                raise self.error(line, "images are not allowed in a resolution's text")
            elif kind == "code_inline":
                raise self.error(line, "code spans are not allowed in a resolution's text", "remove the backticks")
            else:
                raise self.error(line, f"unknown inline structure ({kind})")
        content = _normalise(stack[0][2])
        for node in content:
            self._check_footnote_calls(node, _line(inline))
        return content

    def _check_run_together(self, inline: Token, line: int, style: LabelStyle | None, next_label: str | None) -> None:
        rest = inline.content.split("\n")[line - _line(inline)].lstrip()
        label = find_label(rest)
        if label is None or style is None:
            return
        if (style is LabelStyle.BULLET and label.style is LabelStyle.BULLET) or label.text == next_label:
            raise self.error(
                line,
                f"this line looks like a new clause ('{label.text or rest[0]}') run into the one above",
                "separate clauses with a blank line",
            )

    def _check_link(self, href: str, line: int) -> None:
        if href.startswith("#"):
            self.links.append((href[1:], line))
            return
        scheme = urlsplit(href).scheme.lower()
        if scheme not in LINK_SCHEMES:
            raise self.error(
                line,
                f"link target '{href}' is not allowed",
                "links go to http(s) or mailto URLs, or to a clause as '#para_3'",
            )

    def _footnote_ref(self, token: Token) -> FootnoteRef:
        number = int(token.meta["id"]) + 1
        sub = int(token.meta.get("subId", 0))
        ref = anchors.footnote_ref_eid(number, sub + 1)
        return FootnoteRef(number, ref, anchors.footnote_eid(number))

    def _check_footnote_calls(self, node: Inline, line: int) -> None:
        if isinstance(node, Text):
            call = _FOOTNOTE_CALL.search(node.text)
            if call:
                raise self.error(
                    line, f"footnote call [^{call[1]}] has no note", f"add '[^{call[1]}]: text' at the end"
                )
        elif isinstance(node, Emphasis | Strong | Link):
            for child in node.children:
                self._check_footnote_calls(child, line)

    # -- footnotes ---------------------------------------------------------------

    def _footnotes(self, tokens: Sequence[Token], i: int) -> tuple[int, list[Footnote]]:
        notes: list[Footnote] = []
        while tokens[i].type != "footnote_block_close":
            token = tokens[i]
            if token.type == "footnote_open":
                number = int(token.meta["id"]) + 1
                paragraphs = []
                line = 0
                i += 1
                while tokens[i].type != "footnote_close":
                    if tokens[i].type == "inline":
                        line = line or _line(tokens[i])
                        paragraphs.append(self._inlines(tokens[i]))
                    elif tokens[i].type not in ("paragraph_open", "paragraph_close", "footnote_anchor"):
                        raise self.error(
                            _line(tokens[i]) or line, f"unknown structure in a footnote ({_describe(tokens[i])})"
                        )
                    i += 1
                content = tuple(node for p in paragraphs for node in p)
                if not _plain(content):
                    raise self.error(line, f"footnote {number} is empty")
                notes.append(Footnote(number, anchors.footnote_eid(number), content, line))
            i += 1
        return i + 1, notes

    def _check_footnote_definitions(self) -> None:
        refs = self.env.get("footnotes", {}).get("refs", {})
        for key, ident in refs.items():
            if ident == -1:
                label = key.removeprefix(":")
                line = next(
                    (n for n, text in enumerate(self.text.splitlines(), 1) if text.lstrip().startswith(f"[^{label}]:")),
                    1,
                )
                raise self.error(
                    line, f"footnote [^{label}] is never called in the text", f"call it with [^{label}] or remove it"
                )

    # -- freezing and anchors ------------------------------------------------------

    def _freeze_section(self, section: _SectionDraft, numbers: Iterator[int]) -> Section:
        clauses = tuple(self._freeze(c) for c in section.clauses)
        ends = [s.start for s in section.subheadings[1:]] + [len(clauses)] * bool(section.subheadings)
        subheadings = tuple(
            Subheading(anchors.subheading_eid(next(numbers)), s.content, s.line, clauses[s.start : end], s.level)
            for s, end in zip(section.subheadings, ends, strict=True)
        )
        return Section(section.kind, anchors.SECTION_EID[section.kind], clauses, section.line, subheadings)

    def _freeze(self, draft: _Draft) -> Clause:
        parent = draft.parent
        draft.eid = draft.eid_override or anchors.clause_eid(draft.kind, draft.num, parent.eid if parent else None)
        draft.spoken = spoken_label(draft.kind, _spoken_num(draft), self.language, _parents(draft))
        return Clause(
            kind=draft.kind,
            eid=draft.eid,
            label=draft.label.text,
            num=draft.num,
            spoken_label=draft.spoken,
            content=draft.content,
            line=draft.line,
            points=tuple(self._freeze(p) for p in draft.points),
        )

    def _check_anchors(self, document: Document) -> None:
        seen: dict[str, int] = {eid: 0 for eid in anchors.CONTAINERS}
        seen |= {subheading.eid: 0 for subheading in document.iter_subheadings()}
        for clause in document.iter_clauses():
            if clause.eid in seen:
                where = f"line {seen[clause.eid]}" if seen[clause.eid] else "a container"
                raise self.error(clause.line, f"duplicate anchor '{clause.eid}': already used by {where}")
            seen[clause.eid] = clause.line
        for target, line in self.links:
            if target not in seen:
                raise self.error(line, f"link to '#{target}', which is not the anchor of any clause")


def _spoken_num(draft: _Draft) -> str:
    """A clause's label as spoken: the printed label without its final full stop, or the count."""
    return draft.label.text.removesuffix(".") if draft.label.text else draft.num


def _parents(draft: _Draft) -> tuple[tuple[str, str], ...]:
    """(kind, spoken label number) of the clauses a clause belongs to, innermost first."""
    out = []
    parent = draft.parent
    while parent is not None:
        out.append((parent.kind.value, _spoken_num(parent)))
        parent = parent.parent
    return tuple(out)


def _last_point(clause: _Draft | None, style: LabelStyle) -> _Draft | None:
    if clause is None:
        return None
    return next((p for p in reversed(clause.points) if p.label.style is style), None)


def _printed(label: Label, value: str) -> str:
    if label.text.startswith("("):
        return f"({value})"
    return f"{value}."


def _normalise(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Merge neighbouring text and fold runs of white space (PDF-extraction layout), trimming the ends."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    out = [Text(_WHITESPACE.sub(" ", n.text)) if isinstance(n, Text) else n for n in merged]
    if out and isinstance(out[0], Text):
        out[0] = Text(out[0].text.lstrip())
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip())
    return tuple(n for n in out if not (isinstance(n, Text) and not n.text))


def _plain(content: tuple[Inline, ...]) -> str:
    return plain_text(content).strip()


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _describe(token: Token) -> str:
    names = {
        "hr": "a horizontal rule",
        "blockquote_open": "a block quote",
        "fence": "a code block",
        "table_open": "a table",
        "footnote_block_open": "footnotes",
    }
    return names.get(token.type, token.type)


def _label_hint(section: SectionKind) -> str:
    return {
        SectionKind.CITATIONS: "start each citation with '- ' and separate clauses with blank lines",
        SectionKind.RECITALS: "start each recital with its letter ('A. ') and separate clauses with blank lines",
        SectionKind.PARAGRAPHS: "start each paragraph with its number ('1. ') and separate clauses with blank lines",
    }[section]


_STRUCTURE_HINT = "a source holds front matter, the formula, three sections of clauses and footnotes only"
