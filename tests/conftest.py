"""Shared helpers: tiny ledgers built in tmp_path, and the CLI run as a real process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "taojiang-2022.xlsx"

# A small taojiang ledger: 乡镇 only, the minimum SPEC §2.1 requires.
TOWN_HEADER = ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "验收入库面积(亩)", "工程进度", "合同金额(元)", "已拨付(元)"]


def write_ledger(path: Path, sheets: dict[str, list[list]], formats: dict | None = None, date1904: bool = False,
                 stray: str | None = None, merges: dict | None = None) -> Path:
    """The tests' one ledger writer: `sheets` (name → rows, first row usually the header) to an .xlsx
    file; None and "" are blank cells, [] a blank row. `formats`: (sheet, row, col) → number format
    (0-based); `date1904`: dates counted from 1904, as a workbook made on a Mac; `stray`: a
    blank-looking cell (a space) there on every sheet, so the reader streams the sheets instead of
    calamine; `merges`: sheet → merged ranges (r0, c0, r1, c1), 0-based and inclusive."""
    wb = openpyxl.Workbook()
    if date1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        wb.epoch = CALENDAR_MAC_1904
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for col, value in enumerate(row, 1):
                if value is not None and value != "":
                    ws.cell(row=r, column=col, value=value)
    for (sheet, r, col), fmt in (formats or {}).items():
        wb[sheet].cell(row=r + 1, column=col + 1).number_format = fmt
    if stray:
        for ws in wb.worksheets:
            ws[stray] = " "
    for sheet, ranges in (merges or {}).items():
        for r0, c0, r1, c1 in ranges:
            wb[sheet].merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)
    return path


@pytest.fixture
def ledger(tmp_path):
    """ledger(乡镇=[...], 拨付明细=[...], ...) → path of a fresh workbook in tmp_path."""
    counter = iter(range(1000))

    def make(**sheets) -> Path:
        return write_ledger(tmp_path / f"ledger{next(counter)}.xlsx", sheets)

    return make


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """farmcli as a clerk runs it: a separate process, no terminal; `env` adds variables."""
    env = {**{k: v for k, v in os.environ.items() if k != "FARMCLI_DEBUG"}, **(env or {})}
    return subprocess.run([sys.executable, "-m", "farmcli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def ole_file(*streams: str) -> bytes:
    """A minimal OLE compound file ([MS-CFB], 512-byte sectors) whose directory holds these
    (empty) streams: enough for farmcli to tell a .xls from an encrypted .xlsx or a WPS .et."""
    import struct

    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack(
        "<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, free, right, child)
                + bytes(16 + 4 + 16) + struct.pack("<IQ", end, 0))

    entries = [entry("Root Entry", 5, child=1 if streams else free)]
    entries += [entry(name, 2, right=i + 2 if i + 1 < len(streams) else free) for i, name in enumerate(streams)]
    directory = b"".join(entries).ljust(512 * ((len(entries) + 3) // 4), b"\0")
    assert len(directory) == 512, "one directory sector holds four entries"
    return header + fat + directory


def xlsm_ledger(path: Path) -> Path:
    """The sample made a macro workbook: the .xlsm content type and a (placeholder) VBA part."""
    import zipfile

    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                assert b"macroEnabled" in data
                data = data.replace(b"</Types>", b'<Default Extension="bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft'
                                    b'.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
            dst.writestr(item, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really VBA: a placeholder part")
    return path
