"""schema_errors(path): every XML part of an OOXML package (.xlsx, .docx) validated against the
ECMA-376 transitional schemas in tests/ooxml-xsd/ (a copy of shared/ooxml-xsd, see its README).

Before validating, parts are read as an Office 2007-level reader reads them (ECMA-376 Part 3,
Markup Compatibility): elements and attributes of namespaces listed in mc:Ignorable go,
mc:AlternateContent becomes its mc:Fallback; xml:space (written by every Office, not declared by
sml.xsd) goes. Parts of namespaces the schemas do not define (Microsoft's extensions, a custom XML
item's own) are not validated. Schemas compile once per session (lru_cache).
"""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

XSD = Path(__file__).resolve().parent / "ooxml-xsd"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SCHEMAS = {  # the root element's namespace → the schema that defines it
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "sml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "dml-chart.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "dml-spreadsheetDrawing.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chartDrawing": "dml-chartDrawing.xsd",
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "wml.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "opc-coreProperties.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties": "shared-documentPropertiesCustom.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/customXml": "shared-customXmlDataProperties.xsd",
}
PARSE_LIMIT = 64 * 1024**2  # bigger parts (a million-row sheet) are not validated whole here


@lru_cache(maxsize=None)
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD / name)))


def office_2007_view(root: etree._Element) -> etree._Element:
    """The part as a reader that knows only the ECMA-376 namespaces sees it (Part 3 §10)."""
    ignorable: set[str] = set()
    for node in root.iter():
        prefixes = node.get(f"{{{MC}}}Ignorable")
        if prefixes:
            ignorable |= {node.nsmap.get(p) for p in prefixes.split() if node.nsmap.get(p)}
    for choice in list(root.iter(f"{{{MC}}}AlternateContent")):
        fallback = choice.find(f"{{{MC}}}Fallback")
        parent = choice.getparent()
        index = parent.index(choice)
        parent.remove(choice)
        for child in reversed(list(fallback) if fallback is not None else []):
            parent.insert(index, child)
    for node in list(root.iter()):
        if not isinstance(node.tag, str):
            continue
        if node is not root and etree.QName(node).namespace in ignorable | {MC}:
            if _inside_ext(node):
                continue
            node.getparent().remove(node)
            continue
        for attr in list(node.attrib):
            namespace = etree.QName(attr).namespace
            if attr == XML_SPACE or namespace in ignorable or namespace == MC:
                del node.attrib[attr]
    return root


def _inside_ext(node: etree._Element) -> bool:
    """<ext> takes any namespace: its content is left alone."""
    parent = node.getparent()
    while parent is not None:
        if etree.QName(parent).localname == "ext":
            return True
        parent = parent.getparent()
    return False


def part_errors(data: bytes) -> list[str]:
    """The schema errors of one part (empty when valid, or when no schema covers it)."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    name = SCHEMAS.get(etree.QName(root).namespace or "")
    if name is None:
        return []
    checker = schema(name)
    if checker.validate(office_2007_view(root)):
        return []
    return [f"{e.line}: {e.message}" for e in checker.error_log]


def schema_errors(path: Path) -> dict[str, list[str]]:
    """Every XML part's schema errors, by part name (only parts that have any)."""
    found = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.filename.endswith((".xml", ".rels")) and info.file_size < PARSE_LIMIT:
                errors = part_errors(z.read(info))
                if errors:
                    found[info.filename] = errors
    return found
