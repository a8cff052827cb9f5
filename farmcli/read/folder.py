"""A folder of returned workbooks (SPEC §8): which files are ledgers, which are skipped, and
when each was saved.

Skipped silently: Excel/WPS owner files (`~$…`), hidden files and folders, and farmcli's own
outputs (a settlement workbook and its reports, a 结算通知). Every other file that is not a
spreadsheet is listed, so the clerk sees what was ignored.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from farmcli.model.findings import LedgerError
from farmcli.read.formats import OLE_MAGIC, is_zip, sniff

# What `settle` and `--per-unit` write: never read back as a ledger.
OUTPUT_NAME = re.compile(r"(-\d{4}年度结算(报告)?|结算通知)(\.[^.]*)?$")


def _hidden(path: Path) -> bool:
    if path.name.startswith("."):
        return True
    attributes = getattr(os.stat(path), "st_file_attributes", 0)  # Windows only
    return bool(attributes & 2)  # FILE_ATTRIBUTE_HIDDEN


def skipped(path: Path) -> bool:
    """Files a clerk never means as a ledger: owner files, hidden files, farmcli's outputs."""
    return path.name.startswith("~$") or _hidden(path) or bool(OUTPUT_NAME.search(path.stem + path.suffix))


def folder_files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]], list[Path]]:
    """The spreadsheets in `folder` and its subfolders (by content, in path order); the workbooks
    farmcli cannot read (a password, a WPS .et) with why; and the other files."""
    if not folder.is_dir():
        raise LedgerError(f"找不到文件夹 {folder}。请检查路径。")
    ledgers, unreadable, others = [], [], []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _hidden(Path(root) / d))
        for name in sorted(files):
            path = Path(root) / name
            if skipped(path):
                continue
            try:
                if is_zip(path):  # opened when first looked at, not here: one that is no workbook is listed then
                    ledgers.append(path)
                    continue
                sniff(path)
            except LedgerError as exc:
                with path.open("rb") as fh:  # an Office file that is not a workbook farmcli reads: say why
                    office = fh.read(8) == OLE_MAGIC
                (unreadable.append((path, str(exc))) if office else others.append(path))
                continue
            except OSError as exc:
                unreadable.append((path, f"{path} 无法打开（{exc.strerror or type(exc).__name__}）。"))
                continue
            ledgers.append(path)
    return ledgers, unreadable, others


def saved_time(path: Path, modified: str | None) -> tuple[str, str]:
    """When the workbook was last saved, and where that comes from: the time Excel/WPS wrote into
    the file (`Package.modified`, from docProps/core.xml), else the file's modification time."""
    if modified:
        try:
            moment = dt.datetime.fromisoformat(modified.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone()
            return moment.strftime("%Y-%m-%d %H:%M"), "文档属性"
        except (ValueError, OverflowError, OSError):  # a year 9999 or 0001 stamp: the file's own time instead
            pass
    moment = dt.datetime.fromtimestamp(path.stat().st_mtime)
    return moment.strftime("%Y-%m-%d %H:%M"), "文件修改时间"
