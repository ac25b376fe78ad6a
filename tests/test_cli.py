"""The command line: builds, exit codes, one-line errors, and a build folder left untouched by a failure."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED_SOURCE, SMALL

from publish import outputs
from publish.cli import main


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_build_writes_the_page_and_the_anchor_manifest(tmp_path, capsys):
    assert main(["build", "--to", "html", str(SEED_SOURCE), "--out", str(tmp_path)]) == 0
    folder = tmp_path / "B9-0311-2022"
    assert (folder / "B9-0311-2022.html").is_file()
    manifest = json.loads((folder / "anchors.json").read_text(encoding="utf-8"))
    assert manifest["reference"] == "B9-0311/2022"
    assert manifest["editions"]["html"] == {"file": "B9-0311-2022.html"}
    assert [c["eid"] for c in manifest["clauses"]][:3] == ["cit_1", "cit_2", "cit_3"]
    assert manifest["clauses"][8] | {"source_line": 0} == {
        "eid": "rec_A", "kind": "recital", "label": "A.", "spoken_label": "Recital A",
        "source_line": 0, "html": {"href": "B9-0311-2022.html#rec_A"},
    }  # fmt: skip
    assert "B9-0311-2022: html → " in capsys.readouterr().err


@pytest.mark.build
def test_quiet_build_prints_nothing(tmp_path, capsys):
    assert main(["build", "-q", str(SEED_SOURCE), "--out", str(tmp_path)]) == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.build
def test_bad_source_gives_one_line_error_exit_65_and_leaves_build_untouched(tmp_path, capsys):
    out = tmp_path / "build"
    assert main(["build", "-q", str(SEED_SOURCE), "--out", str(out)]) == 0
    before = tree_hash(out)
    bad = tmp_path / "bad.md"
    bad.write_text(SMALL.replace("B. whereas two", "C. whereas two"), encoding="utf-8")
    assert main(["build", str(SEED_SOURCE), str(bad), "--out", str(out)]) == 65
    err = capsys.readouterr().err
    assert err == f"{bad}:22: recital 'C.' is out of sequence: expected 'B.' after 'A.'\n"
    assert "Traceback" not in err
    assert tree_hash(out) == before


def test_error_with_a_hint_prints_it_on_a_second_line(tmp_path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_text(SMALL.replace("A. whereas one;\n\nB.", "A. whereas one;\nB."), encoding="utf-8")
    assert main(["build", str(bad), "--out", str(tmp_path / "out")]) == 65
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"{bad}:21: this line looks like a new clause ('B.') run into the one above",
        "  hint: separate clauses with a blank line",
    ]
    assert not (tmp_path / "out").exists()


def test_missing_source_is_an_error_not_a_traceback(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope.md"), "--out", str(tmp_path)]) == 65
    assert "nope.md: cannot read the source: No such file or directory" in capsys.readouterr().err


def test_unknown_format_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["build", "--to", "docx", str(SEED_SOURCE)])
    assert caught.value.code == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err


def test_missing_theme_is_a_clear_error(tmp_path, capsys):
    assert main(["build", "-q", "--theme", "nope", str(SEED_SOURCE), "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("publish: theme 'nope' not found: ")


def test_anchors_lists_every_clause_with_its_source_line(capsys):
    assert main(["anchors", str(SEED_SOURCE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 40
    assert lines[8] == f"rec_A\tA.\tRecital A\t{SEED_SOURCE}:41"


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    outputs.write_atomic(target, b"good")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        outputs.write_atomic(target, b"half")
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_building_the_other_formats_does_not_import_weasyprint(tmp_path):
    """WeasyPrint takes half a second to import: only the PDF writer pays for it (bench/README.md)."""
    script = (
        "import sys\n"
        "from publish.cli import main\n"
        f"code = main(['build', '-q', '--to', 'html', '-o', {str(tmp_path)!r}, {str(SEED_SOURCE)!r}])\n"
        "print(code, 'weasyprint' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "False"], done.stderr
    assert (tmp_path / "B9-0311-2022" / "B9-0311-2022.html").is_file()
