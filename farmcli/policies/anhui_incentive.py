"""anhui-incentive — 耕地保护补偿激励 (SPEC §2.4; seed 001, 安徽省耕地保护补偿激励及专项资金管理暂行办法).

Which townships a city may recommend: county exclusions (第五条), township
exclusions (第六条), the two-year ban after misuse (第八条); the rest ranked by
score within each city under its quota. Recommended townships get the city's
incentive amount, at least half of which must reach village collectives (第七条).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from farmcli.model.findings import Finding, Where, error, warning
from farmcli.model.money import ZERO, round_money, sum_or_pending
from farmcli.model.result import COUNT, KEY, MONEY, NUMBER, PAY, STATUS, ChartSpec, Col, Inputs, Outcome, ResultTable, Rows, Total, UnitKey
from farmcli.model.schema import Column, SheetSpec

CITE = "皖耕保激励办法"
RECOMMENDED, RESERVE, EXCLUDED, UNDECIDED = "推荐", "候补", "不予推荐", "待定"
COUNTY_TARGETS = (("耕地保有量目标完成", "耕地保有量"), ("永久基本农田目标完成", "永久基本农田保护面积"),
                  ("补充耕地任务完成", "补充耕地任务"))
COUNTY_FLAG_COLUMNS = tuple(c for c, _ in COUNTY_TARGETS) + ("被约谈或问责",)
# 第六条(一)–(六): a 是 means the problem is present and not rectified.
TOWN_FLAGS = (
    ("田长制未履职", "(一)", "“田长制”工作未履行职责、未建立健全管护队伍"),
    ("违法占用耕地未整改", "(二)", "违法建设占用耕地及永久基本农田问题未在规定期限内整改到位"),
    ("补充耕地管护问题未整改", "(三)", "补充耕地项目依规管护问题未在规定时间内整改到位"),
    ("设施农用地问题未整改", "(四)", "设施农用地管理不到位、违法违规用地或期满未复垦到位"),
    ("非农化非粮化问题未整改", "(五)", "新增耕地“非农化”“非粮化”问题未整改到位"),
    ("卫片问题未整改", "(六)", "耕地卫片监督和土地卫片执法检查指出问题未整改到位"),
)
TOWN_FLAG_COLUMNS = tuple(c for c, _, _ in TOWN_FLAGS)

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


def misuse_years(value: object) -> tuple[list[int], str | None]:
    """'2022,2023' (also 、，; and spaces) → [2022, 2023]."""
    if value is None:
        return [], None
    if isinstance(value, (int, float, Decimal)):
        value = str(int(value))
    parts = [p for p in re.split(r"[,，、;；\s]+", str(value).strip()) if p]
    years = []
    for part in parts:
        if not re.fullmatch(r"(19|20)\d\d年?", part):
            return [], f"“{value}”中的“{part}”不是年份"
        years.append(int(part[:4]))
    return years, None


def settle(inputs: Inputs) -> Outcome:
    counties, towns, quotas = inputs.tables["县"], inputs.tables["乡镇"], inputs.tables["名额"]
    p, cite, year = inputs.params, inputs.citations, inputs.year
    findings: list[Finding] = []
    county_index, county_rows, other_years = _county_rows(inputs, counties, year, findings)
    county_bars = {key: _county_bar(counties, i, findings) for key, i in county_rows.items()}
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
        reasons = county_bars[key] + _town_bars(towns, i, town, p, cite, year, findings)
        if reasons:
            row.update({"原因": "；".join(r for r, _ in reasons), "依据": "；".join(dict.fromkeys(c for _, c in reasons))})
            continue
        unread = _unreadable(counties, county_rows[key], COUNTY_FLAG_COLUMNS) + _unreadable(towns, i, TOWN_FLAG_COLUMNS)
        if unread:  # no exclusion and no place is decided on a cell that could not be read (SPEC §1)
            findings.append(error("FLAG_PENDING", f"{town['乡镇名称']} 的{'、'.join(c for c, _ in unread)}无法识别，能否推荐待定；"
                                  "它可能占用本市名额，本市的排名按它可能排在前面处理。请更正后重新结算。", unread[0][1],
                                  f"{CITE} 第五条、第六条"))
            row.update({"结果": UNDECIDED, "原因": f"{'、'.join(c for c, _ in unread)}无法识别，能否推荐待定",
                        "依据": f"{CITE} 第五条、第六条"})
            candidate = replace(candidate, undecided=True)
        candidates.setdefault(cities.add(row["所属市"] or "（未填）"), []).append(candidate)

    for city, members in candidates.items():
        _rank(city, members, quota, towns, p, cite, findings)
    table = ResultTable("乡镇推荐", COLUMNS, rows, counts=COUNTED)
    recommended = [r for r in rows if r["结果"] == RECOMMENDED]
    totals = [Total("推荐乡镇数", len(recommended), COUNT), Total("候补乡镇数", sum(r["结果"] == RESERVE for r in rows), COUNT),
              Total("待定乡镇数", sum(r["结果"] == UNDECIDED for r in rows), COUNT),
              Total("不予推荐数", sum(r["结果"] == EXCLUDED for r in rows), COUNT),
              Total("激励金额合计(元)", sum_or_pending(r["激励金额(元)"] for r in recommended), MONEY, PAY),
              Total("村级最低合计(元)", sum_or_pending(r["村级最低(元)"] for r in recommended), MONEY)]
    return Outcome([table], totals, findings)


def _county_rows(inputs, counties, year, findings) -> tuple:
    """第五条 judges a county's targets and accountability per year: the 县 rows of the year settled.
    Without a 年度 column the rows are taken as that year's, and a warning says so; a row whose 年度
    is blank is taken so too."""
    if not counties.has("年度"):
        findings.append(warning("COUNTY_YEAR_ASSUMED", f"「县」表没有“年度”列：各县的目标完成和约谈问责情况按 {year} 年度的情况理解。"
                                f"第五条按年度判断，多年度请加“年度”列、每县每年一行。", Where("县"), f"{CITE} 第五条"))
    index = inputs.names()
    rows = {}
    for i, county in counties.records():
        when = county.get("年度")
        if county["县名称"] is not None and (when is None or int(when) == year):
            rows[index.add(county["县名称"])] = i
    other = {}  # a county known only in other years is still a known name
    for i, county in counties.records():
        if county["县名称"] is not None:
            other.setdefault(index.add(county["县名称"]), i)
    return index, rows, other


def _unreadable(table, i, columns) -> list[tuple[str, object]]:
    """(column, cell) of each condition the reader could not trust in row i."""
    return [(c, table.cell(c, i)) for c in columns if not table.trusted(c, i)]


def _county_bar(counties, i, findings) -> list[tuple[str, str]]:
    """第五条: a county that missed a target or was summoned or held accountable recommends no township."""
    name = counties.get("县名称", i)
    reasons = []
    for column, label in COUNTY_TARGETS:
        done = counties.get(column, i)
        if done is None and not counties.trusted(column, i):
            continue  # unreadable, not blank: the township is 待定 (FLAG_PENDING), not excluded
        if done is None:
            findings.append(error("COUNTY_TARGET_BLANK", f"{name} 的“{column}”未填写，无法确认是否完成，暂按不得推荐处理。",
                                  counties.cell(column, i), f"{CITE} 第五条(一)"))
            reasons.append((f"所属县{label}目标完成情况未填写", f"{CITE} 第五条(一)"))
        elif not done:
            reasons.append((f"所属县{name}{label}未完成目标任务", f"{CITE} 第五条(一)"))
    if counties.get("被约谈或问责", i):
        reasons.append((f"所属县{name}因耕地保护不力被约谈或问责", f"{CITE} 第五条(二)"))
    return reasons


def _town_bars(towns, i, town, p, cite, year, findings) -> list[tuple[str, str]]:
    reasons = [(text, f"{CITE} 第六条{item}") for name, item, text in TOWN_FLAGS if town.get(name)]
    years, problem = misuse_years(town.get("资金超范围使用年度"))
    if problem:
        findings.append(error("CELL_INVALID", f"资金超范围使用年度：{problem}。请用逗号分隔的四位年份。",
                              towns.cell("资金超范围使用年度", i), cite["资格取消年数"]))
    ban = p["资格取消年数"]
    for m in years:
        if m + 1 <= year <= m + ban:
            reasons.append((f"{m} 年度专项资金超出使用范围，取消 {m + 1}—{m + ban} 年受补偿激励资格", cite["资格取消年数"]))
    return reasons


def _rank(city, members, quota, towns, p, cite, findings) -> None:
    """Within a city: by 评价得分, highest first, ties in ledger order; the first 名额 are 推荐.
    A township without a score cannot be ranked: where the quota forces a choice that its score
    would decide, neither it nor the scored townships it could overtake are recommended (待定)."""
    flagged = [t for t in members if t.undecided]  # 待定 already; they may still take a place
    members = [t for t in members if not t.undecided]
    scored = sorted((t for t in members if t.out["评价得分"] is not None), key=lambda t: (-t.out["评价得分"], t.i))
    unscored = [t for t in members if t.out["评价得分"] is None]
    if not members:
        return
    city_name = members[0].out["所属市"]
    if city not in quota:
        findings.append(error("NO_QUOTA", f"「名额」表中没有 {city_name}，其 {len(members)} 个乡（镇）均列为候补。",
                              Where("名额"), f"{CITE} 第三条"))
        places, amount = 0, ZERO
    else:
        places, amount, places_at, amount_at = quota[city]
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
    village_rate = p["村级最低比例"]
    for rank, r in enumerate(scored, start=1):
        r.out["市内排名"] = rank
        if everyone_fits or rank + (unknown if places else 0) <= places:
            _recommend(r, f"市内排名第 {rank}，在名额 {places} 个以内", amount, village_rate, towns, cite, findings)
        elif rank > places:
            r.out.update({"结果": RESERVE, "原因": f"市内排名第 {rank}，超出名额 {places} 个", "依据": f"{CITE} 第三条"})
            _check_plan(towns, r, findings)
        else:
            r.out.update({"结果": UNDECIDED, "原因": f"市内排名第 {rank}，但有乡（镇）的评价得分或条件无法确定，名次可能后移",
                          "依据": f"{CITE} 第三条"})
    for n, r in enumerate(unscored, start=len(scored) + 1):
        if everyone_fits:
            r.out["市内排名"] = n  # after the scored ones, in ledger order: the report lists 推荐 by rank
            _recommend(r, f"本市乡（镇）数不超过名额 {places} 个，无需排名", amount, village_rate, towns, cite, findings)
        elif places == 0:
            r.out.update({"结果": RESERVE, "原因": "本市无名额", "依据": f"{CITE} 第三条"})
            _check_plan(towns, r, findings)
        else:
            r.out.update({"结果": UNDECIDED, "原因": "缺少评价得分，名额不足以全部推荐，无法排名", "依据": f"{CITE} 第三条"})


def _recommend(r: Town, reason, amount, village_rate, towns, cite, findings) -> None:
    r.out.update({"结果": RECOMMENDED, "原因": reason, "依据": f"{CITE} 第三条、第七条", "激励金额(元)": amount,
                  "村级最低(元)": None if amount is None else round_money(amount * village_rate)})
    _check_use(towns, r, village_rate, cite, findings)


def _check_plan(towns, r: Town, findings) -> None:
    """第八条: the plan goes with the list of recommended townships; a 候补 may still be compensated."""
    if towns.get("使用方案已报送", r.i) is False:
        findings.append(warning("PLAN_NOT_SUBMITTED", f"{r.out['乡镇名称']}（{r.out['结果']}）的专项资金使用方案尚未报送，"
                                "应随推荐名单一并报送省自然资源厅。", towns.cell("使用方案已报送", r.i), f"{CITE} 第八条"))


def _check_use(towns, r: Town, village_rate, cite, findings) -> None:
    i = r.i
    share = towns.get("村级分配比例", i)
    if share is not None and share < village_rate:
        findings.append(error("VILLAGE_SHARE_LOW", f"{r.out['乡镇名称']} 的村级分配比例为 {share:.2%}，低于 {village_rate:.0%}。"
                              "受补偿激励的乡（镇）应将不低于一半的资金用于村级集体经济组织。", towns.cell("村级分配比例", i),
                              cite["村级最低比例"]))
    _check_plan(towns, r, findings)
