"""What changed in the money since the previous settlement of the same ledger and year.

A pure function of two records (`make_record`): exact figures as text, never floats, so the
差额 is Decimal arithmetic. The previous record travels inside the previous settlement
workbook (farmcli.outputs.write). Money columns and status columns are compared per entity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

RECORD_FORMAT = 2  # 1 was the hidden sidecar JSON of farmcli 0.1 (floats)



@dataclass(frozen=True)
class Watch:
    """What `compare` lists, read from the roles the policy declares on its result tables: per
    table the columns that name a row and the columns watched (money and status), and the watched
    totals. A table not named here is keyed on its first column, and only its rows added or removed are listed."""

    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    columns: dict[str, frozenset[str]] = field(default_factory=dict)
    totals: frozenset[str] = frozenset()

    @classmethod
    def of(cls, tables, totals) -> Watch:
        from farmcli.model.result import MONEY, PAY, RECOVER, STATUS

        def watched(kind: str, role: str) -> bool:
            return kind == MONEY or role in (PAY, RECOVER, STATUS)

        return cls({t.name: tuple(t.keys()) for t in tables},
                   {t.name: frozenset(c.name for c in t.columns if watched(c.kind, c.role)) for t in tables},
                   frozenset(t.name for t in totals if watched(t.kind, t.role)))


@dataclass
class Changes:
    previous: str | None  # where the previous record was found; None on a first run
    items: list[dict] = field(default_factory=list)
    # No change since the previous settlement: the change list it showed, kept, with its date
    earlier_date: str | None = None
    earlier_items: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        found = {"previous": self.previous, "items": [{k: _json(v) for k, v in item.items()} for item in self.items]}
        if self.earlier_date is not None:
            found["earlier"] = {"date": self.earlier_date,
                                "items": [{k: _json(v) for k, v in item.items()} for item in self.earlier_items]}
        return found

    def stored(self, today: str) -> dict | None:
        """The change list a record keeps (exact figures as text), for the run that finds none."""
        if self.items:
            date, items = today, self.items
        elif self.earlier_items:
            date, items = self.earlier_date, self.earlier_items
        else:
            return None
        return {"date": date, "items": [{k: str(v) if isinstance(v, Decimal) else v for k, v in i.items()} for i in items]}

    def keep_earlier(self, previous: dict | None) -> None:
        """No change found: keep the list the previous record kept (`stored`), with its date."""
        kept = previous.get("changes") if isinstance(previous, dict) and not self.items else None
        if not isinstance(kept, dict) or not isinstance(kept.get("items"), list) or not kept["items"]:
            return
        self.earlier_date = str(kept.get("date") or "")
        self.earlier_items = [{k: (_exact(v) if k in ("上次", "本次", "差额") and isinstance(v, str) else v)
                               for k, v in item.items()} for item in kept["items"] if isinstance(item, dict)]


def _json(value):
    return float(value) if isinstance(value, Decimal) else value


def record_value(value: object, kind: str) -> object:
    """A figure as the record keeps it: Decimal as its exact text (money rounded to the 分)."""
    from farmcli.model.money import round_money
    from farmcli.model.result import COUNT, MONEY, Measure

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Measure):
        return f"{record_value(value.value, value.kind)} {value.unit}".strip()
    if isinstance(value, Decimal):
        return str(round_money(value) if kind == MONEY else int(value) if kind == COUNT else value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return repr(value)
    return value


def make_record(s, result_sheets: list[str] | None = None) -> dict:
    """The settlement's record: policy, year, totals and tables, every figure exact; and, given
    them, the names of the result sheets in the workbook it travels in (what a re-settle of that
    workbook drops: outputs/workbook/filled.py). `compare` reads only the totals and tables."""
    tables = {}
    for t in s.tables:
        rows = t.body()
        tables[t.name] = [{c.name: record_value(row.get(c.name), c.kind) for c in t.shown()} for row in rows]
    record = {"format": RECORD_FORMAT, "policy": s.policy.id, "year": s.year,
              "totals": {t.name: record_value(t.value, t.kind) for t in s.totals}, "tables": tables}
    if result_sheets is not None:
        record["result_sheets"] = list(result_sheets)
    if getattr(s, "submissions", ()):  # a folder settled as one: what each file counted (SPEC §8)
        from farmcli.settlement.submissions import submission_record

        record["submissions"] = submission_record(s.submissions)
    return record


def _key_columns(rows: list[dict], declared: tuple[str, ...]) -> list[str]:
    """The declared key columns, and the second column too while those do not yet name each row."""
    columns = list(rows[0])
    keys = [c for c in declared if c in columns] or [columns[0]]
    if len({tuple(str(r.get(c)) for c in keys) for r in rows}) < len(rows) and len(columns) > 1:
        keys.insert(1, columns[1])
    return keys


def _key(row: dict, keys: list[str]) -> str:
    return " ".join(str(row.get(c)) for c in keys if row.get(c) is not None)


def _exact(value):
    """A money figure from either record format (text now, a float in a 0.1 sidecar) as Decimal."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, str)):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value
    return value


def _same(before, after) -> bool:
    b, a = _exact(before), _exact(after)
    return b == a if type(b) is type(a) else before == after


def _delta(before, after):
    b, a = _exact(before), _exact(after)
    return a - b if isinstance(a, Decimal) and isinstance(b, Decimal) else None


def _item(table: str, who: str, column: str, before, after) -> dict:
    return {"表": table, "对象": who, "列": column, "上次": _exact(before), "本次": _exact(after),
            "差额": _delta(before, after)}


def compare(previous: dict | None, current: dict, where: str | None = None, watch: Watch | None = None) -> Changes:
    """The changes from `previous` to `current` (both `make_record` dicts) in what `watch` names
    (`Watch.of(s.tables, s.totals)`; none: only rows added or removed). Pure."""
    watch = watch or Watch()
    if previous is None:
        return Changes(None)
    changes = Changes(where or "上次结算")
    for name, rows in current.get("tables", {}).items():
        before_rows = previous.get("tables", {}).get(name, [])
        if not rows and not before_rows:
            continue
        keys = _key_columns(rows or before_rows, watch.keys.get(name, ()))
        watched = watch.columns.get(name, frozenset())
        before = {_key(r, keys): r for r in before_rows}
        after = {_key(r, keys): r for r in rows}
        for key, row in after.items():
            old = before.get(key)
            if old is None:
                changes.items.append({"表": name, "对象": key, "列": "", "上次": None, "本次": "新增", "差额": None})
                continue
            for column, value in row.items():
                if column in watched and not _same(old.get(column), value):
                    changes.items.append(_item(name, key, column, old.get(column), value))
        for key in before.keys() - after.keys():
            changes.items.append({"表": name, "对象": key, "列": "", "上次": "存在", "本次": "删除", "差额": None})
    for column, value in current.get("totals", {}).items():
        old = previous.get("totals", {}).get(column)
        if column in watch.totals and not _same(old, value):
            changes.items.append(_item("合计", "", column, old, value))
    if current.get("submissions"):  # a folder settled as one: what each file counted (SPEC §8)
        from farmcli.settlement.submissions import submission_changes

        changes.items += submission_changes(previous.get("submissions"), current["submissions"])
    return changes


def describe(item: dict) -> str:
    """`修山镇 补助金额(元) 783,740.00 → 800,000.00 (+16,260.00)`; a flag reads 否 → 是, never
    Python's False → True (issue 26 §1). Its own formatter (a blank is 空, any number at two
    decimals): the settlement layer may not import outputs/ (`outputs.values.show` is for reports)."""
    def fmt(value):
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, (Decimal, float, int)):
            return f"{value:,.2f}"
        return "空" if value is None else str(value)

    if item["表"] == "上报情况" and item["上次"] is None and item["列"] == "":
        return f"{item['对象']}：{item['本次']}"  # a file's rows changed (SPEC §8)
    who = " ".join(x for x in (item["对象"], item["列"]) if x)
    delta = f" ({item['差额']:+,.2f})" if item["差额"] is not None else ""
    return f"{item['表']}：{who} {fmt(item['上次'])} → {fmt(item['本次'])}{delta}"
