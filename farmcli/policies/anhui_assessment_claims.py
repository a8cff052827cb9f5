"""anhui-assessment: the claims on the reward pool (二(三)2) — each surplus city's weight, cut or
withdrawn against its planning targets, and a gap city that converts to a surplus city once it has
made up its whole gap. `anhui_assessment` shares the pool among them.

`Assessing` and `City`, the context these read, are the policy's own, built in `anhui_assessment.settle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from farmcli.model.findings import Where, error, warning
from farmcli.model.money import ZERO, round_money

if TYPE_CHECKING:  # only the context's types are needed here
    from farmcli.policies.anhui_assessment import Assessing, City

CITE = "皖耕保考核奖惩通知"


@dataclass
class Claim:
    """A city's claim on the reward pool for the settled year."""

    name: str
    surplus: Decimal | None
    deduction: Decimal | None
    weight: Decimal | None  # None: pending (a figure it depends on is blank or untrusted)
    note: str
    eligible: bool = True


def conversion_claim(ctx: Assessing, city: City, done: Decimal | None) -> Claim | None:
    """二(三)2: a gap city joins the surplus cities only when it has made up its whole gap (the cumulative
    实际完成 since the split began reaches 任务缺口), ends the year above 原规划目标, and has raised its
    protection target (转为超额市 = 是). A 是 without the first two is an error that names what is missing.
    `done` is its cumulative 实际完成 (None while pending)."""
    name, row, years, findings = city.name, ctx.this_year(city), ctx.years, ctx.findings
    if row is None or not row.get("转为超额市"):
        return None
    where = years.cell("转为超额市", row.i)
    gap, end, original = city["任务缺口(亩)"], row.get("年末耕地面积(亩)"), row.get("原规划目标(亩)")
    missing = []
    if gap is None or done is None:
        missing.append("任务缺口或各年完成情况待定，无法确认是否补齐整个缺口")
    elif done < gap:
        missing.append(f"{CITE}要求补齐整个任务缺口 {gap:,.2f} 亩，自分解起始年累计只完成 {done:,.2f} 亩")
    if end is None or original is None:
        missing.append("缺少年末耕地面积或原规划目标")
    elif end <= original:
        missing.append(f"年末耕地面积 {end:,.2f} 亩未超过原规划目标 {original:,.2f} 亩")
    if missing:
        findings.append(error("NO_CONVERSION", f"{name} 标为转为超额市，但" + "；".join(missing) + "。不予转为超额市，"
                              "不参与奖励分配。请核实后更正“转为超额市”或相关面积。", where, f"{CITE} 二(三)2"))
        return None
    surplus = row.get("实际超额(亩)")
    if surplus is None:
        findings.append(error("MISSING_VALUE", f"{name} 转为超额市，须填实际超额：各超额市的奖励待定（权重不按 0 计）。",
                              years.cell("实际超额(亩)", row.i), f"{CITE} 二(三)2"))
    return Claim(name, surplus, ZERO, surplus, "缺口市补齐缺口后耕地超过原规划目标，转为超额市（二(三)2）")


def surplus_claim(ctx: Assessing, city: City) -> tuple[Claim, Decimal | None]:
    """二(三)2: a surplus city's weight is its 实际超额 (else 超额任务), cut where it fell below the current
    plan target; below the original one it loses the reward and pays compensation (the returned penalty)."""
    name, row, years, findings = city.name, ctx.this_year(city), ctx.years, ctx.findings
    stated = (row or {}).get("实际超额(亩)")
    surplus = stated if stated is not None else city["超额任务(亩)"]
    if row is not None and not years.trusted("实际超额(亩)", row.i):
        surplus = None  # an unreadable 实际超额 must not fall back to 超额任务
    if surplus is None:
        # Its weight is unknown, so is every share of the pool: pending, never a weight of 0 (SPEC §1).
        findings.append(error("MISSING_VALUE", f"超额市 {name} 缺少超额任务（「市」表）和实际超额（「年度」表）：奖励权重待定，"
                              "各超额市的经济奖励均待定。请填写附件1核定的超额任务。", ctx.cities.cell("超额任务(亩)", city.i),
                              f"{CITE} 二(三)2"))
    if row is None:
        findings.append(warning("SURPLUS_YEAR_MISSING", f"超额市 {name} 缺少本年度的数据行，无法核对规划目标，按实际超额计权重。", Where("年度")))
        return Claim(name, surplus, ZERO, surplus, "未核对规划目标"), ZERO
    plan = ("年末耕地面积(亩)", "现行规划目标(亩)", "原规划目标(亩)")
    if not all(years.trusted(c, row.i) for c in plan):
        findings.append(error("MISSING_VALUE", f"超额市 {name} 的年末耕地面积或规划目标无法识别：二(三)2 的扣减与取消奖励无法判断，"
                              "奖励待定。请更正该行。", years.where(row.i), f"{CITE} 二(三)2"))
        return Claim(name, surplus, None, None, "规划目标待核对，奖励待定"), None  # a penalty may be due too
    end, current, original = row.get("年末耕地面积(亩)"), row.get("现行规划目标(亩)"), row.get("原规划目标(亩)")
    where = years.cell("年末耕地面积(亩)", row.i)
    if end is None or current is None or original is None:
        findings.append(warning("PLAN_UNCHECKED", f"超额市 {name} 缺少年末耕地面积或规划目标，无法按二(三)2 核对，按实际超额计权重。",
                                where, f"{CITE} 二(三)2"))
        return Claim(name, surplus, ZERO, surplus, "未核对规划目标"), ZERO
    if end < original:
        penalty = round_money((original - end) * ctx.p["补偿标准"])
        findings.append(warning("BELOW_ORIGINAL_PLAN", f"超额市 {name} 年末耕地 {end:,.2f} 亩低于原规划目标 {original:,.2f} 亩："
                                f"考核问责后取消奖励资格，并按 {original - end:,.2f} 亩缴纳经济补偿 {penalty:,.2f} 元，计入奖励资金。",
                                where, f"{CITE} 二(三)2"))
        return Claim(name, surplus, surplus, ZERO, f"低于原规划目标，取消奖励资格，缴纳经济补偿 {penalty:,.2f} 元", False), penalty
    if end < current:
        cut = current - end
        findings.append(warning("BELOW_CURRENT_PLAN", f"超额市 {name} 年末耕地 {end:,.2f} 亩未守住现行规划目标 {current:,.2f} 亩："
                                f"先考核问责，再按减少的 {cut:,.2f} 亩扣减奖励权重。", where, f"{CITE} 二(三)2"))
        weight = None if surplus is None else max(ZERO, surplus - cut)
        return Claim(name, surplus, cut, weight, "未守住现行规划目标，先考核问责，按减少面积扣减"), ZERO
    return Claim(name, surplus, ZERO, surplus, ""), ZERO
