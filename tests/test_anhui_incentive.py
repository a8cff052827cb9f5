"""anhui-incentive (SPEC §2.4), worked by hand from 安徽省耕地保护补偿激励及专项资金管理暂行办法 (seed 001).

第五条: a county that missed a target (一) or was summoned (二) recommends no township.
第六条(一)–(六): a township with any of the six unrectified problems is not compensated.
第七条: at least 50% to village collectives. 第八条: misuse in year m bars m+1 and m+2.
第十七条: in force 2022-01-01 for 5 years.
"""

import json
from decimal import Decimal as D

import pytest

from farmcli.model.findings import LedgerError
from farmcli.policies.anhui_incentive import misuse_years
from farmcli.settlement.build import settle_ledger

from conftest import ROOT, run_cli

SETTINGS = [["项目", "值"], ["政策", "anhui-incentive"]]
COUNTY_HEADER = ["县名称", "所属市", "耕地保有量目标完成", "永久基本农田目标完成", "补充耕地任务完成", "被约谈或问责"]
FLAGS = ["田长制未履职", "违法占用耕地未整改", "补充耕地管护问题未整改", "设施农用地问题未整改", "非农化非粮化问题未整改",
         "卫片问题未整改"]
TOWN_HEADER = ["乡镇名称", "所属县", "评价得分", *FLAGS, "资金超范围使用年度", "村级分配比例", "使用方案已报送"]
GOOD_COUNTY = ["甲县", "一市", "是", "是", "是", "否"]
SAMPLE = ROOT / "sample_data" / "anhui-incentive-2024.xlsx"


def town(name, score=90, county="甲县", flag=None, misuse=None, share="50%", plan="是"):
    return [name, county, score, *("是" if FLAGS[n] == flag else "否" for n in range(6)), misuse, share, plan]


def settle(ledger, towns, counties=(GOOD_COUNTY,), quota=2, year=2024, amount=500000):
    path = ledger(设置=SETTINGS, 县=[COUNTY_HEADER, *counties], 乡镇=[TOWN_HEADER, *towns],
                  名额=[["市名称", "名额", "激励金额(元)"], ["一市", quota, amount]])
    s = settle_ledger(path, year)
    rows = {r["乡镇名称"]: r for r in s.tables[0].rows}
    return s, rows, {t.name: t.value for t in s.totals}


@pytest.mark.parametrize("flag, item", list(zip(FLAGS, ["(一)", "(二)", "(三)", "(四)", "(五)", "(六)"])))
def test_each_township_exclusion_cites_its_item(ledger, flag, item):
    _, rows, _ = settle(ledger, [town("甲镇", flag=flag), town("乙镇")])
    assert rows["甲镇"]["结果"] == "不予推荐" and rows["甲镇"]["依据"] == f"皖耕保激励办法 第六条{item}"
    assert rows["乙镇"]["结果"] == "推荐"


@pytest.mark.parametrize("county, article", [
    (["甲县", "一市", "否", "是", "是", "否"], "第五条(一)"), (["甲县", "一市", "是", "否", "是", "否"], "第五条(一)"),
    (["甲县", "一市", "是", "是", "否", "否"], "第五条(一)"), (["甲县", "一市", "是", "是", "是", "是"], "第五条(二)"),
])
def test_county_exclusions(ledger, county, article):
    _, rows, totals = settle(ledger, [town("甲镇"), town("乙镇")], counties=[county])
    assert {r["结果"] for r in rows.values()} == {"不予推荐"}
    assert rows["甲镇"]["依据"] == f"皖耕保激励办法 {article}"
    assert totals["推荐乡镇数"] == 0 and totals["激励金额合计(元)"] == D(0)


@pytest.mark.parametrize("misuse, year, barred", [
    ("2022", 2023, True), ("2022", 2024, True), ("2022", 2025, False),  # m+1, m+2 barred; m+3 not
    ("2022", 2022, False), ("2020，2023", 2024, True), ("2021、2022", 2024, True),
])
def test_two_year_ban_after_misuse(ledger, misuse, year, barred):
    _, rows, _ = settle(ledger, [town("甲镇", misuse=misuse)], year=year)
    assert (rows["甲镇"]["结果"] == "不予推荐") is barred
    if barred:
        assert rows["甲镇"]["依据"] == "皖耕保激励办法 第八条"


def test_misuse_years_parser():
    assert misuse_years("2022, 2023") == ([2022, 2023], None)
    assert misuse_years(2022.0) == ([2022], None)
    assert misuse_years("去年")[1]


def test_quota_ranking_with_ties_in_ledger_order(ledger):
    # Quota 2: 丙 (95) first; 甲 and 乙 tie at 90 — the earlier row (甲) takes the second place.
    _, rows, totals = settle(ledger, [town("甲镇", 90), town("乙镇", 90), town("丙镇", 95)])
    assert [(rows[n]["结果"], rows[n]["市内排名"]) for n in ("丙镇", "甲镇", "乙镇")] == [("推荐", 1), ("推荐", 2), ("候补", 3)]
    assert totals["激励金额合计(元)"] == D("1000000.00")
    assert rows["丙镇"]["村级最低(元)"] == D("250000.00")  # 第七条: 50%


def test_quota_larger_than_eligible_recommends_all(ledger):
    _, rows, totals = settle(ledger, [town("甲镇"), town("乙镇", flag="卫片问题未整改")], quota=5)
    assert rows["甲镇"]["结果"] == "推荐" and totals["推荐乡镇数"] == 1 and totals["候补乡镇数"] == 0


def test_village_floor_rounds_half_up(ledger):
    _, rows, _ = settle(ledger, [town("甲镇")], amount="100000.01")
    assert rows["甲镇"]["村级最低(元)"] == D("50000.01")  # 50,000.005 → 50,000.01


def test_village_share_below_half_and_plan_not_submitted(ledger):
    s, _, _ = settle(ledger, [town("甲镇", share="45%", plan="否")])
    assert [(f.code, f.severity, f.location) for f in s.findings if f.severity != "info"] == [
        ("VILLAGE_SHARE_LOW", "error", "乡镇!K2"), ("PLAN_NOT_SUBMITTED", "warning", "乡镇!L2")]


def test_township_whose_county_is_unknown_is_an_error(ledger):
    s, rows, _ = settle(ledger, [town("甲镇", county="乙县")])
    assert rows["甲镇"]["结果"] == "不予推荐"
    assert [(f.code, f.location) for f in s.findings if f.severity == "error"] == [("UNKNOWN_COUNTY", "乡镇!B2")]


def test_county_name_matches_after_normalisation(ledger):
    _, rows, _ = settle(ledger, [town("甲镇", county="甲县人民政府")])
    assert rows["甲镇"]["结果"] == "推荐" and rows["甲镇"]["所属县"] == "甲县"


@pytest.mark.parametrize("year, ok", [(2021, False), (2022, True), (2026, True), (2027, False)])
def test_term_boundaries(ledger, year, ok):
    path = ledger(设置=SETTINGS, 县=[COUNTY_HEADER, GOOD_COUNTY], 乡镇=[TOWN_HEADER, town("甲镇")],
                  名额=[["市名称", "名额", "激励金额(元)"], ["一市", 1, 1]])
    if ok:
        assert settle_ledger(path, year).year == year
    else:
        with pytest.raises(LedgerError, match="第十七条|没有生效的值|本政策自 2022 年起施行"):
            settle_ledger(path, year)
        assert run_cli("settle", str(year), str(path), "--out", str(path.parent / "o")).returncode == 2


def test_sample_recommendation_list(tmp_path):
    result = run_cli("settle", "2024", str(SAMPLE), "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    results = {r["乡镇名称"]: r["结果"] for r in doc["tables"]["乡镇推荐"]}
    assert results["酒店乡"] == "推荐" and results["赵庄镇"] == "不予推荐" and results["白土镇"] == "候补"
    assert doc["totals"]["激励金额合计(元)"] == 3500000.0
    assert {r["依据"] for r in doc["tables"]["乡镇推荐"] if r["结果"] == "不予推荐"} >= {
        f"皖耕保激励办法 第六条{i}" for i in ("(一)", "(二)", "(三)", "(四)", "(五)", "(六)")}
    report = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "## 推荐名单" in report and "| 1 | 六安市 | 霍邱县 | 城关镇 |" in report
