"""taojiang (SPEC §2.1), cases worked by hand from the Taojiang report.

六(二)一)6: 2000 元/亩 for area accepted and entered into the database by 2022-11-30.
六(二)一)4: 30% of the works payment when 60% of the works are done; the rest
after acceptance and 入库.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from farmcli.settlement.build import settle_ledger

from conftest import TOWN_HEADER

SETTINGS = [["项目", "值"], ["政策", "taojiang"]]


def settle(ledger, towns, **sheets):
    path = ledger(设置=SETTINGS, 乡镇=[TOWN_HEADER, *towns], **sheets)
    s = settle_ledger(path, 2022)
    tables = {t.name: t for t in s.tables}
    return s, {r["乡镇名称"]: r for r in tables["乡镇汇总"].rows}, tables


def codes(s):
    return sorted(f.code for f in s.findings if f.severity != "info")


# name, 下达, 实施, 验收入库, 工程进度, 合同金额, 已拨付 → 补助金额, 应拨, 待拨付, findings; each worked by hand.
CASES = [
    # 六(二)一)4: 50% done (< 60%), not accepted → nothing due; 补助 is the estimate 50 × 2000.
    ("not due yet", ["甲镇", 100, 50, None, None, None, 0], D("100000.00"), D(0), D(0), []),
    # 六(二)一)4: exactly 60% done → 首笔 = 200,000 × 30% = 60,000 due; 20,000 paid → 40,000 to pay.
    ("first due at 60%", ["甲镇", 100, 60, None, None, None, 20000], D("120000.00"), D("60000.00"), D("40000.00"), []),
    # 六(二)一)4 + 6: accepted 95 亩 → 补助 190,000; 首笔 60,000 + 尾款 130,000 due; 60,000 paid.
    ("accepted", ["甲镇", 100, 100, 95, None, None, 60000], D("190000.00"), D("190000.00"), D("130000.00"), []),
    # 六(二)一)4: 70% done, not accepted → only 首笔 60,000 due; 100,000 paid → 40,000 over-paid (error).
    ("over-paid", ["甲镇", 100, 70, None, None, None, 100000], D("140000.00"), D("60000.00"), D("-40000.00"),
     ["OVERPAID"]),
    # 六(二)一)4: accepted only 20 亩 → 补助 40,000 < 首笔 60,000: 尾款 −20,000 (warning); 应拨 = 40,000.
    ("negative final", ["甲镇", 100, 100, 20, None, None, 0], D("40000.00"), D("40000.00"), D("40000.00"),
     ["NEGATIVE_FINAL"]),
    # Stated 工程进度 65% wins over 30/100: 首笔 due.
    ("stated progress", ["甲镇", 100, 30, None, "65%", None, 0], D("60000.00"), D("60000.00"), D("60000.00"), []),
    # Stated 合同金额 333.35 → 首笔 = 100.005 → 100.01 (ROUND_HALF_UP, not banker's 100.00).
    ("rounding", ["甲镇", 100, 100, None, None, "333.35", 0], D("200000.00"), D("100.01"), D("100.01"), []),
    # Accepted but only 50% done: 首笔 not due by progress, 尾款 due (warning asks to confirm 全额支付).
    ("accepted below 60%", ["甲镇", 100, 50, 50, None, None, 0], D("100000.00"), D("40000.00"), D("40000.00"),
     ["FIRST_NOT_DUE_AFTER_ACCEPTANCE"]),
]


@pytest.mark.parametrize("label, row, subsidy, due, pending, expected", CASES, ids=[c[0] for c in CASES])
def test_disbursement_worked_by_hand(ledger, label, row, subsidy, due, pending, expected):
    s, rows, _ = settle(ledger, [row])
    r = rows["甲镇"]
    assert (r["补助金额(元)"], r["应拨(元)"], r["待拨付(元)"]) == (subsidy, due, pending)
    assert codes(s) == expected
    assert all(f.citation for f in s.findings if f.code in ("OVERPAID", "NEGATIVE_FINAL"))


def test_estimate_is_marked_and_accepted_is_not(ledger):
    s, rows, _ = settle(ledger, [["甲镇", 100, 50, None, None, None, 0], ["乙镇", 100, 50, 50, None, None, 0]])
    assert rows["甲镇"]["备注"].startswith("预计") and rows["乙镇"]["备注"] == "已验收入库"
    totals = {t.name: t.value for t in s.totals}
    assert totals["其中预计补助金额(元)"] == D("100000.00")
    assert [f.code for f in s.findings if f.severity == "info"] == ["ESTIMATE", "PERF_NO_SHEET"]


def test_schedule_table_has_both_instalments_with_conditions(ledger):
    _, _, tables = settle(ledger, [["甲镇", 100, 60, None, None, None, 0]])
    plan = tables["拨付计划"].rows
    assert [(p["批次"], p["条件已满足"], p["金额(元)"]) for p in plan] == [("首笔", True, D("60000.00")),
                                                                          ("尾款", False, D("60000.00"))]
    assert "六(二)一)4" in plan[0]["依据"]


def test_total_row_sums_rounded_figures(ledger):
    _, _, tables = settle(ledger, [["甲镇", 100, 60, None, None, None, 0], ["乙镇", 200, 100, None, None, None, 0]])
    total = tables["乡镇汇总"].total
    assert total["下达任务(亩)"] == D(300) and total["实施恢复面积(亩)"] == D(160)
    assert total["完成比例"] == D(160) / D(300)
    assert total["补助金额(元)"] == D("320000.00")


def test_duplicate_township_is_an_error_and_counted_once(ledger):
    s, rows, _ = settle(ledger, [["甲镇", 100, 60, None, None, None, 0], ["甲镇人民政府", 100, 60, None, None, None, 0]])
    assert len(rows) == 1
    assert [f.location for f in s.findings if f.code == "DUPLICATE_TOWN"] == ["乡镇!A3"]


PARCEL_HEADER = ["图斑编号", "乡镇名称", "面积(亩)", "状态", "验收日期"]


def test_parcels_give_areas_and_the_deadline_counts(ledger):
    parcels = [PARCEL_HEADER,
               ["T1", "甲镇", 10.5, "已验收入库", "2022-11-30"],  # on the deadline: accepted (六(二)一)6)
               ["T2", "甲镇", 4.25, "已验收入库", "2022/12/01"],  # a day late: implemented, not accepted
               ["T3", "甲镇", 3, "已实施", None],
               ["T4", "甲镇", 100, "未实施", None],
               ["T5", "乙镇人民政府", 2, "已验收入库", dt.date(2022, 10, 1)]]
    s, rows, _ = settle(ledger, [["甲镇", 20, None, None, None, None, 0], ["乙镇", 5, None, None, None, None, 0]],
                        图斑=parcels)
    assert rows["甲镇"]["实施恢复面积(亩)"] == D("17.75") and rows["甲镇"]["验收入库面积(亩)"] == D("10.5")
    assert rows["甲镇"]["补助金额(元)"] == D("21000.00")
    assert rows["乙镇"]["验收入库面积(亩)"] == D(2)
    late = [f for f in s.findings if f.code == "ACCEPTED_LATE"]
    assert len(late) == 1 and late[0].location == "图斑!E3" and "六(二)一)6" in late[0].citation


def test_parcels_disagreeing_with_town_sheet_is_an_error(ledger):
    parcels = [PARCEL_HEADER, ["T1", "甲镇", 10, "已实施", None]]
    s, rows, _ = settle(ledger, [["甲镇", 20, 12, None, None, None, 0]], 图斑=parcels)
    assert rows["甲镇"]["实施恢复面积(亩)"] == D(10)
    mismatch = [f for f in s.findings if f.code == "PARCEL_MISMATCH"]
    assert len(mismatch) == 1 and mismatch[0].location == "乡镇!C2" and mismatch[0].severity == "error"


def test_unmatched_parcel_township_is_listed_with_its_area_and_closest_name(ledger):
    parcels = [PARCEL_HEADER, ["T1", "甲镇", 10, "已实施", None], ["T2", "甲真", 7, "已实施", None],
               ["T3", "甲真", 1, "已实施", None], ["T1", "甲镇", 1, "未实施", None]]
    s, _, _ = settle(ledger, [["甲镇", 20, None, None, None, None, 0]], 图斑=parcels)
    unmatched = [f for f in s.findings if f.code == "UNMATCHED_NAME"]
    assert len(unmatched) == 1 and unmatched[0].location == "图斑!B3"
    assert "2 个图斑" in unmatched[0].message and "8.0000 亩" in unmatched[0].message and "甲镇" in unmatched[0].message
    assert [f.location for f in s.findings if f.code == "DUPLICATE_PARCEL"] == ["图斑!A5"]


def test_many_parcels_equal_an_independent_sum(ledger):
    towns = [f"镇{i}" for i in range(7)]
    parcels = [PARCEL_HEADER]
    expected = {t: D(0) for t in towns}
    for n in range(10_000):
        town, area = towns[n % 7], D(n % 997) / 100 + D("0.0001") * (n % 3)
        parcels.append([f"P{n}", town, float(area), "已验收入库", "2022-11-01"])
        expected[town] += area
    s, rows, _ = settle(ledger, [[t, 1000, None, None, None, None, 0] for t in towns], 图斑=parcels)
    assert {t: rows[t]["验收入库面积(亩)"] for t in towns} == expected


PAYMENT_HEADER = ["单位名称", "金额(元)", "拨付日期"]


def test_payments_matched_through_government_suffix_ethnic_name_and_alias(ledger):
    payments = [PAYMENT_HEADER, ["鲇埠乡人民政府", "289,450.00", None], ["马迹塘镇人民政府", 100, "2023-04-30"],
                ["马迹塘镇", 50, None]]
    s, rows, _ = settle(ledger, [["鲇埠回族乡", 168, 157.21, 157.21, None, None, None],
                                 ["马迹塘塘镇", 320, 240.19, 240.19, None, None, None]],
                        拨付明细=payments, 别名=[["别名", "标准名称"], ["马迹塘塘镇", "马迹塘镇"]])
    assert rows["鲇埠回族乡"]["已拨付(元)"] == D("289450.00")
    assert rows["马迹塘镇"]["已拨付(元)"] == D(150)
    assert codes(s) == []


def test_unmatched_payment_is_never_dropped(ledger):
    payments = [PAYMENT_HEADER, ["修山镇人民政府", 100, None], ["修水镇人民政府", 30, None], [None, 7, None]]
    s, rows, _ = settle(ledger, [["修山镇", 100, 100, 100, None, None, None]], 拨付明细=payments)
    assert rows["修山镇"]["已拨付(元)"] == D(100)
    totals = {t.name: t.value for t in s.totals}
    assert totals["未匹配拨付(元)"] == D(37)
    assert totals["已拨付(元)"] + totals["未匹配拨付(元)"] == D(137)  # Σ 拨付明细
    unmatched = [f for f in s.findings if f.code == "UNMATCHED_NAME"]
    assert unmatched[0].location == "拨付明细!A3" and "修山镇" in unmatched[0].message
    assert [f.location for f in s.findings if f.code == "KEY_MISSING"] == ["拨付明细!A4"]


def test_paid_in_town_sheet_checked_against_payment_detail(ledger):
    payments = [PAYMENT_HEADER, ["修山镇人民政府", 100, None]]
    s, rows, _ = settle(ledger, [["修山镇", 100, 100, 100, None, None, 120]], 拨付明细=payments)
    assert rows["修山镇"]["已拨付(元)"] == D(100)
    assert [f.location for f in s.findings if f.code == "PAID_MISMATCH"] == ["乡镇!G2"]


def test_stated_ratio_checked(ledger):
    path = ledger(设置=SETTINGS, 乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "完成比例"],
                                      ["甲镇", 3, 2, "66.67%"], ["乙镇", 3, 2, "66.66%"]])
    s = settle_ledger(path, 2022)
    assert [f.location for f in s.findings if f.code == "RATIO_MISMATCH"] == ["乡镇!D3"]
