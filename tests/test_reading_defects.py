"""Issue 15: every money cell counted or named. One regression test per defect found over the
awkward ledgers; each fails on the reader as it was before."""

from __future__ import annotations

import zipfile
from decimal import Decimal as D

import openpyxl
import pytest

from farmcli.model.names import NameIndex
from farmcli.model.table import check_totals
from farmcli.policies.anhui_assessment import SHEETS as ASSESSMENT
from farmcli.policies.jiangsu_fund import SHEETS as FUND
from farmcli.policies.taojiang import SHEETS as TAOJIANG
from farmcli.read.sheet import read_table
from farmcli.read.workbook import open_workbook
from farmcli.settlement.build import read_aliases, settle_ledger

TOWNS = TAOJIANG[0]
HEAD = ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"]


def read(path, spec=TOWNS):
    return read_table(open_workbook(path), spec)


def codes(findings):
    return [f.code for f in findings]


def test_text_in_a_wan_yuan_column_is_scaled_once(ledger):
    path = ledger(乡镇=[HEAD + ["已拨付（万元）"], ["修山镇", 1, 1, "28.945025"], ["高桥镇", 1, 1, 28.945025]])
    table, _ = read(path)
    assert table.columns["已拨付(元)"] == [D("289450.25"), D("289450.25")]


@pytest.mark.parametrize("header, cell, expected", [
    ("已拨付（千元）", 12.5, D("12500")), ("已拨付（万）", "1.5", D("15000")), ("已拨付(亿元)", 0.01, D("1000000")),
    ("合同金额（万）", 3, D("30000")), ("已拨付(元)", "1.2万", D("12000")), ("已拨付(万元)", "1.2万", D("12000")),
])
def test_money_units(ledger, header, cell, expected):
    table, findings = read(ledger(乡镇=[HEAD + [header], ["修山镇", 1, 1, cell]]))
    column = "合同金额(元)" if "合同" in header else "已拨付(元)"
    assert table.columns[column] == [expected]
    assert table.has(column)
    assert "UNIT_UNKNOWN" not in codes(findings)


@pytest.mark.parametrize("header, cell, expected", [
    ("验收入库面积（公顷）", 2, D("30")), ("验收入库面积(平方米)", "2000", D("3.0000")), ("验收入库面积(万亩)", 0.01, D("100")),
    ("验收入库面积（公顷）", "2", D("30")),
])
def test_area_units(ledger, header, cell, expected):
    table, _ = read(ledger(乡镇=[HEAD + [header], ["修山镇", 1, 1, cell]]))
    assert table.columns["验收入库面积(亩)"] == [expected]


def test_unknown_unit_is_a_finding_and_its_cells_are_untrusted(ledger):
    table, findings = read(ledger(乡镇=[HEAD + ["已拨付(美元)"], ["修山镇", 1, 1, 100]]))
    assert "UNIT_UNKNOWN" in codes(findings)
    assert table.has("已拨付(元)") and not table.trusted("已拨付(元)", 0)
    assert next(f for f in findings if f.code == "UNIT_UNKNOWN").location == "乡镇!D1"


def test_renamed_money_column_is_an_error_naming_both(ledger):
    table, findings = read(ledger(乡镇=[HEAD + ["已拨付金额（元）", "备注"], ["修山镇", 1, 1, 163800, "x"]]))
    close = next(f for f in findings if f.code == "HEADER_SIMILAR_FIGURE")
    assert close.severity == "error" and "已拨付金额" in close.message and "已拨付(元)" in close.message
    unused = next(f for f in findings if f.code == "HEADERS_UNUSED")
    assert unused.severity == "info" and "备注" in unused.message and "已拨付金额" not in unused.message


def test_near_miss_on_a_text_column_is_a_warning(ledger):
    path = ledger(项目=[["项目编号", "项目名", "总投资(元)", "已下达资金(元)"], ["JS-1", "x", 1, 1]])
    _, findings = read(path, FUND[0])
    assert [f.severity for f in findings if f.code == "HEADER_SIMILAR"] == ["warning"]


@pytest.mark.parametrize("cell", [50, 59, "59", 1.5])
def test_percent_above_100_without_percent_header_is_refused(ledger, cell):
    table, findings = read(ledger(乡镇=[HEAD + ["工程进度"], ["修山镇", 1, 1, cell]]))
    assert table.columns["工程进度"] == [None]
    assert not table.trusted("工程进度", 0)
    assert codes(findings) == ["RATIO_ABOVE_100"] and findings[0].location == "乡镇!D2"


@pytest.mark.parametrize("cell, expected", [(0.75, D("0.75")), ("75%", D("0.75")), (1, D("1"))])
def test_percent_as_fraction_or_text(ledger, cell, expected):
    table, findings = read(ledger(乡镇=[HEAD + ["工程进度"], ["修山镇", 1, 1, cell]]))
    assert table.columns["工程进度"] == [expected] and findings == []


def test_percent_formatted_cell_is_a_fraction_even_in_a_percent_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "乡镇"
    ws.append(HEAD + ["工程进度(%)"])
    ws.append(["修山镇", 1, 1, 0.75])
    ws["D2"].number_format = "0%"
    ws.append(["高桥镇", 1, 1, 75])
    wb.save(tmp_path / "p.xlsx")
    table, findings = read(tmp_path / "p.xlsx")
    assert table.columns["工程进度"] == [D("0.75"), D("0.75")]


def test_error_values_are_findings_never_blanks(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "乡镇"
    ws.append(HEAD + ["已拨付(元)"])
    ws.append(["修山镇", 1, 1, "#DIV/0!"])
    ws.append(["高桥镇", 1, 1, 163800])
    ws.append(["灰山港镇", 1, "#REF!", 5])
    wb.save(tmp_path / "e.xlsx")
    assert b't="e"' in zipfile.ZipFile(tmp_path / "e.xlsx").read("xl/worksheets/sheet1.xml")
    table, findings = read(tmp_path / "e.xlsx")
    errors = [(f.code, f.location) for f in findings if f.code == "ERROR_VALUE"]
    assert errors == [("ERROR_VALUE", "乡镇!D2"), ("ERROR_VALUE", "乡镇!C4")]
    assert not table.trusted("已拨付(元)", 0) and not table.trusted("实施恢复面积(亩)", 2)
    assert table.columns["已拨付(元)"] == [None, D(163800), D(5)]


def test_keys_compare_across_widths(ledger):
    path = ledger(项目=[["项目编号", "总投资(元)", "已下达资金(元)"], ["JS-2", 100, 50], ["ＪＳ－２", 100, 50]])
    table, _ = read(path, FUND[0])
    findings = []
    assert len(list(table.unique_records("项目编号", "DUPLICATE_PROJECT", "项目编号", findings))) == 1
    assert codes(findings) == ["DUPLICATE_PROJECT"]


def test_two_columns_with_one_header_is_an_error_first_read(ledger):
    table, findings = read(ledger(乡镇=[HEAD + ["已拨付(元)", "已拨付（元）"], ["修山镇", 1, 1, 10, 20]]))
    assert table.columns["已拨付(元)"] == [D(10)]
    dup = next(f for f in findings if f.code == "DUPLICATE_HEADER")
    assert dup.location == "乡镇!E1" and "D" in dup.message


def test_two_sheets_named_alike_is_an_error_first_read(ledger):
    path = ledger(**{"乡镇 ": [HEAD, ["修山镇", 1, 1]], "乡镇": [HEAD, ["高桥镇", 2, 2]]})
    table, findings = read(path)
    assert table.sheet == "乡镇 " and table.columns["乡镇名称"] == ["修山镇"]
    assert codes(findings) == ["DUPLICATE_SHEET"]


def test_alias_listed_twice_with_different_targets_first_wins(ledger):
    path = ledger(别名=[["别名", "标准名称"], ["马迹塘塘镇", "马迹塘镇"], ["马迹塘塘镇", "修山镇"], ["马迹塘塘镇", "马迹塘镇"]])
    aliases, findings = read_aliases(open_workbook(path))
    assert aliases["马迹塘塘镇"][1] == "马迹塘镇"
    assert codes(findings) == ["DUPLICATE_ALIAS"] and findings[0].location == "别名!A3"


def test_blank_key_on_a_sheet_without_key_column(ledger):
    path = ledger(年度=[["市名称", "年度", "净增加耕地(亩)"], ["合肥市", 2023, 10], [None, 2023, 5]])
    _, findings = read(path, ASSESSMENT[1])
    assert [(f.code, f.location) for f in findings] == [("KEY_MISSING", "年度!A3")]


@pytest.mark.parametrize("label, checked", [("合计：", True), ("合 计", True), ("总计（元）", True),
                                            ("本页合计", False), ("累计", False), ("小计", False)])
def test_totals_rows_however_labelled(ledger, label, checked):
    table, _ = read(ledger(乡镇=[HEAD + ["已拨付(元)"], ["修山镇", 1, 1, 100], [label, 9, 9, 999]]))
    assert table.columns["乡镇名称"] == ["修山镇"] and table.columns["已拨付(元)"] == [D(100)]
    assert bool(check_totals(table)) is checked


def test_alias_hint_without_a_close_name_has_no_placeholder():
    index, _ = NameIndex.of(["修山镇"], {})
    message = index.unmatched_message("完全不同的名字")
    assert "标准名称“标准名称”" not in message and "别名" in message


@pytest.mark.parametrize("absent", ["项目名称", "实际支出(元)", "计划完成日期", "实际完成日期", "延期申请日期", "延期月数",
                                    "延期次数", "撤销申请日期", "不可抗力", "验收结果"])
def test_jiangsu_fund_optional_column_absent_reads_as_blanks(ledger, absent):
    head = [c.name for c in FUND[0].columns if c.name != absent]
    row = {"项目编号": "JS-1", "项目名称": "x", "总投资(元)": 100, "已下达资金(元)": 80, "实际支出(元)": 10,
           "计划完成日期": "2024-06-30", "实际完成日期": "2024-05-30", "验收结果": "合格"}
    path = ledger(项目=[head, [row.get(h) for h in head]])
    table, _ = read(path, FUND[0])
    assert not table.has(absent) and table.columns[absent] == [None]
    settle_ledger(path, 2024, "jiangsu-fund")  # no KeyError


def test_stray_cell_far_away_is_read_by_streaming(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "乡镇"
    ws.append(HEAD + ["已拨付(元)"])
    ws.append(["修山镇", 1, 1, 100])
    ws["Z1048576"] = " "
    other = wb.create_sheet("备注")
    other["XFD1048576"] = "x"
    wb.save(tmp_path / "s.xlsx")
    book = open_workbook(tmp_path / "s.xlsx")
    table, _ = read_table(book, TOWNS)
    assert table.columns["已拨付(元)"] == [D(100)]
    assert len(book.rows("乡镇")) == 2  # the whitespace cell is not a used cell
    assert len(book.rows("备注")) == 1048576 and len(book.rows("备注")[5]) == 0


def test_hidden_rows_and_sheets_are_named(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "乡镇"
    ws.append(HEAD)
    ws.append(["修山镇", 1, 1])
    ws.append(["高桥镇", 1, 1])
    ws.row_dimensions[3].hidden = True
    ws.sheet_state = "hidden"
    wb.create_sheet("说明")
    wb.save(tmp_path / "h.xlsx")
    table, findings = read(tmp_path / "h.xlsx")
    hidden = [f.message for f in findings if f.code == "HIDDEN"]
    assert len(hidden) == 2 and any("第 3 行" in m for m in hidden)
    assert table.columns["乡镇名称"] == ["修山镇", "高桥镇"]  # settled like visible ones

