"""SPEC §1: a figure that depends on an untrusted cell stays pending — no payment falls due, no
exclusion or ranking is made on it, and it is never the blank's default. Tables are built by hand
with `untrusted` set, as the reader will mark them (an error value, 59 in a column without `(%)`)."""

import datetime as dt
from decimal import Decimal as D

from farmcli.model.params import load_policy_data, resolve
from farmcli.model.result import Inputs
from farmcli.model.table import Table
from farmcli.policies import policy_module


def table(module, sheet, header, rows, untrusted=None):
    spec = next(s for s in module.SHEETS if s.name == sheet)
    columns = {name: [row[n] for row in rows] for n, name in enumerate(header)}
    letters = {name: chr(ord("A") + n) for n, name in enumerate(header)}
    return Table(sheet, spec, 1, letters, {}, list(range(2, 2 + len(rows))), columns, [], untrusted or {})


def settle(policy, year, tables, overrides=None, as_of=None):
    module = policy_module(policy)
    params = resolve(load_policy_data(policy), year, {}, overrides or {})
    built = {spec.name: None for spec in module.SHEETS}
    built.update({name: table(module, name, *args) for name, args in tables.items()})
    outcome = module.settle(Inputs(built, {k: p.value for k, p in params.items()},
                                   {k: p.citation for k, p in params.items()}, year, {}, as_of))
    rows = {t.name: t.rows for t in outcome.tables}
    return outcome, rows, {t.name: t.value for t in outcome.totals}


TOWN = ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "验收入库面积(亩)", "工程进度", "合同金额(元)", "已拨付(元)"]


def test_taojiang_untrusted_progress_keeps_the_first_instalment_pending():
    out, rows, totals = settle("taojiang", 2022, {"乡镇": (TOWN, [["甲镇", D(100), D(90), None, None, D(200000), D(0)]],
                                                          {"工程进度": {0}})})
    first = next(r for r in rows["拨付计划"] if r["批次"] == "首笔")
    # Blank would fall back to 90 / 100 = 90% ≥ 60% and release 60,000; untrusted must not.
    assert first["条件已满足"] is None and rows["乡镇汇总"][0]["应拨(元)"] == 0
    assert "INSTALMENT_PENDING" in [f.code for f in out.findings]


def test_taojiang_untrusted_accepted_area_is_not_an_estimate_and_not_due():
    out, rows, _ = settle("taojiang", 2022, {"乡镇": (TOWN, [["甲镇", D(100), D(90), None, D("0.8"), D(200000), D(0)]],
                                                      {"验收入库面积(亩)": {0}})})
    town = rows["乡镇汇总"][0]
    assert town["补助金额(元)"] is None and town["应拨(元)"] == D(60000)  # the first instalment only
    assert "ESTIMATE" not in [f.code for f in out.findings]


def test_taojiang_untrusted_paid_leaves_the_balance_pending():
    _, rows, _ = settle("taojiang", 2022, {"乡镇": (TOWN, [["甲镇", D(100), D(90), None, D("0.8"), D(200000), None]],
                                                    {"已拨付(元)": {0}})})
    assert rows["乡镇汇总"][0]["待拨付(元)"] is None and rows["乡镇汇总"][0]["已拨付(元)"] is None


YEAR = ["市名称", "年度", "净增加耕地(亩)", "统筹补充核减(亩)", "挂钩节余核减(亩)", "生态退耕核减(亩)", "年末耕地面积(亩)",
        "现行规划目标(亩)", "原规划目标(亩)", "实际超额(亩)", "转为超额市"]


def test_anhui_assessment_untrusted_net_increase_keeps_the_pool_pending():
    cities = (["市名称", "类型", "任务缺口(亩)", "超额任务(亩)"], [["甲市", "缺口市", D(1000), None], ["乙市", "超额市", None, D(80)]])
    years = (YEAR, [["甲市", D(2023), None, None, None, None, None, None, None, None, None],
                    ["乙市", D(2023), D(0), None, None, None, D(1000), D(1000), D(900), None, None]], {"净增加耕地(亩)": {0}})
    out, rows, totals = settle("anhui-assessment", 2023, {"市": cities, "年度": years}, {"中央上缴比例": "10%"})
    assert rows["缺口市考核"][0]["经济补偿(元)"] is None  # not 100 × 480 from a blank read as 0
    assert totals["奖励资金池(元)"] is None and rows["超额市奖励"][0]["经济奖励(元)"] is None
    assert {"MISSING_VALUE", "REWARD_PENDING"} <= {f.code for f in out.findings}


def test_anhui_assessment_untrusted_actual_surplus_does_not_fall_back():
    cities = (["市名称", "类型", "任务缺口(亩)", "超额任务(亩)"], [["甲市", "缺口市", D(1000), None], ["乙市", "超额市", None, D(80)],
                                                        ["丙市", "超额市", None, D(80)]])
    years = (YEAR, [["甲市", D(2023), D(0)] + [None] * 8,
                    ["乙市", D(2023), D(0), None, None, None, D(1000), D(1000), D(900), None, None],
                    ["丙市", D(2023), D(0), None, None, None, D(1000), D(1000), D(900), D(80), None]], {"实际超额(亩)": {1}})
    _, rows, _ = settle("anhui-assessment", 2023, {"市": cities, "年度": years}, {"中央上缴比例": "10%"})
    assert [r["经济奖励(元)"] for r in rows["超额市奖励"]] == [None, None]


INCENTIVE_TOWN = ["乡镇名称", "所属县", "评价得分", "村级分配比例", "使用方案已报送"]


def test_anhui_incentive_untrusted_score_makes_no_ranking():
    counties = (["县名称", "所属市", "耕地保有量目标完成", "永久基本农田目标完成", "补充耕地任务完成", "被约谈或问责"],
                [["甲县", "一市", True, True, True, False]])
    towns = (INCENTIVE_TOWN, [["甲镇", "甲县", D(90), None, True], ["乙镇", "甲县", None, None, True]], {"评价得分": {1}})
    quota = (["市名称", "名额", "激励金额(元)"], [["一市", D(1), D(100)]])
    out, rows, _ = settle("anhui-incentive", 2024, {"县": counties, "乡镇": towns, "名额": quota})
    assert [r["结果"] for r in rows["乡镇推荐"]] == ["待定", "待定"]
    assert "SCORE_MISSING" in [f.code for f in out.findings]


PROJECT = ["项目编号", "乡镇", "项目类型", "资金来源", "验收批文号", "验收日期", "区政府净收益(元)", "已拨付乡镇(元)"]


def test_jinning_untrusted_revenue_and_paid_stay_pending():
    rows_in = [["A", "甲镇", "土地整理", "区级财政资金", "批1", dt.date(2022, 6, 1), None, None],
               ["B", "甲镇", "土地整理", "区级财政资金", "批2", dt.date(2022, 6, 1), D(1000), None]]
    _, rows, totals = settle("jinning", 2023, {"项目": (PROJECT, rows_in, {"区政府净收益(元)": {0}, "已拨付乡镇(元)": {1}})})
    a, b = rows["项目激励"]
    assert a["乡镇激励(元)"] is None and a["应拨乡镇(元)"] is None
    assert b["乡镇激励(元)"] == D("300.00") and b["应拨乡镇(元)"] is None  # paid unknown: nothing falls due
    assert totals["乡镇激励合计(元)"] is None  # a total with a pending figure in it is pending (docs/decisions.md), never 300.00


def test_a_payment_or_completion_after_the_as_of_date_is_a_warning():
    towns = (TOWN, [["甲镇", D(100), D(90), None, D("0.8"), D(200000), None]])
    paid = (["单位名称", "金额(元)", "拨付日期"], [["甲镇人民政府", D(60000), dt.date(2023, 3, 1)]])
    out, _, _ = settle("taojiang", 2022, {"乡镇": towns, "拨付明细": paid})
    found = [f for f in out.findings if f.code == "FUTURE_DATE"]
    assert len(found) == 1 and found[0].severity == "warning" and "2023-03-01" in found[0].message
    out, _, _ = settle("taojiang", 2022, {"乡镇": towns, "拨付明细": paid}, as_of=dt.date(2023, 6, 30))
    assert "FUTURE_DATE" not in [f.code for f in out.findings]
    project = (["项目编号", "总投资(元)", "已下达资金(元)", "计划完成日期", "实际完成日期"],
               [["JS-1", D(100), D(100), dt.date(2025, 6, 30), dt.date(2025, 3, 1)]])
    out, _, _ = settle("jiangsu-fund", 2024, {"项目": project})
    assert [f.code for f in out.findings if f.code == "FUTURE_DATE"] == ["FUTURE_DATE"]


def test_jiangsu_fund_settles_without_its_optional_columns():
    out, rows, _ = settle("jiangsu-fund", 2024, {"项目": (["项目编号", "总投资(元)", "已下达资金(元)"], [["JS-1", D(100), D(100)]])})
    assert len(rows["项目结算"]) == 1
