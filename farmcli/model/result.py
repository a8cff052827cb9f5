"""What a policy returns and what the outputs render: typed result tables and totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from farmcli.model.findings import Finding
from farmcli.model.names import NameIndex
from farmcli.model.table import Table

# Column kinds decide formatting: money #,##0.00 and 0.01 in JSON, ratio 0.00%, area 2 decimals.
MONEY, AREA, RATIO, TEXT, COUNT, BOOL, DATE, SCORE = "money", "area", "ratio", "text", "count", "bool", "date", "score"
NUMBER = "number"
MEASURE = "measure"  # a column of `Measure`s

# Column roles: what a column (or a total) means to the outputs and to the change list, declared by
# the policy next to its SHEETS, so no output keys on (policy, table, column) names (issue 23).
# A column's kind already says area (AREA) and ratio (RATIO); the role says what else it is.
KEY = "key"  # identifies the row, with the other key columns (the first column is always one)
PAY = "pay"  # money to pay now: printed with its 大写 on paper
RECOVER = "recover"  # money to recover: printed with its 应收回大写
STATUS = "status"  # what the row *is* (符合, 推荐…): a change of it is listed like a change of money
POINTS = "points"  # a heading's points on the scoring sheet, shown merged above its items, not as a column


@dataclass(frozen=True)
class Measure:
    """A figure whose kind varies by row (基础数据表's 数量 column): the outputs format it."""

    value: object
    kind: str
    unit: str = ""


@dataclass(frozen=True)
class UnitKey:
    """The sheet and column a policy's reporting units (乡镇, 市, 项目…) are keyed on."""

    sheet: str
    column: str


@dataclass(frozen=True)
class Col:
    name: str
    kind: str = TEXT
    role: str = ""  # KEY, PAY, RECOVER, STATUS, POINTS or none


@dataclass(frozen=True)
class Rows:
    """The rows whose `column` holds one of `values` ("{year}" stands for the year settled)."""

    column: str
    values: tuple[str, ...]

    def of(self, rows: list[dict], year: int | None = None) -> list[dict]:
        wanted = {v.format(year=year) for v in self.values}
        return [r for r in rows if str(r.get(self.column)) in wanted]


@dataclass
class ResultTable:
    name: str
    columns: list[Col]
    rows: list[dict] = field(default_factory=list)
    total: dict | None = None  # the 合计 row, when the table has one
    note: str = ""  # where the table's rules come from, when that is not the policy (e.g. the scoring framework)
    # The rows a money column's 合计 counts, where the others carry no amount by design (a township
    # not recommended has no 激励金额); None: every row. Within them a blank amount is pending.
    counts: Rows | None = None

    def kind(self, column: str) -> str:
        return next((c.kind for c in self.columns if c.name == column), TEXT)

    def shown(self) -> list[Col]:
        """The columns printed as columns (POINTS are shown beside their headings instead)."""
        return [c for c in self.columns if c.role != POINTS]

    def role(self, *roles: str) -> list[Col]:
        """The columns with one of these roles, in table order."""
        return [c for c in self.columns if c.role in roles]

    def keys(self) -> list[str]:
        """The columns that together name a row: the first column and the KEY columns."""
        return list(dict.fromkeys([self.columns[0].name] + [c.name for c in self.role(KEY)])) if self.columns else []

    def counted_rows(self) -> list[dict]:
        return self.rows if self.counts is None else self.counts.of(self.rows)

    def body(self) -> list[dict]:
        """The rows and then the 合计 row, when the table has one: what the JSON, the record and
        the DataFrames carry."""
        return body(self.rows, self.total)


def body(rows: list[dict], total: dict | None) -> list[dict]:
    """Rows followed by their 合计 row, when there is one (`ResultTable.body`, printed tables)."""
    return rows + [total] if total else list(rows)


@dataclass
class Total:
    name: str
    value: object
    kind: str
    role: str = ""  # PAY or RECOVER for the settlement's amounts to pay or recover; STATUS for a grade


@dataclass(frozen=True)
class ChartSpec:
    """A chart the outputs draw from one result table (SPEC §6), declared by the policy."""

    title: str  # "{year}" stands for the year settled
    table: str
    category: str  # the column whose values name the bars
    series: tuple[str, ...]  # the value columns (their kinds come from the table)
    kind: str = "column"  # xlsxwriter's chart type
    stacked: bool = False
    grouped: bool = False  # one bar per category value, summing the series over its rows
    rows: Rows | None = None  # only these rows; None: every row
    label: str = ""  # how a bar is named, e.g. "{乡镇名称}（{所属县}）"; "": the category's value

    def data(self, rows: list[dict], year: int | None = None) -> list[tuple]:
        """(category, value, ...) per bar in table order."""
        chosen = rows if self.rows is None else self.rows.of(rows, year)
        if not self.grouped:
            name = (lambda r: self.label.format(**r)) if self.label else (lambda r: r[self.category])
            return [(name(r), *(r[c] for c in self.series)) for r in chosen]
        sums: dict[str, list[Decimal]] = {}
        for r in chosen:
            acc = sums.setdefault(str(r.get(self.category) or ""), [Decimal(0)] * len(self.series))
            for i, c in enumerate(self.series):
                if isinstance(r.get(c), Decimal):
                    acc[i] += r[c]
        return [(k, *v) for k, v in sums.items()]


@dataclass
class Inputs:
    """Everything a policy function gets: typed tables, parameter values, the year."""

    tables: dict[str, Table | None]
    params: dict[str, object]
    citations: dict[str, str]
    year: int
    aliases: dict[str, tuple[str, str]]  # alias key → (standard key, standard display)
    as_of: dt.date | None = None

    def name_index(self, table: Table, column: str) -> tuple[NameIndex, list[str | None]]:
        """Known names from `column` of `table`, with 别名 applied; also each row's key."""
        return NameIndex.of(table.columns[column], self.aliases)

    def names(self) -> NameIndex:
        """An empty index that applies 别名: the one way a policy groups rows by a name."""
        return NameIndex.with_aliases(self.aliases)


@dataclass
class Outcome:
    tables: list[ResultTable]
    totals: list[Total]
    findings: list[Finding]
