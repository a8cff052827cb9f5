"""What a ledger file is, by its content, never by its name (SPEC §6): WPS often saves an
.xlsx under an .xls name, and Windows hides the extension anyway.

- a zip holding `xl/workbook.xml` → "xlsx" ("xlsm" when it carries macros);
- a zip whose `mimetype` is OpenDocument spreadsheet → "ods";
- an OLE compound file: its directory names the streams. `Workbook`/`Book` → "xls";
  `EncryptedPackage` → an .xlsx with a password; anything else (a WPS .et, a Word file) is refused.
"""

from __future__ import annotations

import struct
from pathlib import Path

from farmcli.model.findings import LedgerError

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_DIRECTORY_SECTORS = 4096  # a directory longer than this is not a spreadsheet's
SAVE_AS = "请用 Excel 或 WPS 打开它，“另存为” Excel 工作簿（.xlsx，不设密码）后再试。"


def sniff(path: Path) -> str:
    """"xlsx", "xlsm", "ods" or "xls"; else a LedgerError that says how to save the file."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head[:4] in ZIP_MAGIC:
        return _zip_kind(path)
    if head == OLE_MAGIC:
        streams = ole_streams(path)
        if {"workbook", "book"} & streams:
            return "xls"
        if {"encryptedpackage", "encryptioninfo"} & streams:
            raise LedgerError(f"{path} 是加密的工作簿（设置了打开密码），farmcli 无法读取。{SAVE_AS}")
        raise LedgerError(f"{path} 不是 Excel 工作簿：它可能是 WPS 表格的 .et 文件或其他 Office 文件。{SAVE_AS}")
    raise LedgerError(f"{path} 不是 Excel 工作簿或其他电子表格文件（.xlsx、.xlsm、.xls、.ods）。请确认文件类型，或{SAVE_AS[1:]}")


def is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) in ZIP_MAGIC


def _zip_kind(path: Path) -> str:
    from farmcli.ooxml.package import open_package

    try:
        with open_package(path) as package:
            return package.kind
    except LedgerError:
        return "xlsx"  # opening it as a workbook says what is wrong with it


def ole_streams(path: Path) -> set[str]:
    """The names (lower case) in an OLE compound file's directory ([MS-CFB] 2.2, 2.6)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(512)
            shift = struct.unpack_from("<H", header, 0x1E)[0]
            size = 1 << shift
            if size not in (512, 4096):
                raise ValueError("sector size")
            fat = _fat(fh, header, size)
            names: set[str] = set()
            sector, seen = struct.unpack_from("<I", header, 0x30)[0], 0
            while sector < 0xFFFFFFFA and seen < MAX_DIRECTORY_SECTORS:
                fh.seek((sector + 1) * size)
                block = fh.read(size)
                for at in range(0, len(block) - 127, 128):
                    length = struct.unpack_from("<H", block, at + 0x40)[0]
                    if block[at + 0x42] in (1, 2) and 2 <= length <= 64:  # a storage or a stream
                        names.add(block[at:at + length - 2].decode("utf-16-le", "replace").lower())
                sector, seen = (fat[sector] if sector < len(fat) else 0xFFFFFFFE), seen + 1
            return names
    except (OSError, ValueError, struct.error):
        return set()


def _fat(fh, header: bytes, size: int) -> list[int]:
    """The sector allocation table: its sectors are listed in the header, then in DIFAT sectors."""
    count = struct.unpack_from("<I", header, 0x2C)[0]
    fat_sectors = [s for s in struct.unpack_from("<109I", header, 0x4C) if s < 0xFFFFFFFA]
    difat = struct.unpack_from("<I", header, 0x44)[0]
    while difat < 0xFFFFFFFA and len(fat_sectors) < count and len(fat_sectors) < 1 << 20:
        fh.seek((difat + 1) * size)
        entries = struct.unpack(f"<{size // 4}I", fh.read(size))
        fat_sectors += [s for s in entries[:-1] if s < 0xFFFFFFFA]
        difat = entries[-1]
    fat: list[int] = []
    for sector in fat_sectors[:count]:
        fh.seek((sector + 1) * size)
        block = fh.read(size)
        fat += struct.unpack(f"<{len(block) // 4}I", block)
    return fat


SUFFIXES = {"xlsx": (".xlsx",), "xlsm": (".xlsm",), "xls": (".xls",), "ods": (".ods",)}


def open_calamine(path: Path, kind: str):
    """calamine picks its reader by the file name; a file named for another format is read from
    its bytes, so calamine looks at the content instead."""
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in SUFFIXES.get(kind, ()):
        return CalamineWorkbook.from_path(str(path))
    with path.open("rb") as fh:
        return CalamineWorkbook.from_filelike(fh)
