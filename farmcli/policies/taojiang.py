"""taojiang — 恢复耕地以奖代补 (SPEC §2.1; seed 004, 桃江县2022年度恢复耕地以奖代补项目绩效自评报告).

One pure function, `settle`: typed tables and parameters in, result tables and
findings out. No I/O, and bad data becomes findings, never exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from farmcli.model.compare import exceeds, shown
from farmcli.model.findings import Finding, error, info, warning
from farmcli.model.table import Table
from farmcli.model.money import ZERO, round_money, sum_or_pending
from farmcli.model.result import AREA, BOOL, COUNT, KEY, MONEY, PAY, RATIO, STATUS, ChartSpec, Col, Inputs, Outcome, ResultTable, Total, UnitKey
from farmcli.model.schema import Column, SheetSpec
from farmcli.policies.guards import as_of_date, future_dates
from farmcli.policies.taojiang_checks import check_stated_ratio, check_stated_total_ratio
from farmcli.policies.taojiang_checks import cross_check  # noqa: F401  (the settlement runs it with 资金)
from farmcli.policies.taojiang_sources import (PARCEL_STATES, Settling, Town, aggregate_parcels, from_parcels, match_payments,
                                               paid_to)

SHEETS = (
    SheetSpec("乡镇", required=True, key="乡镇名称", help="各乡镇的任务、完成与拨付情况，一个乡镇一行", columns=(
        Column("乡镇名称", required=True, help="乡镇名称，与 图斑、拨付明细 中的名称对应（可用「别名」表对应不同写法）"),
        Column("下达任务(亩)", "area", required=True, help="下达的恢复耕地任务面积"),
        Column("实施恢复面积(亩)", "area", help="乡镇实施恢复耕地面积；有「图斑」表时可不填（由图斑汇总），填了则核对"),
        Column("验收入库面积(亩)", "area", help="截止日期前通过省级验收并入库的面积；空白 = 尚未验收入库"),
        Column("工程进度", "percent", help="工程量完成进度；空白 = 实施恢复面积 / 下达任务（最高 100%）"),
        Column("合同金额(元)", "money", help="以奖代补合同金额；空白 = 下达任务 × 补助标准"),
        Column("已拨付(元)", "money", help="已拨付给该乡镇的金额；有「拨付明细」表时由明细汇总并核对"),
        Column("完成比例", "percent", help="台账自填的完成比例（可选），farmcli 会与自己的计算核对"),
        *(Column(name, "money", help="台账自填的数（可选），farmcli 交叉核对，不据此计算") for name in ("补助金额(元)", "应拨(元)", "待拨付(元)")),
    )),
    SheetSpec("图斑", key="图斑编号", help="恢复耕地图斑明细，一个图斑一行", columns=(
        Column("图斑编号", required=True, help="图斑编号，不可重复"),
        Column("乡镇名称", required=True, help="图斑所在乡镇"),
        Column("面积(亩)", "area", required=True, help="图斑面积"),
        Column("状态", required=True, choices=PARCEL_STATES, help="未实施 / 已实施 / 已验收入库"),
        Column("验收日期", "date", help="省级验收入库日期（已验收入库的图斑必填）"),
    )),
    SheetSpec("拨付明细", key="单位名称", help="每一笔拨付，一笔一行", columns=(
        Column("单位名称", required=True, help="收款单位，如 修山镇人民政府"),
        Column("金额(元)", "money", required=True, help="拨付金额"),
        Column("拨付日期", "date", help="拨付日期"),
    )),
)
# The units the collection cycle gathers ledgers from.
UNITS = UnitKey("乡镇", "乡镇名称")

# What the 绩效评分 rules read from this policy's totals (SPEC §4).
PERFORMANCE_INPUTS = {"planned_output": "下达任务(亩)", "actual_output": "实施恢复面积(亩)",
                      "quality_output": "验收入库面积(亩)", "output_unit": "亩", "spent": "已拨付(元)", "units": "乡镇数"}

SUMMARY_COLUMNS = [
    Col("乡镇名称", role=KEY), Col("下达任务(亩)", AREA), Col("实施恢复面积(亩)", AREA), Col("完成比例", RATIO),
    Col("验收入库面积(亩)", AREA), Col("合同金额(元)", MONEY),
    # the arithmetic reads left to right (issue 26 §1): 补助金额, 应拨, 已拨付, 待拨付 = 应拨 - 已拨付
    Col("补助金额(元)", MONEY), Col("应拨(元)", MONEY), Col("已拨付(元)", MONEY), Col("待拨付(元)", MONEY, PAY),
    Col("工程进度", RATIO), Col("备注"), Col("依据"),
]
PLAN_COLUMNS = [Col("乡镇名称", role=KEY), Col("批次", role=KEY), Col("条件"), Col("条件已满足", BOOL, STATUS),
                Col("金额(元)", MONEY, PAY), Col("依据")]
CHARTS = (ChartSpec("各乡镇完成比例（实施恢复面积 ÷ 下达任务）", "乡镇汇总", "乡镇名称", ("完成比例",)),)


class Basis(Enum):
    """What a township's 补助金额 rests on: its status, a value the code tests. `note` is the 备注
    the clerk reads (the text shown is not tested anywhere)."""

    ACCEPTED = "已验收入库"  # 验收入库面积 × 补助标准
    ESTIMATED = "预计（未验收入库）"  # not yet accepted: 实施恢复面积 × 补助标准, a 预计数
    PENDING = "待定（见错误）"  # a figure it rests on is blank or unreadable

    @property
    def note(self) -> str:
        return self.value


@dataclass(frozen=True)
class SettledTown:
    """A township as settled: its 乡镇汇总 row (`out`, exactly the result columns), its 拨付计划 rows,
    and the status of its 补助金额 (`basis`), which the totals test instead of reading 备注."""

    out: dict
    instalments: list[dict]
    basis: Basis


def settle(inputs: Inputs) -> Outcome:
    towns: Table = inputs.tables["乡镇"]
    p, cite = inputs.params, inputs.citations
    findings: list[Finding] = []
    index, keys = inputs.name_index(towns, "乡镇名称")
    ctx = Settling(towns, index, p, cite, findings)

    parcels = aggregate_parcels(ctx, inputs.tables.get("图斑"))
    payments = match_payments(ctx, inputs.tables.get("拨付明细"))

    summary = ResultTable("乡镇汇总", SUMMARY_COLUMNS)
    plan = ResultTable("拨付计划", PLAN_COLUMNS)
    settled = [_settle_town(ctx, Town(i, keys[i], index.display(keys[i])), parcels, payments)
               for i, _ in towns.unique_records("乡镇名称", "DUPLICATE_TOWN", "乡镇", findings, keys)]
    for town in settled:
        summary.rows.append(town.out)
        plan.rows.extend(town.instalments)

    as_of = as_of_date(inputs.as_of, inputs.year)
    findings += future_dates(inputs.tables.get("图斑"), "验收日期", as_of, "验收入库", cite["验收截止日期"])
    findings += future_dates(inputs.tables.get("拨付明细"), "拨付日期", as_of, "拨付")
    summary.total = _total_row(summary.rows)
    findings.extend(check_stated_total_ratio(towns, summary.total))
    t = summary.total
    totals = [
        Total("下达任务(亩)", t["下达任务(亩)"], AREA), Total("实施恢复面积(亩)", t["实施恢复面积(亩)"], AREA),
        Total("完成比例", t["完成比例"], RATIO), Total("验收入库面积(亩)", t["验收入库面积(亩)"], AREA),
        Total("合同金额(元)", t["合同金额(元)"], MONEY), Total("补助金额(元)", t["补助金额(元)"], MONEY, PAY),
        Total("其中预计补助金额(元)", sum_or_pending(s.out["补助金额(元)"] for s in settled if s.basis is Basis.ESTIMATED),
              MONEY),
        Total("应拨(元)", t["应拨(元)"], MONEY), Total("已拨付(元)", t["已拨付(元)"], MONEY),
        Total("待拨付(元)", t["待拨付(元)"], MONEY, PAY), Total("未匹配拨付(元)", payments.unmatched_total, MONEY),
        Total("乡镇数", len(summary.rows), COUNT),
    ]
    return Outcome([summary, plan], totals, findings)


def _settle_town(ctx: Settling, town: Town, parcels, payments) -> SettledTown:
    towns, p, cite, findings, i, name = ctx.towns, ctx.p, ctx.cite, ctx.findings, town.i, town.name
    std, first_rate, first_progress = p["补助标准"], p["首笔拨付比例"], p["首笔拨付进度"]
    sched_cite = cite["首笔拨付比例"]
    task = towns.get("下达任务(亩)", i)
    implemented = from_parcels(ctx, town, "实施恢复面积(亩)", parcels, "implemented")
    accepted = from_parcels(ctx, town, "验收入库面积(亩)", parcels, "accepted")
    from_parcels_pending = parcels is not None and town.key in parcels and (
        parcels[town.key].implemented is None or parcels[town.key].accepted is None)
    # A cell the reader could not trust is not a blank: what depends on it stays pending (SPEC §1).
    accepted_known = (not from_parcels_pending) if parcels is not None else towns.trusted("验收入库面积(亩)", i)
    if task is None:
        findings.append(error("MISSING_VALUE", f"{name} 缺少下达任务，无法计算完成比例和合同金额。",
                              towns.cell("下达任务(亩)", i)))
    if implemented is None and not from_parcels_pending:
        findings.append(error("MISSING_VALUE", f"{name} 缺少实施恢复面积（「乡镇」表未填或无法识别，也没有「图斑」表）："
                              "完成比例和预计补助待定，不按 0 亩计算。请填写实施恢复面积或添加「图斑」表。",
                              towns.cell("实施恢复面积(亩)", i)))
    ratio = implemented / task if task and implemented is not None else None
    if task == 0:
        findings.append(error("ZERO_TASK", f"{name} 的下达任务为 0，完成比例无法计算。", towns.cell("下达任务(亩)", i)))
    check_stated_ratio(ctx, town, ratio)

    stated_progress, progress_ok = _progress(ctx, town)
    progress = stated_progress if stated_progress is not None else (min(ratio, Decimal(1)) if ratio is not None else None)
    if not progress_ok:
        progress = None  # unreadable, not blank: no fallback to the completion ratio
    contract = towns.get("合同金额(元)", i)
    if contract is None and towns.trusted("合同金额(元)", i):
        contract = round_money(task * std) if task is not None else None
    estimate = accepted is None and accepted_known
    base = implemented if estimate else accepted
    subsidy = round_money(base * std) if base is not None else None
    first = round_money(contract * first_rate) if contract is not None else None
    final = subsidy - first if subsidy is not None and first is not None else None
    first_due = progress >= first_progress if progress is not None and first is not None else None
    final_due = _final_due(ctx, town, (accepted, implemented), (stated_progress, progress_ok), final)
    undecided = first_due is None or final_due is None
    if final_due and first_due is False and final is not None and final < 0:
        undecided = True  # a negative 尾款 due while the 首笔 never was: no recovery of money never paid
    # 应拨 is the instalments known to be due. While another is undecided, 待拨付 is what may be paid
    # now; a negative one cannot be called an over-payment (the undecided one may be due), so it is pending.
    due = sum((a for a, ok in ((first, first_due), (final, final_due)) if ok and a is not None), ZERO)
    paid = paid_to(ctx, town, payments)
    pending = due - paid if paid is not None else None
    if undecided and pending is not None and pending < 0:
        pending = None

    if final is not None and final < 0:
        findings.append(warning("NEGATIVE_FINAL", f"{name} 的尾款为 {final:,.2f} 元：首笔 {first:,.2f} 元已超过最终补助金额 "
                                f"{subsidy:,.2f} 元。请确认首笔是否按合同金额拨付。", towns.where(i), sched_cite))
    if final_due and first_due is False:
        findings.append(warning("FIRST_NOT_DUE_AFTER_ACCEPTANCE", f"{name} 已验收入库，但工程进度 {progress:.2%} 未达 "
                                f"{first_progress:.0%}，首笔未到拨付条件，仅尾款到期。报告六(二)一)4 规定通过验收、指标入库后"
                                "全额支付，请确认是否应一并拨付首笔。", towns.where(i), sched_cite))
    if undecided:
        findings.append(error("INSTALMENT_PENDING", f"{name} 的拨付条件或金额所依据的数字缺失、无法识别或互相矛盾（见本乡镇的"
                              "其他错误或警告），相应批次待定，未计入应拨，不予拨付。更正后重新结算。", towns.where(i), sched_cite))
    if pending is not None and pending < 0:
        findings.append(error("OVERPAID", f"{name} 已拨付 {paid:,.2f} 元，超过按进度应拨的 {due:,.2f} 元，"
                              f"多拨 {-pending:,.2f} 元，应追回或核实。", towns.cell("已拨付(元)", i), sched_cite))
    if estimate and subsidy is not None:
        findings.append(info("ESTIMATE", f"{name} 尚未验收入库，补助金额 {subsidy:,.2f} 元为按实施恢复面积计算的预计数，"
                             "验收入库后以验收入库面积为准。", towns.cell("验收入库面积(亩)", i), cite["补助标准"]))

    status = Basis.PENDING if subsidy is None else Basis.ESTIMATED if estimate else Basis.ACCEPTED
    basis = f"{cite['补助标准']}（补助金额 = {'实施恢复面积' if estimate else '验收入库面积'} × {std} 元/亩）；{sched_cite}"
    row = {
        "乡镇名称": name, "下达任务(亩)": task, "实施恢复面积(亩)": implemented, "完成比例": ratio,
        "验收入库面积(亩)": accepted, "合同金额(元)": contract, "补助金额(元)": subsidy, "已拨付(元)": paid,
        "待拨付(元)": pending, "工程进度": progress, "应拨(元)": due,
        "备注": status.note,
        "依据": basis,
    }
    instalments = [
        {"乡镇名称": name, "批次": "首笔", "条件": f"工程进度 ≥ {first_progress:.0%}（当前 {_pct(progress)}）",
         "条件已满足": first_due, "金额(元)": first, "依据": f"{sched_cite}（合同金额 × {first_rate:.0%}）"},
        {"乡镇名称": name, "批次": "尾款",
         "条件": f"完成全部工程量并通过验收、指标入库：验收入库面积 > 0（当前 {_area(accepted)}），工程进度 100%"
                 f"（当前 {_pct(stated_progress) if stated_progress is not None else '未填，视为完工'}）",
         "条件已满足": final_due, "金额(元)": final, "依据": f"{sched_cite}（补助金额 - 首笔）"},
    ]
    return SettledTown(row, instalments, status)


def _pct(value) -> str:
    return "待定" if value is None else f"{value:.2%}"


def _progress(ctx: Settling, town: Town):
    """(工程进度 as the ledger states it or None, whether it could be read). A ratio above 100% is an
    error, never 5900%: the reader flags it where the header has no `(%)`; this guard covers the rest."""
    towns, i = ctx.towns, town.i
    value = towns.get("工程进度", i)
    if not towns.trusted("工程进度", i):
        return None, False
    if value is not None and value > 1:
        typed = f"{value.normalize():f}"
        ctx.findings.append(error("RATIO_ABOVE_100", f"{town.name} 的工程进度为 {typed}，超过 100%：如指 {typed}%，请写成 {typed}% 或 "
                                  f"{(value / 100).normalize():f}。首笔和尾款待定，未按 {typed} 倍计算。", towns.cell("工程进度", i)))
        return None, False
    return value, True


def _final_due(ctx: Settling, town: Town, areas, progress, final):
    """六(二)一)4: 完成全部工程量并通过验收、指标入库后全额支付. True, False, or None (pending)."""
    (accepted, implemented), (stated_progress, progress_ok) = areas, progress
    towns, i, name, sched_cite, findings = ctx.towns, town.i, town.name, ctx.cite["首笔拨付比例"], ctx.findings
    if accepted is None or accepted <= 0:
        return False if accepted is not None or towns.trusted("验收入库面积(亩)", i) else None
    if implemented is not None and exceeds(accepted, implemented):
        findings.append(error("ACCEPTED_ABOVE_IMPLEMENTED", f"{name} 的验收入库面积 {shown(accepted)} 亩大于实施恢复面积 "
                              f"{shown(implemented)} 亩，两者必有一个有误。尾款待定，更正其中之一后重新结算。",
                              towns.cell("验收入库面积(亩)", i), sched_cite))
        return None
    if not progress_ok or final is None:
        return None
    if stated_progress is not None and stated_progress < 1:
        findings.append(warning("FINAL_BEFORE_COMPLETION", f"{name} 已有验收入库面积，但工程进度为 {stated_progress:.2%}，"
                                "尚未完成全部工程量：尾款待完工后拨付。如已完工，请把工程进度改为 100%。",
                                towns.cell("工程进度", i), sched_cite))
        return False
    return True


def _area(value) -> str:
    return "未验收入库" if value is None else f"{value:,.2f} 亩"


def _total_row(rows: list[dict]) -> dict:
    def total(column):
        # 验收入库面积 blank is "not yet accepted" (0 towards the total); any other blank is pending.
        if column == "验收入库面积(亩)":
            return sum((r[column] for r in rows if r[column] is not None), ZERO)
        return sum_or_pending(r[column] for r in rows)

    total_row = {c.name: None for c in SUMMARY_COLUMNS}
    for col in SUMMARY_COLUMNS:
        if col.kind in (AREA, MONEY):
            total_row[col.name] = total(col.name)
    total_row["乡镇名称"] = "合计"
    if all(r["验收入库面积(亩)"] is None for r in rows):
        total_row["验收入库面积(亩)"] = None  # nothing accepted yet: unknown, not 0 (质量达标率 needs the difference)
    task = total_row["下达任务(亩)"]
    done = total_row["实施恢复面积(亩)"]
    total_row["完成比例"] = done / task if task and done is not None else None
    return total_row
