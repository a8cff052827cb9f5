"""The settlement's record inside the filled workbook: a very hidden sheet, `RECORD_SHEET`.

A sheet is what every program that saves a workbook keeps (Excel, WPS, LibreOffice, openpyxl);
openpyxl and LibreOffice drop custom XML parts, where farmcli kept the record before (read still,
`record_item`). Cell A1 says what the sheet is (`RECORD_MARK`); A2, A3 … hold the record's bytes
in base64 (no byte of the JSON can break the XML), in pieces below Excel's 32,767 characters a cell.
"""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring

from farmcli.model.findings import LedgerError
from farmcli.ooxml.package import Package, open_package

RECORD_NS = "urn:farmcli:record"
RECORD_LIMIT = 256 * 1024**2  # a record part larger than this is not ours
RECORD_SHEET = "farmcli结算记录"
RECORD_MARK = "farmcli record (base64 JSON); do not edit"
PIECE = 32000  # base64 characters a cell
SML_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def read_record(path: Path | Package) -> bytes | None:
    """The record `fill_workbook` stored in the workbook at `path` (or in an open package), or None."""
    if isinstance(path, Package):
        return _find_record(path.archive, path.path)
    try:  # through the one package reader: its size and DTD checks come before any part is read
        package = open_package(Path(path))
    except LedgerError:  # not a workbook farmcli can open: it holds no record of ours
        return None
    with package:
        return _find_record(package.archive, package.path)


def _find_record(archive: zipfile.ZipFile, path: Path) -> bytes | None:
    found = _sheet_record(path, archive)
    if found is not None:
        return found
    for info in archive.infolist():
        found = record_item(archive, info.filename)
        if found is not None:
            return found
    return None


def _sheet_record(path: Path, archive: zipfile.ZipFile) -> bytes | None:
    from farmcli.outputs.workbook.fingerprint import sheet_parts

    try:
        if RECORD_SHEET not in sheet_parts(archive):
            return None
        from farmcli.read.formats import open_calamine

        book = open_calamine(Path(path), "xlsx")
        try:
            rows = book.get_sheet_by_name(RECORD_SHEET).to_python()
        finally:
            book.close()
        column = [str(row[0]) if row and row[0] is not None else "" for row in rows]
        if not column or column[0] != RECORD_MARK:
            return None
        return base64.b64decode("".join(column[1:]), validate=True)
    except Exception:  # a damaged or foreign sheet is simply not a record
        return None


def record_sheet(record: bytes) -> bytes:
    """The worksheet part that holds `record` (inline strings: no shared-strings part to touch)."""
    body = base64.b64encode(record).decode()
    pieces = [RECORD_MARK] + [body[i:i + PIECE] for i in range(0, len(body), PIECE)]
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{piece}</t></is></c></row>'
                   for n, piece in enumerate(pieces, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{SML_NS}">'
            f'<sheetData>{rows}</sheetData></worksheet>').encode()


def record_item(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """The record in part `name`, if it is a farmcli record."""
    if not re.fullmatch(r"customXml/item\d+\.xml", name) or name not in archive.namelist():
        return None
    if archive.getinfo(name).file_size > RECORD_LIMIT:
        return None
    data = archive.read(name)
    if RECORD_NS.encode() not in data[:512]:
        return None
    try:
        root = fromstring(data)
        if root.tag != f"{{{RECORD_NS}}}farmcli":
            return None
        return base64.b64decode(root.text or "", validate=True)
    except Exception:  # a damaged or foreign item is simply not a record
        return None


def record_dict(data: bytes | None) -> dict | None:
    """A stored record (`read_record`'s bytes) as the JSON object it holds, or None when there is
    none or it cannot be read (then the settlement found is not compared with)."""
    import json

    if data is None:
        return None
    try:
        record = json.loads(data.decode("utf-8"))
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
