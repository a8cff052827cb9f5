"""jinning — 国土综合整治项目工作激励 (SPEC §2.2; seed 000, 昆明市晋宁区国土综合整治项目工作激励机制（试行）).

One pure function, `settle`: each project is eligible, excluded (with its
article), or pending; eligible ones earn the township and the construction
unit a share of the district's net revenue, paid once (六(一)).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from farmcli.model.cells import normalise_text
from farmcli.model.findings import Finding, error, info, warning
from farmcli.model.money import ZERO, allocate_largest_remainder, round_money, sum_or_pending
from farmcli.model.names import NameIndex
from farmcli.model.result import AREA, COUNT, KEY, MONEY, NUMBER, PAY, STATUS, ChartSpec, Col, Inputs, Outcome, ResultTable, Total, UnitKey
from farmcli.model.schema import Column, SheetSpec
from farmcli.model.table import Table

CITE = "晋宁激励机制"
CONSOLIDATION, UPGRADE = "整治类", "提质类"
PROJECT_TYPES = {
    **{t: CONSOLIDATION for t in ("开发", "整理", "复垦", "增减挂钩", "土地开发", "土地整理", "土地复垦",
                                  "城乡建设用地增减挂钩", "国土综合整治")},
    **{t: UPGRADE for t in ("提质改造", "耕地提质改造", "旱改水")},
}
FUNDING_CHOICES = ("区级财政资金", "县级财政资金", "市级财政资金", "省级财政资金", "中央财政资金", "社会资金与区政府合作",
                   "乡镇自筹资金", "村集体自筹资金", "社会资金")
ELIGIBLE, EXCLUDED, PENDING, UNCLEAR = "符合", "不符合", "待验收", "待核实"

SHEETS = (
    SheetSpec("项目", required=True, key="项目编号", help="国土综合整治项目，一个项目一行", columns=(
        Column("项目编号", required=True, help="项目编号，不可重复"),
        Column("项目名称"),
        Column("乡镇", required=True, help="项目所在乡镇（街道）"),
        Column("建设单位", help="具体负责组织完成项目的建设单位"),
        Column("项目类型", required=True, choices=("土地开发", "土地整理", "土地复垦", "城乡建设用地增减挂钩", "提质改造", "旱改水"),
               help="开发/整理/复垦/增减挂钩为整治类，提质改造/旱改水为提质类"),
        Column("资金来源", required=True, choices=FUNDING_CHOICES,
               help="县（区）级及以上财政资金或社会资金与区政府合作的项目在激励范围内（四）"),
        Column("验收批文号", help="上级自然资源部门下达的验收批文号；空白 = 尚未验收"),
        Column("验收日期", "date", help="验收批文日期"),
        Column("验收机关", help="如 昆明市自然资源和规划局、云南省自然资源厅"),
        Column("区政府净收益(元)", "money", required=True, help="耕地占补平衡指标价值中属于晋宁区政府的净收益"),
        Column("已拨付乡镇(元)", "money", help="已拨付给乡镇（街道）的激励"),
        Column("已拨付建设单位(元)", "money", help="已拨付给建设单位的激励"),
    )),
    SheetSpec("村组", key="村组", help="建议的乡镇激励分村组方案：权重 = 涉及面积 × 难度系数（六(二)）", columns=(
        Column("乡镇", required=True), Column("村组", required=True),
        Column("涉及面积(亩)", "area", required=True, help="≥ 0"),
        Column("难度系数", "number", help="工作难易程度，须大于 0；空白 = 1"),
    )),
)
# The units the collection cycle gathers ledgers from.
UNITS = UnitKey("项目", "乡镇")
PROJECT_COLUMNS = [Col("项目编号", role=KEY), Col("项目名称"), Col("乡镇"), Col("建设单位"), Col("项目类型"), Col("是否符合", role=STATUS), Col("原因"),
                   Col("乡镇激励(元)", MONEY), Col("建设单位激励(元)", MONEY), Col("应拨乡镇(元)", MONEY, PAY),
                   Col("应拨建设单位(元)", MONEY, PAY), Col("依据")]
CHARTS = (ChartSpec("各乡镇（街道）激励金额（元）", "乡镇汇总", "乡镇", ("乡镇激励(元)",), "bar"),)


@dataclass(frozen=True)
class Project:
    """A project as settled: the row shown (`out`, exactly the result columns) and what the totals and
    summaries need besides, never shown: the net revenue its incentive was computed on (ZERO unless
    eligible; None while pending) and what was already paid, per payee column (blank = 0)."""

    out: dict
    revenue: Decimal | None
    paid: dict[str, Decimal]


@dataclass(frozen=True)
class Settling:
    """What every project is judged with, built once in `settle`; its checks append to `findings`."""

    projects: Table  # the 项目 sheet: the cells a finding points at
    p: dict
    cite: dict
    year: int
    findings: list[Finding]


def project_class(value: object) -> str | None:
    text = normalise_text(value or "").removesuffix("项目")
    return PROJECT_TYPES.get(text)


def authority_level(value: object) -> str | None:
    """六(一) 按照验收权限，通过市局、省厅验收: "above" for 昆明市自然资源和规划局, 云南省自然资源厅 (or the
    Ministry); "below" for a district, county or township body, or a branch (分局); None when unclear."""
    text = normalise_text(value or "")
    rest = text.removeprefix("云南省").removeprefix("昆明市")
    head = re.split(r"自然资源|国土", rest)[0]
    if "分局" in rest or re.search(r"[区县乡镇]|街道", head):
        return "below"
    if "自然资源部" in text or (rest != text and head == ""):
        return "above"
    return None


def funding_covered(value: object) -> bool | None:
    """True: in scope (四); False: not covered; None: not recognisable."""
    text = normalise_text(value or "")
    if not text:
        return None
    if ("社会资金" in text or "社会资本" in text) and "合作" in text and "政府" in text:
        return True
    if text.startswith(("乡镇", "镇", "乡", "街道", "村", "社会")):
        return False
    if text.startswith(("中央", "省", "市", "县", "区")):
        return True
    return None


def settle(inputs: Inputs) -> Outcome:
    projects = inputs.tables["项目"]
    p, cite = inputs.params, inputs.citations
    findings: list[Finding] = []
    if inputs.year > p["实施截止日期"].year:
        findings.append(warning("MEASURE_EXPIRED", f"本办法实施期限至 {p['实施截止日期']}，{inputs.year} 年度只结算实施期限内验收的项目。",
                                citation=cite["实施截止日期"]))
    ctx = Settling(projects, p, cite, inputs.year, findings)
    settled = [_settle_project(ctx, i, row) for i, row in projects.unique_records("项目编号", "DUPLICATE_PROJECT", "项目编号", findings)]
    table = ResultTable("项目激励", PROJECT_COLUMNS, [s.out for s in settled])

    eligible = [s for s in settled if s.out["是否符合"] == ELIGIBLE]
    town_index = inputs.names()  # 别名 applies to townships here and in 村组 alike
    town_table, town_keys = _summary(settled, "乡镇", town_index)
    unit_table, _ = _summary(settled, "建设单位", inputs.names())
    tables = [table, town_table, unit_table]
    villages = inputs.tables.get("村组")
    if villages is not None:
        # A township with a pending project has no known incentive yet (its 汇总 is pending): nothing to split.
        incentive = {key: g["乡镇激励(元)"] for key, g in zip(town_keys, town_table.rows)}
        tables.append(_village_split(villages, incentive, town_index, findings))

    def total(column):  # a pending figure (None) makes its total pending: never a sum that leaves it out
        return sum_or_pending(r[column] for r in table.rows)

    totals = [
        Total("乡镇激励合计(元)", total("乡镇激励(元)"), MONEY, PAY),
        Total("建设单位激励合计(元)", total("建设单位激励(元)"), MONEY, PAY),
        Total("应拨合计(元)", sum_or_pending((total("应拨乡镇(元)"), total("应拨建设单位(元)"))), MONEY, PAY),
        Total("符合项目数", len(eligible), COUNT),
        Total("不符合项目数", sum(1 for r in table.rows if r["是否符合"] == EXCLUDED), COUNT),
        Total("待验收项目数", sum(1 for r in table.rows if r["是否符合"] == PENDING), COUNT),
        Total("待核实项目数", sum(1 for r in table.rows if r["是否符合"] == UNCLEAR), COUNT),
    ]
    if p["启动资金计提比例"] is not None:
        base = sum_or_pending(s.revenue for s in eligible)
        totals.append(Total("启动资金(元)", None if base is None else round_money(base * p["启动资金计提比例"]), MONEY))
    return Outcome(tables, totals, findings)


def _settle_project(ctx: Settling, i: int, row: dict) -> Project:
    projects, p, cite, findings = ctx.projects, ctx.p, ctx.cite, ctx.findings
    result = {c.name: row.get(c.name) for c in PROJECT_COLUMNS if c.name in row}
    result.update({"乡镇激励(元)": ZERO, "建设单位激励(元)": ZERO, "应拨乡镇(元)": ZERO, "应拨建设单位(元)": ZERO})
    paid = {c: row.get(c) or ZERO for c in ("已拨付乡镇(元)", "已拨付建设单位(元)")}
    status, reason, basis = _eligibility(ctx, i, row)
    result.update({"是否符合": status, "原因": reason, "依据": basis})
    paid_town, paid_unit = paid["已拨付乡镇(元)"], paid["已拨付建设单位(元)"]
    if status != ELIGIBLE:
        if paid_town or paid_unit:
            findings.append(error("PAID_NOT_DUE", f"项目 {row['项目编号']} {status}（{reason}），却已拨付激励 "
                                  f"{paid_town + paid_unit:,.2f} 元，应追回或核实。", projects.where(i), f"{CITE} 六(一)"))
            result["应拨乡镇(元)"], result["应拨建设单位(元)"] = -paid_town, -paid_unit
        return Project(result, ZERO, paid)
    klass = project_class(row["项目类型"])
    revenue = row["区政府净收益(元)"]
    town_rate, unit_rate = p[f"乡镇激励比例({klass})"], p[f"建设单位激励比例({klass})"]
    if revenue is None:
        # Pending, never 0: an incentive of 0 would read as settled (SPEC §1, cells that cannot be trusted).
        findings.append(error("MISSING_VALUE", f"项目 {row['项目编号']} 符合激励条件，但区政府净收益空白或无法识别：激励待定，"
                              "未计入合计，不予拨付。请填写后重新结算。", projects.cell("区政府净收益(元)", i), f"{CITE} 五"))
        result.update({"乡镇激励(元)": None, "建设单位激励(元)": None, "应拨乡镇(元)": None, "应拨建设单位(元)": None})
        return Project(result, None, paid)
    town, unit = round_money(revenue * town_rate), round_money(revenue * unit_rate)
    paid_ok = [projects.trusted(f"已拨付{who}(元)", i) for who in ("乡镇", "建设单位")]
    result.update({"乡镇激励(元)": town, "建设单位激励(元)": unit,
                   "应拨乡镇(元)": town - paid_town if paid_ok[0] else None,
                   "应拨建设单位(元)": unit - paid_unit if paid_ok[1] else None,
                   "依据": f"{cite[f'乡镇激励比例({klass})']}（{klass} {town_rate:.0%}）；"
                           f"{cite[f'建设单位激励比例({klass})']}（{klass} {unit_rate:.0%}）；{CITE} 六(一) 一次性拨付"})
    for who, due, already in (("乡镇", town, paid_town), ("建设单位", unit, paid_unit)):
        if already > due:
            findings.append(error("OVERPAID", f"项目 {row['项目编号']} 已拨付{who} {already:,.2f} 元，超过应得激励 {due:,.2f} 元，"
                                  f"多拨 {already - due:,.2f} 元，应追回或核实。", projects.cell(f"已拨付{who}(元)", i), f"{CITE} 六(一)"))
    return Project(result, revenue, paid)


def _eligibility(ctx: Settling, i: int, row: dict) -> tuple[str, str, str]:
    projects, p, cite, year, findings = ctx.projects, ctx.p, ctx.cite, ctx.year, ctx.findings
    pid = row["项目编号"]
    if project_class(row["项目类型"]) is None:
        findings.append(error("UNKNOWN_PROJECT_TYPE", f"项目 {pid} 的项目类型“{row['项目类型'] or '空白'}”无法识别。整治类：开发、整理、复垦、"
                              "增减挂钩；提质类：提质改造、旱改水。", projects.cell("项目类型", i), f"{CITE} 三(一)、五"))
        return UNCLEAR, "项目类型无法识别", f"{CITE} 三(一)、五"
    covered = funding_covered(row["资金来源"])
    if covered is None:
        findings.append(error("UNKNOWN_FUNDING", f"项目 {pid} 的资金来源“{row['资金来源'] or '空白'}”无法识别。激励范围：县（区）级及以上"
                              "财政资金、社会资金与区政府合作。", projects.cell("资金来源", i), f"{CITE} 四"))
        return UNCLEAR, "资金来源无法识别", f"{CITE} 四"
    if not covered:
        return EXCLUDED, f"资金来源“{row['资金来源']}”不属于县（区）级及以上资金或社会资金与区政府合作项目", f"{CITE} 四"
    approval, when = row.get("验收批文号"), row.get("验收日期")
    if approval is None and when is None:
        return PENDING, "尚未取得验收批文", f"{CITE} 六(一)"
    if approval is None or when is None:
        missing = "验收批文号" if approval is None else "验收日期"
        findings.append(error("APPROVAL_INCOMPLETE", f"项目 {pid} 缺少{missing}，按尚未验收处理。请补全验收批文信息。",
                              projects.cell(missing, i), f"{CITE} 六(一)"))
        return PENDING, f"缺少{missing}", f"{CITE} 六(一)"
    if when < p["验收起始日期"]:
        return EXCLUDED, f"验收日期 {when} 早于 {p['验收起始日期']}", cite["验收起始日期"]
    if when > p["实施截止日期"]:
        return EXCLUDED, f"验收日期 {when} 晚于实施期限 {p['实施截止日期']}", cite["实施截止日期"]
    if when.year > year:
        return PENDING, f"验收日期 {when} 在 {year} 年度之后，留待以后年度结算", f"{CITE} 六(一)"
    authority = row.get("验收机关")
    if authority is None and not projects.trusted("验收机关", i):  # unreadable is not blank (= city or province)
        return UNCLEAR, "验收机关无法识别，能否激励待定", f"{CITE} 六(一)"
    level = authority_level(authority) if authority else "above"  # blank with a 批文号: city or province (SPEC §2.2)
    if level == "below":
        return EXCLUDED, (f"验收机关“{authority}”低于市级：须通过昆明市自然资源和规划局或云南省自然资源厅验收"), f"{CITE} 六(一)"
    if level is None:
        findings.append(warning("AUTHORITY", f"项目 {pid} 的验收机关“{authority}”不是六(一)所列的昆明市自然资源和规划局、"
                                "云南省自然资源厅，请确认验收权限。", projects.cell("验收机关", i), f"{CITE} 六(一)"))
    return ELIGIBLE, "已取得验收批文", f"{CITE} 四、六(一)"


def _summary(settled: list[Project], key_column: str, index: NameIndex) -> tuple[ResultTable, list[str]]:
    """Per township (or construction unit): eligible projects, incentive, paid and due. Names group
    through `index` (别名 applied); the keys are returned in table order."""
    amount, due, paid = f"{key_column}激励(元)", f"应拨{key_column}(元)", f"已拨付{key_column}(元)"  # its columns in 项目激励
    groups: dict[str, dict] = {}
    for project in settled:
        r = project.out
        key = index.add(r.get(key_column) or "（未填）")
        g = groups.setdefault(key, {key_column: index.display(key), "符合项目数": 0, amount: ZERO, "已拨付(元)": ZERO,
                                    "应拨(元)": ZERO})
        g["符合项目数"] += r["是否符合"] == ELIGIBLE
        g[amount] = sum_or_pending((g[amount], r[amount]))
        g["已拨付(元)"] += project.paid[paid]  # a blank 已拨付 is 0, never pending (Project.paid)
        g["应拨(元)"] = sum_or_pending((g["应拨(元)"], r[due]))
    columns = [Col(key_column, role=KEY), Col("符合项目数", COUNT), Col(amount, MONEY), Col("已拨付(元)", MONEY),
               Col("应拨(元)", MONEY, PAY)]
    name = "乡镇汇总" if key_column == "乡镇" else "建设单位汇总"
    table = ResultTable(name, columns, list(groups.values()))
    table.total = {key_column: "合计", **{c.name: sum_or_pending(g[c.name] for g in table.rows) for c in columns[1:]}}
    return table, list(groups)


def _village_split(villages, incentive: dict[str, Decimal], town_index, findings) -> ResultTable:
    """A suggested split of each township's incentive among its villages (六(二)): weight = 面积 × 难度系数."""
    columns = [Col("乡镇", role=KEY), Col("村组", role=KEY), Col("涉及面积(亩)", AREA), Col("难度系数", NUMBER), Col("权重", NUMBER),
               Col("建议分配(元)", MONEY, PAY), Col("依据")]
    by_town: dict[str, list[int]] = defaultdict(list)
    for i, row in villages.records():
        key = town_index.resolve(row["乡镇"]) if row["乡镇"] else None
        if key is None:
            if row["乡镇"]:
                findings.append(error("UNMATCHED_NAME", "「村组」中的" + town_index.unmatched_message(row["乡镇"]),
                                      villages.cell("乡镇", i)))
            continue
        by_town[key].append(i)
    table = ResultTable("村组分配", columns)
    for key, members in by_town.items():
        weights = [(villages.get("涉及面积(亩)", i) or ZERO) * (villages.get("难度系数", i) or Decimal(1)) for i in members]
        amount = incentive.get(key, ZERO)
        # Every share depends on every weight: one unreadable area or factor leaves the township's split pending.
        unread = [i for i in members if not (villages.trusted("涉及面积(亩)", i) and villages.trusted("难度系数", i))]
        if unread:
            findings.append(error("MISSING_VALUE", f"{town_index.display(key)} 的村组中有涉及面积或难度系数无法识别，"
                                  "各村组的建议分配都依赖它，暂不分配（待定）。", villages.where(unread[0]), f"{CITE} 六(二)"))
        # 六(二) shares the township's amount "在以奖代补总金额中": a weight ≤ 0 (难度系数) or < 0 cannot take part.
        bad = [i for i in members if (villages.get("难度系数", i) is not None and villages.get("难度系数", i) <= 0)
               or (villages.get("涉及面积(亩)", i) or ZERO) < 0]
        for i in bad:
            findings.append(error("WEIGHT_INVALID", f"{town_index.display(key)} 的村组“{villages.get('村组', i)}”难度系数 "
                                  f"{villages.get('难度系数', i)} 不大于 0：各村组在乡镇激励总额中分配，权重须为正。"
                                  f"{town_index.display(key)} 的建议分配暂不计算（待定），请更正难度系数。",
                                  villages.cell("难度系数", i), f"{CITE} 六(二)"))
        unread += bad
        shares = allocate_largest_remainder(amount, weights) if amount is not None and not unread else [None] * len(members)
        if shares is None:
            findings.append(info("ZERO_WEIGHT", f"{town_index.display(key)} 各村组权重之和为 0，未作分配。",
                                 villages.where(members[0]), f"{CITE} 六(二)"))
            shares = [None] * len(members)
        for i, w, share in zip(members, weights, shares):
            table.rows.append({"乡镇": town_index.display(key), "村组": villages.get("村组", i),
                               "涉及面积(亩)": villages.get("涉及面积(亩)", i), "难度系数": villages.get("难度系数", i) or Decimal(1),
                               "权重": w, "建议分配(元)": share,
                               "依据": f"{CITE} 六(二)（建议：按面积 × 难度系数最大余额分配，由乡镇自行确定）"})
    return table
