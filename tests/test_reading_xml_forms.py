"""Error values and formulas saved without their result are found in every legal XML form of a
sheet (issue 24 items 7–8): with a namespace prefix (`<x:c>`, as the .NET Open XML SDK writes),
attributes in any order or quoting, character references; and the 1904 date system is honoured
on both reading paths (calamine's, and the streamed one a stray far cell leads to)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from conftest import TOWN_HEADER
from reading_rewrite import prefixed, rewrite_parts

from farmcli.ooxml.package import open_package
from farmcli.read import xlsx_xml
from farmcli.settlement.build import settle_ledger

SHEET = "xl/worksheets/sheet1.xml"
# (name, an error cell at G2, a formula cell without value at F2), as each form writes them
FORMS = [
    ("plain", b'<c r="G2" t="e"><v>#REF!</v></c>', b'<c r="F2"><f>B2*2000</f></c>'),
    ("attributes reordered", b'<c s="0" t="e" r="G2"><v>#REF!</v></c>', b'<c s="0" r="F2"><f>B2*2000</f><v></v></c>'),
    ("single quotes and spaces", b"<c t = 'e'  r = 'G2' ><v>#REF!</v></c>", b"<c r='F2' ><f t='normal'>B2*2000</f><v/></c>"),
    ("formula as a shared one", b'<c r="G2" t="e"><f>1/0</f><v>#REF!</v></c>', b'<c r="F2"><f t="shared" si="0"/></c>'),
]


def _ledger(path, date1904: bool = False, stray: bool = False, paid_on=None):
    wb = openpyxl.Workbook()
    if date1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "乡镇"
    ws.append(TOWN_HEADER)
    ws.append(["修山镇", 100, 80, 80, "80%", 200000, 163800])
    ws.append(["高桥镇", 100, 80, 80, "80%", 200000, 1])
    settings = wb.create_sheet("设置")
    settings.append(["项目", "值"])
    settings.append(["政策", "taojiang"])
    if paid_on:
        paid = wb.create_sheet("拨付明细")
        paid.append(["单位名称", "金额（元）", "拨付日期"])
        paid.append(["修山镇人民政府", 163800, paid_on])
        paid["C2"].number_format = "yyyy-mm-dd"
    if stray:
        for sheet in wb.worksheets:
            sheet["XFD1048576"] = " "
    wb.save(path)
    return path


def _with_cells(path, error: bytes, formula: bytes, as_sdk: bool):
    """高桥镇's 合同金额 (F3) a formula without value and 已拨付 (G3) an error value, in the form given."""
    def edit(name, data):
        if name != SHEET:
            return data
        start = data.index(b"<c r=\"F3\"")
        end = data.index(b"</row>", start)
        data = data[:start] + formula.replace(b"2", b"3") + error.replace(b"2", b"3") + data[end:]
        return prefixed(data) if as_sdk else data
    return rewrite_parts(path, edit)


@pytest.mark.parametrize("as_sdk", [False, True], ids=["unprefixed", "prefixed x:"])
@pytest.mark.parametrize("form, error, formula", FORMS, ids=[f[0] for f in FORMS])
def test_error_values_and_uncached_formulas_in_every_form(tmp_path, form, error, formula, as_sdk):
    path = _with_cells(_ledger(tmp_path / "l.xlsx"), error, formula, as_sdk)
    if as_sdk:
        with open_package(path) as package:
            assert b"<x:c " in package.read(SHEET)
    s = settle_ledger(path, 2022, "taojiang")
    found = {(f.code, f.location) for f in s.findings}
    assert ("ERROR_VALUE", "乡镇!G3") in found, sorted(found)
    assert ("FORMULA_NO_VALUE", "乡镇!F3") in found, sorted(found)
    towns = {row["乡镇名称"]: row for row in s.tables[0].rows}
    assert towns["修山镇"]["已拨付(元)"] == Decimal("163800")  # the row before is read as it was


def test_the_survey_reads_character_references(tmp_path):
    """`t="&#101;"` is `t="e"` to an XML parser (python-calamine refuses such a sheet: exit 2)."""
    path = _with_cells(_ledger(tmp_path / "l.xlsx"), b'<c t="&#101;" r="G2"><v>#REF!</v></c>',
                       b'<c r="F2"><f>B2*2000</f></c>', True)
    with open_package(path) as package:
        marks, _ = xlsx_xml.survey(package, "乡镇")
    assert marks.errors == {(2, 6): "#REF!"} and marks.uncached == [(2, 5)]


def test_a_sheet_without_error_or_formula_gets_no_such_finding(tmp_path):
    def edit(name, data):
        return prefixed(data) if name == SHEET else data
    s = settle_ledger(rewrite_parts(_ledger(tmp_path / "l.xlsx"), edit), 2022, "taojiang")
    assert not {"ERROR_VALUE", "FORMULA_NO_VALUE"} & {f.code for f in s.findings}


@pytest.mark.parametrize("stray", [False, True], ids=["calamine", "streamed"])
def test_1904_dates_on_every_reading_path(tmp_path, stray):
    path = _ledger(tmp_path / "l.xlsx", date1904=True, stray=stray, paid_on=dt.datetime(2022, 11, 30))
    with open_package(path) as package:
        assert package.date1904
        streamed = xlsx_xml.stream_rows(package, "拨付明细")
    assert streamed[1][2] == dt.datetime(2022, 11, 30)
    from farmcli.read.workbook import open_workbook

    book = open_workbook(path)
    assert (book._stream("拨付明细") is not None) == stray  # the path this case means to take
    value = book.rows("拨付明细")[1][2]
    assert (value.date() if isinstance(value, dt.datetime) else value) == dt.date(2022, 11, 30)


def test_a_prefixed_sheet_is_streamed_like_an_unprefixed_one(tmp_path):
    path = _ledger(tmp_path / "l.xlsx", stray=True)
    with open_package(path) as package:
        plain = xlsx_xml.stream_rows(package, "乡镇")
    rewrite_parts(path, lambda name, data: prefixed(data))
    with open_package(path) as package:
        assert xlsx_xml.stream_rows(package, "乡镇") == plain
        marks, dense = xlsx_xml.survey(package, "乡镇")
    assert dense > xlsx_xml.DENSE_LIMIT and not marks.errors and not marks.uncached
