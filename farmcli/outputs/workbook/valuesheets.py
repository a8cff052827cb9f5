"""A folder's combined ledger sheets (SPEC §8) as a package of values, which then takes the
result sheets like any ledger (`package.fill_workbook`).

Written as sheet XML directly, streamed into the zip row by row, not cell by cell through
xlsxwriter: a province's folder is a million rows, and xlsxwriter's per-cell work alone costs
more than the whole settlement may (issue 28: at most 0.7 × calamine reading every file plus
xlsxwriter writing the combined sheets). Text is written as inline strings (so `=…` stays
text), numbers exactly as the Decimal reads, dates as serials with a yyyy-mm-dd format.
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

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_EPOCH = dt.date(1899, 12, 30)
STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
          '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def write_values_package(book, path: Path, progress: Progress | None = None) -> Path:
    """`book` (sheet_names, rows(sheet) → header then rows) as a minimal .xlsx package at `path`."""
    names = list(book.sheet_names)
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
                _write_sheet(part, name, book.rows(name), progress)
    return path


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
        text = _CONTROL.sub("", value)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>' if text else ""
    if kind is Decimal:
        return f'<c r="{ref}"><v>{value:f}</v></c>' if value.is_finite() else _cell(ref, str(value))
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind in (int, float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}" s="1"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    return _cell(ref, str(value))


def _write_sheet(part, name: str, rows, progress: Progress | None) -> None:
    part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
               .encode("utf-8"))
    letters: list[str] = []
    buffer: list[str] = []
    total = len(rows)
    for r, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(column_letter(len(letters)))
        buffer.append(f'<row r="{r}">' + "".join(_cell(f"{letters[c]}{r}", v) for c, v in enumerate(row)) + "</row>")
        if r % STEP == 0:
            part.write("".join(buffer).encode("utf-8"))
            buffer.clear()
            if progress is not None:
                progress(f"写出「{name}」", r, total)
    part.write(("".join(buffer) + "</sheetData></worksheet>").encode("utf-8"))
    if progress is not None:
        progress(f"写出「{name}」", total, total)
