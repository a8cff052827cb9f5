"""anhui-incentive: what keeps a township off the recommended list, article by article — its
county missed a target or was held accountable (第五条), it has an unrectified problem (第六条), or it
used the fund out of scope within the ban (第八条) — and which of those conditions could not be read.

A condition that could not be read is never taken as met or as failed: `unreadable` names it and
the township is 待定 (SPEC §1). `Judging`, the context these read, is built in `anhui_incentive.settle`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from farmcli.model.findings import Where, error, warning

if TYPE_CHECKING:  # the context is the policy's own; only its type is needed here
    from farmcli.policies.anhui_incentive import Judging

CITE = "皖耕保激励办法"
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


def counties_of_year(inputs, counties, year, findings) -> tuple:
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


def unreadable(table, i, columns) -> list[tuple[str, object]]:
    """(column, cell) of each condition the reader could not trust in row i."""
    return [(c, table.cell(c, i)) for c in columns if not table.trusted(c, i)]


def county_bar(counties, i, findings) -> list[tuple[str, str]]:
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


def town_bars(ctx: Judging, i: int, town: dict) -> list[tuple[str, str]]:
    """第六条: a problem present and not rectified; 第八条: the fund used out of scope within the ban
    (资格取消年数). Each reason with its article."""
    cite, year = ctx.cite, ctx.year
    reasons = [(text, f"{CITE} 第六条{item}") for name, item, text in TOWN_FLAGS if town.get(name)]
    years, problem = misuse_years(town.get("资金超范围使用年度"))
    if problem:
        ctx.findings.append(error("CELL_INVALID", f"资金超范围使用年度：{problem}。请用逗号分隔的四位年份。",
                                  ctx.towns.cell("资金超范围使用年度", i), cite["资格取消年数"]))
    ban = ctx.p["资格取消年数"]
    for m in years:
        if m + 1 <= year <= m + ban:
            reasons.append((f"{m} 年度专项资金超出使用范围，取消 {m + 1}—{m + ban} 年受补偿激励资格", cite["资格取消年数"]))
    return reasons
