"""What changed in the money since the previous settlement of the same ledger and year.

The previous run is read from the sidecar JSON farmcli keeps beside its outputs.
Money columns and status columns are compared per entity (乡镇, 项目, 市 …).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

# Columns that say what an entity *is* (its status), compared as text.
STATUS_COLUMNS = ("是否符合", "状态", "结果", "条件已满足", "审核得分", "评价等级")
# Extra key columns: a row is one entity per (first column, these).
KEY_COLUMNS = ("年度", "批次", "村组", "三级指标", "序号")


@dataclass
class Changes:
    previous: str | None  # the sidecar compared with; None on a first run
    items: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"previous": self.previous, "items": self.items}


def load_previous(sidecar: Path) -> dict | None:
    try:
        return json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no earlier run, or an unreadable one: nothing to compare


def _key_columns(rows: list[dict]) -> list[str]:
    """The first column, the usual key columns, and the second column too while that is not yet unique."""
    columns = list(rows[0])
    keys = [columns[0]] + [c for c in KEY_COLUMNS if c in columns and c != columns[0]]
    if len({tuple(str(r.get(c)) for c in keys) for r in rows}) < len(rows) and len(columns) > 1:
        keys.insert(1, columns[1])
    return keys


def _key(row: dict, keys: list[str]) -> str:
    return " ".join(str(row.get(c)) for c in keys if row.get(c) is not None)


def _watched(column: str) -> bool:
    return column.endswith("(元)") or column in STATUS_COLUMNS


def _delta(before, after):
    if isinstance(before, (int, float)) and isinstance(after, (int, float)) \
            and not isinstance(before, bool) and not isinstance(after, bool):
        return float(Decimal(str(after)) - Decimal(str(before)))
    return None


def compare(previous: dict | None, current: dict, sidecar: Path) -> Changes:
    if previous is None:
        return Changes(None)
    changes = Changes(str(sidecar))
    for name, rows in current.get("tables", {}).items():
        before_rows = previous.get("tables", {}).get(name, [])
        if not rows and not before_rows:
            continue
        keys = _key_columns(rows or before_rows)
        before = {_key(r, keys): r for r in before_rows}
        after = {_key(r, keys): r for r in rows}
        for key, row in after.items():
            old = before.get(key)
            if old is None:
                changes.items.append({"表": name, "对象": key, "列": "", "上次": None, "本次": "新增", "差额": None})
                continue
            for column, value in row.items():
                if _watched(column) and old.get(column) != value:
                    changes.items.append({"表": name, "对象": key, "列": column, "上次": old.get(column), "本次": value,
                                          "差额": _delta(old.get(column), value)})
        for key in before.keys() - after.keys():
            changes.items.append({"表": name, "对象": key, "列": "", "上次": "存在", "本次": "删除", "差额": None})
    for column, value in current.get("totals", {}).items():
        old = previous.get("totals", {}).get(column)
        if _watched(column) and old != value:
            changes.items.append({"表": "合计", "对象": "", "列": column, "上次": old, "本次": value,
                                  "差额": _delta(old, value)})
    return changes


def describe(item: dict) -> str:
    """`修山镇 补助金额(元) 783,740.00 → 800,000.00 (+16,260.00)`."""
    def fmt(value):
        if isinstance(value, float) or isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,.2f}"
        return "空" if value is None else str(value)

    who = " ".join(x for x in (item["对象"], item["列"]) if x)
    delta = f" ({item['差额']:+,.2f})" if item["差额"] is not None else ""
    return f"{item['表']}：{who} {fmt(item['上次'])} → {fmt(item['本次'])}{delta}"
