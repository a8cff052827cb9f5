"""How a value of each kind is shown (report, terminal) and serialised (JSON)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from farmcli.model.money import round_money
from farmcli.model.result import AREA, BOOL, COUNT, MONEY, RATIO, SCORE, Measure

_2DP = Decimal("0.01")
FIXED_TIME = dt.datetime(2000, 1, 1)  # every workbook's creation time: same input, same bytes


def display_width(text: str) -> int:
    """Columns a string takes on screen: CJK characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_json(value: object, kind: str) -> object:
    """Money rounded to 0.01, ratios as fractions, areas as given, dates ISO."""
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


def show(value: object, kind: str = "") -> str:
    """Human form: 1,234.50 · 93.58% · 391.87 · 是/否."""
    if value is None:
        return ""
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


def param_kind(param_type: str) -> str:
    """The display kind of a parameter type (rate → ratio, money → money)."""
    return {"rate": RATIO, "money": MONEY, "area": AREA, "date": "date"}.get(param_type, "number")
