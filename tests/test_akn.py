"""The Akoma Ntoso edition (issue 20): schema-valid against the OASIS AKN 3.0 XSD, the same eIds as the HTML's clause
ids, and read back by ``publish import --from akn`` into the same document model; bad AKN is refused with its line.

Every text is rendered from its model directly (AKN writing is pure Python): the seed, the small sources of
``conftest`` and every real text of ``tests/corpus/`` in its own language.
"""

from __future__ import annotations

import json
import re
import socket
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT, SEED_SOURCE, SMALL, SUBHEADED, mutated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish import manifest, reader
from publish.akn_import import import_akn, import_data
from publish.check import akn as akn_check
from publish.check import compare, expect, readback, validators
from publish.cli import main
from publish.errors import SourceError
from publish.importer import import_file
from publish.model import Document
from publish.writers import akn, html
from publish.writers.shared import Options

CORPUS = ROOT / "tests" / "corpus"
SEED = "B9-0311-2022"
#: The small source with its note called a second time (a ``noteRef``).
TWICE = SMALL.replace("3. Instructs its President to forward this resolution.", "3. Instructs its President[^1].")
OWN = {"small": SMALL, "subheaded": SUBHEADED, "twice": TWICE}
NAMES = [SEED, *OWN, *sorted(path.stem for path in CORPUS.glob("*.txt"))]


@cache
def document(name: str) -> Document:
    """The model of a text: the seed's source, one of the small sources, or a corpus text imported as it is."""
    if name == SEED:
        return reader.read(SEED_SOURCE)
    if name in OWN:
        return reader.parse(OWN[name], Path(f"{name}.md"))
    path = CORPUS / f"{name}.txt"
    return reader.parse(import_file(path).source, path.with_suffix(".md"))


def written(name: str, folder: Path) -> Path:
    """The text's AKN edition, rendered from its model, in ``folder``."""
    path = folder / f"{name}.akn.xml"
    path.write_bytes(akn.render(document(name)))
    return path


def model(doc: Document) -> tuple[object, ...]:
    """What a round trip must keep: metadata, formula, sections, every clause (anchor, kind, labels, inline content:
    the words, emphasis, links and note calls), the subheadings and the notes; source lines aside."""
    return (
        doc.metadata,
        doc.formula,
        [section.kind for section in doc.sections],
        [(c.kind, c.eid, c.label, c.num, c.spoken_label, c.content) for c in doc.iter_clauses()],
        [(s.eid, s.level, s.content, tuple(c.eid for c in s.clauses)) for s in doc.iter_subheadings()],
        [(note.number, note.eid, note.content) for note in doc.footnotes],
    )


def test_the_corpus_is_every_text_in_every_language():
    assert len(NAMES) == 4 + 64
    languages = {document(name).metadata.language for name in NAMES}
    assert len(languages) == 20  # English and 19 other languages


# --- the schema -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_each_edition_is_valid_against_the_oasis_akoma_ntoso_30_schema(name, tmp_path):
    assert akn_check.validate(written(name, tmp_path)) == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (('eId="para_3"', 'eId="para_2"'), "Duplicate key-sequence ['para_2']"),
        (
            ('<mainBody eId="body">', '<mainBody eId="body"><foo/>'),
            "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}foo",
        ),
        (('<paragraph eId="para_1">', '<citation eId="x"><p/></citation><paragraph eId="para_1">'), "citation"),
        (("<FRBRlanguage", "<FRBRlanguage bad='1'"), "The attribute 'bad' is not allowed"),
    ],
    ids=["duplicate eId", "unknown element in the body", "citation in the body", "unknown attribute"],
)
def test_the_schema_refuses_what_the_standard_does_not_allow(change, error, tmp_path):
    """The validator is not blind: each breach of the standard is an error with its line."""
    path = written(SEED, tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    errors = akn_check.validate(path)
    assert errors and any(error in found for found in errors), errors
    assert all(re.match(r"\d+: ", found) for found in errors)


def test_the_schema_loads_offline_from_the_wheels_files(monkeypatch):
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the schema tried to reach the network")

    monkeypatch.setattr(socket, "socket", no_network)
    akn_check.schema.cache_clear()
    folder = akn_check.schema_folder()
    assert {p.name for p in folder.glob("*.xsd")} >= {"akomantoso30.xsd", "xml.xsd"}
    assert "OASIS" in (folder / "akomantoso30.xsd").read_text(encoding="utf-8")[:600]
    assert akn_check.schema() is not None
    assert akn_check.schema_version() == "OASIS AKN 3.0 (cobalt 9.0.1)"


def test_publish_checks_validator_reports_each_file(tmp_path):
    good = written(SEED, tmp_path)
    bad = tmp_path / "bad.akn.xml"
    bad.write_text(good.read_text(encoding="utf-8").replace('eId="rec_B"', 'eId="rec_A"'), encoding="utf-8")
    results = {r.path.name: r for r in validators.akn_results([good, bad])}
    assert (results[good.name].ok, results[good.name].counts) == (True, {"errors": 1 - 1})
    assert not results[bad.name].ok and results[bad.name].counts["errors"] >= 1
    assert "rec_A" in results[bad.name].failures[0]


# --- the same anchors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_eids_in_document_order_are_the_html_clause_ids(name, tmp_path):
    doc = document(name)
    page = html.page(doc, Options())
    html_ids = [anchor.id for anchor in readback.clause_anchors(page)]
    found = akn_check.read_akn(written(name, tmp_path)).channels[0].anchors
    assert [anchor.id for anchor in found] == html_ids == list(doc.anchors)
    assert [anchor.label for anchor in found] == [clause.label for clause in doc.iter_clauses()]


def test_the_seed_has_its_40_anchors_and_its_structure(tmp_path):
    path = written(SEED, tmp_path)
    anchors = [a.id for a in akn_check.read_akn(path).channels[0].anchors]
    table = (ROOT / "tests" / "fixtures" / f"{SEED}.anchors.tsv").read_text(encoding="utf-8").splitlines()
    expected = [line.split("\t")[0] for line in table if line and not line.startswith("#")][1:]  # after the header
    assert anchors == expected and len(anchors) == 40
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<akomaNtoso")
    for fragment in (
        '<statement name="resolution">',
        '<citations eId="cits">\n        <citation eId="cit_1">',
        '<recital eId="rec_A">\n          <num>A.</num>',
        '<paragraph eId="para_1">\n        <num>1.</num>\n        <content>',
        "<docNumber>B9-0311/2022</docNumber>",
        "<docketNumber>2022/2700(RSP)</docketNumber>",
        '<formula eId="formula" refersTo="#enactingFormula" name="enactingFormula">',
    ):
        assert fragment in text, fragment


def test_points_notes_and_subheadings_are_akoma_ntoso_elements(tmp_path):
    text = written("twice", tmp_path).read_text(encoding="utf-8")
    assert '<item eId="rec_B__point_b__point_i">\n                  <num>(i)</num>' in text
    assert '<indent eId="para_2__indent_1">' in text
    assert '<authorialNote eId="authorialNote_1" marker="1" placement="bottom"><p>A footnote text.</p>' in text
    assert '<noteRef eId="authorialNote_1__ref_2" href="#authorialNote_1" marker="1"/>' in text
    assert '<ref href="#para_1">paragraph 1</ref>' in text and "<i>another</i>" in text
    sub = written("subheaded", tmp_path).read_text(encoding="utf-8")
    assert '<hcontainer eId="hcontainer_2" name="subheading">\n        <heading class="level-1">I. General' in sub
    assert '<heading eId="hcontainer_1" class="level-1">Points and sub-points</heading>' in sub


@pytest.mark.parametrize("name", NAMES)
def test_the_words_read_back_are_the_sources(name, tmp_path):
    doc = document(name)
    found = akn_check.read_akn(written(name, tmp_path)).words
    assert compare.compare_words("akn", expect.expected_words(doc, "akn"), found) == []
    assert len(found) > 40


def test_a_dropped_word_is_named_by_its_clause(tmp_path):
    path = written(SEED, tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("Reiterates its call on the", "Reiterates its call the"))
    found = akn_check.read_akn(path).words
    problems = [str(p) for p in compare.compare_words("akn", expect.expected_words(document(SEED), "akn"), found)]
    assert problems == ["akn text: para_3: missing 'on' after '3. Reiterates its call'"]


def test_the_check_compares_the_akn_eids_with_the_source(tmp_path):
    doc = document(SEED)
    path = written(SEED, tmp_path)
    assert compare.compare_anchors("akn", akn_check.read_akn(path).channels[0], doc) == []
    path.write_text(path.read_text(encoding="utf-8").replace('eId="para_3"', 'eId="para_3b"'), encoding="utf-8")
    problems = [str(p) for p in compare.compare_anchors("akn", akn_check.read_akn(path).channels[0], doc)]
    assert "akn eIds: para_3b: an anchor the source does not have" in problems
    assert "akn eIds: para_3: missing" in problems


# --- metadata, the file and the manifest ----------------------------------------------------------------------------


def test_the_frbr_uris_follow_the_naming_convention():
    seed = akn.frbr_uris(document(SEED))
    assert seed.work == "/akn/eu/statement/resolution/ep/2022/B9-0311-2022"
    assert seed.expression == "/akn/eu/statement/resolution/ep/2022/B9-0311-2022/eng@"
    assert seed.manifestation == "/akn/eu/statement/resolution/ep/2022/B9-0311-2022/eng@.akn"
    assert (seed.date, seed.date_name) == ("2022-01-01", "year of the reference (day unknown)")
    french = akn.frbr_uris(document("TA-9-2022-0052_FR"))
    assert french.expression == "/akn/eu/statement/resolution/ep/2022-03-01/P9_TA-2022-0052/fra@"
    assert french.date == "2022-03-01"


def test_write_is_reproducible_and_records_the_edition(tmp_path):
    doc = document(SEED)
    manifest.start(doc, tmp_path)
    first = akn.write(doc, tmp_path, Options())
    data = first[0].read_bytes()
    assert [p.name for p in first] == [f"{SEED}.akn.xml"]
    assert akn.write(doc, tmp_path, Options())[0].read_bytes() == data == akn.render(doc)
    data = json.loads((tmp_path / manifest.NAME).read_text(encoding="utf-8"))
    assert data["clauses"][2]["akn"] == {"href": f"{SEED}.akn.xml#cit_3"}
    reading = {"akn": akn_check.read_akn(first[0])}
    assert compare.compare_manifest(data, doc, reading) == []
    data["clauses"][2]["akn"]["href"] = f"{SEED}.akn.xml#cit_4"
    assert [str(p) for p in compare.compare_manifest(data, doc, reading)] == [
        f"anchors.json akn: cit_3: records link '{SEED}.akn.xml#cit_4', the file has link '{SEED}.akn.xml#cit_3'"
    ]
    recorded = data["editions"]["akn"]
    assert recorded == {
        "file": f"{SEED}.akn.xml",
        "work": "/akn/eu/statement/resolution/ep/2022/B9-0311-2022",
        "expression": "/akn/eu/statement/resolution/ep/2022/B9-0311-2022/eng@",
    }


# --- reading it back ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_importing_the_edition_gives_back_the_same_document(name, tmp_path):
    source = import_akn(written(name, tmp_path))
    back = reader.parse(source, tmp_path / f"{name}.md")
    assert model(back) == model(document(name))


def test_publish_import_from_akn_writes_a_source_the_build_reads(tmp_path, capsys):
    out = tmp_path / "sources" / f"{SEED}.md"
    assert main(["import", "--from", "akn", str(written(SEED, tmp_path)), "-o", str(out)]) == 0
    assert capsys.readouterr().err == f"{out}: 0 warnings\n"
    assert model(reader.read(out)) == model(document(SEED))


def test_an_eid_the_reader_would_not_give_is_kept_as_an_anchor_override(tmp_path):
    path = written(SEED, tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('eId="para_3"', 'eId="para_final"'), encoding="utf-8")
    source = import_akn(path)
    assert "{#para_final}\n3. " in source
    anchors = reader.parse(source, tmp_path / "x.md").anchors
    assert anchors[anchors.index("para_2") + 1] == "para_final"


def _broken(text: str, old: str, new: str) -> tuple[str, int]:
    """``text`` with ``old`` replaced by ``new`` once, and the line where the change is."""
    at = text.index(old)
    return text[:at] + new + text[at + len(old) :], text.count("\n", 0, at) + 1


#: Bad AKN: (what is broken, replacement in the seed's edition, the error after ``FILE:LINE: ``).
BAD = [
    ("not well-formed", ("</preamble>", "</preambel>"), "not well-formed XML: Opening and ending tag mismatch"),
    (
        "wrong namespace",
        ("http://docs.oasis-open.org/legaldocml/ns/akn/3.0", "http://www.akomantoso.org/2.0"),
        "not an Akoma Ntoso 3.0 document: <akomaNtoso> is in http://www.akomantoso.org/2.0",
    ),
    ("duplicate eId", ('eId="para_3"', 'eId="para_2"'), "duplicate eId 'para_2': already used at line"),
    (
        "unknown element in the body",
        ('<paragraph eId="para_2">', '<article eId="art_1"/><paragraph eId="para_2">'),
        "unsupported Akoma Ntoso element <article> in <mainBody>",
    ),
    (
        "unknown inline element",
        ("Calls on the Chinese", "Calls on the <u>Chinese</u>"),
        "unsupported Akoma Ntoso element <u> in <p>",
    ),
    ("a clause without eId", ('<recital eId="rec_C">', "<recital>"), "<recital> without an eId"),
    (
        "a label out of sequence",
        ('<recital eId="rec_C">\n          <num>C.</num>', '<recital eId="rec_C">\n          <num>D.</num>'),
        "recital 'D.' is out of sequence: expected 'C.' after 'B.'",
    ),
    # Words where the schema allows none would be lost by the import: refused, not dropped.
    (
        "words at the start of a paragraph",
        ('<paragraph eId="para_3">', '<paragraph eId="para_3">LOST WORDS'),
        "text outside the elements that hold text, at the start of <paragraph>: 'LOST WORDS'",
    ),
    (
        "words after a paragraph's text",
        ("People's Republic of China;</p>", "People's Republic of China;</p> LOST WORDS"),
        "text outside the elements that hold text, in <content>, after <p>: 'LOST WORDS'",
    ),
    (
        "words after a label",
        ("<num>3.</num>", "<num>3.</num> LOST WORDS"),
        "text outside the elements that hold text, in <paragraph>, after <num>: 'LOST WORDS'",
    ),
]


@pytest.mark.parametrize(("change", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_akn_is_refused_with_its_file_and_line_and_nothing_is_written(change, message, tmp_path, capsys):
    path = written(SEED, tmp_path)
    text, line = _broken(path.read_text(encoding="utf-8"), *change)
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.md"
    out.write_text("the last good source\n", encoding="utf-8")
    assert main(["import", "--from", "akn", str(path), "-o", str(out)]) == 65
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith(f"{path}:{line}: "), err
    assert message in first, err
    assert out.read_text(encoding="utf-8") == "the last good source\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, out.name])


def test_the_text_options_are_refused_with_akn(tmp_path, capsys):
    assert main(["import", "--from", "akn", str(written(SEED, tmp_path)), "--lenient"]) == 2
    assert capsys.readouterr().err == "publish: --lenient: only for --from text\n"


#: Markup and text the fuzzer puts into the lines of an edition.
MARKUP = st.sampled_from(
    ["<", ">", "</p>", "<p>", "<i>", "</i>", '<foo x="1"/>', 'eId="para_1"', "<num>Z.</num>", "&amp;", "&x;", "]]>",
     "<![CDATA[*]]>", "<!-- c -->", "<?pi x?>", "<authorialNote eId='authorialNote_9'><p>n</p></authorialNote>",
     '<noteRef href="#authorialNote_1"/>', "*", "[^1]", "\n", "#", "\u00a0", "é"]
)  # fmt: skip


TWICE_LINES = akn.render(document("twice")).decode("utf-8").splitlines(keepends=True)


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(TWICE_LINES, MARKUP))
def test_a_mutated_edition_imports_or_reports_a_source_error(text):
    """Whatever the damage, the import gives a source the reader reads, or the project's own error with a line."""
    try:
        source = import_data(text.encode("utf-8"), Path("fuzz.akn.xml"))
    except SourceError as error:
        assert str(error).startswith("fuzz.akn.xml:") and error.line >= 1
    else:
        assert reader.parse(source, Path("fuzz.md")).anchors


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "subheaded",
            ('eId="hcontainer_2"', 'eId="hcontainer_7"'),
            "subheading eId 'hcontainer_7': the source format names it 'hcontainer_2'",
        ),
        (
            "twice",
            ('eId="authorialNote_1" marker', 'eId="authorialNote_5" marker'),
            "note eId 'authorialNote_5': the source format names it 'authorialNote_1'",
        ),
        (
            "twice",
            ('href="#authorialNote_1" marker="1"/>', 'href="#authorialNote_2"/>'),
            "<noteRef> to 'authorialNote_2', which is not a note given before it",
        ),
        ("small", ("<akomaNtoso", "<akn"), "the root element is <akn>, not <akomaNtoso>"),
        ("small", ('<statement name="resolution">', '<act name="resolution">'), "must hold one <statement> or <doc>"),
    ],
    ids=["subheading eId", "note eId", "noteRef to no note", "root element", "an act"],
)
def test_ids_the_source_format_cannot_keep_and_other_documents_are_refused(name, change, message, tmp_path):
    path = written(name, tmp_path)
    text = path.read_text(encoding="utf-8")
    if change[0] == "<akomaNtoso":
        text = text.replace("</akomaNtoso>", "</akn>")
    if change[0].startswith("<statement"):
        text = text.replace("</statement>", "</act>")
    if "authorialNote_5" in change[1]:
        text = text.replace('href="#authorialNote_1"', 'href="#authorialNote_5"')
    text, line = _broken(text, *change)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        import_akn(path)
    assert str(caught.value).startswith(f"{path}:{line}: ") and message in caught.value.message
