"""The PDF editions are set in the fonts the print theme ships (themes/fonts/, issue 14): no system font is ever used,
so a PDF is byte-identical with or without the machine's fonts, and Greek and Cyrillic text has every glyph."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, SEED_SOURCE
from fontTools.ttLib import TTFont

from publish.build import build
from publish.check.pdfread import PdfReading
from publish.importer import BULLET_CHARS

THEMES = ROOT / "themes"
FONTS = THEMES / "fonts"
CORPUS = ROOT / "tests" / "corpus"
#: The family names the print theme gives its fonts, each with the PDF font name WeasyPrint writes for each face.
FAMILIES = {"Publish Serif": "Publish-Serif", "Publish Sans": "Publish-Sans"}
GENERIC = {"serif", "sans-serif"}
FACE_RULE = re.compile(r"@font-face\s*\{([^}]*)\}")

#: A source in English whose text is Greek and Bulgarian, taken from the corpus (TA-8-2018-0032_EL, B-9-2023-0455_EL,
#: TA-8-2018-0447_BG), with a few words of the other alphabets with the most letters beyond Latin-1 (MT, RO, LV, HU,
#: PL): in every face the editions use (title, bold labels, emphasis, strong emphasis, subheadings, notes).
GREEK_CYRILLIC = """\
---
reference: B9-0003/2024
procedure: 2024/0003(RSP)
type: Motion for a resolution
title: Ψήφισμα σχετικά με την προστασία των μειονοτήτων — Резолюция относно минимални стандарти за малцинствата
language: en
issued_by: European Parliament
---

The European Parliament,

## Citations

- έχοντας υπόψη τα άρθρα 2 και 3 της Συνθήκης για την Ευρωπαϊκή Ένωση (ΣΕΕ),

- като взе предвид член 2 и член 3, параграф 3 от Договора за Европейския съюз (ДЕС),

## Recitals

### Η προστασία των *μειονοτήτων*

A. whereas *του Χάρτη των Θεμελιωδών Δικαιωμάτων* and ***Хартата на основните права на Европейския съюз***;

#### Малцинствата в *ЕС*

B. whereas għat-tneħħija, țările și, saskaņā, főügyész and umożliwieniu are printed too;

## Paragraphs

1. Calls for **Το Ευρωπαϊκό Κοινοβούλιο** and **Европейският парламент**[^1];

[^1]: Резолюция на Европейския парламент от 13 ноември 2018 г. (2018/2036(INI)).
"""
#: Runs of the source that must come back from the PDF as they are (emphasis marks aside).
PHRASES = [
    "Ψήφισμα σχετικά με την προστασία των μειονοτήτων — Резолюция относно минимални стандарти за малцинствата",
    "έχοντας υπόψη τα άρθρα 2 και 3 της Συνθήκης για την Ευρωπαϊκή Ένωση (ΣΕΕ),",
    "като взе предвид член 2 и член 3, параграф 3 от Договора за Европейския съюз (ДЕС),",
    "Η προστασία των μειονοτήτων",
    "του Χάρτη των Θεμελιωδών Δικαιωμάτων",
    "Хартата на основните права на Европейския съюз",
    "Малцинствата в ЕС",
    "għat-tneħħija, țările și, saskaņā, főügyész and umożliwieniu",
    "Το Ευρωπαϊκό Κοινοβούλιο",
    "Европейският парламент",
    "Резолюция на Европейския парламент от 13 ноември 2018 г.",
]
EDITIONS = ("", "-large-print")


def _declared_faces() -> list[dict[str, str]]:
    """The print theme's ``@font-face`` rules, each as its descriptors."""
    css = (THEMES / "default-print.css").read_text(encoding="utf-8")
    rules = []
    for body in FACE_RULE.findall(css):
        rules.append({k.strip(): v.strip() for k, v in (d.split(":", 1) for d in body.split(";") if d.strip())})
    return rules


def _shipped() -> dict[str, TTFont]:
    """The shipped faces by PostScript name (``DejaVuSerif-Bold``)."""
    faces = {}
    for path in sorted(FONTS.glob("*.ttf")):
        font = TTFont(path)
        faces[font["name"].getDebugName(6)] = font
    return faces


def _pdf_fonts(path: Path) -> Iterator[pikepdf.Object]:
    """Each font the pages of the PDF at ``path`` use, once."""
    with pikepdf.open(path) as pdf:
        seen = set()
        for page in pdf.pages:
            for font in page.obj.Resources.get("/Font", {}).values():
                if font.objgen not in seen:
                    seen.add(font.objgen)
                    yield font


def _glyph_ids(font: pikepdf.Object) -> list[int]:
    """The glyphs a CID font uses, from its ``/W`` widths (CID = glyph id: ``/CIDToGIDMap /Identity``)."""
    descendant = font.DescendantFonts[0]
    assert descendant.get("/CIDToGIDMap") == pikepdf.Name.Identity
    widths, ids, index = descendant.W, [], 0
    while index < len(widths):
        first, run = int(widths[index]), widths[index + 1]
        ids += range(first, first + len(run))
        index += 2
    return ids


def _pdfs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.pdf"))


@pytest.fixture(scope="module")
def greek_cyrillic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Greek and Bulgarian source and the seed, both PDF editions built in this process (the machine's fonts
    visible)."""
    folder = tmp_path_factory.mktemp("fonts")
    source = folder / "greek-cyrillic.md"
    source.write_text(GREEK_CYRILLIC, encoding="utf-8")
    build([source, SEED_SOURCE], folder / "out", ["pdf"])
    return folder


def test_the_print_theme_declares_every_shipped_face_under_its_own_family_names_and_names_no_other_font():
    rules = _declared_faces()
    urls = [re.fullmatch(r'url\((fonts/[\w-]+\.ttf)\) format\("truetype"\)', rule["src"]) for rule in rules]
    assert all(urls), [rule["src"] for rule in rules]
    assert sorted(THEMES / url[1] for url in urls) == sorted(FONTS.glob("*.ttf"))  # no file undeclared, none missing
    assert {rule["font-family"].strip('"') for rule in rules} == set(FAMILIES)
    styles = [(rule["font-family"], rule["font-weight"], rule["font-style"]) for rule in rules]
    assert len(set(styles)) == len(styles)
    for name in ("default-print.css", "default-large-print.css"):
        css = FACE_RULE.sub("", (THEMES / name).read_text(encoding="utf-8"))
        values = re.findall(r"\bfont(?:-family)?:([^;]+);", css)  # the shorthand's family list starts at its quote
        assert values, name
        for value in values:
            assert '"' in value, (name, value)
            first, *rest = (part.strip() for part in value[value.index('"') :].split(","))
            assert first.strip('"') in FAMILIES and rest in ([], *([g] for g in GENERIC)), (name, value)


def test_the_shipped_fonts_are_dejavu_with_their_licence_and_provenance():
    faces = _shipped()
    assert len(faces) == len(list(FONTS.glob("*.ttf"))) >= 4
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    licence = (FONTS / "LICENSE").read_text(encoding="utf-8")
    assert "Bitstream Vera Fonts Copyright" in licence and "Arev Fonts Copyright" in licence
    for name, font in faces.items():
        version = font["name"].getDebugName(5).removeprefix("Version ")
        assert font["name"].getDebugName(1).startswith("DejaVu "), name
        assert f"DejaVu fonts version {version}" in readme, name
        assert f"`{Path(font.reader.file.name).name}`" in readme, name


def test_the_shipped_faces_have_every_character_of_every_corpus_text_greek_and_bulgarian_included():
    table = (CORPUS / "languages.tsv").read_text(encoding="utf-8").splitlines()
    languages = {row["language"] for row in csv.DictReader(table, delimiter="\t")}
    assert {"el", "bg"} <= languages
    texts = sorted(CORPUS.glob("*.txt"))
    assert any(path.stem.endswith("_EL") for path in texts) and any(path.stem.endswith("_BG") for path in texts)
    # The importer reads the bullet characters (the Symbol-font dash U+F02D among them) as labels: never printed.
    characters = {c for path in texts for c in path.read_text(encoding="utf-8")} - set(BULLET_CHARS) - set("\n\r\t")
    assert {"Ψ", "ή", "Р", "ъ", "ħ", "ș", "ő"} <= characters  # Greek, Cyrillic, Latin Extended
    for name, font in _shipped().items():
        cmap = font.getBestCmap()
        missing = sorted(f"U+{ord(c):04X}" for c in characters if ord(c) not in cmap)
        assert not missing, f"{name} lacks {missing}"


def test_every_font_in_the_pdfs_is_a_shipped_face_with_its_glyphs_and_none_is_a_missing_glyph(built, greek_cyrillic):
    shipped = _shipped()
    pdfs = _pdfs(built) + _pdfs(greek_cyrillic / "out")
    assert len(pdfs) >= 8
    used = set()
    for path in pdfs:
        for font in _pdf_fonts(path):
            name = str(font.BaseFont)
            assert re.fullmatch(r"/[A-Z]{6}\+Publish-(Serif|Sans)(-Bold)?(-Italic)?", name), (path.name, name)
            # WeasyPrint writes a custom /Encoding only to map the glyphs no font had to .notdef.
            assert font.Encoding == pikepdf.Name("/Identity-H"), (path.name, name, "a glyph is missing")
            descendant = font.DescendantFonts[0]
            embedded = TTFont(io.BytesIO(descendant.FontDescriptor.FontFile2.read_bytes()))
            postscript = embedded["name"].getDebugName(6)
            assert postscript in shipped, (path.name, name, postscript)
            reference = shipped[postscript]
            used.add(postscript)
            ids = _glyph_ids(font)
            assert ids and 0 not in ids, (path.name, name)  # no text drawn with .notdef
            glyf, ref_glyf = embedded["glyf"], reference["glyf"]
            for glyph in ids:
                mine, theirs = embedded.getGlyphOrder()[glyph], reference.getGlyphOrder()[glyph]
                drawn, shipped_drawing = glyf[mine].getCoordinates(glyf), ref_glyf[theirs].getCoordinates(ref_glyf)
                assert list(drawn[0]) == list(shipped_drawing[0]) and drawn[1] == shipped_drawing[1], (name, glyph)
                assert embedded["hmtx"][mine][0] == reference["hmtx"][theirs][0], (name, glyph)
    assert used == set(shipped)  # every shipped face is used by some edition: none is dead weight


@pytest.mark.parametrize("edition", EDITIONS)
def test_greek_and_cyrillic_text_comes_back_from_the_pdf_as_written(greek_cyrillic, edition):
    path = greek_cyrillic / "out" / "greek-cyrillic" / f"greek-cyrillic{edition}.pdf"
    with PdfReading(path) as reading:
        text = " ".join(reading.words())
    for phrase in PHRASES:
        assert phrase in text, phrase


def test_a_pdf_is_byte_identical_when_the_machine_has_no_font(greek_cyrillic, tmp_path):
    """Built again in a process whose fontconfig sees no font at all (a configuration without any ``<dir>``): the
    same bytes, so no font of the machine took part."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    env = dict(os.environ, FONTCONFIG_FILE=str(config), PYTHONPATH=str(ROOT))
    env.pop("FONTCONFIG_PATH", None)
    sources = [greek_cyrillic / "greek-cyrillic.md", SEED_SOURCE]
    args = [sys.executable, "-m", "publish.cli", "build", "-q", "--to", "pdf", "-o", str(tmp_path / "out")]
    done = subprocess.run([*args, *map(str, sources)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "No fonts configured in FontConfig" in done.stderr  # WeasyPrint (pinned) saw the empty configuration
    before, after = _pdfs(greek_cyrillic / "out"), _pdfs(tmp_path / "out")
    assert [p.relative_to(greek_cyrillic / "out") for p in before] == [p.relative_to(tmp_path / "out") for p in after]
    assert len(before) == 4
    for one, other in zip(before, after, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name
