"""anhui-incentive — 耕地保护补偿激励 (SPEC §2.4; seed 001, 安徽省耕地保护补偿激励及专项资金管理暂行办法).

Which townships a city may recommend: county exclusions (第五条), township
exclusions (第六条), the two-year ban after misuse (第八条); the rest ranked by
score within each city under its quota. Recommended townships get the city's
incentive amount, at least half of which must reach village collectives (第七条).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from farmcli.model.findings import Finding, Where, error, warning
from farmcli.model.money import ZERO, round_money, sum_or_pending
from farmcli.model.result import COUNT, KEY, MONEY, NUMBER, PAY, STATUS, ChartSpec, Col, Inputs, Outcome, ResultTable, Rows, Total, UnitKey
from farmcli.model.schema import Column, SheetSpec
from farmcli.model.table import Table
from farmcli.policies.anhui_incentive_bars import (CITE, COUNTY_FLAG_COLUMNS, COUNTY_TARGETS, TOWN_FLAG_COLUMNS, TOWN_FLAGS,
                                                   counties_of_year, county_bar, town_bars, unreadable)
from farmcli.policies.anhui_incentive_bars import misuse_years  # noqa: F401  (this policy's parser of 资金超范围使用年度)

RECOMMENDED, RESERVE, EXCLUDED, UNDECIDED = "推荐", "候补", "不予推荐", "待定"
SHEETS = (
    SheetSpec("县", required=True, key="县名称", help="各县（市、区）的目标完成与约谈问责情况（第五条）", columns=(
        Column("县名称", required=True), Column("所属市", required=True),
        *(Column(name, "bool", help=f"{label}目标任务是否完成") for name, label in COUNTY_TARGETS),
        Column("被约谈或问责", "bool", help="是否因耕地保护不力被约谈或问责"),
        Column("年度", "number", help="这一行是哪一年度的情况（第五条按年度判断）；没有这一列 = 结算年度的情况（并警告）"),
    )),
    SheetSpec("乡镇", required=True, key="乡镇名称", help="候选乡（镇），一个一行", columns=(
        Column("乡镇名称", required=True), Column("所属县", required=True),
        Column("评价得分", "number", help="市级评价得分，同市内从高到低排名"),
        *(Column(name, "bool", help=f"第六条{item}：{text}（是 = 存在且未整改）") for name, item, text in TOWN_FLAGS),
        Column("资金超范围使用年度", help="专项资金超出使用范围的年度，多个用逗号分隔，如 2022,2023"),
        Column("村级分配比例", "percent", help="用于村级集体经济组织的比例，不得低于 50%"),
        Column("使用方案已报送", "bool", help="专项资金使用方案是否已随推荐名单报送（第八条）"),
    )),
    SheetSpec("名额", required=True, key="市名称", help="省级分配给各市的名额与每个乡（镇）的激励金额（第三条）", columns=(
        Column("市名称", required=True), Column("名额", "number", required=True), Column("激励金额(元)", "money", required=True),
    )),
)
# The units the collection cycle gathers ledgers from.
UNITS = UnitKey("乡镇", "乡镇名称")
COLUMNS = [Col("乡镇名称", role=KEY), Col("所属县"), Col("所属市"), Col("评价得分", NUMBER), Col("市内排名", COUNT),
           Col("结果", role=STATUS),
           Col("原因"), Col("依据"), Col("激励金额(元)", MONEY, PAY), Col("村级最低(元)", MONEY)]
# A total counts the recommended townships: the others carry no 激励金额 by design.
COUNTED = Rows("结果", (RECOMMENDED,))
CHARTS = (ChartSpec("推荐乡镇激励金额（元）", "乡镇推荐", "乡镇名称", ("激励金额(元)",), "bar", rows=COUNTED,
                    label="{乡镇名称}（{所属县}）"),)


@dataclass(frozen=True)
class Town:
    """A township as settled: the row shown (`out`, exactly the result columns, filled in as the
    township is judged and ranked), the 乡镇 row it comes from (`i`), and whether it is 待定 before
    the ranking (`undecided`: its county's year or a condition could not be read; it may still take a
    place in its city, so the ranking counts it)."""

    out: dict
    i: int
    undecided: bool = False


@dataclass(frozen=True)
class Judging:
    """What every township is judged and ranked with, built once in `settle`: the 乡镇 sheet (for the
    cells a finding points at), the parameters and their citations, the year settled, and the findings list."""

    towns: Table
    p: dict
    cite: dict
    year: int
    findings: list[Finding]


def settle(inputs: Inputs) -> Outcome:
    counties, towns, quotas = inputs.tables["县"], inputs.tables["乡镇"], inputs.tables["名额"]
    p, cite, year = inputs.params, inputs.citations, inputs.year
    findings: list[Finding] = []
    ctx = Judging(towns, p, cite, year, findings)
    county_index, county_rows, other_years = counties_of_year(inputs, counties, year, findings)
    county_bars = {key: county_bar(counties, i, findings) for key, i in county_rows.items()}
    # 名额 and 县.所属市 name the same cities, and 别名 applies to both (`合肥 → 合肥市`).
    cities, city_keys = inputs.name_index(quotas, "市名称")
    quota = {city_keys[i]: (q["名额"], q["激励金额(元)"], quotas.cell("名额", i), quotas.cell("激励金额(元)", i))
             for i, q in quotas.records() if q["市名称"]}
    _, town_keys = inputs.name_index(towns, "乡镇名称")

    rows, candidates, seen = [], {}, {}
    for i, town in towns.records():
        if town["乡镇名称"] is None:
            continue
        county_key = county_index.resolve(town["所属县"]) if town["所属县"] else None
        # One township, one place: names compare after normalisation (鲇埠回族乡 ≡ 鲇埠乡), within its county.
        same = (county_key or f"?{town['所属县']}", town_keys[i])
        first = seen.setdefault(same, towns.lines[i])
        row = {"乡镇名称": town["乡镇名称"], "所属县": town["所属县"], "所属市": None, "评价得分": town["评价得分"],
               "市内排名": None, "结果": EXCLUDED, "原因": "", "依据": "", "激励金额(元)": None, "村级最低(元)": None}
        rows.append(row)
        if first != towns.lines[i]:
            findings.append(error("DUPLICATE_TOWN", f"{town['乡镇名称']} 与第{first}行是同一乡（镇）（名称规范化后相同），重复出现。"
                                  "本行不参加排名、不占名额；请删除重复行或更正名称。", towns.cell("乡镇名称", i), f"{CITE} 第三条"))
            row.update({"原因": f"与第{first}行为同一乡（镇），重复行不占名额", "依据": f"{CITE} 第三条"})
            continue
        key = county_key
        if key is None:
            findings.append(error("UNKNOWN_COUNTY", f"{town['乡镇名称']} 的" + county_index.unmatched_message(town["所属县"], "县"),
                                  towns.cell("所属县", i)))
            row.update({"原因": "所属县不在「县」表中，无法判断", "依据": f"{CITE} 第五条"})
            continue
        if key not in county_rows:
            findings.append(error("COUNTY_YEAR_MISSING", f"{town['乡镇名称']} 所属的{county_index.display(key)}在「县」表中没有 {year} "
                                  f"年度的行：第五条的条件无法判断，结果待定。请补上该县 {year} 年度的一行。", towns.cell("所属县", i),
                                  f"{CITE} 第五条"))
            # 待定, and like any 待定 township it may still take a place in its city's ranking
            row.update({"所属县": county_index.display(key), "所属市": counties.get("所属市", other_years[key]),
                        "结果": UNDECIDED, "原因": f"所属县没有 {year} 年度的情况，无法判断", "依据": f"{CITE} 第五条"})
            candidates.setdefault(cities.add(row["所属市"] or "（未填）"), []).append(Town(row, i, undecided=True))
            continue
        candidate = Town(row, i)
        row["所属县"] = county_index.display(key)
        row["所属市"] = counties.get("所属市", county_rows[key])
        reasons = county_bars[key] + town_bars(ctx, i, town)
        if reasons:
            row.update({"原因": "；".join(r for r, _ in reasons), "依据": "；".join(dict.fromkeys(c for _, c in reasons))})
            continue
        unread = unreadable(counties, county_rows[key], COUNTY_FLAG_COLUMNS) + unreadable(towns, i, TOWN_FLAG_COLUMNS)
        if unread:  # no exclusion and no place is decided on a cell that could not be read (SPEC §1)
            findings.append(error("FLAG_PENDING", f"{town['乡镇名称']} 的{'、'.join(c for c, _ in unread)}无法识别，能否推荐待定；"
                                  "它可能占用本市名额，本市的排名按它可能排在前面处理。请更正后重新结算。", unread[0][1],
                                  f"{CITE} 第五条、第六条"))
            row.update({"结果": UNDECIDED, "原因": f"{'、'.join(c for c, _ in unread)}无法识别，能否推荐待定",
                        "依据": f"{CITE} 第五条、第六条"})
            candidate = replace(candidate, undecided=True)
        candidates.setdefault(cities.add(row["所属市"] or "（未填）"), []).append(candidate)

    for city, members in candidates.items():
        _rank(ctx, members, quota.get(city))
    table = ResultTable("乡镇推荐", COLUMNS, rows, counts=COUNTED)
    recommended = [r for r in rows if r["结果"] == RECOMMENDED]
    totals = [Total("推荐乡镇数", len(recommended), COUNT), Total("候补乡镇数", sum(r["结果"] == RESERVE for r in rows), COUNT),
              Total("待定乡镇数", sum(r["结果"] == UNDECIDED for r in rows), COUNT),
              Total("不予推荐数", sum(r["结果"] == EXCLUDED for r in rows), COUNT),
              Total("激励金额合计(元)", sum_or_pending(r["激励金额(元)"] for r in recommended), MONEY, PAY),
              Total("村级最低合计(元)", sum_or_pending(r["村级最低(元)"] for r in recommended), MONEY)]
    return Outcome([table], totals, findings)


def _rank(ctx: Judging, members: list[Town], quota: tuple | None) -> None:
    """Within a city: by 评价得分, highest first, ties in ledger order; the first 名额 are 推荐.
    A township without a score cannot be ranked: where the quota forces a choice that its score
    would decide, neither it nor the scored townships it could overtake are recommended (待定).
    `quota` is the city's 名额 row (places, amount, and their cells), None when 名额 lacks the city."""
    towns, findings = ctx.towns, ctx.findings
    flagged = [t for t in members if t.undecided]  # 待定 already; they may still take a place
    members = [t for t in members if not t.undecided]
    scored = sorted((t for t in members if t.out["评价得分"] is not None), key=lambda t: (-t.out["评价得分"], t.i))
    unscored = [t for t in members if t.out["评价得分"] is None]
    if not members:
        return
    city_name = members[0].out["所属市"]
    if quota is None:
        findings.append(error("NO_QUOTA", f"「名额」表中没有 {city_name}，其 {len(members)} 个乡（镇）均列为候补。",
                              Where("名额"), f"{CITE} 第三条"))
        places, amount = 0, ZERO
    else:
        places, amount, places_at, amount_at = quota
        if places is None:  # blank or unreadable: no ranking is made on it (SPEC §1)
            findings.append(error("QUOTA_PENDING", f"{city_name} 的名额为空白或无法识别，无法排名，其 {len(members)} 个"
                                  "乡（镇）结果待定。请填写名额后重新结算。", places_at, f"{CITE} 第三条"))
            for t in members:
                t.out.update({"结果": UNDECIDED, "原因": "本市名额空白或无法识别，无法排名", "依据": f"{CITE} 第三条"})
            return
        places = int(places)
        if amount is None and members:
            findings.append(error("QUOTA_PENDING", f"{city_name} 的激励金额为空白或无法识别：推荐照常，"
                                  "激励金额和村级最低待定（合计亦待定）。请填写激励金额后重新结算。", amount_at, f"{CITE} 第三条"))
    everyone_fits = len(members) + len(flagged) <= places
    unknown = len(unscored) + len(flagged)  # townships whose place cannot be known: they may rank first
    if unscored and not everyone_fits and places > 0:
        names = "、".join(t.out["乡镇名称"] for t in unscored)
        findings.append(error("SCORE_MISSING", f"{city_name} 有 {len(members)} 个乡（镇）争 {places} 个名额，但 {names} "
                              "缺少评价得分（空白或无法识别），排名无法确定：这些乡（镇）及其得分可能超过的乡（镇）结果待定，"
                              "不予推荐。请填写评价得分后重新结算。", towns.cell("评价得分", unscored[0].i), f"{CITE} 第三条"))
    for rank, r in enumerate(scored, start=1):
        r.out["市内排名"] = rank
        if everyone_fits or rank + (unknown if places else 0) <= places:
            _recommend(ctx, r, f"市内排名第 {rank}，在名额 {places} 个以内", amount)
        elif rank > places:
            r.out.update({"结果": RESERVE, "原因": f"市内排名第 {rank}，超出名额 {places} 个", "依据": f"{CITE} 第三条"})
            _check_plan(ctx, r)
        else:
            r.out.update({"结果": UNDECIDED, "原因": f"市内排名第 {rank}，但有乡（镇）的评价得分或条件无法确定，名次可能后移",
                          "依据": f"{CITE} 第三条"})
    for n, r in enumerate(unscored, start=len(scored) + 1):
        if everyone_fits:
            r.out["市内排名"] = n  # after the scored ones, in ledger order: the report lists 推荐 by rank
            _recommend(ctx, r, f"本市乡（镇）数不超过名额 {places} 个，无需排名", amount)
        elif places == 0:
            r.out.update({"结果": RESERVE, "原因": "本市无名额", "依据": f"{CITE} 第三条"})
            _check_plan(ctx, r)
        else:
            r.out.update({"结果": UNDECIDED, "原因": "缺少评价得分，名额不足以全部推荐，无法排名", "依据": f"{CITE} 第三条"})


def _recommend(ctx: Judging, r: Town, reason: str, amount: Decimal | None) -> None:
    village_rate = ctx.p["村级最低比例"]
    r.out.update({"结果": RECOMMENDED, "原因": reason, "依据": f"{CITE} 第三条、第七条", "激励金额(元)": amount,
                  "村级最低(元)": None if amount is None else round_money(amount * village_rate)})
    _check_use(ctx, r)


def _check_plan(ctx: Judging, r: Town) -> None:
    """第八条: the plan goes with the list of recommended townships; a 候补 may still be compensated."""
    towns = ctx.towns
    if towns.get("使用方案已报送", r.i) is False:
        ctx.findings.append(warning("PLAN_NOT_SUBMITTED", f"{r.out['乡镇名称']}（{r.out['结果']}）的专项资金使用方案尚未报送，"
                                    "应随推荐名单一并报送省自然资源厅。", towns.cell("使用方案已报送", r.i), f"{CITE} 第八条"))


def _check_use(ctx: Judging, r: Town) -> None:
    towns, village_rate, i = ctx.towns, ctx.p["村级最低比例"], r.i
    share = towns.get("村级分配比例", i)
    if share is not None and share < village_rate:
        ctx.findings.append(error("VILLAGE_SHARE_LOW", f"{r.out['乡镇名称']} 的村级分配比例为 {share:.2%}，低于 {village_rate:.0%}。"
                                  "受补偿激励的乡（镇）应将不低于一半的资金用于村级集体经济组织。", towns.cell("村级分配比例", i),
                                  ctx.cite["村级最低比例"]))
    _check_plan(ctx, r)
