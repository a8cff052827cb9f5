"""What a policy returns and what the outputs render: typed result tables and totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from farmcli.model.findings import Finding
from farmcli.model.names import NameIndex
from farmcli.model.table import Table

# Column kinds decide formatting: money #,##0.00 and 0.01 in JSON, ratio 0.00%, area 2 decimals.
MONEY, AREA, RATIO, TEXT, COUNT, BOOL, DATE, SCORE = "money", "area", "ratio", "text", "count", "bool", "date", "score"
NUMBER = "number"
MEASURE = "measure"  # a column of `Measure`s


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


@dataclass
class ResultTable:
    name: str
    columns: list[Col]
    rows: list[dict] = field(default_factory=list)
    total: dict | None = None  # the 合计 row, when the table has one
    note: str = ""  # where the table's rules come from, when that is not the policy (e.g. the scoring framework)

    def kind(self, column: str) -> str:
        return next((c.kind for c in self.columns if c.name == column), TEXT)


@dataclass
class Total:
    name: str
    value: object
    kind: str


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


@dataclass
class Outcome:
    tables: list[ResultTable]
    totals: list[Total]
    findings: list[Finding]
