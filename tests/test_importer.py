"""The importer: plain EP texts, damaged as copies are, become sources whose model and words are the text's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, SEED_SOURCE, SEED_TEXT
from lxml import html

from publish import reader
from publish.build import build
from publish.cli import main
from publish.errors import SourceError
from publish.importer import import_file, import_text
from publish.labels import BULLETS
from publish.model import FootnoteRef

FIXTURES = ROOT / "tests" / "fixtures" / "import"
TEXTS = sorted(FIXTURES.glob("*.txt"))


def model_facts(document):
    """What must agree between two sources of one text: metadata, formula, and each clause's anchor, label, words."""
    meta = document.metadata
    return (
        (meta.reference, meta.procedure, meta.doc_type, meta.title, meta.language, meta.issued_by),
        document.formula,
        [(c.eid, c.label, c.spoken_label, c.text.split()) for c in document.iter_clauses()],
        [(n.eid, n.text.split()) for n in document.footnotes],
    )


def imported_model(text_path: Path, tmp_path: Path):
    source = tmp_path / f"{text_path.stem}.md"
    source.write_text(import_file(text_path).source, encoding="utf-8")
    return reader.read(source)


def test_importing_the_seed_gives_the_committed_sources_model(tmp_path, seed):
    assert model_facts(imported_model(SEED_TEXT, tmp_path)) == model_facts(seed)


def test_importing_the_seed_reports_its_deviations_with_their_lines():
    warnings = [(w.line, w.message) for w in import_file(SEED_TEXT).warnings]
    assert (99, "no blank line before recital M.; started a new clause") in warnings
    assert (105, "recital N. starts with 'Whereas' (capital W); kept as is") in warnings
    assert (130, "paragraph 5. ends without ';', ',' or '.'; kept as is") in warnings


EXPECTED_ANCHORS = {
    "recitals-beyond-z": ["cit_1", "cit_2"] + [f"rec_{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    + ["rec_AA", "rec_AB", "para_1", "para_2"],
    "points": [
        "cit_1", "rec_A", "rec_A__point_a", "rec_A__point_b", "rec_B", "para_1", "para_1__point_a",
        "para_1__point_a__point_i", "para_1__point_a__point_ii", "para_1__point_b", "para_2", "para_2__point_a",
        "para_2__point_b", "para_3", "para_3__indent_1", "para_3__indent_2", "para_4",
    ],
    "footnotes": ["cit_1", "cit_2", "rec_A", "para_1", "para_2"],
    "bullets": ["cit_1", "cit_2", "cit_3", "cit_4", "rec_A", "para_1", "para_2"],
    "damaged": ["cit_1", "cit_2", "rec_A", "rec_B", "rec_C", "para_1", "para_2", "para_3", "para_4"],
}  # fmt: skip


@pytest.mark.parametrize("text", TEXTS, ids=[t.stem for t in TEXTS])
def test_each_fixture_imports_with_the_expected_anchors(text, tmp_path):
    assert list(imported_model(text, tmp_path).anchors) == EXPECTED_ANCHORS[text.stem]


def test_footnotes_become_notes_called_from_their_clauses(tmp_path):
    document = imported_model(FIXTURES / "footnotes.txt", tmp_path)
    assert [(n.number, n.text) for n in document.footnotes] == [
        (1, "Texts adopted, P9_TA(2023)0001."),
        (2, "Publications Office of the European Union, 2024 edition."),
        (3, "OJ C 123, 1.4.2023, p. 1."),
    ]


def test_superscript_footnote_calls_are_recognised():
    text = (FIXTURES / "footnotes.txt").read_text(encoding="utf-8")
    text = text.replace("[1],", "¹,").replace("[2],", "²,").replace("[3];", "³;")
    text = text.replace("\n[1] ", "\n¹ ").replace("\n[2] ", "\n² ").replace("\n[3] ", "\n³ ")
    source = import_text(text, Path("sup.txt")).source
    assert "accessible publishing[^1]," in source and "readers need[^3];" in source
    assert "[^2]: Publications Office" in source


def test_bullets_are_dropped_never_kept_as_text(tmp_path):
    document = imported_model(FIXTURES / "bullets.txt", tmp_path)
    texts = [c.text for c in document.iter_clauses() if c.eid.startswith("cit_")]
    assert all(t.startswith("having regard to") for t in texts)
    assert not any(ch in t for t in texts for ch in BULLETS)


def test_damaged_layout_is_repaired_and_each_repair_reported(tmp_path):
    imported = import_file(FIXTURES / "damaged.txt")
    messages = {(w.line, w.message) for w in imported.warnings}
    assert (16, "page furniture 'PE123.456v01-00' dropped") in messages
    assert (22, "'2.' follows the clause before on the same line; started a new clause") in messages
    assert (15, "recital B. starts with 'Whereas' (capital W); kept as is") in messages
    document = imported_model(FIXTURES / "damaged.txt", tmp_path)
    clauses = {c.eid: c.text for c in document.iter_clauses()}
    assert clauses["para_3"].endswith("(for example: UNFCCC).Calls on the publishers to keep them;")
    assert clauses["rec_A"] == (
        "whereas lines are often wrapped in the middle of a sentence and carry stray spaces at their start;"
    )


def _input_words(text: str) -> list[str]:
    """The text's words without labels, bullets, footnote markers and page furniture."""
    words = []
    for line in text.splitlines():
        line = re.sub(r"\[\d+\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+", "", line)
        line = re.sub(r"(?<=[;.:])\s+\d+\.\s+(?=[A-Z])", " ", line)
        tokens = line.split()
        if not tokens or re.fullmatch(r"PE[\d.v-]+|\d+/\d+|EN United in diversity EN|_+", " ".join(tokens)):
            continue
        if tokens[0] in BULLETS or re.fullmatch(r"[A-Z]{1,3}\.|\d+\.|\([a-z]+\)|[a-z]\.", tokens[0]):
            tokens = tokens[1:]
        words += tokens
    return words


def _page_words(path: Path) -> list[str]:
    page = html.parse(str(path)).getroot()
    selectors = (".doc-type", "main section > h2", ".clause-label", ".visually-hidden", ".back", "sup", ".note-number")
    for selector in (*selectors, ".note-back"):
        for element in page.cssselect(selector):
            element.drop_tree()
    return (
        page.get_element_by_id("preface").text_content() + " " + page.get_element_by_id("main").text_content()
    ).split()


@pytest.mark.parametrize("text", [*TEXTS, SEED_TEXT], ids=[t.stem for t in [*TEXTS, SEED_TEXT]])
def test_imported_source_round_trips_to_the_texts_words_in_html(text, tmp_path):
    source = tmp_path / f"{text.stem}.md"
    source.write_text(import_file(text).source, encoding="utf-8")
    build([source], tmp_path / "build", ["html"])
    assert _page_words(tmp_path / "build" / text.stem / f"{text.stem}.html") == _input_words(
        text.read_text(encoding="utf-8")
    )


def test_cli_import_writes_the_source_and_prints_warnings_with_lines(tmp_path, capsys):
    out = tmp_path / "seed.md"
    assert main(["import", str(SEED_TEXT), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == SEED_SOURCE.read_text(encoding="utf-8")
    err = capsys.readouterr().err
    assert f"{SEED_TEXT}:99: warning: no blank line before recital M.; started a new clause" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0IHDR", "a binary file, not text (NUL byte)"),
        ("B9-0311/2022\n\nRésolution".encode("latin-1"), "not UTF-8 (byte 0xe9)"),
        (b"Just some notes about a meeting.\nNothing more.\n", "no formula ('The European Parliament,') found"),
        (
            b"B9-0311/2022\n\nEuropean Parliament resolution on x\n(2022/2700(RSP))\n\nThe European Parliament,\n",
            "no clauses found after the formula",
        ),
        (
            b"B9-0311/2022\n\nEuropean Parliament resolution on x\n(2022/2700(RSP))\n\nThe European Parliament,\n\n"
            b"Some remark without a label.\n",
            "cannot place this line: 'Some remark without a label.'",
        ),
        (
            b"European Parliament resolution on x\n(2022/2700(RSP))\n\nThe European Parliament,\n\n"
            b"- having regard to y,\n",
            "no document reference (such as B9-0311/2022) before the formula, nor in the file name",
        ),
    ],
    ids=["empty", "blank", "binary", "latin-1", "no-formula", "no-clauses", "unplaced-body", "no-reference"],
)
def test_bad_input_gives_a_clear_error_and_non_zero_exit(tmp_path, capsys, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=re.escape(message)):
        import_file(path)
    assert main(["import", str(path), "-o", str(tmp_path / "out.md")]) == 65
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.md").exists()


def test_lenient_keeps_an_unplaced_line_with_a_warning():
    text = (
        (FIXTURES / "points.txt")
        .read_text(encoding="utf-8")
        .replace(
            "B. whereas a recital may also be plain;",
            "B. whereas a recital may also be plain;\n\nAn unlabelled remark.",
        )
    )
    with pytest.raises(SourceError, match="unlabelled text after a finished clause"):
        import_text(text, Path("x.txt"))
    imported = import_text(text, Path("x.txt"), lenient=True)
    assert "plain; An unlabelled remark." in imported.source
    assert any("joined to it" in w.message for w in imported.warnings)


# --- real texts as they come (issue 13) ------------------------------------------------------------------------------

SEED_REFERENCE_LINE = " B9-0311/2022\n"


@pytest.mark.parametrize("hyphen", ["\u2010", "\u2011", "\u2012", "\u2013"], ids=lambda h: f"U+{ord(h):04X}")
def test_a_reference_printed_with_any_unicode_hyphen_imports_as_the_same_document(tmp_path, seed, hyphen):
    text = SEED_TEXT.read_text(encoding="utf-8")
    assert text.startswith(SEED_REFERENCE_LINE)
    path = tmp_path / "seed.txt"
    path.write_text(text.replace("B9-0311/2022", f"B9{hyphen}0311/2022", 1), encoding="utf-8")
    assert model_facts(imported_model(path, tmp_path)) == model_facts(seed)


def test_labels_after_a_no_break_space_are_found_and_the_text_keeps_its_special_spaces(tmp_path):
    text = SEED_TEXT.read_text(encoding="utf-8")
    text = text.replace("A. whereas", "A.\u00a0whereas", 1)
    text = text.replace("\n having regard", "\n\u2013\u00a0having regard", 1)
    text = text.replace("Xinjiang police files", "Xinjiang police\u00a0files", 1).replace("in 1949", "in\u00a01949")
    path = tmp_path / "seed.txt"
    path.write_text(text, encoding="utf-8")
    document = imported_model(path, tmp_path)
    clauses = {c.eid: c for c in document.iter_clauses()}
    assert clauses["rec_A"].text.startswith("whereas ")
    assert clauses["cit_1"].text.startswith("having regard")
    assert document.metadata.title.endswith("Xinjiang police\u00a0files")
    assert "signed by China in\u00a01949;" in clauses["cit_4"].text


def _without_reference() -> str:
    return SEED_TEXT.read_text(encoding="utf-8").removeprefix(SEED_REFERENCE_LINE)


def test_a_text_without_its_reference_names_the_option_that_gives_it(tmp_path, capsys):
    path = tmp_path / "xinjiang.txt"
    path.write_text(_without_reference(), encoding="utf-8")
    with pytest.raises(SourceError, match="no document reference") as caught:
        import_file(path)
    assert "--reference" in (caught.value.hint or "")
    assert main(["import", str(path), "-o", str(tmp_path / "out.md")]) == 65
    assert "--reference" in capsys.readouterr().err
    assert not (tmp_path / "out.md").exists()


def test_the_reference_given_on_the_command_line_is_used_and_recorded(tmp_path, seed):
    path = tmp_path / "xinjiang.txt"
    path.write_text(_without_reference(), encoding="utf-8")
    out = tmp_path / "out.md"
    assert main(["import", str(path), "-o", str(out), "--reference", "B9-0311/2022"]) == 0
    source = out.read_text(encoding="utf-8")
    assert "# reference: given on the command line\n" in source
    assert model_facts(reader.read(out)) == model_facts(seed)


@pytest.mark.parametrize(
    ("name", "reference", "kind"),
    [
        ("B-9-2022-0311_EN.txt", "B9-0311/2022", "Motion for a resolution"),
        ("RC-9-2022-0310_EN.txt", "RC-B9-0310/2022", "Joint motion for a resolution"),
        ("TA-9-2022-0237_EN.txt", "P9_TA(2022)0237", "Text adopted"),
        ("A-9-2022-0100_EN", "A9-0100/2022", "Motion for a resolution"),
    ],
)
def test_a_file_named_as_the_parliament_names_it_gives_the_reference(tmp_path, name, reference, kind):
    path = tmp_path / name
    path.write_text(_without_reference(), encoding="utf-8")
    imported = import_file(path)
    document = reader.parse(imported.source, path)
    assert (document.metadata.reference, document.metadata.doc_type) == (reference, kind)
    assert f"# reference: from the file name {name}\n" in imported.source


def test_a_text_adopted_takes_its_reference_date_and_the_motion_it_was_adopted_on(tmp_path):
    text = (
        "Human rights in Xinjiang\nP9_TA(2022)0237RC-B9-0310/2022\n\n"
        "European Parliament resolution of 9 June 2022 on the human rights situation in Xinjiang, including the "
        "Xinjiang police files (2022/2700(RSP))\n\nThe European Parliament,\n\n"
        "\u2013  having regard to its previous resolutions on China,\n\n"
        "A.  whereas the promotion of human rights is at the heart of EU policy;\n\n"
        "1.  Instructs its President to forward this resolution to the Council.\n"
    )
    imported = import_text(text, Path("x.txt"))
    meta = reader.parse(imported.source, Path("x.md")).metadata
    assert (meta.reference, meta.doc_type, meta.date, meta.procedure) == (
        "P9_TA(2022)0237", "Text adopted", "2022-06-09", "2022/2700(RSP)"
    )  # fmt: skip
    assert meta.title.startswith("European Parliament resolution of 9 June 2022 on the human rights situation")
    assert "# adopted on RC-B9-0310/2022\n" in imported.source
    assert [(w.line, w.message.split(":")[0]) for w in imported.warnings] == [
        (1, "line before the formula not used (not part of the resolution's text)")
    ]


def test_a_text_without_a_procedure_imports_and_builds_without_one(tmp_path):
    text = _without_reference().replace("(2022/2700(RSP))\n", "")
    path = tmp_path / "B-9-2022-0311_EN.txt"
    path.write_text(text, encoding="utf-8")
    imported = import_file(path)
    assert "procedure:" not in imported.source.split("---")[1].replace("# procedure:", "")
    source = tmp_path / "x.md"
    source.write_text(imported.source, encoding="utf-8")
    build([source], tmp_path / "build", ["html"])
    page = html.parse(str(tmp_path / "build" / "x" / "x.html")).getroot()
    assert not page.xpath("//*[@class='procedure']")
    assert "()" not in "".join(page.xpath("//text()[not(ancestor::script or ancestor::style)]"))  # the text shown


SUBHEADED_TEXT = """\
B9-0999/2024

European Parliament resolution on subheadings
(2024/0999(RSP))

The European Parliament,

\u2013  having regard to Rule 144 of its Rules of Procedure,

A.  whereas one;

B.  whereas two;

C.  whereas three;

D.  whereas four;

E.  whereas five;

F.  whereas six;

G.  whereas seven;

H.  whereas eight;

I.  GENERAL REMARKS

General

1.  Welcomes one thing;

Enlargement

2.  Welcomes another;

II.  INSTITUTIONAL QUESTIONS

3.  Instructs its President to forward this resolution.
"""


def test_subheadings_between_clauses_are_found_with_their_levels():
    imported = import_text(SUBHEADED_TEXT, Path("x.txt"))
    document = reader.parse(imported.source, Path("x.md"))
    got = [(s.level, s.text, [c.eid for c in s.clauses]) for s in document.iter_subheadings()]
    assert got == [
        (1, "I. GENERAL REMARKS", []),  # after recital H: a heading, not recital I
        (2, "General", ["para_1"]),
        (2, "Enlargement", ["para_2"]),
        (1, "II. INSTITUTIONAL QUESTIONS", ["para_3"]),
    ]
    assert [c.eid for c in document.iter_clauses()][-3:] == ["para_1", "para_2", "para_3"]
    assert "### I. GENERAL REMARKS\n\n#### General\n\n1. Welcomes" in imported.source
    assert imported.warnings == ()


def test_notes_at_the_end_without_a_rule_line_are_the_footnotes_of_calls_glued_to_words():
    text = SUBHEADED_TEXT.replace("Rule 144 of its Rules of Procedure,", "its resolution of 1 June 2022(1),").replace(
        "A.  whereas one;", "A.  whereas one(2);"
    )
    text += "\n(1) Texts adopted, P9_TA(2022)0237.\n(2) OJ C 362, 8.9.2021, p. 2.\n"
    imported = import_text(text, Path("x.txt"))
    document = reader.parse(imported.source, Path("x.md"))
    assert [(n.number, n.text) for n in document.footnotes] == [
        (1, "Texts adopted, P9_TA(2022)0237."),
        (2, "OJ C 362, 8.9.2021, p. 2."),
    ]
    clauses = {c.eid: c for c in document.iter_clauses()}
    calls = {eid: [n.number for n in c.content if isinstance(n, FootnoteRef)] for eid, c in clauses.items()}
    assert (calls["cit_1"], calls["rec_A"], calls["para_3"]) == ([1], [2], [])
    assert clauses["para_3"].text == "Instructs its President to forward this resolution."
    assert "Rule 37(3)" not in text  # "(3)" after a digit is text: see the next assertion
    kept = import_text(text.replace("of 1 June 2022(1)", "of Rule 37(3)(1)"), Path("x.txt"))
    assert "Rule 37(3)[^1]" in kept.source


def test_a_line_before_the_formula_that_is_not_front_matter_is_reported_not_fatal():
    text = "Hello\n" + SEED_TEXT.read_text(encoding="utf-8")
    imported = import_text(text, Path("x.txt"))
    assert (1, "line before the formula not used (not part of the resolution's text): 'Hello'") in [
        (w.line, w.message) for w in imported.warnings
    ]


def test_a_label_alone_on_its_line_labels_the_text_on_the_next_one():
    """The Official Journal's layout: "A." (or a citation's "-") alone on a line, the clause's text on the next."""
    text = (
        "P7_TA(2013)0238\n\n"
        "European Parliament decision of 11 June 2013 on the request for waiver of immunity (2013/2106(IMM))\n\n"
        "The European Parliament,\n\n-\nhaving regard to the request for waiver of immunity,\n"
        "-\nhaving regard to Rule 6(2) of its Rules of Procedure,\n\n"
        "A.\n\nwhereas the request concerns an investigation;\n\nB.\nwhereas the Member is not accused;\n\n"
        "1.\n\nDecides to waive the immunity.\n"
    )
    imported = import_text(text, Path("x.txt"))
    document = reader.parse(imported.source, Path("x.md"))
    assert list(document.anchors) == ["cit_1", "cit_2", "rec_A", "rec_B", "para_1"]
    assert "A. whereas the request concerns an investigation;\n" in imported.source
    # Reported at the label's line: the text mixes clauses set apart by blank lines and one that is not.
    warnings = [(w.line, w.message) for w in imported.warnings]
    assert warnings == [(9, "no blank line before citation; started a new clause")]
