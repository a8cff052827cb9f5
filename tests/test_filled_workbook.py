"""The filled workbook through `farmcli settle` (SPEC §3): re-settling an earlier settlement,
and a ledger sheet named like a result sheet."""

import json
import shutil

import openpyxl

from conftest import SAMPLE, run_cli
from farmcli.outputs.workbook.package import read_record
from farmcli.outputs.workbook.record import RECORD_SHEET
from package_check import check_package

RESULTS = ["结算总览", "乡镇汇总", "拨付计划", "绩效评分", "基础数据表", "资金拨付审批表", "图表", "变更", "发现问题", "参数"]
RECORD = [RECORD_SHEET]  # very hidden, after the result sheets
LEDGER = ["设置", "乡镇", "拨付明细", "资金", "绩效", "别名"]


def test_an_earlier_settlement_settled_again_replaces_its_results(tmp_path):
    first = tmp_path / "first"
    assert run_cli("settle", "2022", str(SAMPLE), "--out", str(first), "--quiet").returncode == 0
    earlier = next(first.glob("*.xlsx"))
    assert read_record(earlier) is not None
    ledger = tmp_path / "台账.xlsx"
    shutil.copy(earlier, ledger)
    again = tmp_path / "again"
    result = run_cli("settle", "2022", str(ledger), "--out", str(again), "--quiet")
    assert result.returncode == 0, result.stderr
    path = next(again.glob("*.xlsx"))
    check_package(path)
    assert openpyxl.load_workbook(path).sheetnames == RESULTS + RECORD + LEDGER
    assert sorted(p.name for p in again.iterdir() if p.name.startswith(".farmcli-")) == []  # no temporary left


def test_a_ledger_sheet_named_like_a_result_keeps_its_name(tmp_path):
    ledger = tmp_path / "台账.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    wb.create_sheet("参数").append(["我的参数", 1])
    wb.save(ledger)
    result = run_cli("settle", "2022", str(ledger), "--out", str(tmp_path / "o"), "--quiet")
    assert result.returncode in (0, 1), result.stderr
    path = next((tmp_path / "o").glob("*.xlsx"))
    check_package(path)
    out = openpyxl.load_workbook(path)
    assert out.sheetnames == RESULTS[:-1] + ["参数(结算)"] + RECORD + LEDGER + ["参数"]
    assert out["参数"]["A1"].value == "我的参数" and out["参数(结算)"]["A1"].value == "参数"


def test_a_clerks_sheet_named_like_a_result_survives_settling_the_settlement_again(tmp_path):
    """The record lists the result sheets it goes with; settling that workbook again drops exactly
    those, never the clerk's own 乡镇汇总 (whose result sheet was 乡镇汇总(结算))."""
    ledger = tmp_path / "f1.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    wb.create_sheet("乡镇汇总")["A1"] = "我自己的汇总"
    wb.save(ledger)
    first = tmp_path / "of1"
    assert run_cli("settle", "2022", str(ledger), "--out", str(first), "--quiet").returncode in (0, 1)
    earlier = first / "f1-2022年度结算.xlsx"
    fresh = ["结算总览", "乡镇汇总(结算)"] + RESULTS[2:] + RECORD + LEDGER + ["乡镇汇总"]
    assert openpyxl.load_workbook(earlier).sheetnames == fresh
    assert json.loads(read_record(earlier))["result_sheets"] == fresh[:len(RESULTS)]
    second = tmp_path / "of2"
    result = run_cli("settle", "2022", str(earlier), "--out", str(second), "--quiet")
    assert result.returncode in (0, 1), result.stderr
    path = second / "f1-2022年度结算.xlsx"  # an earlier settlement settled again keeps its name
    check_package(path)
    out = openpyxl.load_workbook(path)
    assert out.sheetnames == fresh  # one fresh set of results, the clerk's sheet kept under its name
    assert out["乡镇汇总"]["A1"].value == "我自己的汇总"
    assert out["乡镇汇总(结算)"]["A1"].value != "我自己的汇总"


def test_a_record_without_the_list_drops_sheets_by_name(tmp_path):
    """A workbook settled before the record listed its result sheets: the sheets named like result
    sheets (plain or suffixed) are the earlier results."""
    from farmcli.settlement.build import settle_ledger
    from farmcli.outputs.workbook.filled import _listed_sheets, result_sheet_names

    assert _listed_sheets(None) is None and _listed_sheets(b'{"format": 2}') is None
    assert _listed_sheets(b"not json") is None
    assert _listed_sheets(b'{"result_sheets": ["\xe5\x8f\x82\xe6\x95\xb0"]}') == ["参数"]
    ledger = tmp_path / "台账.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    wb.create_sheet("参数(结算)")
    wb.create_sheet("乡镇汇总")
    wb.save(ledger)
    s = settle_ledger(ledger, 2022)
    names, drop = result_sheet_names(s, earlier=True)
    assert sorted(drop) == ["乡镇汇总", "参数(结算)"] and names["乡镇汇总"] == "乡镇汇总"
    names, drop = result_sheet_names(s, earlier=True, earlier_sheets=["参数(结算)"])
    assert drop == ["参数(结算)"] and names["乡镇汇总"] == "乡镇汇总(结算)" and names["参数"] == "参数"


def test_a_ledger_chart_sheet_named_like_a_result_sheet_keeps_its_name(tmp_path):
    """Chart sheets are sheets too: the result sheet takes the suffix, never a duplicate name."""
    import xlsxwriter

    from conftest import run_cli
    from package_check import check_package

    ledger = tmp_path / "图表台账.xlsx"
    book = xlsxwriter.Workbook(str(ledger))
    towns = book.add_worksheet("乡镇")
    towns.write_row(0, 0, ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "验收入库面积(亩)"])
    towns.write_row(1, 0, ["甲镇", 100, 100, 100])
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=乡镇!$B$2:$B$2"})
    book.add_chartsheet("图表").set_chart(chart)
    book.close()
    result = run_cli("settle", "2022", str(ledger), "--policy", "taojiang", "--out", str(tmp_path / "o"), "--quiet")
    assert result.returncode in (0, 1), result.stderr
    (workbook,) = (tmp_path / "o").glob("*.xlsx")
    check_package(workbook)  # unique sheet names among them
    names = openpyxl.load_workbook(workbook).sheetnames
    assert "图表(结算)" in names and "图表" in names and len(names) == len(set(names))


def test_settling_a_settlement_again_keeps_its_name_and_in_its_own_folder_writes_it_back(tmp_path):
    """Issue 25 §2: the settlement workbook is farmcli's own output, carrying the clerk's edits into
    the new one; settled in its own folder it is written back under its own name."""
    first = tmp_path / "first"
    assert run_cli("settle", "2022", str(SAMPLE), "--out", str(first), "--quiet").returncode == 0
    (workbook,) = first.glob("*.xlsx")
    before = workbook.read_bytes()
    again = tmp_path / "again"
    assert run_cli("settle", "2022", str(workbook), "--out", str(again), "--quiet").returncode == 0
    assert sorted(p.name for p in again.glob("*.xlsx")) == [workbook.name]  # not …结算-2022年度结算.xlsx
    assert (again / workbook.name).read_bytes() != before and workbook.read_bytes() == before  # --out: input untouched
    assert run_cli("settle", "2022", str(workbook), "--quiet").returncode == 0  # into the ledger's own folder
    assert not (first / workbook.name.replace("年度结算.xlsx", "年度结算-2022年度结算.xlsx")).exists()
    assert sorted(p.name for p in first.iterdir()) == sorted([workbook.name, workbook.stem + "报告.docx",
                                                               workbook.stem + "报告.md"])
    assert openpyxl.load_workbook(workbook).sheetnames == RESULTS + RECORD + LEDGER
