"""交叉核对 (issue 27 §2): the ledger's own figures against each other, as a county auditor reads them.

Every check is a warning with both figures, the difference and the article; the codes share the
prefix CROSS_ so a clerk can filter them. Nothing here changes a figure: the settlement stands,
the auditor's questions are listed beside it.
"""

from __future__ import annotations

from decimal import Decimal

from farmcli.model.findings import Finding, Where, warning
from farmcli.model.money import ZERO, sum_or_pending
from farmcli.model.result import Inputs, ResultTable
from farmcli.model.table import Table

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
            out.append(warning("CROSS_FUNDS_IDLE", f"到位资金 {_yuan(arrived)} − 已拨付 {_yuan(paid)} = 结余 {_yuan(left)}，"
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
    return out
