"""Reading one ledger sheet into a `Table` whose values remember where they came from.

`read_table` finds the header row, parses every cell and returns
``(table, findings)``. Nothing here raises for bad cell data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from farmcli.model import cells
from farmcli.model.cells import column_letter, is_blank, normalise_text
from farmcli.model.findings import Finding, LedgerError, error
from farmcli.model.names import TOTAL_WORDS
from farmcli.model.schema import Column, SheetSpec
from farmcli.model.table import Table
from farmcli.read.workbook import Workbook

HEADER_SEARCH_ROWS = 50


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
