"""jinning (SPEC §2.2): helpers, sample and template; hand-worked cases are in tests/cases/jinning/*.toml.

From 昆明市晋宁区国土综合整治项目工作激励机制（试行）(seed 000).

四: scope — 县（区）级及以上资金、社会资金与区政府合作项目，含2020年以来验收项目.
五(一): townships 30% (整治类) / 50% (提质类) of the district's net revenue; 五(二): builders 4% / 10%.
六(一): paid once after the acceptance approval; 六(二): the township splits among villages; 八: term to 2023-12-30.
"""

import json

import pytest

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


def test_start_up_fund_only_when_set(ledger):
    # 七(一) leaves the rate open: without it there is no 启动资金 total at all (the figure is in tests/cases).
    _, _, _, totals = settle(ledger, [project("A")])
    assert "启动资金(元)" not in totals


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
    assert "示例数据" in report and "村组分配（建议）" in report


def test_template_has_dropdowns_for_type_and_funding(tmp_path):
    import openpyxl

    target = tmp_path / "jinning.xlsx"
    assert run_cli("template", "jinning", "--out", str(target)).returncode == 0
    wb = openpyxl.load_workbook(target)
    assert wb["设置"]["B2"].value == "jinning"
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in wb["项目"].data_validations.dataValidation if dv.type == "list"}
    assert "旱改水" in lists["E"] and "社会资金与区政府合作" in lists["F"]
    assert [c.value for c in wb["村组"][1]] == ["乡镇", "村组", "涉及面积(亩)", "难度系数"]
