"""What every check reports: one :class:`Finding` per problem in one place of one output.

The validators (axe, the Nu Html Checker, veraPDF, outloud, EPUBCheck, Ace), publish's own checks (the PDF's
structure, the EPUB's package and overlays, the audio gate) and the comparison with the source all report the same
type. Each prints the way its report has always read:

* a validator's or check's finding: ``axe[dark] color-contrast (serious) at page.html main > p: …``,
  ``verapdf ISO 14289-1:2014 7.2-29 ×3 (error) at doc.pdf: …``, ``onset at rec_A: …``;
* a difference from the source, which names its format: ``pdf named destinations: para_3: missing``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem one check found in one place."""

    check: str
    """Who found it: a validator (``axe``, ``vnu``, ``verapdf``, ``outloud``, ``epubcheck``, ``ace``), one of publish's
    own checks (``structure``, ``package``, ``overlay``, ``ffprobe``, ``id3``, ``timeline``, ``onset``, ``webvtt``)
    or, for a difference from the source, what was compared (an anchor channel, ``text``, ``file``)."""
    rule: str
    """The rule broken: axe's rule id, vnu's message kind, veraPDF's clause, EPUBCheck's message id, the structure
    check's name; "" when the check has no rules of its own (the audio gate, the comparison)."""
    location: str
    """Where: ``file selector``, ``file:line:column``, ``file.epub:path/in/package``, a clause anchor …"""
    message: str
    severity: str | None = None
    """The tool's own grading (axe's impact, EPUBCheck's ``FATAL`` … ``USAGE``, outloud's ``error``), if it has one."""
    scheme: str | None = None
    """The colour scheme the page was rendered in (axe only)."""
    count: int = 1
    """How many times the tool found it there (veraPDF's failed checks, outloud's count)."""
    format: str | None = None
    """The output a difference from the source is in (``html``, ``pdf-large``, ``anchors.json``, ``versions``);
    None for a validator's finding."""

    def __str__(self) -> str:
        if self.format is not None:
            return f"{self.format} {self.check}: {self.location}: {self.message}"
        check = f"{self.check}[{self.scheme}]" if self.scheme else self.check
        rule = self.rule + (f" ×{self.count}" if self.count > 1 else "")
        rule += f" ({self.severity})" if self.severity else ""
        return " ".join(part for part in (check, rule) if part) + f" at {self.location}: {self.message}"


def difference(fmt: str, check: str, where: str, message: str) -> Finding:
    """A way output ``fmt`` differs from the source: which check (channel, ``text``, ``file``), where, what."""
    return Finding(check, "", where, message, format=fmt)


def one_line(text: str) -> str:
    """A tool's message with its runs of white space (line ends among them) made single spaces."""
    return " ".join(str(text).split())
