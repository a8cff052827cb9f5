"""Reading one ledger sheet into a `Table` whose values remember where they came from.

`read_table` finds the header row, parses every cell and returns
``(table, findings)``. Nothing here raises for bad cell data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import chain, islice
from operator import itemgetter
from decimal import Decimal
from pathlib import Path

from farmcli.model import cells
from farmcli.model.cells import column_letter, is_blank, normalise_text
from farmcli.model.findings import Finding, LedgerError, Where, error, info
from farmcli.model.names import total_word
from farmcli.model.schema import Column, SheetSpec, unit_factor
from farmcli.model.table import Table
from farmcli.read import layout
from farmcli.read.headers import Header, match_header
from farmcli.read.digest import BATCH
from farmcli.read.marks import sheet_findings
from farmcli.read.workbook import Workbook

HEADER_SEARCH_ROWS = 50


def _find_header(rows: list[list], spec: SheetSpec, path: Path, sheet: str,
                 merges: Callable[[], list | None]) -> tuple[int, Header, int]:
    """(first header row, header, rows it takes: 1, or 2 for a parent over sub-headers)."""
    required = {c.name for c in spec.required_columns}
    best: tuple[int, Header] | None = None
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        header = match_header(row, spec)
        combined = layout.two_row_header(rows, r, spec, merges)
        if combined is not None:
            # Two rows only where the top row adds to the row below (a name merged down, a parent's
            # unit or prefix) and takes nothing from it.
            both, below = match_header(combined, spec), match_header(rows[r + 1], spec)
            sub = rows[r + 1]
            named_below = any(i < len(sub) and not is_blank(sub[i]) for i, _ in both.found.values())
            if (required <= set(both.found) and named_below and set(header.found) <= set(both.found)
                    and set(below.found) <= set(both.found) and both.found != below.found):
                return r, both, 2
        if required <= set(header.found) and header.found:
            return r, header, 1
        if header.found and (best is None or len(header.found) > len(best[1].found)):
            best = (r, header)
    if best is None:
        raise LedgerError(
            f"文件 {path} 的工作表「{sheet}」前 {HEADER_SEARCH_ROWS} 行里找不到表头行。"
            f"表头须包含这些列：{'、'.join(c.name for c in spec.required_columns)}。"
            f"可以用 `farmcli template` 生成一份空白台账对照。"
        )
    r, header = best
    missing = [c.name for c in spec.required_columns if c.name not in header.found]
    present = "、".join(normalise_text(h) for h in rows[r] if not is_blank(h))
    raise LedgerError(
        f"文件 {path} 的工作表「{sheet}」缺少必需的列：{'、'.join(missing)}"
        f"（表头在第 {r + 1} 行，现有：{present}）。请在表头行加上这些列，列名中的全角括号、空格都可以。"
    )


def _carries_unit(value: object) -> bool:
    """Text with its own unit (`1.2万`, `5元`) is taken in that unit, not in the header's."""
    return type(value) is str and normalise_text(value).endswith(_CELL_UNITS)


_CELL_UNITS = ("万元", "万", "元", "亩", "%")


def parse_cell(col: Column, unit: str, value: object, percent_format: bool = False) -> cells.Parsed:
    """One cell in the column's own unit (元, 亩, a fraction). The one place a header's unit is
    applied, whether the cell holds a number or text; `percent_format`: Excel shows it as %."""
    if col.kind == "raw":
        return (None if is_blank(value) else value), None
    if col.kind == "percent":
        if percent_format and isinstance(value, (int, float)):
            return cells.parse_number(value)  # 0.75 shown as 75% is 75%, whatever the header
        return cells.parse_percent(value, header_in_percent=(unit == "%"))
    parsed, problem = cells.PARSERS[col.kind](value)
    factor = unit_factor(col.kind, unit)
    if factor is not None and isinstance(parsed, Decimal) and not _carries_unit(value):
        parsed = parsed * factor
    return parsed, problem


def over_100(value: object, parsed: object, unit: str, percent_format: bool) -> str | None:
    """A ratio above 100% typed as a bare number where the header has no (%): is 59 meant as
    59% or 5900%? Refused with a finding, never guessed (SPEC §1)."""
    if not isinstance(parsed, Decimal) or parsed <= 1 or unit == "%" or percent_format:
        return None
    if type(value) is str and normalise_text(value).endswith("%"):
        return None
    shown = normalise_text(value) if type(value) is str else format(parsed.normalize(), "f")
    return (f"{shown} 大于 100%，而表头没有 (%)，无法确定是 {shown}% 还是 {shown} 倍。"
            f"请写成 {shown}% 或相应的小数（如 59% 写 0.59），或把表头改为带 (%) 的写法")


def _total_word(row: list, key: int | None = None) -> str | None:
    """The totals word of a totals row (合计, 小计 …), else None. Where the sheet has a name column and
    the row names something there, the row is data whatever another cell says (a 备注 of 小计)."""
    # (A key beginning with a letter, digit or CJK character never reaches here: `_row` decides that
    # common row itself.)
    if key is not None and key < len(row) and not is_blank(row[key]):
        value = row[key]
        return total_word(value) if type(value) is str and "计" in value else None
    for value in row:
        # "计" first, inline: a call per cell of a million-row sheet would cost seconds.
        if type(value) is str and "计" in value:
            word = total_word(value)
            if word:
                return word
    return None


def _blank_row(row: list) -> bool:
    for v in row:  # a loop, not all(): it stops at the first filled cell without a generator's cost
        if not (v is None or v == "" or (type(v) is str and not v.strip())):
            return False
    return True


class _Picker:
    """The cells at `indexes` of a row, as a tuple (None past a short row's end)."""

    def __init__(self, indexes: list[int]):
        from operator import itemgetter

        self.indexes, self.last = indexes, max(indexes, default=-1)
        self.get = itemgetter(*indexes) if len(indexes) > 1 else (lambda row: (row[indexes[0]],))

    def __call__(self, row: list) -> tuple:
        if len(row) > self.last:
            return self.get(row)
        return tuple(row[i] if i < len(row) else None for i in self.indexes)

    def bulk(self, rows: list[list]) -> list[tuple]:
        """Many rows at C speed (calamine's rows are all as wide as the sheet)."""
        try:
            return list(map(self.get, rows))
        except IndexError:  # a row too short: one by one
            return list(map(self, rows))


_NEGATIVE_KINDS = ("area", "money")
_KNOWN_FLOATS = 100_000  # distinct floats remembered per column
_FIGURES = ("area", "money", "number", "percent")  # a row with one of these filled is data, whatever it starts with


class _Decimals(dict):
    """float → its Decimal (× the unit's factor), converted on first sight: a ledger repeats its figures."""

    def __init__(self, factor: Decimal | None):
        super().__init__()
        self.factor = factor

    def __missing__(self, value: float) -> Decimal:
        parsed = cells.float_to_decimal(value)
        if self.factor is not None:
            parsed = parsed * self.factor
        if len(self) < _KNOWN_FLOATS:
            self[value] = parsed
        return parsed


_SLOW = object()  # a cell the fast path leaves to parse_cell


def _parse_column(col: Column, unit: str, raw: list, percent_rows: set[int]) -> tuple[list, list[tuple[int, str, str]]]:
    """Parse one column; returns the values and (position, code, problem) for cells not understood.

    Cells of the common type take a fast path, the whole column in one comprehension (a float in
    a number column, a datetime in a date column, a str in a text column); every other cell then
    goes through `parse_cell`.
    """
    kind, problems = col.kind, []
    if kind == "text":
        text = cells.parse_text
        return [(v.strip() or None) if type(v) is str else text(v)[0] for v in raw], problems
    if kind in ("number", "area", "money"):
        known = _Decimals(unit_factor(kind, unit))
        values = [None if v is None or v == "" else known[v] if type(v) is float and -1e15 < v < 1e15 else _SLOW
                  for v in raw]  # NaN fails the range test: it goes the slow way, to be named
    elif kind == "date":  # calamine gives a date-only cell as a date, a date-time as a datetime
        values = [None if v is None or v == "" else v if type(v) is dt.date else v.date() if type(v) is dt.datetime
                  else _SLOW for v in raw]
    else:
        values = [None if v is None or v == "" else _SLOW for v in raw]
    for i in [i for i, x in enumerate(values) if x is _SLOW]:
        v = raw[i]
        parsed, problem = parse_cell(col, unit, v, i in percent_rows)
        code = "CELL_INVALID"
        if problem is None and kind == "percent":
            problem, code = over_100(v, parsed, unit, i in percent_rows), "RATIO_ABOVE_100"
        if problem:
            problems.append((i, code, problem))
            parsed = None
        values[i] = parsed
    if kind in _NEGATIVE_KINDS and not col.signed:
        taken = {i for i, _, _ in problems}
        for i in [i for i, x in enumerate(values) if isinstance(x, Decimal) and x < 0]:
            if i not in taken:
                problems.append((i, "CELL_INVALID", f"为负数 {values[i]}，{col.name}不能为负"))
                values[i] = None
        problems.sort(key=lambda p: p[0])
    return values, problems


def _plain(batch: list[list], key_index: int | None, footer_first: frozenset) -> bool:
    """Is every row of `batch` plainly data? Each has a text key that begins with a letter, digit or
    CJK character (so the row is not blank), none names a total (计), none begins like a footer."""
    if key_index is None:
        return False
    try:
        keys = list(map(itemgetter(key_index), batch))
        joined = "\x00".join(keys)  # a key that is not text (or a row too short) fails here
    except (IndexError, TypeError):
        return False
    if "计" in joined:
        return False
    return all(c.isalnum() and c not in footer_first for c in {k[:1] for k in keys})


def _row(row: list, r: int, key_index: int | None, footer_first: frozenset, data: list, picked: list, pick,
         totals: list, total_rows: dict, footers: dict) -> None:
    """One row that may be blank, a total, a footer or data (`read_table` takes plain rows in bulk)."""
    key = row[key_index] if key_index is not None and key_index < len(row) else None
    if type(key) is str and key[:1].isalnum():  # a key, so not blank; its first character says the rest
        word = total_word(key) if "计" in key else None
        footer = key[:1] in footer_first
    else:
        if _blank_row(row):
            return  # blank rows are skipped; the rows after them are still read
        word = _total_word(row, key_index)
        # A footer (`制表人：张三`) is a candidate by its first cell's first character: one test per row.
        footer = key is None or key == "" or (type(key) is str and key.lstrip()[:1] in footer_first)
    if word:
        totals.append((r, word))
        total_rows[r] = row
        return
    if footer:
        label = layout.footer_label(row)
        if label is not None:
            footers[len(data)] = (r, label, row)
    data.append(r)
    picked.append(pick(row))


def read_table(book: Workbook, spec: SheetSpec) -> tuple[Table | None, list[Finding]]:
    """Parse the sheet `spec` describes. A missing optional sheet gives (None, []), an empty one
    (a header, no data rows) (None, [SHEET_EMPTY])."""
    sheets = book.find_sheets(spec.name)
    if not sheets:
        if spec.required:
            raise LedgerError(
                f"文件 {book.path} 缺少工作表「{spec.name}」（现有：{'、'.join(book.sheet_names) or '无'}）。"
                f"请添加该表，或用 `farmcli template` 生成空白台账对照。"
            )
        return None, []
    sheet = sheets[0]
    head, rest = book.row_source(sheet, HEADER_SEARCH_ROWS)
    header_row, header, depth = _find_header(head, spec, book.path, sheet, lambda: book.merges(sheet))
    header_row += depth - 1  # the sub-header row is part of the header, never data
    layout_findings = layout.apply_stated_units(header, spec, layout.stated_units(head[:header_row + 1 - depth]),
                                                sheet, header_row + 1)
    found = header.found
    marks = book.marks(sheet, {index for index, _ in found.values()})
    table = Table(sheet=sheet, spec=spec, header_line=header_row + 1)
    # One pass over the rows, keeping only the columns the schema uses (a million-row sheet is
    # never held whole): data rows by line, totals rows whole (they are few).
    indexes = sorted({index for index, _ in found.values()})
    key_index = found[spec.key][0] if spec.key and spec.key in found else None
    pick, picked = _Picker(indexes), []
    data, totals, total_rows, footers = [], [], {}, {}
    footer_first = layout.FOOTER_FIRST
    rows, r = chain(head[header_row + 1:], rest), header_row
    while batch := list(islice(rows, BATCH)):
        if _plain(batch, key_index, footer_first):  # every row data: kept at C speed
            data.extend(range(r + 1, r + 1 + len(batch)))
            picked.extend(pick.bulk(batch))
            r += len(batch)
            continue
        for row in batch:
            r += 1
            _row(row, r, key_index, footer_first, data, picked, pick, totals, total_rows, footers)
    kept = {index: list(column) for index, column in zip(indexes, zip(*picked))} if picked else \
        {index: [] for index in indexes}
    del picked
    if footers:
        data, kept, notes = _drop_footers(data, kept, footers, spec, found, sheet)
        layout_findings += notes
    if not data and not totals and not spec.required:
        # The template writes every optional sheet with its header only: that is "not given", never
        # "zero" (a blank 图斑 would otherwise settle every township at 0).
        return None, [info("SHEET_EMPTY", f"「{sheet}」没有数据行，按未提供处理。", Where(sheet))]
    table.lines = [r + 1 for r in data]
    located: list[tuple[int, int, Finding]] = []
    for name, (index, unit) in sorted(found.items(), key=lambda kv: kv[1][0]):
        col = spec.column(name)
        table.letters[name], table.units[name] = column_letter(index), unit
        raw = kept[index]
        untrusted = table.untrusted.setdefault(name, set())
        if unit == "?":  # an unknown unit: nothing read, everything in it pending (one finding, at the header)
            table.columns[name] = [None] * len(raw)
            untrusted.update(i for i, v in enumerate(raw) if not is_blank(v))
            continue
        percent_rows = {i for i, r in enumerate(data) if (r, index) in marks.percent} if marks.percent else set()
        table.columns[name], problems = _parse_column(col, unit, raw, percent_rows)
        errors = {i: marks.errors[(r, index)] for i, r in enumerate(data) if (r, index) in marks.errors} \
            if marks.errors else {}
        for position, code, problem in problems:
            if position in errors:
                continue
            untrusted.add(position)
            located.append((data[position], index, _cell_finding(code, col, problem, sheet, index, data[position])))
        for position, value in errors.items():
            table.columns[name][position] = None
            untrusted.add(position)
            located.append((data[position], index, error(
                "ERROR_VALUE", f"{col.name}是 Excel 错误值 {value}（公式出错），不能当作空白或 0。依赖这一格的金额待定；"
                f"请改正公式或填入数值。", Where(sheet, data[position] + 1, column_letter(index)))))
    for col in spec.columns:  # an absent optional column reads as blanks: has() stays False
        table.columns.setdefault(col.name, [None] * len(data))
    table.untrusted = {k: v for k, v in table.untrusted.items() if v}
    for r, word in totals:
        values = {}
        for name, (index, unit) in found.items():
            raw = total_rows[r][index] if index < len(total_rows[r]) else None
            values[name] = None if unit == "?" else parse_cell(spec.column(name), unit, None if raw == "" else raw)[0]
        table.totals.append((r + 1, word, values))
    findings = sheet_findings(book, spec, sheets, header, header_row + 1, marks, data) + layout_findings
    located += _keys_missing(table, spec, found, data)
    return table, findings + [f for _, _, f in sorted(located, key=lambda x: (x[0], x[1]))]


def _drop_footers(data: list[int], kept: dict[int, list], footers: dict, spec: SheetSpec,
                  found: dict, sheet: str) -> tuple[list[int], dict[int, list], list[Finding]]:
    """Footer rows without a figure in a money or area column are not data: one info finding lists them.
    A candidate with a figure stays data (and is reported as data is)."""
    figures = [index for name, (index, _) in found.items() if spec.column(name).kind in _FIGURES]
    drop = {}
    for position, (r, label, row) in footers.items():
        if not any(i < len(row) and cells.parse_number(row[i])[0] is not None for i in figures):
            drop[position] = (r, label)
    if not drop:
        return data, kept, []
    keep = [i for i in range(len(data)) if i not in drop]
    shown = "；".join(f"第{r + 1}行“{label[:20]}”" for r, label in drop.values())
    note = info("FOOTER_ROWS", f"「{sheet}」表尾的这些行是注释或签字行，不是数据，未计入结算：{shown}。", Where(sheet))
    return [data[i] for i in keep], {k: [v[i] for i in keep] for k, v in kept.items()}, [note]


def _cell_finding(code: str, col: Column, problem: str, sheet: str, index: int, r: int) -> Finding:
    where = Where(sheet, r + 1, column_letter(index))
    if code == "RATIO_ABOVE_100":
        return error("RATIO_ABOVE_100", f"{col.name}：{problem}。依赖这一格的金额待定。", where)
    return error("CELL_INVALID", f"{col.name}：{problem}。这一格未读入，依赖它的金额待定；请改正。", where)


def _keys_missing(table: Table, spec: SheetSpec, found: dict, data: list[int]) -> list[tuple[int, int, Finding]]:
    """A row with figures but a blank key (or, on a sheet without a key column, a blank in one
    of the columns that say what the row is: 市名称, 年度) is counted nowhere: say so."""
    keys = [spec.key] if spec.key else [c.name for c in spec.required_columns if c.kind in ("text", "number")]
    out = []
    for name in keys:
        if name not in found:
            continue
        index = found[name][0]
        for position, value in enumerate(table.columns[name]):
            if value is None and table.trusted(name, position):
                out.append((data[position], -1, error(
                    "KEY_MISSING", f"这一行有数据但缺少{name}，未计入结算。请补上{name}，或删除这一行。",
                    Where(table.sheet, data[position] + 1, column_letter(index)))))
    return out
