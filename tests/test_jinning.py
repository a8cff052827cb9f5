"""jinning (SPEC §2.2), worked by hand from 昆明市晋宁区国土综合整治项目工作激励机制（试行）(seed 000).

四: scope — 县（区）级及以上资金、社会资金与区政府合作项目，含2020年以来验收项目.
五(一): townships 30% (整治类) / 50% (提质类) of the district's net revenue; 五(二): builders 4% / 10%.
六(一): paid once after the acceptance approval; 六(二): the township splits among villages; 八: term to 2023-12-30.
"""

import json
from decimal import Decimal as D

import pytest

from farmcli.model.findings import LedgerError
from farmcli.policies.jinning import funding_covered, project_class
from farmcli.settlement.build import settle_ledger

from conftest import ROOT, run_cli

HEADER = ["项目编号", "项目名称", "乡镇", "建设单位", "项目类型", "资金来源", "验收批文号", "验收日期", "区政府净收益(元)",
          "已拨付乡镇(元)", "已拨付建设单位(元)"]
SETTINGS = [["项目", "值"], ["政策", "jinning"]]
SAMPLE = ROOT / "sample_data" / "jinning-2023.xlsx"


def project(pid="P1", kind="土地整理", funds="区级财政资金", approval="批文1", when="2022-06-01", revenue=100000,
            paid_town=None, paid_unit=None, town="二街镇"):
    return [pid, f"{pid}项目", town, "土地中心", kind, funds, approval, when, revenue, paid_town, paid_unit]


def settle(ledger, rows, year=2023, **sheets):
    path = ledger(设置=SETTINGS, 项目=[HEADER, *rows], **sheets)
    s = settle_ledger(path, year)
    tables = {t.name: t for t in s.tables}
    return s, {r["项目编号"]: r for r in tables["项目激励"].rows}, tables, {t.name: t.value for t in s.totals}


@pytest.mark.parametrize("kind, klass", [
    ("开发", "整治类"), ("土地开发", "整治类"), ("整理", "整治类"), ("土地整理", "整治类"), ("复垦", "整治类"),
    ("土地复垦项目", "整治类"), ("增减挂钩", "整治类"), ("城乡建设用地增减挂钩", "整治类"),
    ("提质改造", "提质类"), ("耕地提质改造", "提质类"), ("旱改水", "提质类"), ("修路", None),
])
def test_project_types(kind, klass):
    assert project_class(kind) == klass


@pytest.mark.parametrize("funds, covered", [
    ("区级财政资金", True), ("县级财政资金", True), ("市级", True), ("省级财政资金", True), ("中央财政资金", True),
    ("县（区）级资金", True), ("社会资金与区政府合作", True), ("社会资本与区政府合作", True),
    ("乡镇自筹资金", False), ("村集体自筹资金", False), ("社会资金", False), ("街道自筹", False), ("银行贷款", None),
])
def test_funding_sources(funds, covered):
    assert funding_covered(funds) is covered


# Each worked by hand: 净收益 × rate, rounded once to the 分 (ROUND_HALF_UP).
CASES = [
    # 五(一)(二) 整治类: 100,000 × 30% = 30,000; × 4% = 4,000.
    ("整治类", project(), "符合", D("30000.00"), D("4000.00")),
    # 五(一)(二) 提质类: 100,000 × 50% = 50,000; × 10% = 10,000.
    ("提质类", project(kind="旱改水"), "符合", D("50000.00"), D("10000.00")),
    # Odd 净收益 33,333.35: × 30% = 10,000.005 → 10,000.01 (half-up); × 4% = 1,333.334 → 1,333.33.
    ("half-up", project(revenue="33333.35"), "符合", D("10000.01"), D("1333.33")),
    # 四: 社会资金与区政府合作 is in scope.
    ("social cooperation", project(funds="社会资金与区政府合作"), "符合", D("30000.00"), D("4000.00")),
    # 四: 乡镇自筹 is not.
    ("township self-funded", project(funds="乡镇自筹资金"), "不符合", D(0), D(0)),
    # 四: 含2020年以来验收项目 — the first day is in, the day before is out.
    ("2020-01-01", project(when="2020-01-01"), "符合", D("30000.00"), D("4000.00")),
    ("2019-12-31", project(when="2019-12-31"), "不符合", D(0), D(0)),
    # 八: term to 2023-12-30 — that day is in, the next is out.
    ("2023-12-30", project(when="2023-12-30"), "符合", D("30000.00"), D("4000.00")),
    ("2023-12-31", project(when="2023-12-31"), "不符合", D(0), D(0)),
    # 六(一): no approval yet — pending, not excluded.
    ("pending", project(approval=None, when=None), "待验收", D(0), D(0)),
]


@pytest.mark.parametrize("label, row, status, town, unit", CASES, ids=[c[0] for c in CASES])
def test_projects_worked_by_hand(ledger, label, row, status, town, unit):
    s, rows, _, _ = settle(ledger, [row])
    r = rows["P1"]
    assert (r["是否符合"], r["乡镇激励(元)"], r["建设单位激励(元)"]) == (status, town, unit)
    assert r["依据"].startswith("晋宁激励机制")
    assert not [f for f in s.findings if f.severity == "error"]


def test_exclusions_cite_their_article(ledger):
    _, rows, _, _ = settle(ledger, [project("A", funds="乡镇自筹资金"), project("B", when="2019-05-01"),
                                    project("C", when="2024-01-02")])
    assert [rows[k]["依据"] for k in "ABC"] == ["晋宁激励机制 四", "晋宁激励机制 四", "晋宁激励机制 八"]


def test_unrecognised_type_and_funding_are_errors_on_their_cells(ledger):
    s, rows, _, _ = settle(ledger, [project("A", kind="修路"), project("B", funds="银行贷款")])
    assert rows["A"]["是否符合"] == rows["B"]["是否符合"] == "待核实"
    assert {(f.code, f.location) for f in s.findings if f.severity == "error"} == {
        ("UNKNOWN_PROJECT_TYPE", "项目!E2"), ("UNKNOWN_FUNDING", "项目!F3")}


def test_paid_once_and_overpaid(ledger):
    # 六(一) one-time payment: paid in full owes nothing; paid more is an error and a negative 应拨 (to recover).
    s, rows, _, totals = settle(ledger, [project("A", paid_town=30000, paid_unit=4000),
                                         project("B", paid_town=35000, paid_unit=1000)])
    assert (rows["A"]["应拨乡镇(元)"], rows["A"]["应拨建设单位(元)"]) == (D(0), D(0))
    assert (rows["B"]["应拨乡镇(元)"], rows["B"]["应拨建设单位(元)"]) == (D(-5000), D(3000))
    assert [(f.code, f.location) for f in s.findings if f.severity == "error"] == [("OVERPAID", "项目!J3")]
    assert totals["应拨合计(元)"] == D(-2000)


def test_paid_before_approval_is_an_error(ledger):
    s, rows, _, _ = settle(ledger, [project(approval=None, when=None, paid_town=100)])
    assert rows["P1"]["应拨乡镇(元)"] == D(-100)
    assert [f.code for f in s.findings if f.severity == "error"] == ["PAID_NOT_DUE"]


def test_approved_after_the_settled_year_waits(ledger):
    _, rows, _, _ = settle(ledger, [project(when="2023-03-01")], year=2022)
    assert rows["P1"]["是否符合"] == "待验收"


def test_after_the_term_still_settles_with_a_warning(ledger):
    s, rows, _, _ = settle(ledger, [project(when="2023-06-01")], year=2024)
    assert rows["P1"]["是否符合"] == "符合" and rows["P1"]["乡镇激励(元)"] == D("30000.00")
    assert [f.code for f in s.findings if f.severity == "warning"] == ["MEASURE_EXPIRED"]


def test_before_the_term_stops(ledger):
    path = ledger(设置=SETTINGS, 项目=[HEADER, project()])
    with pytest.raises(LedgerError, match="本政策自 2020 年起施行"):
        settle_ledger(path, 2019)


def test_start_up_fund_only_when_set(ledger):
    _, _, _, totals = settle(ledger, [project("A"), project("B", revenue=50000), project("C", funds="乡镇自筹资金")])
    assert "启动资金(元)" not in totals
    path = ledger(设置=SETTINGS + [["启动资金计提比例", "5%"]], 项目=[HEADER, project("A"), project("B", revenue=50000),
                                                                   project("C", funds="乡镇自筹资金")])
    totals = {t.name: t.value for t in settle_ledger(path, 2023).totals}
    assert totals["启动资金(元)"] == D("7500.00")  # (100,000 + 50,000) × 5% (七(一)); C is not settled


def test_village_split_equal_weights_by_largest_remainder(ledger):
    # 六(二): 100.00 元 × 30% = 30,000.00? No — revenue 33.33 → incentive 10.00 元 over three equal villages:
    # 333⅓ 分 each → 334, 333, 333 分; ties go to the earlier row.
    villages = [["乡镇", "村组", "涉及面积(亩)", "难度系数"], ["二街镇", "甲村", 10, 1], ["二街镇", "乙村", 5, 2],
                ["二街镇人民政府", "丙村", 10, None], ["不存在镇", "丁村", 1, 1]]
    s, _, tables, _ = settle(ledger, [project(revenue="33.33")], 村组=villages)
    split = tables["村组分配"].rows
    assert [r["建议分配(元)"] for r in split] == [D("3.34"), D("3.33"), D("3.33")]
    assert sum(r["建议分配(元)"] for r in split) == tables["乡镇汇总"].rows[0]["乡镇激励(元)"] == D("10.00")
    assert [f.location for f in s.findings if f.code == "UNMATCHED_NAME"] == ["村组!A5"]


def test_township_summary_and_builder_summary(ledger):
    _, _, tables, totals = settle(ledger, [project("A"), project("B", kind="提质改造", paid_town=1000),
                                           project("C", town="上蒜镇")])
    towns = {r["乡镇"]: r for r in tables["乡镇汇总"].rows}
    assert towns["二街镇"]["乡镇激励(元)"] == D("80000.00") and towns["二街镇"]["应拨(元)"] == D("79000.00")
    assert tables["乡镇汇总"].total["乡镇激励(元)"] == totals["乡镇激励合计(元)"] == D("110000.00")
    assert tables["建设单位汇总"].total["建设单位激励(元)"] == totals["建设单位激励合计(元)"] == D("18000.00")
    assert totals["符合项目数"] == 3


def test_sample_settles_every_status(tmp_path):
    result = run_cli("settle", "2023", str(SAMPLE), "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    statuses = {r["是否符合"] for r in doc["tables"]["项目激励"]}
    assert statuses == {"符合", "不符合", "待验收"}
    assert doc["totals"]["符合项目数"] == 7 and doc["totals"]["不符合项目数"] == 4
    split = doc["tables"]["村组分配"]
    for town in {r["乡镇"] for r in split}:
        share = round(sum(r["建议分配(元)"] for r in split if r["乡镇"] == town), 2)
        incentive = next(r["乡镇激励(元)"] for r in doc["tables"]["乡镇汇总"] if r["乡镇"] == town)
        assert share == incentive
    report = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "示例数据" in report and "### 村组分配（建议）" in report


def test_template_has_dropdowns_for_type_and_funding(tmp_path):
    import openpyxl

    target = tmp_path / "jinning.xlsx"
    assert run_cli("template", "jinning", "--out", str(target)).returncode == 0
    wb = openpyxl.load_workbook(target)
    assert wb["设置"]["B2"].value == "jinning"
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in wb["项目"].data_validations.dataValidation if dv.type == "list"}
    assert "旱改水" in lists["E"] and "社会资金与区政府合作" in lists["F"]
    assert [c.value for c in wb["村组"][1]] == ["乡镇", "村组", "涉及面积(亩)", "难度系数"]
