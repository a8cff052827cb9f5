"""The XML pass (farmcli/read/xlsx_xml.py): what calamine does not give, and the streaming reader
that must read a sheet exactly as calamine does."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from farmcli.ooxml.package import open_package
from farmcli.policies.taojiang import SHEETS
from farmcli.read import xlsx_xml
from farmcli.read.sheet import read_table
from farmcli.read.workbook import Workbook, open_workbook

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("sample", sorted((ROOT / "sample_data").glob("*.xlsx")), ids=lambda p: p.stem)
def test_streamed_rows_are_calamine_rows(sample):
    book = open_workbook(sample)
    if True:
        for sheet in book.sheet_names:
            calamine = [r for r in book.rows(sheet)]
            streamed = xlsx_xml.stream_rows(book.package, sheet)
            trimmed = [[v for v in r] for r in calamine]
            while trimmed and all(v in ("", None) for v in trimmed[-1]):
                trimmed.pop()
            assert len(streamed) == len(trimmed), sheet
            for a, b in zip(streamed, trimmed):
                assert [v for v in a if v not in ("", None)] == [_same(v) for v in b if v not in ("", None)], sheet


def _same(v):
    return float(v) if type(v) is int else v


def test_strings_dates_booleans_and_formats_written_by_xlsxwriter(tmp_path):
    """xlsxwriter uses shared strings and writes <xf> elements in its own way."""
    path = tmp_path / "x.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("乡镇")
    pct, date = wb.add_format({"num_format": "0%"}), wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "工程进度", "验收入库面积(亩)"])
    ws.write_row(1, 0, ["修山镇", 100, 80])
    ws.write_number(1, 3, 0.75, pct)
    ws.write_datetime(3, 0, dt.datetime(2022, 11, 30), date)
    ws.write_boolean(4, 0, True)
    ws.write_formula(1, 4, "=1/0", None, "#DIV/0!")
    wb.close()
    with open_package(path) as package:
        rows = xlsx_xml.stream_rows(package, "乡镇")
        marks, _ = xlsx_xml.survey(package, "乡镇")
    assert rows[0][0] == "乡镇名称" and rows[1][:4] == ["修山镇", 100.0, 80.0, 0.75]
    assert rows[3][0] == dt.datetime(2022, 11, 30) and rows[4][0] is True
    assert (1, 3) in marks.percent and marks.errors == {(1, 4): "#DIV/0!"}


def test_a_style_without_numfmt_id_does_not_shift_the_percent_styles(tmp_path):
    styles = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="3">'
              b'<xf fontId="0"/><xf numFmtId="14" fontId="0"/><xf numFmtId="10"/></cellXfs></styleSheet>')
    path = tmp_path / "l.xlsx"
    openpyxl.Workbook().save(path)
    _replace_parts(path, {"xl/styles.xml": styles})
    with open_package(path) as package:
        assert package.styles.percent == {2} and package.styles.dates == {1}


def _replace_parts(path: Path, new: dict[str, bytes]) -> None:
    from reading_rewrite import rewrite_parts

    rewrite_parts(path, lambda name, data: new.get(name, data))


def test_xls_and_ods_say_what_could_not_be_checked(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "乡镇"
    ws.append(["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"])
    ws.append(["修山镇", 1, 1])
    wb.save(tmp_path / "l.xlsx")
    opened = open_workbook(tmp_path / "l.xlsx")
    book = Workbook(path=opened.path, sheet_names=opened.sheet_names, _book=opened._book, xml=False)
    _, findings = read_table(book, SHEETS[0])
    assert [f.code for f in findings] == ["FORMAT_UNCHECKED"] and findings[0].severity == "info"


def test_cells_and_rows_without_references_are_read_in_order(tmp_path):
    path = tmp_path / "l.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "乡镇"
    wb.save(path)
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             b'<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row>'
             b'<row r="3"><c r="B3"><v>2</v></c><c><v>3</v></c></row></sheetData></worksheet>')
    _replace_parts(path, {"xl/worksheets/sheet1.xml": sheet})
    with open_package(path) as package:
        rows = xlsx_xml.stream_rows(package, "乡镇")
    assert rows == [["a", 1.0], [], [None, 2.0, 3.0]]


def test_each_sheet_is_surveyed_once(monkeypatch):
    """The XML pass is the cost of reading honestly: one pass per sheet read, never two."""
    from pathlib import Path

    import farmcli.read.xlsx_xml as xlsx_xml
    from farmcli.settlement.build import settle_ledger

    calls = []
    survey = xlsx_xml.survey
    monkeypatch.setattr(xlsx_xml, "survey", lambda package, sheet: calls.append(sheet) or survey(package, sheet))
    settle_ledger(Path(__file__).resolve().parent.parent / "sample_data" / "taojiang-2022.xlsx", 2022)
    assert calls and len(calls) == len(set(calls)), calls
