"""The one formatting module: how a value of each kind is shown (reports, workbook widths, terminal)
and serialised (JSON). One vocabulary of kinds (`model.result`: money, area, ratio, count, score,
bool, date, number, text, measure); a pending figure (None) shows as 待定, never a blank.

The formatters that stay elsewhere, and why (each says so in its docstring):
- `model.params.shown`: a parameter as a clerk types it (30%, 2000), in model/'s own messages;
- `model.compare.shown`: a stated figure in a finding, with every digit it has, so two figures
  that disagree never print alike; findings are made below outputs/;
- `settlement.changes.describe`: a change line (否 → 是, 空), made below outputs/.
Reports, result sheets, the JSON and the terminal summary all go through `show` / `to_json` here."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from farmcli.model.money import round_money
from farmcli.model.result import AREA, BOOL, COUNT, DATE, MONEY, NUMBER, RATIO, SCORE, Measure

_2DP = Decimal("0.01")
FIXED_TIME = dt.datetime(2000, 1, 1)  # every workbook's creation time: same input, same bytes
PENDING = "待定"  # a figure that depends on a cell farmcli cannot trust (SPEC §1)
FIGURES = (MONEY, AREA, RATIO, COUNT, SCORE, BOOL, DATE, NUMBER)  # kinds whose None is a pending figure
NUMERIC = (MONEY, AREA, RATIO, COUNT, SCORE, NUMBER)  # right-aligned in every table


def display_width(text: str) -> int:
    """Columns a string takes on screen: CJK characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_json(value: object, kind: str) -> object:
    """Money rounded to 0.01, ratios as fractions, areas as given, dates ISO; pending is null."""
    if value is None:
        return None
    if isinstance(value, Measure):
        return show(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        if kind == MONEY:
            return float(round_money(value))
        if kind == COUNT:
            return int(value)
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


class Typed:
    """A value with its own kind, for columns that mix kinds (结算总览 值, 参数 值, 变更 上次/本次)."""

    __slots__ = ("value", "kind")

    def __init__(self, value, kind: str):
        self.value, self.kind = value, kind


def show(value: object, kind: str = "") -> str:
    """Human form: 1,234.50 · 93.58% · 391.87 · 是/否 · 2022-11-30; a pending figure is 待定."""
    if isinstance(value, Typed):
        value, kind = value.value, value.kind
    if value is None:
        return PENDING if kind in FIGURES else ""
    if isinstance(value, Measure):
        return f"{show(value.value, value.kind)} {value.unit}".strip()
    if isinstance(value, bool) or kind == BOOL:
        return "是" if value else "否"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (Decimal, int, float)):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if kind == RATIO:
            return f"{(number * 100).quantize(_2DP, ROUND_HALF_UP)}%"
        if kind == COUNT:
            return f"{number:,.0f}"
        if kind in (MONEY, AREA, SCORE):
            return f"{number.quantize(_2DP, ROUND_HALF_UP):,.2f}"
        return str(number)
    return str(value)


def shown_text(value) -> str:
    """Roughly the text a workbook cell shows, for its column's width: every number at two decimals
    (its kind is not known here), every date as wide as 2022-11-30, a blank as 待定."""
    if isinstance(value, Typed):
        value = value.value
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return f"{float(value):,.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return "2022-11-30"
    return show(value, MONEY if value is None else "")


def cell_text(row: dict, name: str, kind: str) -> str:
    """A table cell: a column the row does not have is blank (not applicable); one it has
    with no value is a pending figure (待定)."""
    return show(row[name], kind) if name in row else ""


def param_kind(param_type: str) -> str:
    """The display kind of a parameter type (rate → ratio, money → money)."""
    return {"rate": RATIO, "money": MONEY, "area": AREA, "date": DATE}.get(param_type, NUMBER)
