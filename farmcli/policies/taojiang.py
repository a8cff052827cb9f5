"""taojiang — 恢复耕地以奖代补 (SPEC §2.1; seed 004, 桃江县2022年度恢复耕地以奖代补项目绩效自评报告).

One pure function, `settle`: typed tables and parameters in, result tables and
findings out. No I/O, and bad data becomes findings, never exceptions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from farmcli.model.findings import Finding, error, info, warning
from farmcli.model.table import Table
from farmcli.model.money import ZERO, round_money
from farmcli.model.result import AREA, BOOL, COUNT, MONEY, RATIO, Col, Inputs, Outcome, ResultTable, Total
from farmcli.model.schema import Column, SheetSpec

PARCEL_STATES = ("未实施", "已实施", "已验收入库")
RATIO_CITE = "桃江以奖代补自评报告 四、6（完成比例 = 实施恢复面积 / 下达任务）"

SHEETS = (
    SheetSpec("乡镇", required=True, key="乡镇名称", help="各乡镇的任务、完成与拨付情况，一个乡镇一行", columns=(
        Column("乡镇名称", required=True, help="乡镇名称，与 图斑、拨付明细 中的名称对应（可用「别名」表对应不同写法）"),
        Column("下达任务(亩)", "area", required=True, help="下达的恢复耕地任务面积"),
        Column("实施恢复面积(亩)", "area", required=True, help="乡镇实施恢复耕地面积；有「图斑」表时由图斑汇总并核对"),
        Column("验收入库面积(亩)", "area", help="截止日期前通过省级验收并入库的面积；空白 = 尚未验收入库"),
        Column("工程进度", "percent", help="工程量完成进度；空白 = 实施恢复面积 / 下达任务（最高 100%）"),
        Column("合同金额(元)", "money", help="以奖代补合同金额；空白 = 下达任务 × 补助标准"),
        Column("已拨付(元)", "money", help="已拨付给该乡镇的金额；有「拨付明细」表时由明细汇总并核对"),
        Column("完成比例", "percent", help="台账自填的完成比例（可选），farmcli 会与自己的计算核对"),
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

# What the 绩效评分 rules read from this policy's totals (SPEC §4).
PERFORMANCE_INPUTS = {"planned_output": "下达任务(亩)", "actual_output": "实施恢复面积(亩)",
                      "quality_output": "验收入库面积(亩)", "output_unit": "亩", "spent": "已拨付(元)", "units": "乡镇数"}

SUMMARY_COLUMNS = [
    Col("乡镇名称"), Col("下达任务(亩)", AREA), Col("实施恢复面积(亩)", AREA), Col("完成比例", RATIO),
    Col("验收入库面积(亩)", AREA), Col("合同金额(元)", MONEY), Col("补助金额(元)", MONEY),
    Col("已拨付(元)", MONEY), Col("待拨付(元)", MONEY), Col("工程进度", RATIO), Col("应拨(元)", MONEY),
    Col("备注"), Col("依据"),
]
PLAN_COLUMNS = [Col("乡镇名称"), Col("批次"), Col("条件"), Col("条件已满足", BOOL), Col("金额(元)", MONEY), Col("依据")]


@dataclass
class ParcelSums:
    implemented: Decimal = ZERO
    accepted: Decimal = ZERO
    any_accepted: bool = False


def settle(inputs: Inputs) -> Outcome:
    towns: Table = inputs.tables["乡镇"]
    p, cite = inputs.params, inputs.citations
    findings: list[Finding] = []
    index, keys = inputs.name_index(towns, "乡镇名称")

    parcels = _aggregate_parcels(inputs.tables.get("图斑"), index, p["验收截止日期"], cite, findings)
    payments = _match_payments(inputs.tables.get("拨付明细"), index, findings)

    summary = ResultTable("乡镇汇总", SUMMARY_COLUMNS)
    plan = ResultTable("拨付计划", PLAN_COLUMNS)
    for i, _ in towns.unique_records("乡镇名称", "DUPLICATE_TOWN", "乡镇", findings, keys):
        row, instalments = _settle_town(towns, i, index.display(keys[i]), parcels, payments, keys[i], p, cite, findings)
        summary.rows.append(row)
        plan.rows.extend(instalments)

    summary.total = _total_row(summary.rows)
    findings.extend(_check_stated_total_ratio(towns, summary.total))
    t = summary.total
    totals = [
        Total("下达任务(亩)", t["下达任务(亩)"], AREA), Total("实施恢复面积(亩)", t["实施恢复面积(亩)"], AREA),
        Total("完成比例", t["完成比例"], RATIO), Total("验收入库面积(亩)", t["验收入库面积(亩)"], AREA),
        Total("合同金额(元)", t["合同金额(元)"], MONEY), Total("补助金额(元)", t["补助金额(元)"], MONEY),
        Total("其中预计补助金额(元)", sum((r["补助金额(元)"] for r in summary.rows if r["备注"].startswith("预计")), ZERO), MONEY),
        Total("应拨(元)", t["应拨(元)"], MONEY), Total("已拨付(元)", t["已拨付(元)"], MONEY),
        Total("待拨付(元)", t["待拨付(元)"], MONEY), Total("未匹配拨付(元)", payments.unmatched_total, MONEY),
        Total("乡镇数", len(summary.rows), COUNT),
    ]
    return Outcome([summary, plan], totals, findings)


def _settle_town(towns, i, name, parcels, payments, key, p, cite, findings):
    std, first_rate, first_progress = p["补助标准"], p["首笔拨付比例"], p["首笔拨付进度"]
    task = towns.get("下达任务(亩)", i)
    implemented = _from_parcels(towns, i, "实施恢复面积(亩)", parcels, key, "implemented", findings)
    accepted = _from_parcels(towns, i, "验收入库面积(亩)", parcels, key, "accepted", findings)
    if task is None:
        findings.append(error("MISSING_VALUE", f"{name} 缺少下达任务，无法计算完成比例和合同金额。",
                              towns.cell("下达任务(亩)", i)))
    if implemented is None:
        findings.append(error("MISSING_VALUE", f"{name} 缺少实施恢复面积，按 0 亩计算。",
                              towns.cell("实施恢复面积(亩)", i)))
        implemented = ZERO
    ratio = implemented / task if task else None
    if task == 0:
        findings.append(error("ZERO_TASK", f"{name} 的下达任务为 0，完成比例无法计算。", towns.cell("下达任务(亩)", i)))
    _check_stated_ratio(towns, i, name, ratio, findings)

    progress = towns.get("工程进度", i)
    if progress is None:
        progress = min(ratio, Decimal(1)) if ratio is not None else ZERO
    contract = towns.get("合同金额(元)", i)
    if contract is None:
        contract = round_money((task or ZERO) * std)
    estimate = accepted is None
    subsidy = round_money((implemented if estimate else accepted) * std)
    first = round_money(contract * first_rate)
    final = subsidy - first
    first_due = progress >= first_progress
    final_due = accepted is not None and accepted > 0
    due = (first if first_due else ZERO) + (final if final_due else ZERO)
    paid = _paid(towns, i, name, payments, key, findings)
    pending = due - paid
    sched_cite = cite["首笔拨付比例"]

    if final < 0:
        findings.append(warning("NEGATIVE_FINAL", f"{name} 的尾款为 {final:,.2f} 元：首笔 {first:,.2f} 元已超过最终补助金额 "
                                f"{subsidy:,.2f} 元。请确认首笔是否按合同金额拨付。", towns.where(i), sched_cite))
    if final_due and not first_due:
        findings.append(warning("FIRST_NOT_DUE_AFTER_ACCEPTANCE", f"{name} 已验收入库，但工程进度 {progress:.2%} 未达 "
                                f"{first_progress:.0%}，首笔未到拨付条件，仅尾款到期。报告六(二)一)4 规定通过验收、指标入库后"
                                "全额支付，请确认是否应一并拨付首笔。", towns.where(i), sched_cite))
    if pending < 0:
        findings.append(error("OVERPAID", f"{name} 已拨付 {paid:,.2f} 元，超过按进度应拨的 {due:,.2f} 元，"
                              f"多拨 {-pending:,.2f} 元，应追回或核实。", towns.cell("已拨付(元)", i), sched_cite))
    if estimate:
        findings.append(info("ESTIMATE", f"{name} 尚未验收入库，补助金额 {subsidy:,.2f} 元为按实施恢复面积计算的预计数，"
                             "验收入库后以验收入库面积为准。", towns.cell("验收入库面积(亩)", i), cite["补助标准"]))

    basis = f"{cite['补助标准']}（补助金额 = {'实施恢复面积' if estimate else '验收入库面积'} × {std} 元/亩）；{sched_cite}"
    row = {
        "乡镇名称": name, "下达任务(亩)": task, "实施恢复面积(亩)": implemented, "完成比例": ratio,
        "验收入库面积(亩)": accepted, "合同金额(元)": contract, "补助金额(元)": subsidy, "已拨付(元)": paid,
        "待拨付(元)": pending, "工程进度": progress, "应拨(元)": due,
        "备注": "预计（未验收入库）" if estimate else "已验收入库", "依据": basis,
    }
    instalments = [
        {"乡镇名称": name, "批次": "首笔", "条件": f"工程进度 ≥ {first_progress:.0%}（当前 {progress:.2%}）",
         "条件已满足": first_due, "金额(元)": first, "依据": f"{sched_cite}（合同金额 × {first_rate:.0%}）"},
        {"乡镇名称": name, "批次": "尾款", "条件": f"验收入库面积 > 0（当前 {_area(accepted)}）",
         "条件已满足": final_due, "金额(元)": final, "依据": f"{sched_cite}（补助金额 - 首笔）"},
    ]
    return row, instalments


def _area(value) -> str:
    return "未验收入库" if value is None else f"{value:,.2f} 亩"


def _from_parcels(towns, i, column, parcels, key, attr, findings):
    """A township's area from 图斑 when that sheet exists, checked against 乡镇's own figure."""
    stated = towns.get(column, i)
    if parcels is None:
        return stated
    sums = parcels.get(key, ParcelSums())
    value = sums.implemented if attr == "implemented" else (sums.accepted if sums.any_accepted else None)
    if stated is not None and stated != (value or ZERO):
        findings.append(error("PARCEL_MISMATCH", f"「乡镇」表的{column}为 {stated:,.4f}，而「图斑」汇总为 "
                              f"{value or ZERO:,.4f}，相差 {stated - (value or ZERO):,.4f}。farmcli 按图斑汇总计算，请核对。",
                              towns.cell(column, i)))
    return value


def _paid(towns, i, name, payments, key, findings):
    stated = towns.get("已拨付(元)", i)
    if payments is None or not payments.present:
        return stated if stated is not None else ZERO
    total = payments.by_town.get(key, ZERO)
    if stated is not None and stated != total:
        findings.append(error("PAID_MISMATCH", f"{name}「乡镇」表的已拨付为 {stated:,.2f} 元，而「拨付明细」合计为 "
                              f"{total:,.2f} 元，相差 {stated - total:,.2f} 元。farmcli 按拨付明细计算，请核对。",
                              towns.cell("已拨付(元)", i)))
    return total


def _as_shown(ratio: Decimal) -> Decimal:
    """A ratio as a ledger shows it, percent with 2 decimals: 0.935771 → 0.9358."""
    return ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _check_stated_ratio(towns, i, name, ratio, findings):
    stated = towns.get("完成比例", i)
    if stated is None or ratio is None:
        return
    if _as_shown(stated) != _as_shown(ratio):
        findings.append(warning("RATIO_MISMATCH", f"{name} 台账填写的完成比例为 {stated:.2%}，按实施恢复面积 / 下达任务"
                                f"计算为 {ratio:.2%}。请核对。", towns.cell("完成比例", i), RATIO_CITE))


def _check_stated_total_ratio(towns, total) -> list[Finding]:
    out = []
    for line, word, values in towns.totals:
        stated = values.get("完成比例")
        if word != "小计" and stated is not None and total["完成比例"] is not None \
                and _as_shown(stated) != _as_shown(total["完成比例"]):
            out.append(warning("RATIO_MISMATCH", f"{word}行的完成比例为 {stated:.2%}，按合计面积计算为 "
                               f"{total['完成比例']:.2%}。请核对。", f"{towns.sheet}!{towns.letters['完成比例']}{line}",
                               RATIO_CITE))
    return out


def _total_row(rows: list[dict]) -> dict:
    def total(column):
        return sum((r[column] for r in rows if r[column] is not None), ZERO)

    total_row = {c.name: None for c in SUMMARY_COLUMNS}
    for col in SUMMARY_COLUMNS:
        if col.kind in (AREA, MONEY):
            total_row[col.name] = total(col.name)
    total_row["乡镇名称"] = "合计"
    if all(r["验收入库面积(亩)"] is None for r in rows):
        total_row["验收入库面积(亩)"] = None  # nothing accepted yet: unknown, not 0 (质量达标率 needs the difference)
    task = total_row["下达任务(亩)"]
    total_row["完成比例"] = total_row["实施恢复面积(亩)"] / task if task else None
    return total_row


def _aggregate_parcels(table, index, deadline, cite, findings) -> dict[str, ParcelSums] | None:
    """Per-township implemented and accepted area from 图斑 (SPEC §2.1), vectorised with pandas:
    a 图斑 sheet may hold a million parcels. Areas stay Decimal (summed exactly)."""
    if table is None:
        return None
    import pandas as pd

    frame = pd.DataFrame({"name": table.columns["乡镇名称"], "area": table.columns["面积(亩)"],
                          "state": table.columns["状态"], "id": table.columns["图斑编号"],
                          "date": table.columns.get("验收日期") or [None] * len(table)})
    frame["area"] = frame["area"].where(frame["area"].notna(), ZERO)
    names = frame["name"].dropna().unique()
    frame["key"] = frame["name"].map({n: index.resolve(n) for n in names})
    matched = frame["key"].notna()
    known = frame["state"].isin(PARCEL_STATES)
    done = matched & known & frame["state"].isin(("已实施", "已验收入库"))
    accepted = done & (frame["state"] == "已验收入库")
    when = pd.to_datetime(frame["date"], errors="coerce")
    dated = accepted & when.notna()
    in_time = dated & (when <= pd.Timestamp(deadline))

    sums: dict[str, ParcelSums] = defaultdict(ParcelSums)
    for key, area in frame.loc[done].groupby("key")["area"].sum().items():
        sums[key].implemented = area
    for key, area in frame.loc[in_time].groupby("key")["area"].sum().items():
        sums[key].accepted, sums[key].any_accepted = area, True

    unmatched = {}
    for name, group in frame.loc[~matched].groupby(frame["name"].fillna("（空白）"), sort=False):
        unmatched[str(name)] = [int(group.index[0]), len(group), sum(group["area"], ZERO)]
    duplicates = list(frame.index[frame["id"].notna() & frame["id"].duplicated()])
    late = list(frame.index[dated & ~in_time])
    undated = list(frame.index[accepted & ~dated])
    bad_state = list(frame.index[matched & ~known])
    _parcel_findings(table, index, unmatched, duplicates, late, undated, bad_state, deadline, cite, findings)
    return sums


def _listing(table, rows, column) -> str:
    shown = "、".join(str(table.cell(column, i)) for i in rows[:10])
    return shown + (f" 等共 {len(rows)} 处" if len(rows) > 10 else "")


def _parcel_findings(table, index, unmatched, duplicates, late, undated, bad_state, deadline, cite, findings):
    for name, (i, count, area) in unmatched.items():
        findings.append(error("UNMATCHED_NAME", f"「图斑」中有 {count} 个图斑（共 {area:,.4f} 亩）的"
                              + index.unmatched_message(name), table.cell("乡镇名称", i)))
    if duplicates:
        findings.append(error("DUPLICATE_PARCEL", f"图斑编号重复 {len(duplicates)} 处（重复的图斑仍计入面积，请核实是否重复登记）："
                              + _listing(table, duplicates, "图斑编号"), table.cell("图斑编号", duplicates[0])))
    if bad_state:
        findings.append(error("BAD_STATE", f"图斑状态须为 {'/'.join(PARCEL_STATES)}，以下图斑未能识别，未计入面积："
                              + _listing(table, bad_state, "状态"), table.cell("状态", bad_state[0])))
    if undated:
        findings.append(error("ACCEPTED_UNDATED", "已验收入库的图斑缺少验收日期，未计入验收入库面积（只计入实施恢复面积）："
                              + _listing(table, undated, "验收日期"), table.cell("验收日期", undated[0]), cite["验收截止日期"]))
    if late:
        findings.append(warning("ACCEPTED_LATE", f"以下图斑验收日期晚于截止日期 {deadline}，不计入补助的验收入库面积"
                                "（只计入实施恢复面积）：" + _listing(table, late, "验收日期"),
                                table.cell("验收日期", late[0]), cite["验收截止日期"]))


@dataclass
class Payments:
    present: bool
    by_town: dict[str, Decimal]
    unmatched_total: Decimal


def _match_payments(table, index, findings) -> Payments:
    if table is None:
        return Payments(False, {}, ZERO)
    by_town: dict[str, Decimal] = defaultdict(lambda: ZERO)
    unmatched: dict[str, list] = {}
    nameless = ZERO  # rows without a 单位名称: already a KEY_MISSING finding, still counted as unmatched
    for i, (name, amount) in enumerate(zip(table.columns["单位名称"], table.columns["金额(元)"])):
        if name is None:
            nameless += amount or ZERO
            continue
        key = index.resolve(name)
        if key is None:
            entry = unmatched.setdefault(str(name), [i, ZERO])
            entry[1] += amount or ZERO
        else:
            by_town[key] += amount or ZERO
    for name, (i, amount) in unmatched.items():
        findings.append(error("UNMATCHED_NAME", f"「拨付明细」中 {amount:,.2f} 元的收款"
                              + index.unmatched_message(name), table.cell("单位名称", i)))
    return Payments(True, dict(by_town), nameless + sum((a for _, a in unmatched.values()), ZERO))
