"""anhui-assessment (SPEC §2.3), worked by hand from 安徽省耕地保护责任目标考核奖惩通知 (seed 002).

二(一)2: the gap is split 10% a year over 2023–2027. 二(一)3: 统筹补充、挂钩节余、生态退耕 reduce the gap.
二(二): over- and under-completion both carry to the next year; the central share comes off first.
二(三)1: 480 元/亩/年. 二(三)2: the pool is shared by weight, with its three special cases.
"""

import json
from decimal import Decimal as D

import pytest

from farmcli.model.findings import LedgerError
from farmcli.settlement.build import settle_ledger

from conftest import ROOT, run_cli

SETTINGS = [["项目", "值"], ["政策", "anhui-assessment"], ["中央上缴比例", "10%"]]
CITY_HEADER = ["市名称", "类型", "任务缺口(亩)", "超额任务(亩)"]
YEAR_HEADER = ["市名称", "年度", "净增加耕地(亩)", "统筹补充核减(亩)", "挂钩节余核减(亩)", "生态退耕核减(亩)",
               "年末耕地面积(亩)", "现行规划目标(亩)", "原规划目标(亩)", "实际超额(亩)", "转为超额市"]
SAMPLE = ROOT / "sample_data" / "anhui-assessment-2025.xlsx"


def yr(city, year, net, a=None, b=None, c=None, end=None, current=None, original=None, surplus=None, convert=None):
    return [city, year, net, a, b, c, end, current, original, surplus, convert]


def settle(ledger, cities, years, year, settings=SETTINGS):
    path = ledger(设置=settings, 市=[CITY_HEADER, *cities], 年度=[YEAR_HEADER, *years])
    s = settle_ledger(path, year)
    tables = {t.name: t for t in s.tables}
    return s, tables, {t.name: t.value for t in s.totals}


def chain(tables, city):
    return [(r["年度"], r["应完成(亩)"], r["实际缺口(亩)"], r["结转下年(亩)"], r["经济补偿(元)"])
            for r in tables["缺口市考核"].rows if r["市名称"] == city]


def test_carry_over_in_both_directions(ledger):
    # Gap 1000 → task 100/yr. 2023: done 80 → gap 20, carry +20, pay 20 × 480 = 9,600.
    # 2024: due 120, done 150 → no gap, carry −30. 2025: due 70, done 60 → gap 10, pay 4,800.
    years = [yr("甲市", 2023, 80), yr("甲市", 2024, 150), yr("甲市", 2025, 60)]
    s, tables, totals = settle(ledger, [["甲市", "缺口市", 1000, None]], years, 2025)
    assert chain(tables, "甲市") == [
        (2023, D(100), D(20), D(20), D("9600.00")),
        (2024, D(120), D(0), D(-30), D("0.00")),
        (2025, D(70), D(10), D(10), D("4800.00")),
    ]
    assert totals["经济补偿合计(元)"] == D("4800.00")  # the settled year only
    assert totals["上缴中央(元)"] == D("480.00") and totals["奖励资金池(元)"] == D("4320.00")


def test_negative_net_increase_and_each_reduction(ledger):
    # 二(一)3: done = net + 统筹 + 挂钩 + 生态 = −50 + 10 + 20 + 30 = 10; due 100 → gap 90 → 43,200.
    s, tables, _ = settle(ledger, [["甲市", "缺口市", 1000, None]], [yr("甲市", 2023, -50, 10, 20, 30)], 2023)
    row = tables["缺口市考核"].rows[0]
    assert (row["实际完成(亩)"], row["实际缺口(亩)"], row["经济补偿(元)"]) == (D(10), D(90), D("43200.00"))


def test_pool_shared_by_weight_with_tied_weights(ledger):
    # Gap 100 × 10% = 10 亩 short × 480 = 4,800; central 10% = 480; pool 4,320.00 over three equal weights:
    # 1,440.00 each. With a pool of 100.00 it would be 33.34/33.33/33.33 (tests/test_money.py).
    cities = [["甲市", "缺口市", 100, None], ["乙市", "超额市", None, 50], ["丙市", "超额市", None, 50],
              ["丁市", "超额市", None, 50]]
    s, tables, totals = settle(ledger, cities, [yr("甲市", 2023, 0)], 2023)
    assert [r["经济奖励(元)"] for r in tables["超额市奖励"].rows] == [D("1440.00")] * 3


def test_tied_weights_take_the_odd_fen_in_ledger_order(ledger):
    # Gap 1 亩 × 10% = 0.1 亩 × 480 = 48.00; no central share; over 7 equal weights: 6.857… → 6.86 ×6 + 6.84? No:
    # 4800 分 / 7 = 685.71 → floors 685 ×7 = 4795, 5 分 left → first five get 686.
    settings = [["项目", "值"], ["政策", "anhui-assessment"], ["中央上缴比例", "0"]]
    cities = [["甲市", "缺口市", 1, None]] + [[f"{n}市", "超额市", None, 10] for n in "乙丙丁戊己庚辛"]
    _, tables, totals = settle(ledger, cities, [yr("甲市", 2023, 0)], 2023, settings)
    assert [r["经济奖励(元)"] for r in tables["超额市奖励"].rows] == [D("6.86")] * 5 + [D("6.85")] * 2
    assert totals["经济奖励合计(元)"] == totals["奖励资金池(元)"] == D("48.00")


def test_below_current_plan_reduces_weight_with_a_warning(ledger):
    cities = [["甲市", "缺口市", 100, None], ["乙市", "超额市", None, 100], ["丙市", "超额市", None, 100]]
    years = [yr("甲市", 2023, 0), yr("乙市", 2023, 0, end=990, current=1000, original=900),
             yr("丙市", 2023, 0, end=1000, current=1000, original=900)]
    s, tables, _ = settle(ledger, cities, years, 2023)
    rows = {r["市名称"]: r for r in tables["超额市奖励"].rows}
    assert (rows["乙市"]["扣减(亩)"], rows["乙市"]["奖励权重(亩)"]) == (D(10), D(90))  # 二(三)2: 先考核问责，再扣减
    # Pool 4,320 over weights 90 : 100 → 2,046.32 and 2,273.68.
    assert (rows["乙市"]["经济奖励(元)"], rows["丙市"]["经济奖励(元)"]) == (D("2046.32"), D("2273.68"))
    assert [f.code for f in s.findings if f.severity == "warning"] == ["BELOW_CURRENT_PLAN"]


def test_below_original_plan_pays_into_the_pool(ledger):
    # 乙市 is 20 亩 below its original plan: no reward, pays 20 × 480 = 9,600 into the pool (二(三)2).
    cities = [["甲市", "缺口市", 100, None], ["乙市", "超额市", None, 100], ["丙市", "超额市", None, 100]]
    years = [yr("甲市", 2023, 0), yr("乙市", 2023, 0, end=880, current=1000, original=900)]
    s, tables, totals = settle(ledger, cities, years, 2023)
    assert totals["经济补偿合计(元)"] == D("14400.00")  # 4,800 + 9,600
    assert totals["上缴中央(元)"] == D("1440.00") and totals["奖励资金池(元)"] == D("12960.00")
    rows = {r["市名称"]: r for r in tables["超额市奖励"].rows}
    assert rows["乙市"]["经济奖励(元)"] == D(0) and rows["丙市"]["经济奖励(元)"] == D("12960.00")


def test_gap_city_converts_only_when_the_conditions_hold(ledger):
    # 甲市 makes up its whole gap of 10 (15 done), exceeds its original plan, and is marked 转为超额市: it joins
    # with weight 20. 乙市 only did 5 of its gap of 100 (二(三)2 needs the whole gap): an error, no conversion.
    cities = [["甲市", "缺口市", 10, None], ["乙市", "缺口市", 100, None], ["丙市", "缺口市", 100, None],
              ["丁市", "超额市", None, 80]]
    years = [yr("甲市", 2023, 15, end=1010, original=1000, surplus=20, convert="是"),
             yr("乙市", 2023, 5, end=1010, original=1000, surplus=20, convert="是"),  # still short: no conversion
             yr("丙市", 2023, 0)]
    s, tables, totals = settle(ledger, cities, years, 2023)
    rows = {r["市名称"]: r for r in tables["超额市奖励"].rows}
    assert set(rows) == {"甲市", "丁市"}
    assert rows["甲市"]["奖励权重(亩)"] == D(20) and rows["甲市"]["权重占比"] == D("0.2")
    assert [f.location for f in s.findings if f.code == "NO_CONVERSION"] == ["年度!K3"]


def test_zero_pool_is_an_info(ledger):
    s, _, totals = settle(ledger, [["甲市", "缺口市", 100, None], ["乙市", "超额市", None, 10]], [yr("甲市", 2023, 10)], 2023)
    assert totals["奖励资金池(元)"] == D(0)
    assert [f.code for f in s.findings if f.code == "EMPTY_POOL"] == ["EMPTY_POOL"]


def test_missing_year_row_is_an_error(ledger):
    s, tables, _ = settle(ledger, [["甲市", "缺口市", 100, None]], [yr("甲市", 2023, 10)], 2024)
    # No surplus city either, so the pool has no one to go to: that is an error of its own.
    assert [f.code for f in s.findings if f.severity == "error"] == ["MISSING_YEAR", "NO_WEIGHT"]
    assert "2024" in next(f.message for f in s.findings if f.code == "MISSING_YEAR")


def test_after_2027_the_task_is_zero_and_carry_over_goes_on(ledger):
    years = [yr("甲市", y, 100) for y in range(2023, 2028)] + [yr("甲市", 2028, 0)]
    years[4] = yr("甲市", 2027, 70)  # 30 short in 2027
    s, tables, totals = settle(ledger, [["甲市", "缺口市", 1000, None]], years, 2028)
    assert chain(tables, "甲市")[-1] == (2028, D(30), D(30), D(30), D("14400.00"))
    assert "AFTER_SPLIT" in [f.code for f in s.findings if f.severity == "warning"]


def test_required_central_share_missing_stops_with_where_to_set_it(ledger):
    path = ledger(设置=[["项目", "值"], ["政策", "anhui-assessment"]], 市=[CITY_HEADER, ["甲市", "缺口市", 1, None]],
                  年度=[YEAR_HEADER, yr("甲市", 2023, 0)])
    with pytest.raises(LedgerError) as exc:
        settle_ledger(path, 2023)
    assert "中央上缴比例" in str(exc.value) and "「设置」" in str(exc.value) and "--set" in str(exc.value)
    result = run_cli("settle", "2023", str(path), "--out", str(path.parent / "o"))
    assert result.returncode == 2 and "中央上缴比例" in result.stderr


def test_before_2023_stops(ledger):
    path = ledger(设置=SETTINGS, 市=[CITY_HEADER, ["甲市", "缺口市", 1, None]], 年度=[YEAR_HEADER, yr("甲市", 2023, 0)])
    with pytest.raises(LedgerError):
        settle_ledger(path, 2022)


def test_sample_has_sixteen_cities_and_every_special_case(tmp_path):
    result = run_cli("settle", "2025", str(SAMPLE), "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    gap_cities = {r["市名称"] for r in doc["tables"]["缺口市考核"]}
    reward_cities = {r["市名称"] for r in doc["tables"]["超额市奖励"]}
    assert len(gap_cities | reward_cities) == 16
    codes = {f["code"] for f in doc["findings"]}
    assert {"BELOW_CURRENT_PLAN", "BELOW_ORIGINAL_PLAN"} <= codes
    assert "安庆市" in reward_cities  # converted
    assert doc["totals"]["经济奖励合计(元)"] == doc["totals"]["奖励资金池(元)"] == 108000.0
    assert doc["parameters"]["中央上缴比例"]["source"] == "设置!B6"
