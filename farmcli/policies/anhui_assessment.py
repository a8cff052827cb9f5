"""anhui-assessment — 耕地保护责任目标考核奖惩 (SPEC §2.3; seed 002).

Gap cities work off 10% of their gap a year from 2023 to 2027, carrying over- and
under-completion from year to year, and pay 480 元/亩 on each year's actual gap.
What is collected, less the central share, is shared among surplus cities by
weight, to the 分, with the special cases of 二(三)2.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from farmcli.model.findings import Finding, Where, error, info, warning
from farmcli.model.money import ZERO, allocate_largest_remainder, round_money, sum_or_pending
from farmcli.model.result import AREA, KEY, MONEY, PAY, RATIO, ChartSpec, Col, Inputs, Outcome, ResultTable, Rows, Total, UnitKey
from farmcli.model.schema import Column, SheetSpec
from farmcli.model.table import Table
from farmcli.policies.anhui_assessment_claims import CITE, Claim, conversion_claim, surplus_claim

GAP, SURPLUS = "缺口市", "超额市"
REDUCTIONS = ("统筹补充核减(亩)", "挂钩节余核减(亩)", "生态退耕核减(亩)")

SHEETS = (
    SheetSpec("市", required=True, key="市名称", help="各市的类型与核定的任务缺口或超额任务（附件1）", columns=(
        Column("市名称", required=True), Column("类型", required=True, choices=(GAP, SURPLUS)),
        Column("任务缺口(亩)", "area", help="缺口市核定的耕地保护任务总缺口"),
        Column("超额任务(亩)", "area", help="超额市核定的超额承担任务"),
    )),
    SheetSpec("年度", required=True, help="每市每年一行：年度国土变更调查与考核结果", columns=(
        Column("市名称", required=True), Column("年度", "number", required=True),
        Column("净增加耕地(亩)", "area", required=True, signed=True,
               help="完成年度耕地总量平衡并扣除拟用于占补平衡的补充耕地指标后净增加的耕地，可为负"),
        *(Column(name, "area", help="现行规划期内据实核减的缺口（二(一)3）") for name in REDUCTIONS),
        Column("年末耕地面积(亩)", "area"), Column("现行规划目标(亩)", "area"), Column("原规划目标(亩)", "area"),
        Column("实际超额(亩)", "area", help="超额市当年实际超额；空白 = 超额任务"),
        Column("转为超额市", "bool", help="缺口市补齐缺口、耕地超过原规划目标并调增保护目标的，填“是”"),
        Column("实缴补偿(元)", "money", help="缺口市当年实际缴纳的经济补偿；奖励资金按实缴数以收定支（二(二)、三(二)）。空白 = 按应缴计并警告"),
    )),
)
# The units the collection cycle gathers ledgers from.
UNITS = UnitKey("市", "市名称")
GAP_COLUMNS = [Col("市名称", role=KEY), Col("年度", role=KEY), Col("年度任务(亩)", AREA), Col("上年结转(亩)", AREA), Col("应完成(亩)", AREA),
               Col("实际完成(亩)", AREA), Col("实际缺口(亩)", AREA), Col("结转下年(亩)", AREA), Col("经济补偿(元)", MONEY, PAY)]
REWARD_COLUMNS = [Col("市名称", role=KEY), Col("实际超额(亩)", AREA), Col("扣减(亩)", AREA), Col("奖励权重(亩)", AREA), Col("权重占比", RATIO),
                  Col("经济奖励(元)", MONEY, PAY), Col("说明")]
CHARTS = (
    ChartSpec("{year}年度缺口市经济补偿（元）", "缺口市考核", "市名称", ("经济补偿(元)",), "bar", grouped=True,
              rows=Rows("年度", ("{year}",))),
    ChartSpec("超额市经济奖励（元）", "超额市奖励", "市名称", ("经济奖励(元)",), "bar"),
)


@dataclass(frozen=True)
class YearRow:
    """A city's 年度 row as read (`values`, by column) and where it is (`i`, its row in 年度), so a
    finding points at its cells: the row index travels beside the values, never inside them."""

    values: dict
    i: int

    def __getitem__(self, column: str):
        return self.values[column]

    def get(self, column: str, default=None):
        return self.values.get(column, default)


@dataclass(frozen=True)
class City:
    """The 市 row being assessed: its row (`i`) and values, its key (别名 applied), its name as shown."""

    i: int
    key: str
    name: str
    values: dict

    def __getitem__(self, column: str):
        return self.values[column]


@dataclass(frozen=True)
class Assessing:
    """What every city is assessed with, built once in `settle`; the checks append to `findings`."""

    cities: Table  # 市
    years: Table  # 年度: the cells most findings point at
    rows: dict[tuple[str, int], YearRow]  # (city key, year) → its 年度 row
    p: dict
    cite: dict
    year: int
    findings: list[Finding]

    def this_year(self, city: City) -> YearRow | None:
        """The city's 年度 row of the year settled."""
        return self.rows.get((city.key, self.year))


def settle(inputs: Inputs) -> Outcome:
    cities, years = inputs.tables["市"], inputs.tables["年度"]
    p, cite, year = inputs.params, inputs.citations, inputs.year
    findings: list[Finding] = []
    last_year = p["分解起始年"] + p["分解年数"] - 1
    if year > last_year:
        findings.append(warning("AFTER_SPLIT", f"{p['分解起始年']}—{last_year} 年的分解已结束，{year} 年度任务为 0，"
                                "此前的结转继续考核。", citation=cite["分解年数"]))
    # 市 and 年度 name the same cities: compare them as names, not as strings (`合 肥 市` = `合肥市`).
    index, keys = inputs.name_index(cities, "市名称")
    ctx = Assessing(cities, years, _year_rows(years, index, findings), p, cite, year, findings)
    gap_table = ResultTable("缺口市考核", GAP_COLUMNS)
    claims: list[Claim] = []
    penalties: Decimal | None = ZERO
    compensation: Decimal | None = ZERO  # None: a gap city's figure is pending, so the pool is too
    collected: Decimal | None = ZERO  # what gap cities actually paid (以收定支); assessed where not stated
    uncollected: list[str] = []  # gap cities owing compensation with no 实缴补偿 stated
    for i, values in cities.unique_records("市名称", "DUPLICATE_CITY", "市", findings, keys):
        city, kind = City(i, keys[i], index.display(keys[i]), values), values["类型"]
        if kind == GAP:
            chain, done = _gap_chain(ctx, city)
            gap_table.rows.extend(chain)
            last = chain[-1]["经济补偿(元)"] if chain else ZERO
            compensation = sum_or_pending((compensation, last))
            paid = _collected(ctx, city, last, uncollected)
            collected = sum_or_pending((collected, paid))
            claim = conversion_claim(ctx, city, done)
            if claim:
                claims.append(claim)
        elif kind == SURPLUS:
            claim, penalty = surplus_claim(ctx, city)
            claims.append(claim)
            penalties = sum_or_pending((penalties, penalty))
        else:
            findings.append(error("UNKNOWN_CITY_TYPE", f"{city.name} 的类型“{kind}”须为 缺口市 或 超额市，未参加考核。",
                                  cities.cell("类型", i)))

    total_comp = sum_or_pending((compensation, penalties))
    income = sum_or_pending((collected, penalties))
    if uncollected and claims:
        findings.append(warning("POOL_NOT_COLLECTED", f"{'、'.join(uncollected)} 未填{year} 年度实缴补偿(元)：奖励资金池暂按应缴的经济补偿计算。"
                                "奖励资金以收定支、先收后支，只能从实际收缴的补偿中支付；请在「年度」表填写实缴补偿后重新结算。",
                                Where("年度"), f"{CITE} 二(二)、三(二)"))
    central_rate = p["中央上缴比例"]
    central = None if income is None else round_money(income * central_rate)
    pool = None if income is None else income - central
    reward_table = _share_pool(ctx, claims, pool)
    if pool == 0:
        findings.append(info("EMPTY_POOL", f"{year} 年度奖励资金池为 0（缺口市均完成年度任务）。省级分配耕地保护补偿激励资金时"
                             "向超额承担任务市适当倾斜。", citation=f"{CITE} 二(二)"))
    shares = [r["经济奖励(元)"] for r in reward_table.rows]
    totals = [
        Total("经济补偿合计(元)", total_comp, MONEY, PAY), Total("其中超额市补偿(元)", penalties, MONEY),
        Total("上缴中央(元)", central, MONEY, PAY), Total("奖励资金池(元)", pool, MONEY),
        Total("经济奖励合计(元)", sum_or_pending(shares), MONEY, PAY),
    ]
    return Outcome([gap_table, reward_table], totals, findings)


def _collected(ctx: Assessing, city: City, assessed: Decimal | None, uncollected: list[str]) -> Decimal | None:
    """What a gap city paid of its compensation for the year (二(二) 以收定支): its 实缴补偿, never more
    than assessed; the assessed amount where none is stated (the caller warns, naming `uncollected`);
    None while pending."""
    if assessed is None:
        return None
    name, row, years = city.name, ctx.this_year(city), ctx.years
    stated = None if row is None else row.get("实缴补偿(元)")
    if row is not None and not years.trusted("实缴补偿(元)", row.i):
        return None
    if stated is None:
        if assessed > 0:
            uncollected.append(name)
        return assessed
    if stated != assessed:
        short = stated < assessed
        ctx.findings.append(warning("COMPENSATION_PAID_DIFFERS", f"缺口市 {name} 实缴补偿 {stated:,.2f} 元，应缴经济补偿 {assessed:,.2f} 元，"
                                    f"{'少缴' if short else '多缴'} {abs(assessed - stated):,.2f} 元。奖励资金按"
                                    f"{'实缴数' if short else '应缴数'}计入（以收定支、先收后支）。",
                                    years.cell("实缴补偿(元)", row.i), f"{CITE} 二(二)、三(二)"))
    return min(stated, assessed)


def _year_rows(years, index, findings) -> dict[tuple[str, int], YearRow]:
    """(city key, year) → the 年度 row; a name that matches no city in 市 is an error, never dropped silently."""
    rows: dict[tuple[str, int], dict] = {}
    for i, row in years.records():
        if row["市名称"] is None or row["年度"] is None:
            continue
        key = index.resolve(row["市名称"])
        if key is None:
            findings.append(error("UNMATCHED_NAME", "「年度」中的" + index.unmatched_message(row["市名称"], "市"),
                                  years.cell("市名称", i)))
            continue
        if (key, int(row["年度"])) in rows:
            findings.append(error("DUPLICATE_YEAR", f"{row['市名称']} {int(row['年度'])} 年度重复填报，只取第一行。",
                                  years.where(i)))
            continue
        rows[(key, int(row["年度"]))] = YearRow(row, i)
    return rows


def _completed(years: Table, row: YearRow) -> Decimal | None:
    """实际完成 = 净增加耕地 + the three 核减 (blank 核减 = 0); None when 净增加耕地 is blank or a cell
    could not be trusted (a blank year's figure is not 0 亩 achieved: it stays pending)."""
    i = row.i
    if row["净增加耕地(亩)"] is None or not all(years.trusted(c, i) for c in ("净增加耕地(亩)", *REDUCTIONS)):
        return None
    return row["净增加耕地(亩)"] + sum_or_pending(row.get(c) or ZERO for c in REDUCTIONS)  # blank 核减 = 0


def _gap_chain(ctx: Assessing, city: City) -> tuple[list[dict], Decimal | None]:
    """Year by year from the first split year to the year settled: task, carry-over, actual gap, compensation.
    Returns the rows and the cumulative 实际完成 (None while pending)."""
    cities, i, years, name, key = ctx.cities, city.i, ctx.years, city.name, city.key
    p, cite, findings = ctx.p, ctx.cite, ctx.findings
    gap = city["任务缺口(亩)"]
    if gap is None:
        why = "无法识别" if not cities.trusted("任务缺口(亩)", i) else "未填写"
        findings.append(error("MISSING_VALUE", f"缺口市 {name} 的任务缺口{why}：其年度任务、实际缺口和经济补偿待定（不按 0 计），"
                              "奖励资金池也随之待定。请填写附件1核定的任务缺口。", cities.cell("任务缺口(亩)", i),
                              cite["年度分解比例"]))
    start, count = p["分解起始年"], p["分解年数"]
    carried, cumulative, chain = ZERO, ZERO, []
    for y in range(start, ctx.year + 1):
        task = None if gap is None else (gap * p["年度分解比例"] if y < start + count else ZERO)
        due = sum_or_pending((task, carried))
        row = ctx.rows.get((key, y))
        if row is None:
            findings.append(error("MISSING_YEAR", f"缺口市 {name} 缺少 {y} 年度的数据行，按实际完成 0 亩计算，经济补偿可能偏高。"
                                  "请在「年度」表补上这一行。", Where("年度"), cite["分解年数"]))
            done = ZERO
        else:
            done = _completed(years, row)
            if done is None:
                findings.append(error("MISSING_VALUE", f"缺口市 {name} {y} 年度的净增加耕地未填写，或净增加耕地、核减面积无法识别：此后各年的实际缺口和"
                                      "经济补偿待定，奖励资金池也随之待定。请更正该行。", years.where(row.i),
                                      cite["年度分解比例"]))
        if row is not None and gap is not None and cumulative is not None and cumulative < gap:
            _offsets_before_made_up(ctx, name, row)
        cumulative = sum_or_pending((cumulative, done))
        shortfall = None if due is None or done is None else max(ZERO, due - done)
        chain.append({"市名称": name, "年度": y, "年度任务(亩)": task, "上年结转(亩)": carried, "应完成(亩)": due,
                      "实际完成(亩)": done, "实际缺口(亩)": shortfall,
                      "结转下年(亩)": None if shortfall is None else due - done,
                      "经济补偿(元)": None if shortfall is None else round_money(shortfall * p["补偿标准"])})
        carried = chain[-1]["结转下年(亩)"]
    return chain, cumulative


def _offsets_before_made_up(ctx: Assessing, name: str, row: YearRow) -> None:
    """四(三): before its gap is made up a gap city may not take on 统筹补充耕地 (不得) and in principle
    not trade 增减挂钩节余指标 (原则上不得; 自然资发〔2021〕178号 excepted). Such 核减 still count (二(一)3
    据实核减): the finding asks the clerk to check them, the figures are not changed."""
    y, years, findings = int(row["年度"]), ctx.years, ctx.findings

    def said(column: str, rule: str) -> str:
        return (f"缺口市 {name} {y} 年度尚未补齐任务缺口，却有{column.removesuffix('(亩)')} {row[column]:,.2f} 亩：{rule}。"
                "该核减按二(一)3 据实计入，请核实其依据。")

    if row.get("统筹补充核减(亩)"):
        findings.append(error("POOLING_BEFORE_MADE_UP", said("统筹补充核减(亩)", "缺口补齐前，新增耕地应优先补足本市缺口，"
                              "不得用于承担统筹补充耕地任务"), years.cell("统筹补充核减(亩)", row.i), f"{CITE} 四(三)"))
    if row.get("挂钩节余核减(亩)"):
        findings.append(warning("LINKAGE_BEFORE_MADE_UP", said("挂钩节余核减(亩)", "缺口补齐前原则上不得开展增减挂钩节余指标调剂，"
                                "符合自然资发〔2021〕178号要求的过渡期内可继续实施"), years.cell("挂钩节余核减(亩)", row.i),
                                f"{CITE} 四(三)"))


def _share_pool(ctx: Assessing, claims: list[Claim], pool: Decimal | None) -> ResultTable:
    """Largest-remainder shares of the pool; every share is pending while the pool or any weight is."""
    table = ResultTable("超额市奖励", REWARD_COLUMNS)
    weights = [c.weight for c in claims]
    pending = pool is None or None in weights
    total = sum_or_pending(weights)
    shares = allocate_largest_remainder(pool, weights) if not pending and pool > 0 else None
    if pending and claims:
        why = "奖励资金池" if pool is None else "部分超额市的奖励权重"
        ctx.findings.append(error("REWARD_PENDING", f"{why}待定（见上述错误），各超额市的经济奖励暂不计算、不予拨付。"
                                  "更正后重新结算。", citation=f"{CITE} 二(三)2"))
    elif pool > 0 and shares is None:
        ctx.findings.append(error("NO_WEIGHT", f"奖励资金池 {pool:,.2f} 元无超额市可分（奖励权重之和为 0），未分配。",
                                  citation=ctx.cite["补偿标准"]))
    for n, c in enumerate(claims):
        table.rows.append({"市名称": c.name, "实际超额(亩)": c.surplus, "扣减(亩)": c.deduction, "奖励权重(亩)": c.weight,
                           "权重占比": c.weight / total if total and c.weight is not None else None,
                           "经济奖励(元)": None if pending else (shares[n] if shares else ZERO),
                           "说明": ("待定；" if pending else "") + (c.note or f"按超额任务权重分配（{CITE} 二(三)2）")})
    return table
