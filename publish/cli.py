"""The ``publish`` command line: build, check, import, list anchors; errors as ``FILE:LINE: problem``."""

from __future__ import annotations

import argparse
import datetime
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from publish import akn_import, importer, reader
from publish.build import build
from publish.errors import PublishError, SourceError
from publish.outputs import write_atomic
from publish.speech import speech_rate
from publish.writers import CHOOSABLE_EDITIONS, WRITERS
from publish.writers.shared import Options

#: The writers' defaults, which the options below show and keep.
DEFAULT = Options()
#: What ``publish import`` reads: plain text, or Akoma Ntoso 3.0 XML (:mod:`publish.akn_import`).
IMPORT_FORMATS = ("text", "akn")
#: The import options that only plain text needs (an AKN document says all of it in its markup).
TEXT_ONLY = ("lenient", "language", "reference", "procedure", "doc_type", "title", "date")


def parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per task."""
    top = argparse.ArgumentParser(prog="publish", description="Accessible editions of parliamentary texts.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = commands.add_parser("build", help="build editions of sources into OUT/<document>/")
    b.add_argument("sources", nargs="+", type=Path, metavar="SOURCE", help="structured source (.md)")
    b.add_argument("-o", "--out", type=Path, default=Path("build"), help="output folder (default: build)")
    b.add_argument(
        "-t", "--to", action="append", choices=list(WRITERS), metavar="FORMAT",
        help=f"format to build, repeatable (default: all of {', '.join(WRITERS)})",
    )  # fmt: skip
    b.add_argument(
        "-e", "--edition", action="append", choices=list(CHOOSABLE_EDITIONS),
        metavar="EDITION",
        help=f"only this edition of a writer with several, repeatable: {', '.join(CHOOSABLE_EDITIONS)} (default: all)",
    )  # fmt: skip
    b.add_argument("--theme", default=DEFAULT.theme, help=f"CSS theme in themes/ (default: {DEFAULT.theme})")
    b.add_argument("--themes-dir", type=Path, default=DEFAULT.themes_dir, help=argparse.SUPPRESS)
    b.add_argument(
        "--voice", default=DEFAULT.voice, help="eSpeak NG voice of the audio edition (default: the source's language)"
    )
    b.add_argument(
        "--rate", type=speech_rate, default=DEFAULT.rate, metavar="WPM",
        help=f"speech rate, words/min (default: {DEFAULT.rate})",
    )  # fmt: skip
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    i = commands.add_parser("import", help="turn the text of a resolution (plain text or AKN) into a structured source")
    i.add_argument("text", type=Path, metavar="FILE", help="the resolution's text (UTF-8), or its Akoma Ntoso XML")
    i.add_argument(
        "--from", dest="source_format", choices=IMPORT_FORMATS, default=IMPORT_FORMATS[0],
        help="what FILE is: plain text as copied from the Parliament's PDF or page, or an Akoma Ntoso 3.0 document"
        " (default: text)",
    )  # fmt: skip
    i.add_argument("-o", "--output", type=Path, help="write the source here (default: standard output)")
    i.add_argument("--lenient", action="store_true", help="keep lines that cannot be placed, with a warning")
    i.add_argument(
        "--language", help="the text's language, a BCP 47 tag (default: the file name's, as in …_FR.txt, else en)"
    )
    i.add_argument(
        "--reference", help="the document reference, e.g. RC-B9-0310/2022 (default: the text's, else the file name's)"
    )
    i.add_argument("--procedure", help="the procedure, e.g. 2022/2700(RSP) (default: the text's, if it has one)")
    i.add_argument("--type", dest="doc_type", help="the document type (default: the text's, else from the reference)")
    i.add_argument("--title", help="the title (default: the text's)")
    i.add_argument("--date", type=_iso_date, help="the document's date, YYYY-MM-DD (default: the title's)")

    a = commands.add_parser("anchors", help="list a source's clauses: anchor, label, spoken label, line")
    a.add_argument("source", type=Path, metavar="SOURCE")

    c = commands.add_parser("check", help="read built editions back, compare them with the source, run the validators")
    c.add_argument("folders", nargs="+", type=Path, metavar="BUILD_DIR", help="a built document's folder: build/NAME")
    c.add_argument(
        "-s", "--source", action="append", type=Path, default=[], metavar="SOURCE",
        help="a document's source, repeatable (default: sources/NAME.md for build folder NAME)",
    )  # fmt: skip
    c.add_argument("-q", "--quiet", action="store_true", help="print no progress, only verdicts and problems")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = parser().parse_args(argv)
    try:
        if args.command == "build":
            _progress(quiet=args.quiet)
            options = Options.from_environ(
                theme=args.theme, themes_dir=args.themes_dir, voice=args.voice, rate=args.rate,
                editions=tuple(args.edition or ()),
            )  # fmt: skip
            build(args.sources, args.out, args.to or (), options)
        elif args.command == "import" and args.source_format == "akn":
            given_options = [f"--{name.replace('_', '-')}" for name in TEXT_ONLY if getattr(args, name)]
            if given_options:
                print(f"publish: {', '.join(given_options)}: only for --from text", file=sys.stderr)
                return 2
            _write_source(args.output, akn_import.import_akn(args.text), 0)
        elif args.command == "import":
            given = importer.Given(args.reference, args.procedure, args.doc_type, args.title, args.date)
            _import(args.text, args.output, args.lenient, args.language, given)
        elif args.command == "anchors":
            document = reader.read(args.source)
            for clause in document.iter_clauses():
                print(f"{clause.eid}\t{clause.label or '-'}\t{clause.spoken_label}\t{args.source}:{clause.line}")
        elif args.command == "check":
            _progress(quiet=args.quiet)
            return _check(args.folders, args.source)
    except PublishError as error:
        print(error.format() if isinstance(error, SourceError) else f"publish: {error.format()}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("publish: interrupted", file=sys.stderr)
        return 130
    return 0


def _iso_date(text: str) -> str:
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _import(text: Path, output: Path | None, lenient: bool, language: str | None, given: importer.Given) -> None:
    imported = importer.import_file(text, lenient=lenient, language=language, given=given)
    for notice in imported.warnings:
        print(f"{text}:{notice.line}: warning: {notice.message}", file=sys.stderr)
    _write_source(output, imported.source, len(imported.warnings))


def _write_source(output: Path | None, source: str, warnings: int) -> None:
    """Write an imported source to ``output`` (atomically), or to standard output without one."""
    if output is None:
        sys.stdout.write(source)
    else:
        write_atomic(output, source.encode("utf-8"))
        print(f"{output}: {warnings} warnings", file=sys.stderr)


def _check(folders: Sequence[Path], sources: Sequence[Path]) -> int:
    """Check the build folders, write each one's report; 0 when everything passes, else 1."""
    from publish.check import report, run

    outcomes = run.check(folders, sources)
    for outcome in outcomes:
        paths = report.write(outcome)
        print("\n".join(report.summary_lines(outcome, paths[-1])), flush=True)
    return 0 if all(outcome.ok for outcome in outcomes) else 1


def _progress(quiet: bool) -> None:
    logger = logging.getLogger("publish.progress")
    logger.handlers.clear()
    if not quiet:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
