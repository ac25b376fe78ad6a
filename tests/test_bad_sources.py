"""Bad sources: a corpus of malformed files, each a one-line FILE:LINE error that leaves build/ as it was; fuzzing."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED_SOURCE, SEED_TEXT, SMALL, mutated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish import importer, reader
from publish.cli import main
from publish.errors import SourceError
from publish.model import Document

CORPUS = ROOT / "tests" / "fixtures" / "bad"
EXPECTED = [
    tuple(line.split("\t"))
    for line in (CORPUS / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good") / "build"
    assert main(["build", "-q", "--to", "html", str(SEED_SOURCE), "--out", str(out)]) == 0
    return out


def test_the_corpus_holds_at_least_30_malformed_sources():
    assert len(EXPECTED) >= 30
    assert {name for name, _, _ in EXPECTED} == {p.name for p in CORPUS.glob("*.md")}


def _expect_refusal(path: Path, line: int, message: str, out: Path, capsys) -> None:
    before = tree_hash(out)
    assert main(["build", str(SEED_SOURCE), str(path), "--out", str(out)]) == 65
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{path}:{line}: {message}"
    assert len(err) == 1 or (len(err) == 2 and err[1].startswith("  hint: "))
    assert tree_hash(out) == before


@pytest.mark.parametrize(("name", "line", "message"), EXPECTED, ids=[name for name, _, _ in EXPECTED])
def test_each_malformed_source_gives_its_line_and_problem_and_leaves_build_untouched(
    name, line, message, good_build, capsys
):
    _expect_refusal(CORPUS / name, int(line), message, good_build, capsys)


def test_a_50_mb_source_is_refused_before_it_is_read(tmp_path, good_build, capsys):
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.write(SMALL.encode())
        handle.truncate(50 * 1024 * 1024)
    _expect_refusal(path, 1, "the source is 52,428,800 bytes, more than the 4,194,304 a resolution can need",
                    good_build, capsys)  # fmt: skip


def test_invalid_utf8_is_refused_with_its_line(tmp_path, good_build, capsys):
    path = tmp_path / "latin1.md"
    path.write_bytes(SMALL.replace("whereas one", "whereas één").encode("latin-1"))
    _expect_refusal(path, 20, "not valid UTF-8 (byte 0xe9)", good_build, capsys)


def test_a_nul_byte_is_refused_with_its_line(tmp_path, good_build, capsys):
    path = tmp_path / "nul.md"
    path.write_bytes(SMALL.replace("1. Calls for", "1. Calls\0for").encode())
    _expect_refusal(path, 34, "NUL byte in the source", good_build, capsys)


def test_an_extremely_long_line_is_read_in_bounded_time_and_refused_where_wrong(tmp_path, good_build, capsys):
    path = tmp_path / "long.md"
    path.write_text(SMALL.replace("A. whereas one;", "whereas " + "very " * 300_000 + "long;"), encoding="utf-8")
    _expect_refusal(path, 20, "a recital must start with its label", good_build, capsys)


def test_a_long_valid_clause_builds(tmp_path):
    path = tmp_path / "long.md"
    path.write_text(SMALL.replace("A. whereas one;", "A. whereas " + "very " * 100_000 + "long;"), encoding="utf-8")
    assert len(reader.read(path).section(reader.SectionKind.RECITALS).clauses[0].text) > 500_000


def test_deeply_nested_emphasis_is_text_not_a_crash(tmp_path):
    path = tmp_path / "nested.md"
    path.write_text(SMALL.replace("whereas one;", "whereas " + "*_" * 200 + "one" + "_*" * 200 + ";"), encoding="utf-8")
    assert "one" in reader.read(path).section(reader.SectionKind.RECITALS).clauses[0].text


def test_the_command_prints_no_traceback_and_exits_non_zero(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "publish.cli", "build", str(CORPUS / "script.md"), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 65
    assert result.stderr.splitlines()[0] == f"{CORPUS / 'script.md'}:22: raw HTML is not allowed in a source"
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


# -- fuzzing: the reader and the importer either succeed or raise the project's own error ---------------------

FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
SMALL_LINES = SMALL.splitlines(keepends=True)
SEED_LINES = SEED_TEXT.read_text(encoding="utf-8").splitlines(keepends=True)
MARKUP = st.sampled_from(
    ["*", "_", "[", "]", "(", ")", "<", ">", "#", "-", "`", "!", "{#x}", "[^1]", "\n", "\n\n", "A. ", "1. ", "(a) ",
     "(i) ", "- ", "---", "\\", "&amp;", "\u00a0", "\uf02d", "é", "\t"]
)  # fmt: skip


def _either_document_or_source_error(read) -> None:
    try:
        result = read()
    except SourceError as error:
        assert str(error).startswith("fuzz") and error.line >= 0
    else:
        assert result is not None


@FUZZ
@given(mutated(SMALL_LINES, MARKUP))
def test_reader_on_mutated_sources_builds_or_reports_a_source_error(text):
    _either_document_or_source_error(lambda: reader.parse(text, Path("fuzz.md")))


@FUZZ
@given(st.text(max_size=400))
def test_reader_on_random_text_reports_a_source_error(text):
    _either_document_or_source_error(lambda: reader.parse(text, Path("fuzz.md")))


@FUZZ
@given(mutated(SEED_LINES, MARKUP))
def test_importer_on_mutated_texts_imports_or_reports_a_source_error(text):
    def run() -> Document | importer.Imported:
        imported = importer.import_text(text, Path("fuzz.txt"))
        return reader.parse(imported.source, Path("fuzz.md"))

    _either_document_or_source_error(run)


@FUZZ
@given(st.text(max_size=400))
def test_importer_on_random_text_reports_a_source_error(text):
    _either_document_or_source_error(lambda: importer.import_text(text, Path("fuzz.txt")))
