"""The seven computed indicators of SPEC §4, as pure functions.

Each rule takes the scoring inputs, the item's points and the scoring
parameters, and returns a `Computed`: a score (None when an input is missing,
so the claimed score stands) and the formula with the figures filled in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO, ONE = Decimal(0), Decimal(1)


def round_score(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pct(value: Decimal) -> str:
    return f"{round_score(value * 100)}%"


@dataclass(frozen=True)
class Fund:
    source: str
    planned: Decimal | None
    arrived: Decimal | None
    due: dt.date | None
    arrived_on: dt.date | None


@dataclass
class ScoringInputs:
    funds: list[Fund] | None = None
    planned_output: Decimal | None = None
    actual_output: Decimal | None = None
    quality_output: Decimal | None = None
    output_unit: str = "亩"
    planned_date: dt.date | None = None
    actual_date: dt.date | None = None
    start_date: dt.date | None = None
    planned_cost: Decimal | None = None
    actual_cost: Decimal | None = None
    overrun_exempt: bool | None = None
    satisfaction: Decimal | None = None
    sources: dict[str, str] = field(default_factory=dict)  # input → where it was read


@dataclass(frozen=True)
class Computed:
    score: Decimal | None
    formula: str


def missing(what: str) -> Computed:
    return Computed(None, f"缺少{what}")


def pro_rata(points: Decimal, ratio: Decimal) -> Decimal:
    return round_score(points * min(ratio, ONE))


def funds_in_place(x: ScoringInputs, points: Decimal, p: dict) -> Computed:
    planned = sum((f.planned or ZERO for f in x.funds or []), ZERO)
    if not x.funds or planned <= 0:
        return missing("「资金」表的计划金额")
    arrived = sum((f.arrived or ZERO for f in x.funds), ZERO)
    ratio = arrived / planned
    return Computed(pro_rata(points, ratio), f"资金到位率 = Σ到位金额 {arrived:,.2f} / Σ计划金额 {planned:,.2f} = "
                                            f"{pct(ratio)}；{points} × {pct(min(ratio, ONE))}")


def funds_on_time(x: ScoringInputs, points: Decimal, p: dict) -> Computed:
    planned = sum((f.planned or ZERO for f in x.funds or []), ZERO)
    if not x.funds or planned <= 0:
        return missing("「资金」表的计划金额")
    if any((f.arrived or ZERO) > 0 and (f.due is None or f.arrived_on is None) for f in x.funds):
        return missing("「资金」表的应到位日期或实际到位日期")
    timely = sum((f.arrived or ZERO for f in x.funds if f.arrived_on and f.due and f.arrived_on <= f.due), ZERO)
    ratio = timely / planned
    return Computed(pro_rata(points, ratio), f"到位及时率 = 按时到位金额 {timely:,.2f} / Σ计划金额 {planned:,.2f} = "
                                            f"{pct(ratio)}；{points} × {pct(min(ratio, ONE))}")


def _ratio_rule(points: Decimal, label: str, part: tuple[str, Decimal], whole: tuple[str, Decimal], unit: str,
                note: str = "") -> Computed:
    """Pro rata, capped at full points: `label` = part / whole."""
    ratio = part[1] / whole[1]
    return Computed(pro_rata(points, ratio), f"{label} = {part[0]} {part[1]:,.2f} {unit} / {whole[0]} {whole[1]:,.2f} {unit} = "
                                            f"{pct(ratio)}；{points} × {pct(min(ratio, ONE))}{note}")


def plan_completion(x: ScoringInputs, points: Decimal, p: dict) -> Computed:
    if not x.planned_output or x.actual_output is None:
        return missing("计划产出数量或实际产出数量")
    return _ratio_rule(points, "计划完成率", ("实际产出", x.actual_output), ("计划产出", x.planned_output),
                       x.output_unit, "（按比例计分，最高满分）")


def on_time(x: ScoringInputs, points: Decimal, p: dict) -> Computed:
    if x.planned_date is None or x.actual_date is None:
        return missing("「设置」中的计划完成日期或实际完成日期")
    if x.actual_date <= x.planned_date:
        return Computed(points, f"实际完成 {x.actual_date} 不晚于计划完成 {x.planned_date}：满分")
    if x.start_date is None or x.start_date >= x.planned_date:
        return missing("「设置」中的项目开始日期（逾期时用来算计划工期）")
    delay = (x.actual_date - x.planned_date).days
    duration = (x.planned_date - x.start_date).days
    factor = max(ZERO, ONE - Decimal(delay) / Decimal(duration))
    return Computed(round_score(points * factor), f"逾期 {delay} 天，计划工期 {duration} 天（{x.start_date} 至 "
                                                  f"{x.planned_date}）；{points} × max(0, 1 - {delay}/{duration})")


def quality(x: ScoringInputs, points: Decimal, p: dict) -> Computed:
    if x.quality_output is None or not x.actual_output:
        return missing("质量达标数量（「设置」中的质量达标面积(亩)，或验收入库面积）")
    return _ratio_rule(points, "质量达标率", ("质量达标", x.quality_output), ("实际产出", x.actual_output), x.output_unit)


def cost_saving(x: ScoringInputs, points: Decimal, p: dict) -> Computed:
    if not x.planned_cost or x.actual_cost is None:
        return missing("「设置」中的计划成本(元)或实际成本(元)")
    rate = (x.planned_cost - x.actual_cost) / x.planned_cost
    head = f"成本节约率 = ({x.planned_cost:,.2f} - {x.actual_cost:,.2f}) / {x.planned_cost:,.2f} = {pct(rate)}"
    if rate > 0:
        return Computed(points, f"{head}，大于 0：满分")
    if rate == 0:
        return Computed(round_score(points * p["成本持平得分比例"]), f"{head}，等于 0：{points} × {pct(p['成本持平得分比例'])}")
    if x.overrun_exempt:
        return Computed(points, f"{head}，超支但「设置」注明成本超支不扣分（市场因素或不可抗力）：满分")
    line = p["成本超支零分线"]
    factor = p["成本超支最高得分比例"] * max(ZERO, ONE - (-rate) / line)
    return Computed(round_score(points * factor), f"{head}，小于 0：{points} × {pct(p['成本超支最高得分比例'])} × "
                                                  f"max(0, 1 - 超支 {pct(-rate)} / {pct(line)})")


def satisfaction(x: ScoringInputs, points: Decimal, p: dict) -> Computed:
    if x.satisfaction is None:
        return missing("「设置」中的满意度")
    s = x.satisfaction
    if s >= p["满意度满分线"]:
        return Computed(points, f"满意度 {pct(s)} ≥ {pct(p['满意度满分线'])}：满分")
    if s >= p["满意度中档线"]:
        return Computed(round_score(points * p["满意度中档得分比例"]),
                        f"满意度 {pct(s)} 在 {pct(p['满意度中档线'])}（含）至 {pct(p['满意度满分线'])} 之间："
                        f"{points} × {pct(p['满意度中档得分比例'])}")
    return Computed(ZERO, f"满意度 {pct(s)} 低于 {pct(p['满意度中档线'])}：0 分")


RULES = {
    "资金到位率": funds_in_place, "到位及时率": funds_on_time, "计划完成率": plan_completion, "完成及时率": on_time,
    "质量达标率": quality, "成本节约率": cost_saving, "满意度": satisfaction,
}
