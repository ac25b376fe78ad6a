"""The seed's 40 clauses as a committed table, written by reading the source: the reader and the built page agree.

``tests/fixtures/B9-0311-2022.anchors.tsv`` holds one row per clause (anchor, label as printed, spoken label, source
line). ``publish check`` takes its expected side from the reader, so the reader is pinned here on its own, and the
page's clause ids are read back with lxml, not with the writer's code, and compared with the same table (issue 15).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import ROOT
from lxml import html

from publish.check import readback
from publish.model import Document

TABLE = ROOT / "tests" / "fixtures" / "B9-0311-2022.anchors.tsv"
SEED = "B9-0311-2022"


class Row(NamedTuple):
    """One clause as the table spells it."""

    eid: str
    label: str
    spoken_label: str
    line: int


def read_table(path: Path = TABLE) -> list[Row]:
    """The table's rows in order: ``#`` lines are comments, the first other line names the columns."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["eid", "label", "spoken_label", "line"]
    return [Row(eid, label, spoken, int(line)) for eid, label, spoken, line in rows[1:]]


@pytest.fixture(scope="module")
def table() -> list[Row]:
    return read_table()


def test_the_table_has_the_seeds_40_clauses_8_citations_14_recitals_18_paragraphs(table):
    assert len(table) == 40
    assert [row.eid for row in table] == (
        [f"cit_{n}" for n in range(1, 9)] + [f"rec_{letter}" for letter in "ABCDEFGHIJKLMN"]
        + [f"para_{n}" for n in range(1, 19)]
    )  # fmt: skip


def test_the_reader_gives_the_seed_the_clauses_of_the_table(seed: Document, table):
    clauses = [Row(c.eid, c.label, c.spoken_label, c.line) for c in seed.iter_clauses()]
    assert clauses == table


def test_the_built_pages_clause_ids_read_back_with_lxml_are_the_tables_anchors_in_order(built, table):
    root = html.parse(str(built / SEED / f"{SEED}.html")).getroot()
    ids = root.xpath("//li[contains(concat(' ', normalize-space(@class), ' '), ' clause ')]/@id")
    assert ids == [row.eid for row in table]


def test_publish_checks_reading_of_the_built_page_shows_the_tables_labels(built, table):
    root = html.parse(str(built / SEED / f"{SEED}.html")).getroot()
    anchors = [(a.id, a.label, a.spoken) for a in readback.clause_anchors(root)]
    assert anchors == [(row.eid, row.label, row.spoken_label) for row in table]
