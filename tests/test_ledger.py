"""SPEC §1: headers, title rows, sheet names, units, blank and total rows, locations."""

from decimal import Decimal

import openpyxl
import pytest

from farmcli.model.findings import LedgerError
from farmcli.model.table import check_totals
from farmcli.read.sheet import read_table
from farmcli.read.workbook import open_workbook
from farmcli.policies.taojiang import SHEETS

TOWNS, PARCELS, PAYMENTS = SHEETS


def _read(path, spec=TOWNS):
    return read_table(open_workbook(path), spec)


def test_header_below_title_rows_full_width_and_spaces(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = " 乡 镇 "  # sheet names match after normalisation too
    ws.append(["桃江县2022年度恢复耕地任务表"])
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(["序号", "乡镇 名称", "下达任务（亩）", "实施恢复面积 (亩)"])
    ws.append([1, "修山镇", 335, 391.87])
    wb.save(tmp_path / "l.xlsx")
    table, findings = _read(tmp_path / "l.xlsx")
    assert [(f.code, f.severity) for f in findings] == [("HEADERS_UNUSED", "info")]  # 序号, listed
    assert "序号" in findings[0].message
    assert table.header_line == 3
    assert table.columns["下达任务(亩)"] == [Decimal(335)]
    assert str(table.cell("实施恢复面积(亩)", 0)) == " 乡 镇 !D4"


def test_money_in_wan_yuan_is_converted(ledger):
    path = ledger(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "已拨付（万元）"], ["修山镇", 1, 1, 67.1242]])
    table, _ = _read(path)
    assert table.columns["已拨付(元)"] == [Decimal("671242.0000")]


def test_percent_header_takes_numbers_as_percent(ledger):
    path = ledger(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "工程进度(%)"], ["修山镇", 1, 1, 75], ["高桥镇", 1, 1, "80%"]])
    table, _ = _read(path)
    assert table.columns["工程进度"] == [Decimal("0.75"), Decimal("0.80")]


def test_blank_rows_skipped_and_rows_after_them_read(ledger):
    path = ledger(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"], ["修山镇", 1, 1], [None, None, None],
                        ["", " ", None], ["高桥镇", 2, 2]])
    table, _ = _read(path)
    assert table.columns["乡镇名称"] == ["修山镇", "高桥镇"]
    assert table.lines == [2, 5]


@pytest.mark.parametrize("word", ["合计", "小计", "总计", "合 计"])
def test_total_rows_are_not_data(ledger, word):
    path = ledger(乡镇=[["序号", "乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"], [1, "修山镇", 1, 1], [word, None, 1, 1]])
    table, _ = _read(path)
    assert table.columns["乡镇名称"] == ["修山镇"]
    assert len(table.totals) == 1


def test_total_row_checked_against_own_sum(ledger):
    path = ledger(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"], ["修山镇", 335, 1], ["高桥镇", 273, 1],
                        ["合计", 609, 2]])
    table, _ = _read(path)
    findings = check_totals(table)
    assert [f.code for f in findings] == ["TOTAL_MISMATCH"]
    assert findings[0].location == "乡镇!B4"
    assert "608.00" in findings[0].message and "1.00" in findings[0].message


def test_matching_total_row_gives_no_finding(ledger):
    path = ledger(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"], ["修山镇", 335, 1.5], ["合计", "335", "1.50"]])
    table, _ = _read(path)
    assert check_totals(table) == []


def test_bad_cells_become_findings_at_their_cell_and_the_row_is_kept(ledger):
    path = ledger(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"], ["修山镇", "三百", -2], ["高桥镇", 1, 1]])
    table, findings = _read(path)
    assert table.columns["乡镇名称"] == ["修山镇", "高桥镇"]
    assert table.columns["下达任务(亩)"] == [None, Decimal(1)]
    assert {(f.code, f.location) for f in findings} == {("CELL_INVALID", "乡镇!B2"), ("CELL_INVALID", "乡镇!C2")}
    assert all(f.severity == "error" for f in findings)


def test_row_without_its_name_is_reported(ledger):
    path = ledger(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"], [None, 5, 5]])
    _, findings = _read(path)
    assert [(f.code, f.location) for f in findings] == [("KEY_MISSING", "乡镇!A2")]


def test_missing_required_column_names_sheet_and_column(ledger):
    path = ledger(乡镇=[["乡镇名称", "实施恢复面积(亩)"], ["修山镇", 1]])
    with pytest.raises(LedgerError) as exc:
        _read(path)
    assert "「乡镇」" in str(exc.value) and "下达任务(亩)" in str(exc.value) and str(path) in str(exc.value)


def test_missing_required_sheet(ledger):
    path = ledger(别的表=[["a"]])
    with pytest.raises(LedgerError, match="缺少工作表「乡镇」"):
        _read(path)


def test_optional_sheet_absent_is_none(ledger):
    path = ledger(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"]])
    assert _read(path, PARCELS) == (None, [])


@pytest.mark.parametrize("content, message", [
    (b"", "空文件"), (b"hello, not a workbook", "不是 Excel 工作簿"),
    (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "不是 Excel 工作簿"), (b"PK\x03\x04garbage", "不是完整的 .xlsx 工作簿"),
])
def test_unreadable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(LedgerError, match=message):
        open_workbook(path)
