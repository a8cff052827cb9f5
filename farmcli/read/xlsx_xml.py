"""What python-calamine does not give, read from the sheet's XML in .xlsx/.xlsm.

- `survey`: one streaming pass over a sheet part (C-speed byte searches, chunk by chunk) for
  error values (`t="e"`, which calamine reads as blank), hidden rows, cells in a percentage
  format (an Excel cell showing 75% holds 0.75), and the sheet's real extent.
- `stream_rows`: the sheet's rows read from its XML, holding only the used cells. calamine
  builds a dense grid from the sheet's corners, so one stray cell at XFD1048576 would make it
  allocate 17 billion cells; such a sheet is read here instead.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field

from farmcli.read.marks import SheetMarks
from farmcli.read.safety import _sheet_parts

CHUNK = 1 << 20
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_HIDDEN_ROW = re.compile(rb'<row\b([^>]*?)\bhidden="(?:1|true)"([^>]*)>')
_R_ATTR = re.compile(rb'\br="(\d+)"')
_ERROR_CELL = re.compile(rb'<c\b([^>]*?)\bt="e"([^>]*)>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_FAR_CELL = re.compile(rb'<c r="([A-Z]{3})\d')
_LAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})\d+"')
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]*\d*:?([A-Z]{1,3})(\d+)"')
_XF = re.compile(rb'<xf\b([^>]*)>')
_NUMFMT_ID = re.compile(rb'\bnumFmtId="(\d+)"')
_NUMFMT = re.compile(rb'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"')
_HIDDEN_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]+)"[^>]*?\bstate="(?:hidden|veryHidden)"')
_PERCENT_IDS = {9, 10}
_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
DENSE_LIMIT = 2_000_000  # cells calamine may allocate without a second thought


def column_index(letters: bytes | str) -> int:
    """b'A' → 0, b'XFD' → 16383."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass
class Package:
    """The parts of an .xlsx that say how to read its sheets."""

    parts: dict[str, str]  # sheet name → part
    hidden: set[str]
    percent_styles: set[int]
    date_styles: set[int]
    sizes: dict[str, int] = field(default_factory=dict)  # part → inflated bytes


def read_package(archive: zipfile.ZipFile) -> Package:
    from html import unescape

    names = set(archive.namelist())
    workbook = archive.read("xl/workbook.xml")
    hidden = {unescape(m.group(1).decode()) for m in _HIDDEN_SHEET.finditer(workbook)}
    percent, dates = set(), set()
    if "xl/styles.xml" in names:
        styles = archive.read("xl/styles.xml")
        custom = {int(i): unescape(code.decode()) for i, code in _NUMFMT.findall(styles)}
        start = styles.find(b"<cellXfs")
        end = styles.find(b"</cellXfs>", start)
        for index, attrs in enumerate(_XF.findall(styles[start:end] if start >= 0 else b"")):
            found = _NUMFMT_ID.search(attrs)  # an <xf> without numFmtId is General (0): it still counts
            fmt = int(found.group(1)) if found else 0
            code = custom.get(fmt, "")
            if fmt in _PERCENT_IDS or "%" in _bare(code):
                percent.add(index)
            elif fmt in _DATE_IDS or (code and re.search(r"[ymdhs]", _bare(code).lower())):
                dates.add(index)
    sizes = {i.filename: i.file_size for i in archive.infolist()}
    return Package(_sheet_parts(archive), hidden, percent, dates, sizes)


def _bare(code: str) -> str:
    """A number format without its quoted text, [colours] and escaped characters."""
    return re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)


def _complete_rows(archive: zipfile.ZipFile, part: str):
    """The part's text in pieces that each end after a `</row>` (the last piece: the rest)."""
    carry = b""
    with archive.open(part) as fh:
        while chunk := fh.read(CHUNK):
            chunk = carry + chunk
            cut = chunk.rfind(b"</row>")
            if cut < 0:
                carry = chunk
                continue
            carry = chunk[cut + 6:]
            yield chunk[: cut + 6]
    if carry:
        yield carry


def survey(archive: zipfile.ZipFile, package: Package, sheet: str) -> tuple[SheetMarks, int]:
    """The sheet's marks and the number of cells a dense grid of it would hold."""
    part = package.parts.get(sheet, "")
    marks = SheetMarks(hidden=sheet in package.hidden)
    if part not in package.sizes:
        return marks, 0
    percent = None
    if package.percent_styles:
        ids = b"|".join(str(i).encode() for i in sorted(package.percent_styles))
        percent = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\ss="(?:' + ids + rb')"')
    last_row, last_col, dimension = 0, 0, None
    for piece in _complete_rows(archive, part):
        if dimension is None:
            dim = _DIMENSION.search(piece)
            dimension = bool(dim)
            if dim:
                last_col = column_index(dim.group(1))
        rows = list(_ROW_NUMBER.finditer(piece[piece.rfind(b"<row") :])) if b"<row" in piece else []
        if rows:
            last_row = max(last_row, int(rows[-1].group(1)))
            tail = _LAST_CELL.findall(piece[piece.rfind(b"<row") :])
            if tail:
                last_col = max(last_col, column_index(tail[-1]))
        if not dimension:  # without a <dimension>, look for cells beyond column ZZ
            for far in set(_FAR_CELL.findall(piece)):
                last_col = max(last_col, column_index(far))
        if b'hidden="' in piece:
            for m in _HIDDEN_ROW.finditer(piece):
                number = _R_ATTR.search(m.group(1) + m.group(2))
                if number:
                    marks.hidden_rows.add(int(number.group(1)) - 1)
        if b't="e"' in piece:
            for m in _ERROR_CELL.finditer(piece):
                ref = _CELL_REF.search(m.group(1) + m.group(2))
                if ref:
                    marks.errors[(int(ref.group(2)) - 1, column_index(ref.group(1)))] = m.group(3).decode(errors="replace")
        if percent is not None:
            marks.percent.update((int(r) - 1, column_index(c)) for c, r in percent.findall(piece))
    return marks, last_row * (last_col + 1)


def too_sparse(dense_cells: int, part_bytes: int) -> bool:
    """A real cell takes at least ~10 bytes of XML: a grid far bigger than that is mostly air."""
    return dense_cells > DENSE_LIMIT and dense_cells > part_bytes // 10


def stream_rows(archive: zipfile.ZipFile, package: Package, sheet: str, columns: set[int] | None = None) -> list[list]:
    """The sheet's rows (row 1 first) as calamine would give them, holding only used cells.

    Rows without a used cell share one empty list; trailing blank rows are dropped. With
    `columns`, only those column indices are kept.
    """
    from defusedxml.ElementTree import iterparse

    strings = _shared_strings(archive) if "xl/sharedStrings.xml" in package.sizes else []
    cells: dict[int, dict[int, object]] = {}
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    row, col = -1, -1
    with archive.open(package.parts[sheet]) as fh:
        for event, el in iterparse(fh, events=("start", "end"), forbid_dtd=True):
            if el.tag == ns + "row":
                if event == "start":  # `r` may be left out: then it is the next row
                    row, col = (int(el.get("r")) - 1 if el.get("r") else row + 1), -1
                else:
                    el.clear()
                continue
            if el.tag != ns + "c" or event == "start":
                continue
            ref = _REF.match(el.get("r", ""))
            col = column_index(ref.group(1)) if ref else col + 1  # no `r`: the next cell of the row
            if ref:
                row = int(ref.group(2)) - 1
            if columns is not None and col not in columns:
                continue
            value = _value(el, ns, strings, package.date_styles)
            if value is not None and not (type(value) is str and not value.strip()):
                cells.setdefault(row, {})[col] = value
    empty: list = []
    out = [empty] * (max(cells) + 1 if cells else 0)
    for row, found in cells.items():
        line = [None] * (max(found) + 1)
        for col, value in found.items():
            line[col] = value
        out[row] = line
    return out


def _value(el, ns: str, strings: list[str], date_styles: set[int]) -> object:
    kind, v = el.get("t", "n"), el.find(ns + "v")
    text = v.text if v is not None else None
    if kind == "inlineStr":
        return "".join(t.text or "" for t in el.iter(ns + "t"))
    if text is None:
        return None
    if kind == "s":
        return strings[int(text)]
    if kind in ("str", "e"):
        return text if kind == "str" else ""
    if kind == "b":
        return text == "1"
    if kind == "d":
        return dt.datetime.fromisoformat(text)
    number = float(text)
    if int(el.get("s", "0")) in date_styles and 0 < number < 2958466:
        return dt.datetime(1899, 12, 30) + dt.timedelta(days=number)
    return number


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    from defusedxml.ElementTree import iterparse

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    out = []
    with archive.open("xl/sharedStrings.xml") as fh:
        for _event, el in iterparse(fh, events=("end",), forbid_dtd=True):
            if el.tag == ns + "si":
                # <si><t> or rich runs <si><r><t>; phonetic runs (<rPh>) are not the text
                runs = [el.find(ns + "t")] + [r.find(ns + "t") for r in el.findall(ns + "r")]
                out.append("".join(t.text or "" for t in runs if t is not None))
                el.clear()
    return out
