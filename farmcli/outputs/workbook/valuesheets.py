"""A folder's combined ledger sheets (SPEC §8) as a package of values, which then takes the
result sheets like any ledger (`package.fill_workbook`).

Written as sheet XML directly, streamed into the zip row by row, not cell by cell through
xlsxwriter: a province's folder is a million rows, and xlsxwriter's per-cell work alone costs
more than the whole settlement may (issue 28: at most 0.7 × calamine reading every file plus
xlsxwriter writing the combined sheets). Text is written as inline strings (so `=…` stays
text), numbers exactly as the Decimal reads, dates as serials with a yyyy-mm-dd format.

Each sheet is digested as it is written (`ReadBack`), as calamine will read it back: the record's
fingerprint then needs no second read of a million-row sheet, whose grid alone would cost half a
gigabyte (issue 28: a province's folder within 1 GiB).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from farmcli.model.cells import column_letter
from farmcli.model.progress import STEP, Progress
from farmcli.read.digest import BATCH, SheetDigest

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_EPOCH = dt.date(1899, 12, 30)
# Excel counts a 29 February 1900 that never was (serial 60): a date before 1 March 1900 is one serial
# less than its distance from _EPOCH; no date before 1900 has a serial at all.
_LEAP_BUG, _FIRST = dt.date(1900, 3, 1), dt.date(1900, 1, 1)
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
          '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def write_values_package(book, path: Path, progress: Progress | None = None) -> dict[str, str]:
    """`book` (sheet_names, rows(sheet) → header then rows) as a minimal .xlsx package at `path`.
    Returns each sheet's digest as calamine will read it back (read/digest.py), where it can tell."""
    names = list(book.sheet_names)
    digests = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _content_types(len(names)))
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                   f'"{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        sheets = "".join(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1))
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
                   f'xmlns:r="{REL}"><sheets>{sheets}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                       for n in range(1, len(names) + 1))
        rels += f'<Relationship Id="rId{len(names) + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>')
        z.writestr("xl/styles.xml", STYLES)
        for n, name in enumerate(names, 1):
            with z.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as part:
                digest = _write_sheet(part, name, book.rows(name), progress)
            if digest is not None:
                digests[name] = digest
    return digests


def _content_types(count: int) -> str:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    parts = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet}"/>' for n in range(1, count + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns='
            '"http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{parts}</Types>')


def _cell(ref: str, value) -> str:
    """One cell's XML ('' for a blank)."""
    kind = type(value)
    if value is None:
        return ""
    if kind is str:
        text = _xml_text(value)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>' if text else ""
    if kind is Decimal:
        return f'<c r="{ref}"><v>{value:f}</v></c>' if value.is_finite() else _cell(ref, str(value))
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind in (int, float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        if value.date() < _FIRST:  # no serial before 1900: written as it reads
            return _cell(ref, value.isoformat(sep=" "))
        serial = (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400 - (value.date() < _LEAP_BUG)
        return f'<c r="{ref}" s="1"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        if value < _FIRST:
            return _cell(ref, value.isoformat())
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days - (value < _LEAP_BUG)}</v></c>'
    return _cell(ref, str(value))


def _xml_text(value: str) -> str:
    """Text as an inline string's XML holds it, to read back as written: characters XML 1.0 cannot
    hold dropped; a run that reads as an OOXML escape (`_x0041_`, ECMA-376 Part 1 §22.9.2.19) has
    its underscore escaped (`_x005F_x0041_`), as Excel writes it; a CR written `_x000D_` (an XML
    reader would turn it into a LF)."""
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", _CONTROL.sub("", value))
    return escape(text).replace("\r", "_x000D_")


def _write_sheet(part, name: str, rows, progress: Progress | None) -> str | None:
    part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
               .encode("utf-8"))
    letters: list[str] = []
    buffer: list[str] = []
    total = len(rows)
    back = ReadBack()
    for r, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(column_letter(len(letters)))
        buffer.append(f'<row r="{r}">' + "".join(_cell(f"{letters[c]}{r}", v) for c, v in enumerate(row)) + "</row>")
        back.add(row)
        if r % STEP == 0:
            part.write("".join(buffer).encode("utf-8"))
            buffer.clear()
            if progress is not None:
                progress(f"写出「{name}」", r, total)
    part.write(("".join(buffer) + "</sheetData></worksheet>").encode("utf-8"))
    if progress is not None:
        progress(f"写出「{name}」", total, total)
    return back.hexdigest()


def _read_back(value) -> object:
    """What calamine reads from the cell `_cell` writes for `value` ('' for a blank; `_UNSURE` where
    its reading cannot be foretold exactly: a time of day goes through a float serial, and a date
    before 1 March 1900 through Excel's count of a day that never was)."""
    kind = type(value)
    if value is None:
        return ""
    if kind is str:
        return _CONTROL.sub("", value)
    if kind is Decimal:
        return float(value) if value.is_finite() else str(value)
    if kind is bool:
        return value
    if kind in (int, float):
        return float(value)
    if isinstance(value, dt.datetime):
        plain = value.time() == dt.time(0) and value.tzinfo is None and value.date() >= _LEAP_BUG
        return value.date() if plain else _UNSURE
    if isinstance(value, dt.date):
        return value if value >= _LEAP_BUG else _UNSURE
    return _read_back(str(value))


_UNSURE = object()


class ReadBack:
    """A sheet's digest as calamine reads back what `_write_sheet` writes: rows from row 1, cells
    from the first column holding a value to the last, the blank rows at the end left out
    (read/digest.py `SheetDigest`). The rows go by once, never held: a row wider than those already
    digested, a sheet whose column A is blank throughout, or a cell whose reading cannot be foretold
    leaves the digest unknown (None), and the fingerprint then reads the sheet back instead."""

    def __init__(self) -> None:
        self._digest = SheetDigest(0)
        self._width = 0  # cells per row so far (from column A)
        self._column_a = False  # a value in column A: calamine's rows then start there
        self._digested = False  # rows already digested at `_width`: it can no longer grow
        self._blank = 0  # blank rows not yet digested (left out if no row with a value follows)
        self._batch: list[list] = []
        self._unsure = False

    def add(self, row: list) -> None:
        if self._unsure:
            return
        cells = [_read_back(v) for v in row]
        if _UNSURE in cells:
            self._unsure = True
            return
        used = [c for c, v in enumerate(cells) if v != ""]
        if not used:
            self._blank += 1
            return
        if used[-1] >= self._width:
            if self._digested:
                self._unsure = True
                return
            self._width = used[-1] + 1
        self._column_a = self._column_a or used[0] == 0
        for _ in range(self._blank):
            self._take([])
        self._blank = 0
        self._take(cells)

    def _take(self, cells: list) -> None:
        self._batch.append(cells)
        if len(self._batch) == BATCH:
            self._flush()

    def _flush(self) -> None:
        width = self._width
        self._digest.add_batch([c[:width] + [""] * (width - len(c[:width])) for c in self._batch])
        self._batch = []
        self._digested = True

    def hexdigest(self) -> str | None:
        if self._unsure or not self._column_a:
            return None
        self._flush()
        return self._digest.hexdigest()
