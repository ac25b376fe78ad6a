"""Incremental, parallel builds: make rebuilds exactly what a change touches; a document's writers share anchors.json.

The make tests run the repository's Makefile in a copy of the tree (two small documents, every format built for
real with ``make -j2``), with a stand-in ``.venv`` whose ``publish`` runs this interpreter on the copied code.
They check what make runs (``make -q``, ``make -n -W FILE``) and which files a real rebuild rewrites, never how
long anything takes.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SMALL

from publish import formats, manifest, reader

DOCS = ("small", "other")
#: Every output file of a document, by the format whose recipe writes it (publish/formats.py).
FILES: dict[str, tuple[str, ...]] = {}
for _file in formats.FILES:
    FILES[_file.writer] = (*FILES.get(_file.writer, ()), _file.suffix)
FORMATS = tuple(FILES)
#: The editions every full build records in anchors.json.
EDITIONS = {"html", "pdf", "pdf-large", "audio", "epub", "m4b", "akn", "braille"}
RECIPE = re.compile(r"publish build --to (\w+)(?: --edition [\w-]+)? -o build sources/(\S+)\.md")
EDITION_RECIPE = re.compile(r"publish build --to pdf --edition ([\w-]+) -o build sources/(\S+)\.md")
#: ``tree`` is every format of two documents built by make.
FIXTURE_MARKERS = {"tree": ("build",)}


def make(tree: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run make in ``tree`` (not under an outer make's jobserver)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    result = subprocess.run(["make", *args], cwd=tree, env=env, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def recipes(output: str) -> set[tuple[str, str]]:
    """The (format, document) of every `publish build` recipe make printed."""
    return set(RECIPE.findall(output))


def outputs(tree: Path) -> dict[str, int]:
    """Every output file of the tree's documents and its modification time (ns)."""
    return {
        f"{doc}{suffix}": (tree / "build" / doc / f"{doc}{suffix}").stat().st_mtime_ns
        for doc in DOCS
        for suffixes in FILES.values()
        for suffix in suffixes
    }


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before if after[name] != before[name]}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository with two sources, every format built by ``make -j2``."""
    tree = tmp_path_factory.mktemp("tree")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, tree / name)
    for name in ("publish", "themes", "scripts"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tree / "sources").mkdir()
    (tree / "sources" / "small.md").write_text(SMALL, encoding="utf-8")
    other = SMALL.replace("B9-0001/2024", "B9-0002/2024").replace("Calls for one thing", "Calls for a second thing")
    (tree / "sources" / "other.md").write_text(other, encoding="utf-8")
    venv = tree / ".venv"
    (venv / "bin").mkdir(parents=True)
    publish = venv / "bin" / "publish"
    publish.write_text(f'#!/bin/sh\nPYTHONPATH="{tree}" exec "{sys.executable}" -m publish.cli "$@"\n', "utf-8")
    publish.chmod(0o755)
    (venv / ".installed").touch()  # newer than the copied pyproject.toml: the set-up is done
    make(tree, "-j2")
    return tree


def test_a_parallel_build_makes_every_output_and_records_every_format(tree):
    assert set(outputs(tree)) == {f"{doc}{s}" for doc in DOCS for suffixes in FILES.values() for s in suffixes}
    for doc in DOCS:
        data = json.loads((tree / "build" / doc / "anchors.json").read_text(encoding="utf-8"))
        assert set(data["editions"]) == EDITIONS
        for clause in data["clauses"]:
            assert {"html", "pdf", "pdf-large", "epub"} <= set(clause), clause["eid"]


def test_make_after_no_change_runs_nothing(tree):
    assert make(tree, "-q", check=False).returncode == 0
    for target in ((), ("build",), FORMATS):
        result = make(tree, "-n", *target)
        assert recipes(result.stdout) == set()
        assert "publish" not in result.stdout


@pytest.mark.parametrize(
    ("changed_file", "rebuilt"),
    [
        ("themes/default.css", {"html"}),
        ("publish/writers/readalong.js", {"html"}),  # the page's read-along script, inlined
        ("themes/default-print.css", {"pdf", "epub"}),  # the EPUB's page list follows the PDF's pages
        ("themes/default-large-print.css", {"pdf"}),  # the large-print edition alone
        ("themes/fonts/DejaVuSerif.ttf", {"pdf", "epub"}),  # a font the print theme declares
        ("themes/default-epub.css", {"epub"}),
        ("publish/lexicons/en.tsv", set(FORMATS)),
        ("publish/writers/html.py", set(FORMATS)),  # every writer imports the registry
        ("publish/manifest.py", set(FORMATS)),
        ("publish/check/__init__.py", set()),  # checks read outputs back; a build does not import them
        (".venv/.installed", set(FORMATS)),  # dependencies reinstalled
    ],
)
def test_a_change_rebuilds_the_outputs_made_of_it_in_every_document(tree, changed_file, rebuilt):
    assert (tree / changed_file).exists()
    result = make(tree, "-n", "-W", changed_file)
    assert recipes(result.stdout) == {(fmt, doc) for fmt in rebuilt for doc in DOCS}


@pytest.mark.build
def test_a_build_does_not_import_the_checks_so_the_makefile_need_not_depend_on_them(tmp_path, small_source):
    script = (
        "import sys; from publish.cli import main; assert main(sys.argv[1:]) == 0;"
        " print(sorted(m for m in sys.modules if m.startswith('publish.check')))"
    )
    args = [sys.executable, "-c", script, "build", "-q", "-o", str(tmp_path), str(small_source)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert "-not -path 'publish/check/*'" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_two_pdf_editions_are_laid_out_by_two_recipes_that_make_can_run_at_once(tree):
    printed = make(tree, "-n", "-W", "themes/default-print.css").stdout
    assert set(EDITION_RECIPE.findall(printed)) == {(e, doc) for e in ("pdf", "pdf-large") for doc in DOCS}
    large = make(tree, "-n", "-W", "themes/default-large-print.css").stdout
    assert set(EDITION_RECIPE.findall(large)) == {("pdf-large", doc) for doc in DOCS}


def test_plain_make_uses_every_core(tree):
    result = make(tree, "-n", "-p", "-W", "sources/small.md", check=False)
    flags = next(line for line in result.stdout.splitlines() if line.startswith("MAKEFLAGS"))
    assert f"-j{len(os.sched_getaffinity(0))}" in flags or f"j{os.cpu_count()}" in flags, flags
    assert "-j1" in next(
        line for line in make(tree, "-n", "-p", "-j1").stdout.splitlines() if line.startswith("MAKEFLAGS")
    )


def test_a_source_change_rebuilds_only_its_document(tree):
    assert recipes(make(tree, "-n", "-W", "sources/other.md").stdout) == {(fmt, "other") for fmt in FORMATS}
    assert recipes(make(tree, "-n", "-W", "sources/other.md", "html").stdout) == {("html", "other")}


def test_a_missing_output_is_made_again_with_what_follows_from_it(tree):
    large_print = tree / "build" / "small" / "small-large-print.pdf"
    saved = large_print.read_bytes()
    large_print.unlink()
    try:
        assert recipes(make(tree, "-n").stdout) == {("pdf", "small")}  # the EPUB follows the standard edition's pages
    finally:
        large_print.write_bytes(saved)
        os.utime(large_print, ns=(0, (tree / "build" / "small" / "small.pdf").stat().st_mtime_ns))
    assert make(tree, "-q", check=False).returncode == 0


def test_a_theme_change_rewrites_only_the_files_styled_by_it(tree):
    before = outputs(tree)
    css = tree / "themes" / "default.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* incremental-test */\n", encoding="utf-8")
    result = make(tree, "-j2")
    assert recipes(result.stdout) == {("html", doc) for doc in DOCS}
    after = outputs(tree)
    assert changed(before, after) == {f"{doc}.html" for doc in DOCS}
    assert "/* incremental-test */" in (tree / "build" / "small" / "small.html").read_text(encoding="utf-8")

    print_css = tree / "themes" / "default-print.css"
    print_css.write_text(print_css.read_text(encoding="utf-8") + "\n/* incremental-test */\n", encoding="utf-8")
    result = make(tree, "-j2")
    assert recipes(result.stdout) == {(fmt, doc) for fmt in ("pdf", "epub") for doc in DOCS}
    assert changed(after, outputs(tree)) == {f"{doc}{s}" for doc in DOCS for s in (".pdf", "-large-print.pdf", ".epub")}
    assert make(tree, "-q", check=False).returncode == 0
    for doc in DOCS:  # a partial rebuild keeps what the other writers recorded
        data = json.loads((tree / "build" / doc / "anchors.json").read_text(encoding="utf-8"))
        assert set(data["editions"]) == EDITIONS


# --- anchors.json under concurrent writers ----------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from publish import manifest
out_dir, fmt, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
eids = sys.argv[4].split(",")
print("ready", flush=True)
for n in range(rounds):
    manifest.record(out_dir, fmt, {"round": n}, {eid: {"round": n} for eid in eids})
"""


def _writer(out_dir: Path, fmt: str, rounds: int, eids: list[str]) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    args = [sys.executable, "-c", WRITER, str(out_dir), fmt, str(rounds), ",".join(eids)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)


def test_concurrent_writers_of_one_document_lose_no_facts(tmp_path, small_source):
    document = reader.read(small_source)
    out_dir = tmp_path / document.name
    manifest.start(document, out_dir)
    eids = list(document.anchors)
    formats = [f"format{n}" for n in range(4)]
    writers = [_writer(out_dir, fmt, 40, eids) for fmt in formats]
    for writer in writers:
        assert writer.wait(timeout=300) == 0
    data = manifest.load(out_dir)
    assert {fmt: data["editions"].get(fmt) for fmt in formats} == {fmt: {"round": 39} for fmt in formats}
    for clause in data["clauses"]:
        assert {fmt: clause.get(fmt) for fmt in formats} == {fmt: {"round": 39} for fmt in formats}


def test_a_manifest_update_waits_for_the_folder_lock(tmp_path, small_source):
    document = reader.read(small_source)
    out_dir = tmp_path / document.name
    manifest.start(document, out_dir)
    before = (out_dir / manifest.NAME).read_bytes()
    fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        writer = _writer(out_dir, "late", 1, list(document.anchors)[:1])
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        with pytest.raises(subprocess.TimeoutExpired):
            writer.wait(timeout=1)  # blocked on the lock: it has written nothing
        assert (out_dir / manifest.NAME).read_bytes() == before
    finally:
        os.close(fd)
    assert writer.wait(timeout=60) == 0
    assert manifest.load(out_dir)["editions"]["late"] == {"round": 0}
    assert not [p.name for p in out_dir.iterdir() if p.name != manifest.NAME]  # no lock file left behind
