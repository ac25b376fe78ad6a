"""The reader: the seed's model, every construct of the source format, and each error with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SMALL, seed_words

from publish import reader
from publish.errors import SourceError
from publish.model import ClauseKind, Emphasis, FootnoteRef, Link, SectionKind


def parse(text: str):
    return reader.parse(text, Path("test.md"))


def test_seed_has_8_citations_14_recitals_18_paragraphs(seed):
    counts = {kind: len(seed.section(kind).clauses) for kind in SectionKind}
    assert counts == {SectionKind.CITATIONS: 8, SectionKind.RECITALS: 14, SectionKind.PARAGRAPHS: 18}


def test_seed_anchors_follow_akoma_ntoso_in_document_order(seed):
    expected = (
        [f"cit_{n}" for n in range(1, 9)] + [f"rec_{c}" for c in "ABCDEFGHIJKLMN"] + [f"para_{n}" for n in range(1, 19)]
    )
    assert list(seed.anchors) == expected
    assert len(set(seed.anchors)) == len(expected)


def test_seed_metadata_and_formula(seed):
    meta = seed.metadata
    assert (meta.reference, meta.procedure, meta.language) == ("B9-0311/2022", "2022/2700(RSP)", "en")
    assert meta.doc_type == "Motion for a resolution"
    assert meta.issued_by == "European Parliament"
    assert meta.title.startswith("European Parliament resolution on reports of the human rights situation in Xinjiang")
    assert seed.formula == "The European Parliament,"


def test_seed_labels_and_spoken_labels(seed):
    clauses = {c.eid: c for c in seed.iter_clauses()}
    assert (clauses["cit_2"].label, clauses["cit_2"].spoken_label) == ("", "Citation 2")
    assert (clauses["rec_A"].label, clauses["rec_A"].spoken_label) == ("A.", "Recital A")
    assert (clauses["para_3"].label, clauses["para_3"].spoken_label) == ("3.", "Paragraph 3")


def test_seed_paragraph_3_keeps_its_run_on_second_sentence(seed):
    para_3 = next(c for c in seed.iter_clauses() if c.eid == "para_3")
    assert "(UNFCCC).Calls on the Member States" in para_3.text
    assert para_3.text.endswith("to leave the People's Republic of China;")


def test_seed_model_holds_every_word_of_the_seed_in_order(seed):
    meta = seed.metadata
    words = [meta.reference, *meta.title.split(), f"({meta.procedure})", *seed.formula.split()]
    for clause in seed.iter_clauses():
        words += clause.text.split()
    assert words == seed_words()


def test_points_nest_under_their_clause_with_anchors_and_spoken_labels():
    document = parse(SMALL)
    clauses = {c.eid: c for c in document.iter_clauses()}
    assert list(clauses) == [
        "cit_1", "cit_2", "rec_A", "rec_B", "rec_B__point_a", "rec_B__point_b",
        "rec_B__point_b__point_i", "rec_B__point_b__point_ii", "para_1", "para_2",
        "para_2__indent_1", "para_2__indent_2", "para_3",
    ]  # fmt: skip
    sub = clauses["rec_B__point_b__point_i"]
    assert (sub.kind, sub.label, sub.spoken_label) == (ClauseKind.POINT, "(i)", "Point (i) of point (b) of recital B")
    assert clauses["para_2__indent_1"].spoken_label == "Indent 1 of paragraph 2"
    assert clauses["rec_B__point_a"].text == "first point;"


def test_inline_emphasis_links_and_footnotes_reach_the_model():
    document = parse(SMALL)
    clauses = {c.eid: c for c in document.iter_clauses()}
    para_2 = clauses["para_2"].content
    assert any(isinstance(n, Emphasis) for n in para_2)
    assert [n.href for n in para_2 if isinstance(n, Link)] == ["#para_1", "https://www.europarl.europa.eu/"]
    ref = next(n for n in clauses["para_1"].content if isinstance(n, FootnoteRef))
    assert (ref.number, ref.eid, ref.note_eid) == (1, "authorialNote_1__ref", "authorialNote_1")
    assert [(n.number, n.eid, n.text) for n in document.footnotes] == [(1, "authorialNote_1", "A footnote text.")]


def test_recitals_beyond_z_take_double_letters():
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + ["AA", "AB"]
    recitals = "\n\n".join(f"{letter}. whereas {letter};" for letter in letters)
    document = parse(
        SMALL.replace("A. whereas one;\n\nB. whereas two:", recitals.replace("AB. whereas AB;", "AB. whereas two:"))
    )
    eids = [c.eid for c in document.section(SectionKind.RECITALS).clauses]
    assert eids[-3:] == ["rec_Z", "rec_AA", "rec_AB"]


def test_roman_numerals_continue_past_iv():
    subs = "\n\n".join(f"       ({r}) sub {r};" for r in ["i", "ii", "iii", "iv", "v", "vi"])
    document = parse(SMALL.replace("       (i) sub one;\n\n       (ii) sub two;", subs))
    point_b = document.section(SectionKind.RECITALS).clauses[1].points[1]
    assert [p.label for p in point_b.points] == ["(i)", "(ii)", "(iii)", "(iv)", "(v)", "(vi)"]


def test_letter_i_after_h_is_a_letter_not_a_roman_numeral():
    points = "\n\n".join(f"   ({c}) point {c};" for c in "abcdefghij")
    document = parse(
        SMALL.replace("   (a) first point;\n\n   (b) second point:", points).replace(
            "(i) sub one;\n\n       (ii) sub two;", ""
        )
    )
    eids = [p.eid for p in document.section(SectionKind.RECITALS).clauses[1].points]
    assert eids[-3:] == ["rec_B__point_h", "rec_B__point_i", "rec_B__point_j"]


def test_anchor_override_replaces_the_generated_anchor():
    document = parse(SMALL.replace("3. Instructs", "{#para_final}\n3. Instructs"))
    assert document.anchors[-1] == "para_final"


def test_layout_whitespace_is_folded_but_words_are_kept():
    document = parse(SMALL.replace("A. whereas one;", "A.   whereas  one\n   more;"))
    assert document.section(SectionKind.RECITALS).clauses[0].text == "whereas one more;"


# Each case: (what to replace in SMALL, with what) → (line, message). Lines count in the mutated source.
ERRORS = {
    "missing front matter": (("---\nreference", "reference"), 1, "missing front matter"),
    "unclosed front matter": (
        ("issued_by: European Parliament\n---\n", "issued_by: European Parliament\n"),
        1,
        "not closed",
    ),
    "malformed front matter": (("title: A test", "title: [A test"), 6, "malformed front matter: expected ',' or ']'"),
    "unknown key": (("language: en", "language: en\ncolour: blue"), 7, "unknown front matter key 'colour'"),
    "missing key": (("type: Motion for a resolution\n", ""), 2, "front matter lacks 'type'"),
    "wrong type": (("language: en", "language: 12"), 6, "front matter 'language' must be text, not int '12'"),
    "list value": (
        ("title: A test resolution on everything a source can hold", "title: [a, b]"),
        5,
        "must be text, not a list",
    ),
    "bad language": (("language: en", "language: English"), 6, "language 'English' is not a BCP 47 tag"),
    "bad date": (("language: en", "language: en\ndate: 2024-13-45"), 7, "date '2024-13-45' is not YYYY-MM-DD"),
    "empty value": (("type: Motion for a resolution", "type:"), 4, "front matter 'type' is empty"),
    "no formula": (("The European Parliament,\n\n", ""), 10, "missing the formula"),
    "clause outside sections": (
        ("The European Parliament,", "The European Parliament,\n\nA. whereas early;"),
        12,
        "clause outside any section",
    ),
    "duplicate recital": (
        ("B. whereas two", "A. whereas two"),
        22,
        "duplicate recital 'A.': the same label is at line 20",
    ),
    "skipped recital": (
        ("B. whereas two", "C. whereas two"),
        22,
        "recital 'C.' is out of sequence: expected 'B.' after 'A.'",
    ),
    "paragraphs out of order": (
        ("3. Instructs", "5. Instructs"),
        42,
        "paragraph '5.' is out of sequence: expected '3.'",
    ),
    "first paragraph not 1": (("1. Calls for one", "2. Calls for one"), 34, "expected '1.'"),
    "skipped point": (("(b) second point", "(c) second point"), 26, "point '(c)' is out of sequence: expected '(b)'"),
    "empty recital": (("A. whereas one;", "A."), 20, "empty recital: the label 'A.' has no text"),
    "citation without dash": (
        ("- having regard to the second", "having regard to the second"),
        16,
        "a citation must start with its label",
    ),
    "recital without label": (("A. whereas one;", "whereas one;"), 20, "a recital must start with its label"),
    "clauses run together": (("A. whereas one;\n\nB.", "A. whereas one;\nB."), 21, "looks like a new clause ('B.')"),
    "citations run together": (("thing,\n\n- having", "thing,\n- having"), 15, "looks like a new clause"),
    "raw html block": (("A. whereas one;", "A. whereas one;\n\n<div>x</div>"), 22, "raw HTML is not allowed"),
    "raw inline html": (("whereas one;", "whereas <b>one</b>;"), 20, "raw HTML is not allowed in a source: <b>"),
    "script": (("A. whereas one;", "A. whereas one;\n\n<script>alert(1)</script>"), 22, "raw HTML is not allowed"),
    "image": (("whereas one;", "whereas ![x](https://example.org/x.png) one;"), 20, "images are not allowed"),
    "file link": (
        ("whereas one;", "whereas [x](file:///etc/passwd) one;"),
        20,
        "link target 'file:///etc/passwd' is not allowed",
    ),
    "javascript link": (
        ("whereas one;", "whereas [x](javascript:alert(1)) one;"),
        20,
        "link target 'javascript:alert(1)'",
    ),
    "relative link": (
        ("whereas one;", "whereas [x](../secret.txt) one;"),
        20,
        "link target '../secret.txt' is not allowed",
    ),
    "link to unknown anchor": (
        ("(#para_1)", "(#para_9)"),
        36,
        "link to '#para_9', which is not the anchor of any clause",
    ),
    "footnote call without note": (("one thing[^1];", "one thing[^1][^2];"), 34, "footnote call [^2] has no note"),
    "footnote note without call": (
        ("[^1]: A footnote text.", "[^1]: A footnote text.\n\n[^9]: Lonely."),
        46,
        "footnote [^9] is never called in the text",
    ),
    "unknown section": (("## Recitals", "## Considerations"), 18, "unknown section 'Considerations'"),
    "title heading": (
        ("The European Parliament,", "# Title\n\nThe European Parliament,"),
        10,
        "unexpected level-1 heading",
    ),
    "second section of a kind": (("## Paragraphs", "## Recitals"), 32, "a second recitals section"),
    "empty section": (
        (
            "## Citations\n\n- having regard to the first thing,\n\n- having regard to the second thing,\n\n",
            "## Citations\n\n",
        ),
        12,
        "the citations section is empty",
    ),
    "duplicate anchor": (
        ("3. Instructs", "{#para_1}\n3. Instructs"),
        43,
        "duplicate anchor 'para_1': already used by line 34",
    ),
    "invalid anchor": (("3. Instructs", "{#3rd}\n3. Instructs"), 42, "invalid anchor '3rd'"),
    "container anchor": (("3. Instructs", "{#body}\n3. Instructs"), 43, "duplicate anchor 'body'"),
    "horizontal rule": (("## Recitals", "***\n\n## Recitals"), 18, "unknown structure (a horizontal rule)"),
    "block quote": (("## Recitals", "> quoted\n\n## Recitals"), 18, "unknown structure (a block quote)"),
    "code fence": (("## Recitals", "```\ncode\n```\n\n## Recitals"), 18, "unknown structure (a code block)"),
}


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
def test_invalid_source_names_its_line_and_problem(case):
    (old, new), line, message = ERRORS[case]
    assert old in SMALL, "the case must change the source"
    with pytest.raises(SourceError) as caught:
        parse(SMALL.replace(old, new, 1))
    assert caught.value.line == line, str(caught.value)
    if message:
        assert message in caught.value.message
    assert str(caught.value).startswith(f"test.md:{line}: ")


def test_sections_out_of_order_are_refused():
    start, middle = SMALL.index("## Citations"), SMALL.index("## Recitals")
    end = SMALL.index("## Paragraphs")
    swapped = SMALL[:start] + SMALL[middle:end] + SMALL[start:middle] + SMALL[end:]
    with pytest.raises(SourceError, match="the citations section comes after the recitals section"):
        parse(swapped)


def test_invalid_utf8_names_its_line(tmp_path):
    path = tmp_path / "bad.md"
    path.write_bytes(SMALL.encode().replace(b"whereas one", b"whereas \xff one"))
    with pytest.raises(SourceError, match=r"bad\.md:20: not valid UTF-8 \(byte 0xff\)"):
        reader.read(path)


def test_nul_byte_names_its_line(tmp_path):
    path = tmp_path / "nul.md"
    path.write_bytes(SMALL.encode().replace(b"whereas one", b"whereas\0one"))
    with pytest.raises(SourceError, match=r"nul\.md:20: NUL byte"):
        reader.read(path)


def test_oversized_source_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(reader.MAX_SOURCE_BYTES + 1)
    with pytest.raises(SourceError, match="more than the"):
        reader.read(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="cannot read the source"):
        reader.read(tmp_path / "nope.md")
