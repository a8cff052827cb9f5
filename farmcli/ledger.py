"""Reading a ledger workbook into typed tables that remember where every value came from.

`open_workbook` refuses what is not an .xlsx ledger (LedgerError, exit 2);
`read_table` finds the header row, parses every cell and returns
``(table, findings)``. Nothing here raises for bad cell data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from farmcli import cells
from farmcli.cells import column_letter, is_blank, normalise_text
from farmcli.findings import Finding, LedgerError, error
from farmcli.names import TOTAL_WORDS
from farmcli.progress import BIG_SHEET, Progress
from farmcli.safety import check_xlsx
from farmcli.schema import Column, SheetSpec

HEADER_SEARCH_ROWS = 50
MAX_FILE_BYTES = 512 * 1024 * 1024
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


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
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == _XLS_MAGIC:
        raise LedgerError(
            f"{path} 是旧版 .xls 文件或加密的工作簿。请在 Excel 中“另存为” Excel 工作簿（.xlsx，无密码）后再试。"
        )
    if magic[:2] != b"PK":
        raise LedgerError(f"{path} 不是 Excel 工作簿（.xlsx）。请确认文件类型，或在 Excel 中另存为 .xlsx。")
    check_xlsx(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    except Exception as exc:
        raise LedgerError(
            f"{path} 无法作为 Excel 工作簿打开（{type(exc).__name__}）。它可能已损坏，或不是 .xlsx 文件。"
        ) from exc
    return Workbook(path=path, sheet_names=names, _book=book, progress=progress)


@dataclass
class Table:
    """One ledger sheet, parsed: columns of typed values plus each row's line number."""

    sheet: str
    spec: SheetSpec
    header_line: int = 0
    letters: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    columns: dict[str, list] = field(default_factory=dict)
    totals: list[tuple[int, str, dict]] = field(default_factory=list)  # (line, word, values)

    def __len__(self) -> int:
        return len(self.lines)

    def has(self, column: str) -> bool:
        return column in self.letters

    def cell(self, column: str, i: int) -> str:
        """`乡镇!C7` — the cell of row i in `column` (the row alone if the column is absent)."""
        letter = self.letters.get(column)
        return f"{self.sheet}!{letter}{self.lines[i]}" if letter else self.where(i)

    def where(self, i: int) -> str:
        return f"{self.sheet} 第{self.lines[i]}行"

    def get(self, column: str, i: int):
        values = self.columns.get(column)
        return values[i] if values is not None else None

    def unique_records(self, column: str, code: str, what: str, findings: list[Finding], keys: list | None = None):
        """(index, row) of each row whose key (`keys[i]`, else the value in `column`) is first seen;
        a repeated key is an error finding and its row is left out, a blank key is skipped (the
        reader has reported it)."""
        seen: dict[object, int] = {}
        for i, row in self.records():
            key = keys[i] if keys is not None else row[column]
            if key is None:
                continue
            if key in seen:
                findings.append(error(code, f"{what}“{row[column]}”重复出现（第{seen[key]}行已有），本行未计入结算。请合并为一行。",
                                      self.cell(column, i)))
                continue
            seen[key] = self.lines[i]
            yield i, row

    def records(self):
        """(index, {column: value}) for each data row, in ledger order."""
        names = list(self.columns)
        for i in range(len(self.lines)):
            yield i, {name: self.columns[name][i] for name in names}


def _match_header(row: list, spec: SheetSpec) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for index, header in enumerate(row):
        if is_blank(header):
            continue
        for col in spec.columns:
            if col.name in found:
                continue
            ok, mode = col.header_scale(header)
            if ok:
                found[col.name] = (index, mode)
                break
    return found


def _find_header(rows: list[list], spec: SheetSpec, path: Path, sheet: str) -> tuple[int, dict]:
    required = {c.name for c in spec.required_columns}
    best: tuple[int, dict] | None = None
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _match_header(row, spec)
        if required <= set(found) and found:
            return r, found
        if found and (best is None or len(found) > len(best[1])):
            best = (r, found)
    if best is None:
        raise LedgerError(
            f"文件 {path} 的工作表「{sheet}」前 {HEADER_SEARCH_ROWS} 行里找不到表头行。"
            f"表头须包含这些列：{'、'.join(c.name for c in spec.required_columns)}。"
            f"可以用 `farmcli template` 生成一份空白台账对照。"
        )
    r, found = best
    missing = [c.name for c in spec.required_columns if c.name not in found]
    present = "、".join(normalise_text(h) for h in rows[r] if not is_blank(h))
    raise LedgerError(
        f"文件 {path} 的工作表「{sheet}」缺少必需的列：{'、'.join(missing)}"
        f"（表头在第 {r + 1} 行，现有：{present}）。请在表头行加上这些列，列名中的全角括号、空格都可以。"
    )


def _parse(col: Column, mode: str, value: object) -> cells.Parsed:
    if col.kind == "raw":
        return (None if is_blank(value) else value), None
    if col.kind == "percent":
        return cells.parse_percent(value, header_in_percent=(mode == "%"))
    parsed, problem = cells.PARSERS[col.kind](value)
    if mode == "万元" and isinstance(parsed, Decimal):
        parsed = parsed * 10000
    return parsed, problem


def _total_word(row: list) -> str | None:
    for value in row:
        # "计" first: normalising every cell of a million-row sheet would cost seconds.
        if type(value) is str and "计" in value and normalise_text(value) in TOTAL_WORDS:
            return normalise_text(value)
    return None


def _blank_row(row: list) -> bool:
    return all(v is None or v == "" or (type(v) is str and not v.strip()) for v in row)


_NEGATIVE_KINDS = ("area", "money")


def _parse_column(col: Column, mode: str, raw: list) -> tuple[list, list[tuple[int, str]]]:
    """Parse one column; returns the values and (position, problem) for cells not understood.

    Cells of the common type take a fast path (a float in a number column, a datetime in a
    date column, a str in a text column); everything else goes through the cell parsers.
    """
    kind, values, problems = col.kind, [], []
    if kind == "text":
        for v in raw:
            values.append((v.strip() or None) if type(v) is str else cells.parse_text(v)[0])
        return values, problems
    scale = Decimal(10000) if mode == "万元" else None
    check_sign = kind in _NEGATIVE_KINDS and not col.signed
    for i, v in enumerate(raw):
        if v is None or v == "":
            values.append(None)
            continue
        if type(v) is float and kind in ("number", "area", "money") and v == v and abs(v) < 1e15:
            parsed, problem = cells.float_to_decimal(v), None
        elif type(v) is dt.datetime and kind == "date":
            parsed, problem = v.date(), None
        else:
            parsed, problem = _parse(col, mode, v)
            if problem:
                problems.append((i, problem))
                values.append(None)
                continue
        if scale is not None and isinstance(parsed, Decimal):
            parsed = parsed * scale
        if check_sign and isinstance(parsed, Decimal) and parsed < 0:
            problems.append((i, f"为负数 {parsed}，{col.name}不能为负"))
            parsed = None
        values.append(parsed)
    return values, problems


def read_table(book: Workbook, spec: SheetSpec) -> tuple[Table | None, list[Finding]]:
    """Parse the sheet `spec` describes. A missing optional sheet gives (None, [])."""
    sheet = book.find_sheet(spec.name)
    if sheet is None:
        if spec.required:
            raise LedgerError(
                f"文件 {book.path} 缺少工作表「{spec.name}」（现有：{'、'.join(book.sheet_names) or '无'}）。"
                f"请添加该表，或用 `farmcli template` 生成空白台账对照。"
            )
        return None, []
    rows = book.rows(sheet)
    header_row, found = _find_header(rows, spec, book.path, sheet)
    table = Table(sheet=sheet, spec=spec, header_line=header_row + 1)
    data, totals = [], []
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if _blank_row(row):
            continue  # blank rows are skipped; the rows after them are still read
        word = _total_word(row)
        if word:
            totals.append((r, word))
        else:
            data.append(r)
    table.lines = [r + 1 for r in data]
    located: list[tuple[int, int, Finding]] = []
    for name, (index, mode) in sorted(found.items(), key=lambda kv: kv[1][0]):
        col = spec.column(name)
        table.letters[name], table.units[name] = column_letter(index), mode
        raw = [rows[r][index] if index < len(rows[r]) else None for r in data]
        table.columns[name], problems = _parse_column(col, mode, raw)
        for position, problem in problems:
            located.append((data[position], index, error(
                "CELL_INVALID", f"{col.name}：{problem}。该格按空白处理，请改正。",
                f"{sheet}!{column_letter(index)}{data[position] + 1}")))
    for r, word in totals:
        values = {}
        for name, (index, mode) in found.items():
            raw = rows[r][index] if index < len(rows[r]) else None
            values[name] = _parse(spec.column(name), mode, None if raw == "" else raw)[0]
        table.totals.append((r + 1, word, values))
    if spec.key and spec.key in found:
        index = found[spec.key][0]
        for position, value in enumerate(table.columns[spec.key]):
            if value is None:
                located.append((data[position], -1, error(
                    "KEY_MISSING", f"这一行有数据但缺少{spec.key}，未计入结算。请补上{spec.key}，或删除这一行。",
                    f"{sheet}!{column_letter(index)}{data[position] + 1}")))
    return table, [f for _, _, f in sorted(located, key=lambda x: (x[0], x[1]))]


def check_totals(table: Table) -> list[Finding]:
    """Compare each 合计/总计 row with farmcli's own sum of the data rows (小计 rows are
    excluded from the data and not checked: their groups are not marked in a ledger)."""
    findings = []
    for line, word, values in table.totals:
        if word == "小计":
            continue
        for col in table.spec.columns:
            stated = values.get(col.name)
            if not col.additive or not table.has(col.name) or not isinstance(stated, Decimal):
                continue
            own = sum((v for v in table.columns[col.name] if isinstance(v, Decimal)), Decimal(0))
            if own != stated:
                findings.append(error(
                    "TOTAL_MISMATCH",
                    f"{word}行的{col.name}为 {stated:,.2f}，而各行之和为 {own:,.2f}，相差 {stated - own:,.2f}。"
                    f"请核对是否漏行、多行或{word}公式有误；farmcli 按各行计算。",
                    f"{table.sheet}!{table.letters[col.name]}{line}",
                ))
    return findings
