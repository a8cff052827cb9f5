"""交叉核对 (issue 27 §2): the ledger's own figures against each other, as a county auditor reads them.

Every check is a warning with both figures, the difference and the article; the codes share the
prefix CROSS_ so a clerk can filter them. Nothing here changes a figure: the settlement stands,
the auditor's questions are listed beside it.

Also the ledger's own 完成比例 against farmcli's (RATIO_MISMATCH), which `taojiang.settle` runs per
township and on the 合计 row.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from farmcli.model.findings import Finding, Where, warning
from farmcli.model.money import ZERO, sum_or_pending
from farmcli.model.result import Inputs, ResultTable
from farmcli.model.table import Table
from farmcli.policies.taojiang_sources import Settling, Town

RATIO_CITE = "桃江以奖代补自评报告 四、6（完成比例 = 实施恢复面积 / 下达任务）"

# The ledger's own 乡镇 figures that farmcli also computes: (ledger column, result column).
CLAIMED = (("补助金额(元)", "补助金额(元)"), ("应拨(元)", "应拨(元)"), ("待拨付(元)", "待拨付(元)"))


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f} 元"


def cross_check(inputs: Inputs, tables: list[ResultTable], funds: Table | None) -> list[Finding]:
    """The auditor's checks wherever the ledger has the figures (资金 is the scoring sheet)."""
    summary = next(t for t in tables if t.name == "乡镇汇总")
    towns, p, cite = inputs.tables["乡镇"], inputs.params, inputs.citations
    schedule = cite["首笔拨付比例"]
    out: list[Finding] = []
    total = summary.total or {}
    if funds is not None and funds.has("计划金额(元)"):
        planned = sum_or_pending(funds.columns["计划金额(元)"])
        tasks = sum_or_pending(towns.columns["下达任务(亩)"])
        if planned is not None and tasks is not None and planned != tasks * p["补助标准"]:
            entitled = tasks * p["补助标准"]
            out.append(warning("CROSS_BUDGET", f"「资金」计划金额合计 {_yuan(planned)}，而补助标准 {p['补助标准']} 元/亩 × 下达任务 "
                               f"{tasks:,.2f} 亩 = {_yuan(entitled)}，相差 {_yuan(planned - entitled)}：差额没有写明用途，请说明。",
                               Where("资金"), cite["补助标准"]))
    if funds is not None and funds.has("到位金额(元)"):
        arrived = sum_or_pending(funds.columns["到位金额(元)"])
        paid, payable = total.get("已拨付(元)"), total.get("待拨付(元)")
        if None not in (arrived, paid, payable) and arrived - paid > payable:
            left = arrived - paid
            out.append(warning("CROSS_FUNDS_IDLE", f"到位资金 {_yuan(arrived)} - 已拨付 {_yuan(paid)} = 结余 {_yuan(left)}，"
                               f"而按标准待拨付只有 {_yuan(payable)}：其中 {_yuan(left - payable)} 没有可拨付的对象，请说明去向。",
                               Where("资金"), cite["补助标准"]))
    index, keys = inputs.name_index(towns, "乡镇名称")
    first = {}  # the township's row in 乡镇, where its findings point
    for i, key in enumerate(keys):
        if key is not None:
            first.setdefault(index.display(key), i)
    for row in summary.rows:
        paid, contract = row.get("已拨付(元)"), row.get("合同金额(元)")
        if paid is not None and contract is not None and paid > contract:
            out.append(warning("CROSS_PAID_OVER_CONTRACT", f"{row['乡镇名称']} 已拨付 {_yuan(paid)}，超过合同金额 {_yuan(contract)}，"
                               f"超出 {_yuan(paid - contract)}。请核实合同或拨付。",
                               towns.cell("已拨付(元)", first[row["乡镇名称"]]), schedule))
        i = first.get(row["乡镇名称"])
        for column, result in CLAIMED:
            stated = towns.get(column, i) if towns.has(column) and i is not None else None
            figure = row.get(result)
            if stated is not None and figure is not None and stated != figure:
                out.append(warning("CROSS_CLAIMED_DIFFERS", f"{row['乡镇名称']} 台账填的{column.removesuffix('(元)')} {_yuan(stated)}，"
                                   f"farmcli 按政策算得 {_yuan(figure)}，相差 {_yuan(stated - figure)}。请核对。",
                                   towns.cell(column, i), schedule))
    return out + _paid_before_acceptance(inputs, tables, index, schedule)


def _accepted_on(parcels: Table, index) -> dict[str, object]:
    """Each township's acceptance date: the last 验收日期 of its accepted parcels (the 尾款 falls due once
    all of them are in); a township with an accepted parcel whose date is blank is left out (unknown)."""
    dates: dict[str, object] = {}
    undated: set[str] = set()
    for name, state, on in zip(parcels.columns["乡镇名称"], parcels.columns["状态"], parcels.columns["验收日期"]):
        key = index.resolve(name) if name is not None else None
        if key is None or state != "已验收入库":
            continue
        if on is None:
            undated.add(key)
        elif key not in dates or on > dates[key]:
            dates[key] = on
    return {key: on for key, on in dates.items() if key not in undated}


def _paid_before_acceptance(inputs: Inputs, tables: list[ResultTable], index, cite: str) -> list[Finding]:
    """Payments beyond the first instalment dated before the township's acceptance (六(二)一)4: the 尾款 is paid
    only after the works are accepted and entered): judged on the payments' own dates, where both sheets give them."""
    payments, parcels = inputs.tables.get("拨付明细"), inputs.tables.get("图斑")
    if payments is None or parcels is None or not payments.has("拨付日期") or not parcels.has("验收日期"):
        return []
    plan = next((t for t in tables if t.name == "拨付计划"), None)
    first = {r["乡镇名称"]: r["金额(元)"] for r in (plan.rows if plan else ()) if r.get("批次") == "首笔"}
    accepted = _accepted_on(parcels, index)
    unreadable = set(payments.untrusted.get("金额(元)", ()))
    dated: dict[str, list] = {}
    for i, (name, amount, on) in enumerate(zip(payments.columns["单位名称"], payments.columns["金额(元)"],
                                               payments.columns["拨付日期"])):
        key = index.resolve(name) if name is not None else None
        if key is not None and on is not None and key in accepted and on < accepted[key]:
            dated.setdefault(key, []).append((on, i, None if i in unreadable else amount))
    out: list[Finding] = []
    for key, rows in dated.items():
        town = index.display(key)
        instalment = first.get(town)
        if instalment is None or any(amount is None for _, _, amount in rows):
            continue  # a pending 首笔 or an unreadable payment: nothing to compare
        running = ZERO
        for on, i, amount in sorted(rows, key=lambda r: (r[0], r[1])):
            running += amount
            if running > instalment:
                before = sum_or_pending(a for _, _, a in rows)  # none pending: checked above
                out.append(warning("CROSS_PAID_BEFORE_DUE", f"{town} 验收入库（{accepted[key]:%Y-%m-%d}）之前已拨付 {_yuan(before)}，"
                                   f"超过首笔 {_yuan(instalment)}，超出 {_yuan(before - instalment)}：尾款应在完成全部工程量并通过验收、"
                                   f"指标入库后支付（本笔 {on:%Y-%m-%d}）。请核实拨付日期或验收日期。",
                                   payments.cell("拨付日期", i), cite))
                break
    return out


def _as_shown(ratio: Decimal) -> Decimal:
    """A ratio as a ledger shows it, percent with 2 decimals: 0.935771 → 0.9358."""
    return ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def check_stated_ratio(ctx: Settling, town: Town, ratio: Decimal | None) -> None:
    stated = ctx.towns.get("完成比例", town.i)
    if stated is None or ratio is None:
        return
    if _as_shown(stated) != _as_shown(ratio):
        ctx.findings.append(warning("RATIO_MISMATCH", f"{town.name} 台账填写的完成比例为 {stated:.2%}，按实施恢复面积 / 下达任务"
                                    f"计算为 {ratio:.2%}。请核对。", ctx.towns.cell("完成比例", town.i), RATIO_CITE))


def check_stated_total_ratio(towns: Table, total: dict) -> list[Finding]:
    out = []
    for line, word, values in towns.totals:
        stated = values.get("完成比例")
        if word != "小计" and stated is not None and total["完成比例"] is not None \
                and _as_shown(stated) != _as_shown(total["完成比例"]):
            out.append(warning("RATIO_MISMATCH", f"{word}行的完成比例为 {stated:.2%}，按合计面积计算为 "
                               f"{total['完成比例']:.2%}。请核对。", Where(towns.sheet, line, towns.letters["完成比例"]),
                               RATIO_CITE))
    return out
