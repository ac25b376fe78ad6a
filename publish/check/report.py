"""Write a checked document's conformance report: ``report.json`` for machines, ``report.html`` for people.

Both lead with the verdict, then each format (anchors and words against the source), then each validator (tool,
version, counts), then the anchor table: one row per clause with its anchor, labels, HTML link, PDF pages, EPUB link
and audio start. The page is standalone (the theme's ``default-report.css`` inlined, no script) and accessible:
landmarks, one heading outline, captioned tables with header cells, verdicts in words, light and dark schemes, tables
that scroll inside a focusable region at narrow widths. Nothing in either file depends on the clock.

The theme's CSS is read here from the themes folder, not through the writers' code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import html

from publish.check.run import FILES, FormatResult, Outcome, Row
from publish.check.validators import ToolResult
from publish.errors import PublishError
from publish.outputs import write_atomic
from publish.themes import THEMES_DIR

JSON_NAME = "report.json"
HTML_NAME = "report.html"
VERSION = 1
FORMAT_NAMES: dict[str, str] = {
    "html": "HTML",
    "pdf": "PDF",
    "pdf-large": "Large-print PDF",
    "epub": "EPUB 3",
    "mp3": "Audio (MP3)",
    "vtt": "Captions (WebVTT)",
    "akn": "Akoma Ntoso (XML)",
    "brf": "Braille (BRF)",
    "pef": "Braille (PEF)",
    "anchors.json": "Manifest (anchors.json)",
}


def report_css(theme: str = "default", themes_dir: Path = THEMES_DIR) -> str:
    """The text of the theme's report CSS, ``<themes_dir>/<theme>-report.css``."""
    name = f"{theme}-report"
    path = themes_dir / f"{name}.css"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PublishError(f"theme '{name}' not found: {path}: {exc.strerror}") from None


def write(outcome: Outcome, theme: str = "default", themes_dir: Path = THEMES_DIR) -> list[Path]:
    """Write ``report.json`` and ``report.html`` (styled by ``theme``) into the document's build folder; return their
    paths."""
    import json

    data = to_json(outcome)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    paths = [write_atomic(outcome.folder / JSON_NAME, text.encode("utf-8"))]
    css = report_css(theme, themes_dir)
    page = html.tostring(to_html(outcome, data, css), doctype="<!DOCTYPE html>", encoding="utf-8")
    paths.append(write_atomic(outcome.folder / HTML_NAME, page))
    return paths


# --- JSON -----------------------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "pass" if ok else "fail"


def to_json(outcome: Outcome) -> dict[str, Any]:
    """The report as data: verdict and summary first, then formats, validators, the manifest, the anchor table."""
    meta = outcome.document.metadata
    agreeing = sum(f.ok for f in outcome.formats)
    failing = [v for v in outcome.validators if not v.ok]
    return {
        "verdict": verdict(outcome.ok),
        "summary": {
            "document": outcome.document.name,
            "reference": meta.reference,
            "title": meta.title,
            "source": str(outcome.source),
            "clauses": len(outcome.rows),
            "formats": len(outcome.formats),
            "formats_agreeing": agreeing,
            "validator_runs": len(outcome.validators),
            "validator_runs_failing": len(failing),
            "problems": len(outcome.problems),
        },
        "problems": outcome.problems,
        "version": VERSION,
        "formats": [_format_json(f) for f in outcome.formats],
        "validators": [_tool_json(v) for v in outcome.validators],
        "manifest": {"verdict": verdict(not outcome.manifest), "problems": [str(p) for p in outcome.manifest]},
        "anchors": [_row_json(row) for row in outcome.rows],
    }


def _format_json(result: FormatResult) -> dict[str, Any]:
    return {
        "format": result.format,
        "verdict": verdict(result.ok),
        "file": result.path.name,
        "found": result.found,
        "anchors": [{"channel": c, "present": present, "clauses": n} for c, present, n in result.channels],
        "words": result.words,
        **(
            {"word_fidelity": result.fidelity, "words_not_round_tripping": result.not_round_tripping}
            if result.fidelity is not None
            else {}
        ),
        "problems": [str(p) for p in result.problems],
    }


def _tool_json(result: ToolResult) -> dict[str, Any]:
    return {
        "tool": result.tool,
        "version": result.version,
        "verdict": verdict(result.ok),
        "format": result.format,
        "file": result.path.name,
        "scope": result.scope,
        "counts": result.counts,
        "failures": result.failures,
        "error": result.error,
    }


def _row_json(row: Row) -> dict[str, Any]:
    return {
        "anchor": row.anchor,
        "label": row.label,
        "spoken_label": row.spoken_label,
        "html": row.html,
        "pdf_page": row.pdf_page,
        "pdf_large_page": row.pdf_large_page,
        "epub": row.epub,
        "audio_start": None if row.audio_start is None else row.audio_start / 1000,
    }


# --- HTML -----------------------------------------------------------------------------------------------------------


def to_html(outcome: Outcome, data: dict[str, Any], css: str) -> html.HtmlElement:
    """The report page as an element tree, with ``css`` inlined."""
    meta = outcome.document.metadata
    summary = data["summary"]
    root = _el("html", lang="en")
    head = _sub(root, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _sub(head, "title").text = f"Conformance report, {verdict(outcome.ok)}: {meta.reference}"
    _sub(head, "meta", name="color-scheme", content="light dark")
    _sub(head, "style").text = "\n" + css
    body = _sub(root, "body")

    header = _sub(body, "header")
    _sub(header, "p", {"class": "kicker"}).text = "publish check · conformance report"
    _sub(header, "h1").text = f"{meta.reference}: every edition read back"
    _sub(header, "p", {"class": "title"}).text = meta.title

    main = _sub(body, "main", id="main")
    outcome_section = _section(main, "verdict", "Verdict")
    outcome_section.set("class", f"verdict {verdict(outcome.ok)}")
    line = _sub(outcome_section, "p", {"class": "verdict-line"})
    _badge(line, outcome.ok, "Pass" if outcome.ok else "Fail")
    _text(
        line,
        f" {summary['clauses']} clauses; {summary['formats_agreeing']} of {summary['formats']} files agree with the"
        f" source; {summary['validator_runs'] - summary['validator_runs_failing']} of {summary['validator_runs']}"
        f" validator runs pass; {_count(summary['problems'], 'problem')}.",
    )
    if outcome.problems:
        problems = _sub(outcome_section, "ul", {"class": "problems"})
        for problem in outcome.problems:
            _sub(problems, "li").text = problem
    _sub(outcome_section, "p").text = (
        f"Source: {outcome.source}. Every output was read back with its own parser (lxml, pikepdf and pdftotext,"
        " mutagen, webvtt-py) and compared with the source read by publish's reader."
    )

    formats = _table(
        main, "formats", "Formats", "Each file's clause anchors and words, read back and compared with the source."
    )
    _head(formats, ["Format", "File", "Anchors (clauses found)", "Words", "Result"])
    body_rows = _sub(formats, "tbody")
    for result in outcome.formats:
        _format_row(body_rows, result)
    _format_row(body_rows, None, outcome)

    validators = _table(
        main, "validators", "Validators", "Every validator run on every file: its version and its counts."
    )
    _head(validators, ["Tool", "Version", "File", "Checked", "Counts", "Result"])
    body_rows = _sub(validators, "tbody")
    for tool in outcome.validators:
        _tool_row(body_rows, tool)

    anchors = _table(main, "anchors", "Anchors", f"Each of the {len(outcome.rows)} clauses, where every format has it.")
    _head(anchors, ["Anchor", "Label", "Spoken label", "HTML", "PDF", "Large print", "EPUB", "Audio start"])
    body_rows = _sub(anchors, "tbody")
    name = outcome.document.name
    for row in outcome.rows:
        _anchor_row(body_rows, row, name)

    footer = _sub(body, "footer")
    about = f"{meta.doc_type} {meta.reference}" + (f" ({meta.procedure})." if meta.procedure else ".")
    _sub(footer, "p").text = f"{about} Report of publish check; its data is in {JSON_NAME}."
    return root


def _section(parent: html.HtmlElement, key: str, heading: str) -> html.HtmlElement:
    section = _sub(parent, "section", {"id": key, "aria-labelledby": f"{key}-heading"})
    _sub(section, "h2", id=f"{key}-heading").text = heading
    return section


def _table(parent: html.HtmlElement, key: str, heading: str, intro: str) -> html.HtmlElement:
    """A section with its heading, an introduction, and a table (named by the heading) inside a region that scrolls,
    and takes the focus to be scrolled from the keyboard, when the table is wider than the window."""
    section = _section(parent, key, heading)
    _sub(section, "p", {"class": "intro"}).text = intro
    wrap = _sub(
        section, "div", {"class": "table-wrap", "role": "region", "tabindex": "0", "aria-label": f"{heading} table"}
    )
    return _sub(wrap, "table", {"aria-labelledby": f"{key}-heading"})


def _head(table: html.HtmlElement, names: list[str]) -> None:
    row = _sub(_sub(table, "thead"), "tr")
    for name in names:
        _sub(row, "th", scope="col").text = name


def _format_row(tbody: html.HtmlElement, result: FormatResult | None, outcome: Outcome | None = None) -> None:
    row = _sub(tbody, "tr")
    if result is None:  # the manifest
        assert outcome is not None
        _sub(row, "th", scope="row").text = FORMAT_NAMES["anchors.json"]
        _sub(row, "td").text = "anchors.json"
        _sub(row, "td").text = "links, PDF pages and audio starts of every clause against the files"
        _sub(row, "td").text = "—"
        _result(row, not outcome.manifest, [str(p) for p in outcome.manifest])
        return
    _sub(row, "th", scope="row").text = FORMAT_NAMES.get(result.format, result.format)
    _sub(row, "td").text = result.path.name
    channels = _sub(row, "td")
    if not result.found:
        channels.text = "not built"
    listing = _sub(channels, "ul", {"class": "plain"}) if result.channels else None
    for name, present, count in result.channels:
        if listing is not None:
            _sub(listing, "li").text = f"{name}: {count}" if present else f"{name}: not present"
    _sub(row, "td").text = "—" if result.words is None else f"{result.words:,}"
    fidelity = [] if result.fidelity is None else [f"word fidelity of the back-translation {result.fidelity:.4f}"]
    _result(row, result.ok, fidelity + [str(p) for p in result.problems])


def _tool_row(tbody: html.HtmlElement, tool: ToolResult) -> None:
    row = _sub(tbody, "tr")
    _sub(row, "th", scope="row").text = tool.tool
    _sub(row, "td").text = tool.version or "—"
    _sub(row, "td").text = tool.path.name
    _sub(row, "td").text = ", ".join(x for x in (FORMAT_NAMES.get(tool.format, tool.format), tool.scope) if x)
    _sub(row, "td").text = ", ".join(f"{key} {value}" for key, value in tool.counts.items()) or "—"
    details = ([f"could not run: {tool.error}"] if tool.error else []) + tool.failures
    _result(row, tool.ok, details)


def _anchor_row(tbody: html.HtmlElement, row: Row, name: str) -> None:
    tr = _sub(tbody, "tr", id=f"row-{row.anchor}")
    _sub(_sub(tr, "th", scope="row"), "code").text = row.anchor
    _sub(tr, "td").text = row.label or "—"
    _sub(tr, "td").text = row.spoken_label
    _link_cell(tr, row.html, f"#{row.anchor}")
    _link_cell(tr, f"{name}{FILES['pdf']}#{row.anchor}" if row.pdf_page else None, f"page {row.pdf_page}")
    large = f"{name}{FILES['pdf-large']}#{row.anchor}" if row.pdf_large_page else None
    _link_cell(tr, large, f"page {row.pdf_large_page}")
    cell = _sub(tr, "td")
    if row.epub:
        _sub(cell, "code").text = row.epub
    else:
        cell.text = "missing"
    start = None if row.audio_start is None else f"{name}{FILES['mp3']}#t={row.audio_start / 1000:.3f}"
    _link_cell(tr, start, clock(row.audio_start or 0))


def _link_cell(tr: html.HtmlElement, href: str | None, text: str) -> None:
    cell = _sub(tr, "td")
    if href:
        _sub(cell, "a", href=href).text = text
    else:
        cell.text = "missing"


def _result(row: html.HtmlElement, ok: bool, details: list[str]) -> None:
    cell = _sub(row, "td")
    _badge(cell, ok, "Pass" if ok else "Fail")
    if details:
        listing = _sub(cell, "ul", {"class": "details"})
        for detail in details:
            _sub(listing, "li").text = detail


def _badge(parent: html.HtmlElement, ok: bool, text: str) -> None:
    """The verdict in words; the theme adds a check mark or a cross before it, hidden from assistive technology."""
    _sub(parent, "strong", {"class": f"badge {verdict(ok)}"}).text = text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def clock(ms: int) -> str:
    """Milliseconds as ``m:ss.mmm`` (``h:mm:ss.mmm`` from an hour on)."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    lead = f"{hours}:{minutes:02d}" if hours else f"{minutes}"
    return f"{lead}:{seconds:02d}.{millis:03d}"


def _text(parent: html.HtmlElement, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _el(tag: str, attrs: dict[str, str] | None = None, **more: str) -> html.HtmlElement:
    return html.Element(tag, {**(attrs or {}), **more})


def _sub(parent: html.HtmlElement, tag: str, attrs: dict[str, str] | None = None, **more: str) -> html.HtmlElement:
    element = _el(tag, attrs, **more)
    parent.append(element)
    return element


def summary_lines(outcome: Outcome, report: Path) -> list[str]:
    """What the command prints for one document: the verdict with the report's path, then every problem."""
    where = outcome.folder
    if outcome.ok:
        runs = len(outcome.validators)
        return [f"{where}: pass: {len(outcome.rows)} clauses agree in {len(outcome.formats)} files,"
                f" {runs} validator runs at 0 → {report}"]  # fmt: skip
    count = len(outcome.problems)
    return [f"{where}: FAIL: {count} problem{'s' if count > 1 else ''} → {report}"] + [
        f"{where}: {problem}" for problem in outcome.problems
    ]
