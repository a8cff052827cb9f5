"""What the printed outputs (workbook result sheets, Word report) add to a result table:
a 合计 row where the policy gives none, and 大写金额 beside every amount to pay or recover.

These are presentation only: the JSON, the DataFrames and the policies are not changed.
Which columns and totals are amounts to pay or recover, and which rows a 合计 counts, each policy
declares next to its SHEETS (column and total roles, `ResultTable.counts`): nothing here names a
policy, a table or a column.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from farmcli.outputs.reports.daxie import daxie
from farmcli.model.result import BOOL, MONEY, PAY, RECOVER, TEXT, Col, ResultTable, Total, body
from farmcli.outputs.values import PENDING, Typed, show

SUBTOTAL_LABELS = ("合计", "小计", "总计", "累计")
DAXIE, RECOVER_DAXIE = "大写金额", "应收回大写"


@dataclass
class PrintTable:
    name: str
    columns: list[Col]
    rows: list[dict]
    total: dict | None

    def body(self) -> list[dict]:
        return body(self.rows, self.total)


def is_recover(column: Col | Total) -> bool:
    return column.role == RECOVER


def spelled(amount: Decimal | None, recover: bool = False) -> str:
    """大写金额 of an amount to pay; a negative one is paid over and says so (多拨 … 应追回);
    a pending one is 待定."""
    if amount is None:
        return PENDING
    if amount < 0 and not recover:
        return f"多拨{daxie(-amount)}，应追回"
    if amount < 0:
        return f"（应退还）{daxie(-amount)}"
    return daxie(amount)


def amount_words(amount: Decimal | None) -> str:
    """An amount to pay in a sentence: `971,522.00 元（玖拾柒万…元整）`, `多拨 899,700.00 元，应追回
    （…）`, or 待定 — never a negative 待拨付."""
    if amount is None:
        return PENDING
    if amount < 0:
        return f"多拨 {show(-amount, MONEY)} 元，应追回（{daxie(-amount)}）"
    return f"{show(amount, MONEY)} 元（{daxie(amount)}）"


def shown_rows(table: ResultTable) -> list[dict]:
    """The rows as printed: a row outside the ones a 合计 counts carries no amount by design, so its
    empty money cells are left blank, not shown as 待定."""
    counted = {id(r) for r in table.counted_rows()}
    money = {c.name for c in table.columns if c.kind == MONEY}
    return [r if id(r) in counted else {k: v for k, v in r.items() if not (k in money and v is None)}
            for r in table.rows]


def with_total(table: ResultTable) -> dict | None:
    """The table's 合计 row, or one summing its money columns when the policy gives none
    (sums of the rounded figures, SPEC §1). None for tables with their own 小计 rows.
    A money column with a pending (None) amount in any row has a blank (None) total: never a
    sum that leaves the pending amount out (SPEC §1). The Word report adds this same row."""
    if table.total is not None:
        return table.total
    money = [c.name for c in table.columns if c.kind == MONEY]
    text = [c.name for c in table.columns if c.kind == TEXT]
    if not money or not table.rows or not text:
        return None
    if any(str(r.get(c) or "").replace(" ", "").startswith(SUBTOTAL_LABELS) for r in table.rows for c in text):
        return None
    total: dict = {text[0]: "合计"}
    for name in money:
        cells = [r.get(name) for r in table.counted_rows()]
        values = [v for v in cells if isinstance(v, Decimal)]
        total[name] = sum(values, Decimal("0.00")) if values and None not in cells else None
    return total


def amount_sum(rows: list[dict], column: str) -> Decimal | None:
    """The sum of `column` over `rows`; None (pending) when a counted amount is."""
    cells = [r.get(column) for r in rows]
    return None if None in cells else sum(cells, Decimal("0.00"))


def condition_totals(table: ResultTable) -> list[dict] | None:
    """A plan's totals, when its rows carry a condition (a 是/否 column): what is due (condition met)
    and what is held back (not met, or not known), never one sum read as "pay this much"."""
    flag = next((c.name for c in table.columns if c.kind == BOOL), None)
    money = [c.name for c in table.columns if c.kind == MONEY]
    if flag is None or not money:
        return None
    first = table.columns[0].name
    due = [r for r in table.rows if r.get(flag) is True]
    held = [r for r in table.rows if r.get(flag) is not True]
    return [{first: "应拨（条件已满足）", **{m: amount_sum(due, m) for m in money}},
            {first: "暂不拨付（条件未满足）", **{m: amount_sum(held, m) for m in money}}]


def print_table(table: ResultTable) -> PrintTable:
    """The table as printed: 合计 row added, a 大写 column after every amount to pay or recover
    (in a plan, only beside what is due: its condition met)."""
    pay = [c.name for c in table.role(PAY, RECOVER)]
    recover = {c.name for c in table.role(RECOVER)}
    total = with_total(table)
    plan = condition_totals(table)
    flag = next((c.name for c in table.columns if c.kind == BOOL), None)
    columns: list[Col] = []
    spelled_of: dict[str, str] = {}
    for col in table.shown():
        columns.append(col)
        if col.name in pay:
            label = RECOVER_DAXIE if is_recover(col) else DAXIE
            if len(pay) > 1:
                label = col.name.removesuffix("(元)") + ("大写" if is_recover(col) else "大写金额")
            columns.append(Col(label))
            spelled_of[label] = col.name

    def add(row: dict, due: bool = True) -> dict:
        due = due and (flag is None or row.get(flag) is True)
        extra = {label: spelled(row[money], money in recover) if money in row and due else ""
                 for label, money in spelled_of.items()}
        return {**row, **extra}

    rows = [add(r) for r in shown_rows(table)]
    if plan is not None:
        due = {**plan[0], **{label: spelled(plan[0][m], m in recover) for label, m in spelled_of.items()}}
        return PrintTable(table.name, columns, rows + [add(plan[1], due=False)], due)
    return PrintTable(table.name, columns, rows, add(total) if total else None)


def total_amounts(s) -> list[tuple[str, Decimal, str, str]]:
    """(total, amount, 大写 label, 大写金额) for every settlement total to pay or recover."""
    out = []
    for t in s.totals:
        if t.role not in (PAY, RECOVER) or not isinstance(t.value, Decimal):
            continue
        if is_recover(t):
            out.append((t.name, t.value, RECOVER_DAXIE, spelled(t.value, recover=True)))
        elif t.value < 0:  # paid more than due: the difference is to be recovered
            out.append((t.name, t.value, RECOVER_DAXIE, f"多拨{daxie(-t.value)}，应追回"))
        else:
            out.append((t.name, t.value, DAXIE, daxie(t.value)))
    return out


def title(s, name: str) -> str:
    """地区 + 年度 + table name, e.g. 桃江县2022年度乡镇汇总."""
    return f"{s.meta.get('地区', '')}{s.year}年度{name}"


CHANGE_COLUMNS = [Col("表"), Col("对象"), Col("列"), Col("上次"), Col("本次"), Col("差额", MONEY)]


def change_items(items: list[dict]) -> list[dict]:
    """The changes as listed: a table's own 合计 row is left out where the settlement total of the
    same name says the same change (each total once)."""
    totals = {(i["列"], str(i["上次"]), str(i["本次"])) for i in items if i["表"] == "合计"}
    return [i for i in items if not (i["表"] != "合计" and i["对象"] == "合计"
                                     and (i["列"], str(i["上次"]), str(i["本次"])) in totals)]


def _changed(value, column: str):
    """上次/本次 with the 差额's format: money as money, 是/否 for flags, 空 for nothing."""
    if value is None:
        return "空"
    if isinstance(value, bool):
        return Typed(value, BOOL)
    if isinstance(value, Decimal):
        return Typed(value, MONEY if column.endswith("(元)") else "number")
    return value


def change_rows(items: list[dict]) -> list[dict]:
    return [{**i, "上次": _changed(i["上次"], i["列"]), "本次": _changed(i["本次"], i["列"]),
             "差额": i["差额"] if i["差额"] is not None else ""} for i in change_items(items)]


def change_text(item: dict) -> str:
    """One change in a sentence, with the 差额's formats: `乡镇汇总：修山镇 已拨付(元) 671,242.00 → 681,242.00
    （+10,000.00）`, `拨付计划：甲镇 首笔 条件已满足 否 → 是`; a file's own news as the collection words it."""
    before, after = _changed(item["上次"], item["列"]), _changed(item["本次"], item["列"])
    if item["列"] == "" and item["上次"] is None and item["本次"] != "新增":
        return f"{item['对象']}：{item['本次']}"
    who = " ".join(x for x in (item["对象"], item["列"]) if x)
    delta = f"（{'+' if item['差额'] > 0 else ''}{show(item['差额'], MONEY)}）" if item["差额"] is not None else ""
    return f"{item['表']}：{who} {show(before)} → {show(after)}{delta}"
