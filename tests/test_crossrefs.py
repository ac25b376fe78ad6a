"""References in the text to the document's own clauses become links; references to other texts' clauses do not."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html

from publish import crossrefs, languages, reader
from publish.importer import import_text
from publish.model import Link
from publish.writers import html as html_writer
from publish.writers.shared import Options

TEXT = """B9-0311/2022

European Parliament resolution on reports of the human rights situation in Xinjiang

(2022/2700(RSP))

The European Parliament,

–  having regard to its previous resolutions on China,

–  having regard to Article 2, paragraph 3 of the Treaty,

A.  whereas the files were published;

B.  whereas, as recalled in recital A, the files show abuses;

1.  Condemns the abuses;

2.  Reiterates its call in paragraph 1 and recalls paragraph 3 of its resolution of 2021, paragraph 9 and
paragraph 1(a) and recital B thereof;

3.  Instructs its President to forward this resolution, as set out in Paragraph 2, to the Council.
"""

LINKS = re.compile(r"\[([^\]]+)\]\(#([^)]+)\)")


def test_the_importer_links_references_to_the_documents_own_clauses_only():
    source = import_text(TEXT, Path("B-9-2022-0311_EN.txt")).source
    assert LINKS.findall(source) == [("recital A", "rec_A"), ("paragraph 1", "para_1"), ("Paragraph 2", "para_2")]
    flat = " ".join(source.split())
    # another text's clause ("of", "thereof"), a clause the document lacks, a point written "1(a)": text
    for kept in (
        "Article 2, paragraph 3 of the Treaty",
        "recalls paragraph 3 of its",
        "paragraph 9 and",
        "paragraph 1(a) and recital B thereof",
    ):
        assert kept in flat


def test_a_linked_reference_is_a_link_in_the_model_and_on_the_page(tmp_path):
    path = tmp_path / "xref.md"
    path.write_text(import_text(TEXT, Path("B-9-2022-0311_EN.txt")).source, encoding="utf-8")
    document = reader.read(path)
    para_2 = next(c for c in document.iter_clauses() if c.eid == "para_2")
    assert [n.href for n in para_2.content if isinstance(n, Link)] == ["#para_1"]
    assert para_2.text.startswith("Reiterates its call in paragraph 1 and recalls")  # the words are unchanged
    page = html.fromstring(html_writer.render(document, Options()))
    (link,) = page.get_element_by_id("para_2").xpath(".//a[@href='#para_1']")
    assert link.text_content() == "paragraph 1"


def test_a_pack_without_reference_words_links_nothing():
    french = languages.load("fr")
    assert not french.references
    assert crossrefs.pattern(french) is None
    assert crossrefs.link("au paragraphe 1", crossrefs.pattern(french), {("paragraph", "1"): "para_1"}) == (
        "au paragraphe 1"
    )


def test_references_are_found_whatever_the_blanks_and_case():
    found = crossrefs.pattern(languages.load("en"))
    targets = {("paragraph", "12"): "para_12", ("recital", "AB"): "rec_AB"}
    assert crossrefs.link("see PARAGRAPH\u00a012 and recital  AB.", found, targets) == (
        "see [PARAGRAPH\u00a012](#para_12) and [recital  AB](#rec_AB)."
    )
    assert crossrefs.link("paragraph 12a, paragraph 120, subparagraph 12", found, targets) == (
        "paragraph 12a, paragraph 120, subparagraph 12"
    )
