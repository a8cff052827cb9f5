"""check_package(path): a structural validator for the filled workbook (and any .xlsx).

Fails with an AssertionError naming what is wrong. Other tests call it on every workbook
farmcli writes: `from package_check import check_package`.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring

from farmcli.ooxml.opc import OFFICE_REL, ContentTypes, read_rels, rels_name, resolve

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MACRO = ("macroEnabled", "vbaProject")
PARSE_LIMIT = 32 * 1024**2  # parse smaller parts whole; bigger sheets are only scanned
_OD = "application/vnd.openxmlformats-officedocument."
_SML, _WML = _OD + "spreadsheetml.", _OD + "wordprocessingml."
# The content type a relationship's target must have, by the relationship type's last word
# (ECMA-376 Part 1 §15, §17, §18, §21; Part 2 for the package's own). Types not listed: not checked.
REQUIRED_TYPES: dict[str, tuple[str, ...]] = {
    "officeDocument": (_SML + "sheet.main+xml", _SML + "template.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                       _WML + "document.main+xml", _WML + "document.macroEnabled.main+xml"),
    "worksheet": (_SML + "worksheet+xml",), "chartsheet": (_SML + "chartsheet+xml",),
    "dialogsheet": (_SML + "dialogsheet+xml",),
    "styles": (_SML + "styles+xml", _WML + "styles+xml"), "sharedStrings": (_SML + "sharedStrings+xml",),
    "calcChain": (_SML + "calcChain+xml",), "comments": (_SML + "comments+xml", _WML + "comments+xml"),
    "table": (_SML + "table+xml",), "externalLink": (_SML + "externalLink+xml",),
    "pivotTable": (_SML + "pivotTable+xml",), "pivotCacheDefinition": (_SML + "pivotCacheDefinition+xml",),
    "pivotCacheRecords": (_SML + "pivotCacheRecords+xml",), "queryTable": (_SML + "queryTable+xml",),
    "connections": (_SML + "connections+xml",), "printerSettings": (_SML + "printerSettings",),
    "theme": (_OD + "theme+xml",), "drawing": (_OD + "drawing+xml",), "chart": (_OD + "drawingml.chart+xml",),
    "vmlDrawing": (_OD + "vmlDrawing",), "customXmlProps": (_OD + "customXmlProperties+xml",),
    "core-properties": ("application/vnd.openxmlformats-package.core-properties+xml",),
    "extended-properties": (_OD + "extended-properties+xml",), "custom-properties": (_OD + "custom-properties+xml",),
    "settings": (_WML + "settings+xml",), "numbering": (_WML + "numbering+xml",),
    "fontTable": (_WML + "fontTable+xml",), "webSettings": (_WML + "webSettings+xml",),
    "header": (_WML + "header+xml",), "footer": (_WML + "footer+xml",),
    "footnotes": (_WML + "footnotes+xml",), "endnotes": (_WML + "endnotes+xml",),
    "customXml": ("application/xml", "text/xml"),
}


def check_package(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        assert len(names) == len(set(names)), "duplicate zip entries"
        types = ContentTypes(z.read("[Content_Types].xml"))
        for name in names:
            if name != "[Content_Types].xml":
                assert types.of(name), f"{name} has no content type"
        assert not [t for t in [*types.defaults.values(), *types.overrides.values()] if any(m in t for m in MACRO)], \
            "a macro-enabled content type remains"
        assert not [n for n in names if "vbaProject" in n], "a VBA part remains"
        for name in names:
            if name.endswith((".xml", ".rels", ".vml")) and z.getinfo(name).file_size < PARSE_LIMIT:
                fromstring(z.read(name))  # well-formed, no DTD
        for name in names:
            if name.endswith(".rels"):
                source = re.sub(r"_rels/([^/]*)\.rels$", r"\1", name)
                assert source == "" or source in names, f"{name} belongs to no part"
                rels = read_rels(z, source)
                assert len({r.id for r in rels}) == len(rels), f"duplicate relationship ids in {name}"
                for rel in rels:
                    if not rel.external:
                        target = resolve(source, rel.target)
                        assert target in names, f"{name}: {rel.target} does not exist"
                        check_target_type(rel.kind(), target, types.of(target))
        book = next(resolve("", r.target) for r in read_rels(z, "") if r.kind() == "officeDocument")
        root = fromstring(z.read(book))
        sheets = root.findall(f"{MAIN}sheets/{MAIN}sheet")
        ids = [s.get("sheetId") for s in sheets]
        rids = [s.get(f"{{{OFFICE_REL}}}id") for s in sheets]
        assert len(set(ids)) == len(ids), f"duplicate sheetIds {ids}"
        assert len(set(rids)) == len(rids), f"duplicate r:ids {rids}"
        assert len({s.get("name") for s in sheets}) == len(sheets), "duplicate sheet names"
        rels = {r.id: r for r in read_rels(z, book)}
        for rid in rids:
            assert rid in rels and rels[rid].kind() in ("worksheet", "chartsheet", "dialogsheet"), \
                f"sheet r:id {rid} is not a sheet relationship"
        assert len(root.findall(f"{MAIN}definedNames")) <= 1, "more than one <definedNames> (Excel refuses the file)"
        for name in root.iter(f"{MAIN}definedName"):
            local = name.get("localSheetId")
            assert local is None or int(local) < len(sheets), f"defined name {name.get('name')} → sheet {local}"
        xf_count = _check_styles(z, book, rels)
        for rid in rids:
            if rels[rid].kind() == "worksheet":
                _check_sheet_styles(z, resolve(book, rels[rid].target), xf_count)


def check_target_type(kind: str, target: str, content_type: str | None) -> None:
    """A relationship of type `kind` reaches `target`, typed `content_type`: the type it requires."""
    if kind in ("image", "thumbnail"):
        assert content_type and content_type.startswith("image/"), f"{target} ({kind}) is typed {content_type}"
    elif kind in REQUIRED_TYPES:
        assert content_type in REQUIRED_TYPES[kind], \
            f"{target} is the target of a {kind} relationship but is typed {content_type}"


def _check_styles(z: zipfile.ZipFile, book: str, rels: dict) -> int:
    part = next(resolve(book, r.target) for r in rels.values() if r.kind() == "styles")
    root = fromstring(z.read(part))

    def children(section: str, child: str) -> list:
        node = root.find(f"{MAIN}{section}")
        if node is None:
            return []
        items = node.findall(f"{MAIN}{child}")
        assert node.get("count") is None or int(node.get("count")) == len(items), f"{section} count is wrong"
        return items

    formats = {int(n.get("numFmtId")) for n in children("numFmts", "numFmt")}
    fonts, fills, borders = (len(children(s, c)) for s, c in (("fonts", "font"), ("fills", "fill"), ("borders", "border")))
    xfs = children("cellXfs", "xf")
    for i, xf in enumerate(xfs):
        number = int(xf.get("numFmtId", 0))
        assert number < 164 or number in formats, f"cellXfs[{i}] numFmtId {number} is not defined"
        for key, count in (("fontId", fonts), ("fillId", fills), ("borderId", borders)):
            assert int(xf.get(key, 0)) < max(count, 1), f"cellXfs[{i}] {key} out of range"
        assert int(xf.get("xfId", 0)) < max(len(children("cellStyleXfs", "xf")), 1), f"cellXfs[{i}] xfId out of range"
    return len(xfs)


def _check_sheet_styles(z: zipfile.ZipFile, part: str, xf_count: int) -> None:
    """Every s= of a cell or row, and style= of a column, points at a cell format (streamed)."""
    pattern = re.compile(rb'<(?:c|row)\b[^>]*?\ss="(\d+)"|<col\b[^>]*?\sstyle="(\d+)"')
    tail = b""
    with z.open(part) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            cut = data.rfind(b">") + 1
            for m in pattern.finditer(data[:cut]):
                index = int(m.group(1) or m.group(2))
                assert index < xf_count, f"{part}: style {index} ≥ {xf_count} cell formats"
            tail = data[cut:]
