"""jiangsu-fund — 省级土地整治专项资金 (SPEC §2.5; seed 003, 江苏省省级土地整治专项资金管理办法).

Each project's status as of a date, in the order SPEC §2.5 gives, with the money
to recover and the balance left to local finance, each with its article.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from farmcli.model.findings import Finding, error, info, warning
from farmcli.model.money import ZERO, sum_or_pending
from farmcli.model.result import COUNT, DATE, KEY, MONEY, RECOVER, STATUS, ChartSpec, Col, Inputs, Outcome, ResultTable, Total, UnitKey
from farmcli.model.schema import Column, SheetSpec
from farmcli.model.table import Table
from farmcli.policies.guards import as_of_date, future_dates

CITE = "苏土地整治资金办法"
RESULTS = ("未验收", "合格", "不合格", "整改后合格", "整改后不合格")
STATUSES = ("撤销", "清算", "整改后不合格", "已验收", "整改中", "注销", "待验收", "在建", "待核实")

SHEETS = (
    SheetSpec("项目", required=True, key="项目编号", help="省级土地整治项目，一个项目一行", columns=(
        Column("项目编号", required=True), Column("项目名称"),
        Column("总投资(元)", "money", required=True), Column("已下达资金(元)", "money", required=True),
        Column("实际支出(元)", "money"), Column("计划完成日期", "date"), Column("实际完成日期", "date"),
        Column("延期申请日期", "date"), Column("延期月数", "number"),
        Column("延期次数", "number", help="空白且有延期申请日期时按 1 次"),
        Column("撤销申请日期", "date"), Column("不可抗力", "bool", help="因自然灾害等不可抗力无法继续实施，申请清算"),
        Column("验收结果", choices=RESULTS, help="未验收 / 合格 / 不合格 / 整改后合格 / 整改后不合格"),
        Column("验收日期", "date", help="验收结果的日期；结算基准日在此之前按尚未验收处理。空白 = 结果已生效"),
    )),
)
# The units the collection cycle gathers ledgers from.
UNITS = UnitKey("项目", "项目编号")
COLUMNS = [Col("项目编号", role=KEY), Col("项目名称"), Col("状态", role=STATUS), Col("完成期限", DATE), Col("结余(元)", MONEY), Col("应收回(元)", MONEY, RECOVER),
           Col("地方统筹(元)", MONEY), Col("原因"), Col("依据")]
CHARTS = (ChartSpec("各状态项目资金（元）", "项目结算", "状态", ("应收回(元)", "地方统筹(元)"), stacked=True, grouped=True),)


# How a period of months is counted (第二十六条's "3个月前", "6个月前"): forward from the request,
# ending on the same day of the month, or on the month's last day where it has none.
MONTHS_LAW = "民法典 第二百零一条至第二百零三条"


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier, clipped to the month's end (2024-08-31 - 6 → 2024-02-29)."""
    return add_months(day, -months)


def in_time(asked: dt.date, months: int, plan: dt.date) -> bool:
    """Asked at least `months` months before `plan`: the months counted from the request end by `plan`
    (2024-08-31 + 3 months = 2024-11-30, so a request on 08-31 for 11-30 is in time)."""
    return add_months(asked, months) <= plan


def latest_request(plan: dt.date, months: int) -> dt.date:
    """The last day a request is in time for `plan` (never earlier than the same day `months` before)."""
    day = months_before(plan, months)
    while in_time(day + dt.timedelta(days=1), months, plan):
        day += dt.timedelta(days=1)
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Settling:
    """What every project is judged with, built once in `settle`: the 项目 sheet (for the cells a
    finding points at), the parameters, the as-of date, and the findings list the checks append to."""

    projects: Table
    p: dict
    as_of: dt.date
    findings: list[Finding]


@dataclass(frozen=True)
class Amounts:
    """What a status does with a project's money: 应收回, 地方统筹 (None: pending) and its 结余 (None:
    not computed)."""

    recover: Decimal | None = ZERO
    local: Decimal | None = ZERO
    balance: Decimal | None = None


PENDING = Amounts(recover=None, local=None)  # a figure it rests on is blank or unreadable: never 0


def settle(inputs: Inputs) -> Outcome:
    projects = inputs.tables["项目"]
    as_of = as_of_date(inputs.as_of, inputs.year)
    findings: list[Finding] = []
    ctx = Settling(projects, inputs.params, as_of, findings)
    table = ResultTable("项目结算", COLUMNS)
    for i, row in projects.unique_records("项目编号", "DUPLICATE_PROJECT", "项目编号", findings):
        table.rows.append(_settle_project(ctx, i, row))
    findings += future_dates(projects, "实际完成日期", as_of, "完成", inputs.citations["延期提前月数"])
    totals = [Total("结算基准日", as_of.isoformat(), "text"),
              Total("应收回合计(元)", sum_or_pending(r["应收回(元)"] for r in table.rows), MONEY, RECOVER),
              Total("地方统筹合计(元)", sum_or_pending(r["地方统筹(元)"] for r in table.rows), MONEY)]
    totals += [Total(f"{s}项目数", sum(r["状态"] == s for r in table.rows), COUNT) for s in STATUSES
               if s != "待核实" or any(r["状态"] == s for r in table.rows)]
    return Outcome([table], totals, findings)


# Statuses whose 应收回 / 地方统筹 are worked out from 已下达资金 (第二十六、二十七、二十九至三十一条).
FROM_ALLOCATED = ("撤销", "清算", "整改后不合格", "已验收", "注销")


def _settle_project(ctx: Settling, i: int, row: dict) -> dict:
    projects, p, as_of, findings = ctx.projects, ctx.p, ctx.as_of, ctx.findings
    pid = row["项目编号"]
    allocated = row["已下达资金(元)"]  # blank or unreadable: what depends on it stays pending, never 0
    spent = row.get("实际支出(元)")  # blank (or unreadable): nothing known spent — no 结余 is computed from it
    plan = row.get("计划完成日期")
    result = {"项目编号": pid, "项目名称": row.get("项目名称"), "完成期限": plan, "结余(元)": None, "应收回(元)": ZERO,
              "地方统筹(元)": ZERO}
    if allocated is None:
        findings.append(error("MISSING_VALUE", f"项目 {pid} 的已下达资金空白或无法识别：应收回、结余和地方统筹待定，"
                              "不按 0 计算。请填写已下达资金后重新结算。", projects.cell("已下达资金(元)", i), f"{CITE} 第二十九条"))
    if spent is not None and allocated is not None and spent > allocated:
        findings.append(warning("OVERSPENT", f"项目 {pid} 实际支出 {spent:,.2f} 元超过已下达资金 {allocated:,.2f} 元，请核实。",
                                projects.cell("实际支出(元)", i), f"{CITE} 第二十四条"))

    def done(status, reason, article, amounts=Amounts()):
        if allocated is None and status in FROM_ALLOCATED:
            amounts, reason = Amounts(None, None, None), f"{reason}（已下达资金待定）"
        result.update({"状态": status, "原因": reason, "依据": f"{CITE} {article}", "应收回(元)": amounts.recover,
                       "地方统筹(元)": amounts.local, "结余(元)": amounts.balance})
        return result

    cancel = row.get("撤销申请日期")
    if cancel is not None and cancel <= as_of:
        if plan is None:
            findings.append(error("MISSING_VALUE", f"项目 {pid} 申请撤销，但缺少计划完成日期，无法判断是否按时申请。",
                                  projects.cell("计划完成日期", i), f"{CITE} 第二十六条"))
        else:
            latest = latest_request(plan, p["撤销提前月数"])
            if in_time(cancel, p["撤销提前月数"], plan):
                return done("撤销", f"{cancel} 申请撤销，不晚于 {latest}（计划完成前 {p['撤销提前月数']} 个月），全额退回已下达资金",
                            "第二十六条", Amounts(recover=allocated))
            findings.append(error("LATE_CANCELLATION", f"项目 {pid} 于 {cancel} 申请撤销，晚于计划完成日期 {plan} 前 "
                                  f"{p['撤销提前月数']} 个月（最迟 {latest}），撤销申请无效，按其他规定判断。",
                                  projects.cell("撤销申请日期", i), f"{CITE} 第二十六条；{MONTHS_LAW}"))
    if row.get("不可抗力"):
        if spent is None:
            return _no_spending(ctx, i, "清算", "第二十七条", done)
        if allocated is None:
            return done("清算", "不可抗力无法继续实施，清算", "第二十七条", PENDING)
        left = max(ZERO, allocated - spent)
        return done("清算", f"不可抗力无法继续实施，清算后剩余资金 {left:,.2f} 元按原渠道上缴", "第二十七条",
                    Amounts(recover=left, balance=allocated - spent))
    verdict = row.get("验收结果")
    if verdict is not None and verdict not in RESULTS:
        findings.append(error("CELL_INVALID", f"项目 {pid} 的验收结果“{verdict}”须为 {'/'.join(RESULTS)} 之一，按未验收处理。",
                              projects.cell("验收结果", i)))
        verdict = None
    accepted_on = row.get("验收日期")
    if verdict not in (None, "未验收") and accepted_on is not None and as_of < accepted_on:
        findings.append(info("NOT_YET_ACCEPTED", f"项目 {pid} 的验收结果“{verdict}”日期为 {accepted_on}，晚于结算基准日 {as_of}："
                             "按基准日尚未验收处理。", projects.cell("验收日期", i), f"{CITE} 第二十八条"))
        verdict = None
    if verdict == "整改后不合格":
        return done("整改后不合格", "整改后验收仍不合格，全额收回已下达资金", "第三十条", Amounts(recover=allocated))
    if verdict in ("合格", "整改后合格"):
        if spent is None:
            return _no_spending(ctx, i, "已验收", "第二十九条", done)
        if allocated is None:
            return done("已验收", "验收合格，结余待定", "第二十九条", PENDING)
        balance = allocated - spent
        line = row.get("总投资(元)") * p["结余收回线"] if row.get("总投资(元)") is not None else None
        if line is None:
            findings.append(error("MISSING_VALUE", f"项目 {pid} 缺少总投资，无法判断结余是否超过 10%。", projects.cell("总投资(元)", i)))
            return done("已验收", "缺少总投资，结余待定", "第二十九条", Amounts(None, None, balance))
        if balance > line:
            return done("已验收", f"结余 {balance:,.2f} 元超过总投资的 {p['结余收回线']:.0%}（{line:,.2f} 元），收回全部结余",
                        "第二十九条", Amounts(recover=balance, balance=balance))
        return done("已验收", f"结余 {balance:,.2f} 元不超过总投资的 {p['结余收回线']:.0%}（{line:,.2f} 元），由当地财政统筹",
                    "第二十九条", Amounts(local=max(balance, ZERO), balance=balance))
    if verdict == "不合格":
        return done("整改中", "验收不合格，按验收意见整改", "第三十条")
    if plan is None:
        findings.append(error("MISSING_VALUE", f"项目 {pid} 缺少计划完成日期，无法判断是否逾期。", projects.cell("计划完成日期", i)))
        return done("待核实", "缺少计划完成日期，是否逾期（全额收回）待定", "第三十一条", PENDING)
    deadline, note = _deadline(ctx, i, row, plan)
    result["完成期限"] = deadline
    finished = row.get("实际完成日期")
    if finished is not None and finished <= as_of:
        return done("待验收", f"{finished} 已完成，尚未验收{note}", "第二十八条")
    if as_of > deadline:
        return done("注销", f"逾期未完成（期限 {deadline}{note}），也未有效申请延期、撤销或清算，全额收回", "第三十一条",
                    Amounts(recover=allocated))
    return done("在建", f"期限 {deadline}{note}", "第二十六条")


def _no_spending(ctx: Settling, i: int, status: str, article: str, done) -> dict:
    """SPEC §1: a blank 实际支出 means nothing known spent, so no 结余 is computed and nothing is
    recovered or left to local finance on it until the figure is filled in (pending, never 0)."""
    pid = ctx.projects.get("项目编号", i)
    ctx.findings.append(error("MISSING_VALUE", f"项目 {pid} 为{status}，但实际支出空白或无法识别，结余无法计算："
                              "应收回和地方统筹暂不计（待定）。请填写实际支出后重新结算。", ctx.projects.cell("实际支出(元)", i),
                              f"{CITE} {article}"))
    return done(status, "实际支出未填，结余待定", article, PENDING)


def _deadline(ctx: Settling, i: int, row: dict, plan: dt.date) -> tuple[dt.date, str]:
    """计划完成日期, extended when the extension is valid (第二十六条): asked in time, ≤ 12 months, only once."""
    p = ctx.p
    asked, months = row.get("延期申请日期"), row.get("延期月数")
    if asked is None:
        return plan, ""
    times = int(row.get("延期次数")) if row.get("延期次数") is not None else 1
    latest = latest_request(plan, p["延期提前月数"])
    problems = []
    if not in_time(asked, p["延期提前月数"], plan):
        problems.append(f"申请日期 {asked} 晚于计划完成前 {p['延期提前月数']} 个月（最迟 {latest}）")
    if months is None or months <= 0 or months != int(months):
        problems.append("延期月数未填或不是正整数")
    elif months > p["延期最长月数"]:
        problems.append(f"延期 {months} 个月超过 {p['延期最长月数']} 个月")
    if times > p["延期次数上限"]:
        problems.append(f"已是第 {times} 次延期，只能延期 {p['延期次数上限']} 次")
    if problems:
        ctx.findings.append(error("INVALID_EXTENSION", f"项目 {row['项目编号']} 的延期申请无效：{'；'.join(problems)}。按原计划完成日期 {plan} 判断。",
                                  ctx.projects.cell("延期申请日期", i), f"{CITE} 第二十六条；{MONTHS_LAW}"))
        return plan, "，延期申请无效"
    return add_months(plan, int(months)), f"，已延期 {int(months)} 个月"
