"""The filled workbook (SPEC §3): the ledger's package kept as saved, the result sheets in front."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from farmcli.outputs.workbook.package import fill_workbook, read_record
from farmcli.outputs.workbook.record import RECORD_SHEET
from package_check import check_package

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LEDGER = FIXTURES / "fidelity-ledger.xlsx"
MACRO = FIXTURES / "fidelity-macro.xlsm"
REWRITTEN = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml",
             "docProps/app.xml"}
SELECTED = re.compile(rb'(<sheetView\b[^>]*?)\s+tabSelected="(?:1|true)"')


def write_results(path: Path, constant_memory: bool = False) -> Path:
    """Result sheets as farmcli's writer makes them: header formats, a number format, frozen
    header, autofilter, print titles and area, a merged cell, a chart, and hostile text."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "constant_memory": constant_memory})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    money = book.add_format({"num_format": "#,##0.000", "border": 2})
    ws = book.add_worksheet("结算总览")
    ws.write_row(0, 0, ["项目", "值"], head)
    ws.write_string(1, 0, "=SUM(A1:A2)")
    ws.write_string(1, 1, "+危险 ]]> @x")
    ws.write_string(2, 0, "补助金额(元)")
    ws.write_number(2, 1, 1234.5, money)
    ws.merge_range(4, 0, 4, 1, "合并标题", head)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, 2, 1)
    ws.repeat_rows(0)
    ws.set_landscape()
    summary = book.add_worksheet("乡镇汇总")
    summary.write_row(0, 0, ["乡镇", "补助金额(元)"], head)
    summary.write_row(1, 0, ["修山镇", 10.5])
    summary.write_row(2, 0, ["桃花江镇", 20])
    summary.print_area(0, 0, 2, 1)
    chart = book.add_chart({"type": "bar"})
    chart.add_series({"categories": "=乡镇汇总!$A$2:$A$3", "values": "=乡镇汇总!$B$2:$B$3"})
    summary.insert_chart("D2", chart)
    book.close()
    return path


@pytest.fixture
def results(tmp_path: Path) -> Path:
    return write_results(tmp_path / "results.xlsx")


@pytest.fixture
def filled(tmp_path: Path, results: Path) -> tuple[Path, object]:
    target = tmp_path / "filled.xlsx"
    return target, fill_workbook(LEDGER, results, target, record=b'{"total": "521500.00"}')


def test_every_ledger_part_is_kept_byte_for_byte(filled):
    target, report = filled
    with zipfile.ZipFile(LEDGER) as before, zipfile.ZipFile(target) as after:
        assert set(before.namelist()) <= set(after.namelist())
        for name in before.namelist():
            if name in REWRITTEN:
                continue
            if name in report.unselected_parts:  # only its tabSelected attribute went
                assert after.read(name) == SELECTED.sub(rb"\1", before.read(name), count=1) != before.read(name)
            else:
                assert after.read(name) == before.read(name), name
    assert report.unselected_parts == ["xl/worksheets/sheet1.xml"]


def test_ledger_sheets_keep_everything(filled):
    target, _ = filled
    wb = openpyxl.load_workbook(target)
    ws = wb["乡镇"]
    assert ws["D3"].value == "=B3*C3" and ws["D7"].value == "=SUM(D3:D6)"
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.column_dimensions["A"].width == pytest.approx(18.71, abs=0.01)
    assert ws["D3"].fill.fgColor.rgb.endswith("E2EFDA")
    assert ws["D3"].number_format == "#,##0.00"
    assert [str(v.sqref) for v in ws.data_validations.dataValidation] == ["E3:E6"]
    assert ws["B2"].comment.text.startswith("以验收入库为准")
    assert ws.freeze_panes == "B3"
    assert wb.defined_names["补助合计"].attr_text == "乡镇!$D$7"
    assert len(ws._charts) == 1
    cached = openpyxl.load_workbook(target, data_only=True)["乡镇"]
    assert cached["D3"].value == 241000 and cached["D7"].value == 521500 and cached["B7"].value == 258.75
    with zipfile.ZipFile(target) as z:  # the image (openpyxl needs Pillow to show it) is still wired in
        assert "drawings/drawing1.xml" in z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        assert "../media/image1.png" in z.read("xl/drawings/_rels/drawing1.xml.rels").decode()
        assert z.read("xl/media/image1.png").startswith(b"\x89PNG")
        assert b"<pic>" in z.read("xl/drawings/drawing1.xml") or b":pic>" in z.read("xl/drawings/drawing1.xml")
        assert z.read("docProps/core.xml") == zipfile.ZipFile(LEDGER).read("docProps/core.xml")


def test_results_come_first_and_only_the_overview_is_selected(filled):
    target, report = filled
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["结算总览", "乡镇汇总", RECORD_SHEET, "乡镇", "设置"]
    assert wb[RECORD_SHEET].sheet_state == "veryHidden"
    assert report.result_sheets == ["结算总览", "乡镇汇总"]
    assert [bool(ws.sheet_view.tabSelected) for ws in wb] == [True, False, False, False, False]
    assert wb.active.title == "结算总览"
    overview = wb["结算总览"]
    assert overview.freeze_panes == "A2" and overview.auto_filter.ref == "A1:B3"
    assert overview.print_title_rows == "$1:$1" and overview.page_setup.orientation == "landscape"
    assert "A5:B5" in {str(r) for r in overview.merged_cells.ranges}
    assert wb["乡镇汇总"].print_area == ["'乡镇汇总'!$A$1:$B$3"] or wb["乡镇汇总"].print_area == "'乡镇汇总'!$A$1:$B$3"
    assert len(wb["乡镇汇总"]._charts) == 1


def test_result_styles_are_merged(filled):
    target, _ = filled
    overview = openpyxl.load_workbook(target)["结算总览"]
    assert overview["A1"].font.b and overview["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert overview["A1"].border.left.style == "thin"
    assert overview["B3"].number_format == "#,##0.000" and overview["B3"].border.left.style == "medium"
    assert overview["B3"].value == 1234.5
    ledger = openpyxl.load_workbook(target)["乡镇"]
    assert ledger["A2"].fill.fgColor.rgb.endswith("FFF2CC")  # the ledger's own formats did not move


def test_text_that_looks_like_a_formula_stays_text(filled):
    target, _ = filled
    with zipfile.ZipFile(target) as z:
        wb = openpyxl.load_workbook(target)
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        for part in re.findall(r'Target="(worksheets/sheet[34]\.xml)"', rels):
            data = z.read(f"xl/{part}")
            assert b"<f>" not in data and b"<f " not in data and b't="s"' not in data
    overview = wb["结算总览"]
    assert overview["A2"].value == "=SUM(A1:A2)" and overview["A2"].data_type == "s"
    assert overview["B2"].value == "+危险 ]]> @x"


def test_package_is_structurally_valid(filled, tmp_path):
    check_package(filled[0])
    check_package(fill_workbook(MACRO, write_results(tmp_path / "r2.xlsx", True), tmp_path / "m.xlsx") and tmp_path / "m.xlsx")


def test_same_inputs_give_the_same_bytes(tmp_path, results):
    for name in ("a.xlsx", "b.xlsx"):
        fill_workbook(LEDGER, results, tmp_path / name, record=b"{}")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_record_round_trip_and_replacement(tmp_path, results):
    first = b'{"money": "1.05", "text": "]]> <&>"}\x00\xff'
    fill_workbook(LEDGER, results, tmp_path / "one.xlsx", record=first)
    assert read_record(tmp_path / "one.xlsx") == first
    report = fill_workbook(tmp_path / "one.xlsx", results, tmp_path / "two.xlsx", drop_sheets=["结算总览", "乡镇汇总"],
                           record=b"second")
    assert report.record_replaced
    assert read_record(tmp_path / "two.xlsx") == b"second"
    assert openpyxl.load_workbook(tmp_path / "two.xlsx").sheetnames.count(RECORD_SHEET) == 1
    assert read_record(LEDGER) is None
    (tmp_path / "not-a-zip.xlsx").write_text("hello")
    assert read_record(tmp_path / "not-a-zip.xlsx") is None
    assert read_record(tmp_path / "missing.xlsx") is None


def test_an_earlier_settlement_has_its_result_sheets_dropped(tmp_path, results):
    fill_workbook(LEDGER, results, tmp_path / "one.xlsx", record=b"1")
    report = fill_workbook(tmp_path / "one.xlsx", results, tmp_path / "two.xlsx",
                           drop_sheets=["结算总览", "乡镇汇总"], record=b"2")
    assert report.dropped_sheets == ["结算总览", "乡镇汇总", RECORD_SHEET]
    check_package(tmp_path / "two.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "two.xlsx")
    assert wb.sheetnames == ["结算总览", "乡镇汇总", RECORD_SHEET, "乡镇", "设置"]
    assert wb.defined_names["补助合计"].attr_text == "乡镇!$D$7"
    assert wb["结算总览"].print_title_rows == "$1:$1" and wb["乡镇"].print_title_rows is None
    with zipfile.ZipFile(tmp_path / "one.xlsx") as one, zipfile.ZipFile(tmp_path / "two.xlsx") as two:
        assert len(one.namelist()) == len(two.namelist())  # the old result parts and record went, none orphaned
        assert sorted(n for n in two.namelist() if "chart" in n) == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
        book = two.read("xl/workbook.xml").decode()
        assert book.count("_xlnm.Print_Titles") == 1 and book.count("_xlnm._FilterDatabase") == 1
        for name in LEDGER_PARTS:
            if name not in REWRITTEN and name != "xl/worksheets/sheet1.xml":
                assert two.read(name) == zipfile.ZipFile(LEDGER).read(name), name


LEDGER_PARTS = zipfile.ZipFile(LEDGER).namelist()


def test_a_macro_workbook_loses_only_its_macros(tmp_path, results):
    report = fill_workbook(MACRO, results, tmp_path / "m.xlsx")
    assert report.macros_dropped
    check_package(tmp_path / "m.xlsx")
    with zipfile.ZipFile(tmp_path / "m.xlsx") as z:
        assert not [n for n in z.namelist() if "vba" in n.lower()]
        types = z.read("[Content_Types].xml").decode()
        assert "sheet.main+xml" in types and "macroEnabled" not in types and "vbaProject" not in types
        assert "vbaProject" not in z.read("xl/_rels/workbook.xml.rels").decode()
    wb = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert wb.sheetnames == ["结算总览", "乡镇汇总", "乡镇", "设置"] and wb["乡镇"]["D3"].value == "=B3*C3"
    assert not fill_workbook(LEDGER, results, tmp_path / "x.xlsx").macros_dropped


def test_results_written_in_constant_memory_mode(tmp_path):
    """farmcli's writer uses constant_memory: strings are inline there already."""
    fill_workbook(LEDGER, write_results(tmp_path / "r.xlsx", True), tmp_path / "c.xlsx")
    check_package(tmp_path / "c.xlsx")
    assert openpyxl.load_workbook(tmp_path / "c.xlsx")["结算总览"]["B2"].value == "+危险 ]]> @x"


LIBREOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(LIBREOFFICE is None and not os.environ.get("CI"),
                                       reason="LibreOffice is not installed (it is required when CI is set)")

RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_csv(path: Path, work: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `path` as LibreOffice computes it, with formulas recalculated on load."""
    profile = work / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC)
    out = work / "csv"
    subprocess.run([LIBREOFFICE or "soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=240)
    sheets = {}
    for file in out.glob(f"{path.stem}-*.csv"):
        with file.open(encoding="utf-8") as fh:
            sheets[file.stem[len(path.stem) + 1:]] = list(csv.reader(fh))
    return sheets


@needs_libreoffice
def test_libreoffice_opens_it_and_recalculates_to_the_cached_values(filled, tmp_path):
    target, _ = filled
    sheets = libreoffice_csv(target, tmp_path / "a")
    assert set(sheets) == {"结算总览", "乡镇汇总", RECORD_SHEET, "乡镇", "设置"}
    assert sheets["结算总览"][1][:2] == ["=SUM(A1:A2)", "+危险 ]]> @x"]
    assert sheets["乡镇汇总"][2][0] == "桃花江镇"
    cached = openpyxl.load_workbook(target, data_only=True)["乡镇"]
    town = sheets["乡镇"]
    for row in range(3, 8):
        for col in "BD":
            want = cached[f"{col}{row}"].value
            got = town[row - 1]["ABCDE".index(col)].replace(",", "")
            assert float(got) == pytest.approx(want), f"{col}{row}"
    # The check has teeth: a wrong cached value is recalculated by LibreOffice.
    tampered = tmp_path / "tampered.xlsx"
    with zipfile.ZipFile(target) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f aca=\"false\">B3*C3</f><v>241000</v>", b"<f aca=\"false\">B3*C3</f><v>7</v>")
            dst.writestr(info, data)
    assert libreoffice_csv(tampered, tmp_path / "b")["乡镇"][2][3].replace(",", "") in ("241000", "241000.00")


def test_a_big_ledger_sheet_is_streamed(tmp_path, results):
    """200,000 rows: the fill holds a small fraction of the sheet's XML in memory."""
    ledger = tmp_path / "big.xlsx"
    rows = 200_000
    with zipfile.ZipFile(LEDGER) as src, zipfile.ZipFile(ledger, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet2.xml":
                dst.writestr(info, src.read(info))
                continue
            head, tail = src.read(info).split(b"<sheetData>")[0], b"</sheetData></worksheet>"
            head = head.replace(b'tabSelected="false"', b'tabSelected="true"')
            with dst.open("xl/worksheets/sheet2.xml", "w") as out:
                out.write(head + b"<sheetData>")
                for r in range(1, rows + 1):
                    out.write(f'<row r="{r}"><c r="A{r}" t="n"><v>{r}</v></c><c r="B{r}" t="n"><v>{r * 0.5}</v></c>'
                              f'<c r="C{r}" t="n"><v>{r % 97}</v></c><c r="D{r}" t="n"><v>2000</v></c></row>'.encode())
                out.write(tail)
    size = zipfile.ZipFile(ledger).getinfo("xl/worksheets/sheet2.xml").file_size
    tracemalloc.start()
    start = time.perf_counter()
    report = fill_workbook(ledger, results, tmp_path / "big-filled.xlsx")
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"200k-row sheet: {size / 2**20:.1f} MiB of XML, fill {seconds:.2f} s, peak {peak / 2**20:.2f} MiB")
    assert peak < size / 10, f"peak {peak} bytes for a {size}-byte sheet"
    assert seconds < 60
    assert set(report.unselected_parts) == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
    with zipfile.ZipFile(tmp_path / "big-filled.xlsx") as z, z.open("xl/worksheets/sheet2.xml") as fh:
        assert b"tabSelected" not in fh.read(4096)


def test_ledger_names_local_to_a_sheet_follow_it(tmp_path, results):
    """A print title of the ledger's second sheet still belongs to that sheet, now at index 3; the
    app.xml titles written by Excel-like tools list the result sheets first."""
    ledger = tmp_path / "names.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "设置"
    second = wb.create_sheet("乡镇")
    second.append(["乡镇名称", "补助金额(元)"])
    second.print_title_rows = "1:1"
    wb.save(ledger)
    fill_workbook(ledger, results, tmp_path / "out.xlsx")
    check_package(tmp_path / "out.xlsx")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert out.sheetnames == ["结算总览", "乡镇汇总", "设置", "乡镇"]
    assert out["乡镇"].print_title_rows == "$1:$1" and out["设置"].print_title_rows is None
    assert out["结算总览"].print_title_rows == "$1:$1"
    fill_workbook(MACRO, results, tmp_path / "m.xlsx")
    with zipfile.ZipFile(tmp_path / "m.xlsx") as z:
        app = z.read("docProps/app.xml").decode()
    titles = re.findall(r"<vt:lpstr>(.*?)</vt:lpstr>", app.split("<TitlesOfParts>")[1])
    assert titles[:4] == ["结算总览", "乡镇汇总", "乡镇", "设置"]
    assert "<vt:i4>4</vt:i4>" in app
