"""Opening a ledger workbook: refuse what is not a spreadsheet (LedgerError, exit 2), then
hand out each sheet's raw rows (row 1 first), read once and cached."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from farmcli.model.cells import normalise_text
from farmcli.model.findings import LedgerError
from farmcli.model.progress import BIG_SHEET, Progress
from farmcli.read.formats import check_ods, open_calamine, sniff
from farmcli.read.safety import check_xlsx

MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class Workbook:
    """The ledger's sheets as raw rows (lists of cell values, row 1 first)."""

    path: Path
    sheet_names: list[str]
    _book: object = None
    _cache: dict[str, list[list]] = field(default_factory=dict)
    progress: Progress | None = None

    def find_sheet(self, name: str) -> str | None:
        """The actual sheet name matching `name` after normalisation (`乡镇 ` = `乡镇`)."""
        wanted = normalise_text(name)
        for actual in self.sheet_names:
            if normalise_text(actual) == wanted:
                return actual
        return None

    def rows(self, sheet: str) -> list[list]:
        if sheet not in self._cache:
            try:
                handle = self._book.get_sheet_by_name(sheet)
                big = self.progress is not None and handle.total_height > BIG_SHEET
                if big:
                    self.progress(f"读取「{sheet}」", 0, None)
                data = handle.to_python(skip_empty_area=False)
                if big:
                    self.progress(f"读取「{sheet}」", len(data), len(data))
            except Exception as exc:  # calamine raises its own types for corrupt parts
                raise LedgerError(
                    f"文件 {self.path} 的工作表「{sheet}」无法读取（{type(exc).__name__}）。"
                    f"请用 Excel 打开后另存为 .xlsx 再试。"
                ) from exc
            self._cache[sheet] = data
        return self._cache[sheet]


def open_workbook(path: Path, progress: Progress | None = None) -> Workbook:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    if not path.exists():
        raise LedgerError(f"找不到台账文件 {path}。请检查文件路径。")
    if path.is_dir():
        raise LedgerError(f"{path} 是文件夹，不是台账文件。请给出 .xlsx 文件的路径。")
    size = path.stat().st_size
    if size == 0:
        raise LedgerError(f"台账文件 {path} 是空文件（0 字节）。请重新保存台账。")
    if size > MAX_FILE_BYTES:
        raise LedgerError(f"台账文件 {path} 大于 {MAX_FILE_BYTES // 2**20} MiB，拒绝读取。请拆分台账。")
    kind = sniff(path)  # by content, not by name; refuses .et, encrypted and non-spreadsheet files
    if kind in ("xlsx", "xlsm"):
        check_xlsx(path)
    elif kind == "ods":
        check_ods(path)
    try:
        book = open_calamine(path, kind)
        names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    except Exception as exc:
        raise LedgerError(
            f"{path} 无法作为 Excel 工作簿打开（{type(exc).__name__}）。它可能已损坏，或不是 .xlsx 文件。"
        ) from exc
    return Workbook(path=path, sheet_names=names, _book=book, progress=progress)
