"""The writers' seams: a writer never imports another (except the PDF over the HTML writer's print page) nor the
reader or the check, and no writer spells an id that crosses formats: every one comes from publish/anchors.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

from publish import anchors

WRITERS = ROOT / "publish" / "writers"
#: The modules of each writer: the writer and the helpers only it uses.
FAMILIES = [
    {"html"},
    {"pdf", "pdfpost", "pdfspaces", "weasy"},
    {"epub", "epubparts", "epuboverlay", "epubfacts"},
    {"audio", "audioparts", "loudness"},
    {"m4b"},
    {"akn"},
    {"braille", "brailleparts", "louis"},
]
#: What every writer may share: options and words (shared), the text's HTML elements (textparts).
SHARED = {"shared", "textparts"}
#: The one named seam between writers: the PDF editions are rendered from the HTML writer's print page.
SEAMS = {("pdf", "html")}


def _imports(path: Path) -> set[str]:
    """Every ``publish.*`` module ``path`` imports, at the top or inside a function, as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("publish")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("publish"):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # `from publish.writers import html`
    return found


def _family(name: str) -> set[str]:
    return next((family for family in FAMILIES if name in family), {name})


def test_writers_import_no_other_writer_and_neither_the_reader_nor_the_check():
    problems = []
    for path in sorted(WRITERS.glob("*.py")):
        if path.name == "__init__.py":  # the registry imports every writer
            continue
        me = path.stem
        for module in sorted(_imports(path)):
            if module in {"publish.reader", "publish.importer"} or module.startswith("publish.check"):
                problems.append(f"{me} imports {module}")
            if module.startswith("publish.writers."):
                other = module.split(".")[2]
                if other not in SHARED | _family(me) and (me, other) not in SEAMS:
                    problems.append(f"{me} imports {module}")
    assert problems == []


def test_every_writer_module_belongs_to_a_family_or_is_shared():
    modules = {path.stem for path in WRITERS.glob("*.py")} - {"__init__"}
    assert modules == set().union(*FAMILIES) | SHARED


#: Strings that spell an id: a fragment (``"#para_1"``), a container's heading, a note call, a subheading, a page
#: break (``"page_"`` as the constant part of ``f"page_{n}"``).
ID_LIKE = re.compile(r"#[A-Za-z].*|.*-heading|authorialNote.*|.*__ref.*|hcontainer_.*|page_")


def _literals(path: Path) -> list[tuple[int, str, str]]:
    """(line, where, text) of every string an id could be spelled with: values of ``id``/``aria-labelledby`` keys
    and keywords, and any string shaped like one (:data:`ID_LIKE`) except docstrings and ``class`` values."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()  # id() of the nodes that are docstrings or class names
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                name = key.value if isinstance(key, ast.Constant) else None
                if name == "class":
                    skip |= {id(n) for n in ast.walk(value)}
                elif name in {"id", "aria-labelledby"} and isinstance(value, (ast.Constant, ast.JoinedStr)):
                    found.append((node.lineno, f"{name} value", ast.unparse(value)))
        elif (
            isinstance(node, ast.keyword) and node.arg == "id" and isinstance(node.value, (ast.Constant, ast.JoinedStr))
        ):
            found.append((node.lineno, "id keyword", ast.unparse(node.value)))
    for node in ast.walk(tree):
        literal = isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        if literal and ID_LIKE.fullmatch(node.value):
            found.append((node.lineno, "string", node.value))
    return found


def test_no_writer_or_the_reader_spells_a_cross_format_id():
    """Ids that cross formats are made in anchors.py only."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {where} {text}"
        for path in [*sorted(WRITERS.glob("*.py")), ROOT / "publish" / "reader.py"]
        for line, where, text in _literals(path)
    ]
    assert offenders == []


def test_the_literal_finder_finds_what_it_looks_for():
    """The finder above is not blind: each way of spelling an id is found (written to a scratch module)."""
    sample = """
x = {"id": "notes", "class": "notes-heading"}
y = sub(body, "main", id="main")
z = f"{eid}-heading" + f"page_{n}" + "#para_1" + "authorialNote_1__ref"
"""
    path = ROOT / "build" / "seams-sample.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(sample, encoding="utf-8")
    try:
        texts = [text for _, _, text in _literals(path)]
    finally:
        path.unlink()
    assert texts.count("'notes'") == 1 and "'main'" in texts
    assert {"-heading", "page_", "#para_1", "authorialNote_1__ref"} <= set(texts)
    assert "notes-heading" not in texts


def test_the_read_along_script_looks_up_the_ids_anchors_defines():
    """The page's script (JavaScript, beyond the AST walk above) finds the player by ids made in anchors.py: renaming
    one there without the script would silently turn the read-along off."""
    script = (WRITERS / "readalong.js").read_text(encoding="utf-8")
    looked_up = set(re.findall(r"""getElementById\(["']([^"']+)["']\)""", script))
    assert looked_up == {anchors.LISTEN, anchors.LISTEN_WORDS}
