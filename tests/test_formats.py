"""Every edition's file suffix is defined once (publish/formats.py): the Makefile's targets, the writers' registry
and the files a build writes agree with it."""

from __future__ import annotations

import re

from conftest import ROOT

from publish import formats
from publish.writers import EDITIONS, WRITERS


def _makefile_files() -> dict[str, list[str]]:
    """The Makefile's ``<writer>_files`` lists, as suffixes of the document's name."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    lists = dict(re.findall(r"^(\w+)_files\s*=\s*(.+)$", text, re.MULTILINE))
    return {writer: re.findall(r"\$\(1\)(\S+)", line.replace("$(OUT)/$(1)/", "")) for writer, line in lists.items()}


def test_the_makefile_lists_each_writers_files_as_formats_defines_them():
    expected: dict[str, list[str]] = {}
    for file in formats.FILES:
        expected.setdefault(file.writer, []).append(file.suffix)
    assert _makefile_files() == expected
    assert set(expected) == set(WRITERS)


def test_every_edition_has_one_file_and_every_suffix_is_unique():
    assert {file.edition for file in formats.FILES} >= set(EDITIONS)
    suffixes = [file.suffix for file in formats.FILES]
    assert len(set(suffixes)) == len(suffixes)
    assert formats.PDF_LARGE.name("B9-0311-2022") == "B9-0311-2022-large-print.pdf"


def test_no_module_spells_a_suffix_of_its_own():
    """Outside formats.py, no module of the package writes an edition's suffix as a string literal."""
    pattern = re.compile(r"""["'](?:\.html|\.pdf|-large-print\.pdf|\.epub|\.mp3|\.vtt)["']""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "publish").rglob("*.py"))
        if path.name != "formats.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
