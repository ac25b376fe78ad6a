"""The checks share no code with the build they check, find tools in one module and report one kind of finding.

``publish check`` is worth something only if a writer's bug cannot hide in the check too, so no module of
``publish/check/`` imports ``publish.writers`` (any of them) or ``publish.reader`` (issue 15). The one way out is
written down where it is taken: a module may import one of them only when a sentence of its docstring names the
module (``reader``, ``writers``) and says why, with the word "because". A sentence is text up to ``. `` or a blank
line. Every import counts: ``import publish.x``, ``from publish.x import y``, ``from publish import x`` (as
``publish.x``), at the top of the module or inside a function.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from publish.check.findings import Finding, difference

CHECK = Path(__file__).resolve().parents[1] / "publish" / "check"
MODULES = sorted(CHECK.glob("*.py"))
#: Modules the checks must not share with the build, by the name a docstring's reason must use.
SHARED_WITH_THE_BUILD = {"publish.writers": "writers", "publish.reader": "reader"}


def publish_imports(tree: ast.Module) -> set[str]:
    """Every ``publish.…`` module the tree imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "publish"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "publish":
                found |= {f"publish.{alias.name}" for alias in node.names}
            elif node.module.startswith("publish."):
                found.add(node.module)
    return found


def forbidden(module: str) -> str | None:
    """The name of the build's module that ``module`` is (or is inside), or None when the checks may import it."""
    for prefix, name in SHARED_WITH_THE_BUILD.items():
        if module == prefix or module.startswith(f"{prefix}."):
            return name
    return None


def says_why(docstring: str, name: str) -> bool:
    """Does a sentence of ``docstring`` name ``name`` and give a reason ("because")?"""
    sentences = re.split(r"\.\s+|\n\s*\n", docstring)
    return any(re.search(rf"\b{name}\b", s) and re.search(r"\bbecause\b", s) for s in sentences)


def unexplained_imports(path: Path) -> list[str]:
    """``module imports publish.x`` for each import of the build's code that the module's docstring does not
    explain."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstring = ast.get_docstring(tree) or ""
    return [
        f"{path.name} imports {module}"
        for module in sorted(publish_imports(tree))
        if (name := forbidden(module)) and not says_why(docstring, name)
    ]


def test_the_checks_import_neither_the_writers_nor_the_reader_without_saying_why() -> None:
    assert MODULES, CHECK
    assert [problem for path in MODULES for problem in unexplained_imports(path)] == []


@pytest.mark.parametrize(
    ("source", "unexplained"),
    [
        ('"""Compare."""\nfrom publish.writers.shared import words\n', ["m.py imports publish.writers.shared"]),
        ('"""Compare."""\nfrom publish import reader, model\n', ["m.py imports publish.reader"]),
        ('"""Compare."""\ndef f():\n    import publish.writers.html\n', ["m.py imports publish.writers.html"]),
        ('"""Run.\n\nThe reader reads the source because.\n"""\nfrom publish import reader\n', []),
        ('"""Run. The reader reads it. So because."""\nfrom publish import reader\n', ["m.py imports publish.reader"]),
        ('"""Run."""\nfrom publish import readback, model, anchors, languages\n', []),
    ],
)
def test_the_rule_counts_every_kind_of_import_and_wants_the_reason_in_one_sentence(
    tmp_path: Path, source: str, unexplained: list[str]
) -> None:
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert unexplained_imports(path) == unexplained


def test_only_the_tools_module_looks_up_tools_and_reads_the_environment() -> None:
    """Every ``os.environ`` read and ``shutil.which`` lookup of the checks is in ``check/tools.py``."""
    lookups = re.compile(r"\bos\.environ\b|\bshutil\.which\b|\bos\.getenv\b")
    found = [path.name for path in MODULES if path.name != "tools.py" and lookups.search(path.read_text("utf-8"))]
    assert found == []


def test_the_checks_have_one_finding_type() -> None:
    """``Finding`` is defined once, in ``check/findings.py``; no module has a finding class of its own."""
    defined = [
        (path.name, node.name)
        for path in MODULES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name in ("Finding", "Problem")
    ]
    assert defined == [("findings.py", "Finding")]


@pytest.mark.parametrize(
    ("finding", "printed"),
    [
        (Finding("axe", "html-has-lang", "a.html html", "Needs lang", "serious", "dark"),
         "axe[dark] html-has-lang (serious) at a.html html: Needs lang"),
        (Finding("vnu", "error", "a.html:3:1", "Bad"), "vnu error at a.html:3:1: Bad"),
        (Finding("epubcheck", "RSC-012", "b.epub:EPUB/c.xhtml:4:2", "Fragment", "ERROR"),
         "epubcheck RSC-012 (ERROR) at b.epub:EPUB/c.xhtml:4:2: Fragment"),
        (Finding("verapdf", "ISO 14289-1:2014 7.2-29", "c.pdf", "No Lang", "error", count=3),
         "verapdf ISO 14289-1:2014 7.2-29 ×3 (error) at c.pdf: No Lang"),
        (Finding("onset", "", "rec_A", "starts at 10 ms, its speech at 90 ms"),
         "onset at rec_A: starts at 10 ms, its speech at 90 ms"),
        (difference("pdf", "named destinations", "para_3", "missing"), "pdf named destinations: para_3: missing"),
    ],
)  # fmt: skip
def test_a_finding_prints_as_its_check_has_always_printed_it(finding: Finding, printed: str) -> None:
    assert str(finding) == printed
