"""Checks every policy shares on the ledger's own facts (SPEC §1).

A date after the settlement's as-of date where the event must already have happened
(a completion, an acceptance, a payment) is a warning: the ledger may hold a planned
date typed into the wrong column, or a typo in the year.
"""

from __future__ import annotations

import datetime as dt

from farmcli.model.findings import Finding, warning
from farmcli.model.table import Table


def as_of_date(as_of: dt.date | None, year: int) -> dt.date:
    """`--as-of`, else the end of the year settled."""
    return as_of or dt.date(year, 12, 31)


def future_dates(table: Table | None, column: str, as_of: dt.date, event: str, citation: str = "") -> list[Finding]:
    """One warning per column listing the cells whose `event` date lies after `as_of`."""
    if table is None or table.columns.get(column) is None:
        return []
    values = table.columns[column]
    # a column holds few distinct dates: each is judged once, then the rows are found by lookup
    after = {v for v in set(values) if isinstance(v, dt.date) and _day(v) > as_of}
    late = [i for i, value in enumerate(values) if value in after] if after else []
    if not late:
        return []
    shown = "、".join(f"{table.cell(column, i)}（{_day(table.columns[column][i])}）" for i in late[:10])
    more = f" 等共 {len(late)} 处" if len(late) > 10 else ""
    return [warning("FUTURE_DATE", f"「{table.sheet}」表的{column}晚于结算基准日 {as_of}：{shown}{more}。{event}应当已经发生，"
                    "请核对是否把计划日期填进了这一列或年份有误（可用 --as-of 指定结算基准日）。",
                    table.cell(column, late[0]), citation)]


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
