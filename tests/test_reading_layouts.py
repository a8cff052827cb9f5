"""Issue 24: ledgers laid out the way county offices lay them out — the template's empty sheets,
a unit in the title row, two-row headers, footer rows, date-times typed as text, invisible
characters. Each gives the tidy ledger's figures, or the finding named in the issue."""

from __future__ import annotations

import datetime as dt
import json

from decimal import Decimal as D

import openpyxl
import pytest
from conftest import run_cli
from reading_rewrite import SAMPLES, figures, load, specs

from farmcli.outputs.workbook.template import write_template
from farmcli.policies import policy_module
from farmcli.settlement.build import settle_ledger

POLICIES = sorted(SAMPLES)


def test_template_with_only_towns_filled_settles_the_towns(tmp_path):
    """The clerk's most natural path: template, fill 「乡镇」, settle (issue 24 item 1)."""
    path = tmp_path / "t.xlsx"
    assert run_cli("template", "taojiang", "--out", str(path)).returncode == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["乡镇"]
    given = {"乡镇名称": "甲镇", "下达任务": 100, "实施恢复面积": 100, "验收入库面积": 100, "工程进度": 1, "已拨付": 60000}
    for c, cell in enumerate(ws[1], start=1):
        for start, value in given.items():
            if cell.value and str(cell.value).startswith(start):
                ws.cell(row=2, column=c, value=value)
    wb.save(path)
    result = run_cli("settle", "2022", str(path), "--out", str(tmp_path / "o"), "--json")
    doc = json.loads(result.stdout)
    assert doc["totals"]["补助金额(元)"] == 200000.0
    assert doc["totals"]["已拨付(元)"] == 60000.0
    empty = [f["message"] for f in doc["findings"] if f["code"] == "SHEET_EMPTY"]
    assert "「图斑」没有数据行，按未提供处理。" in empty and "「拨付明细」没有数据行，按未提供处理。" in empty
    assert result.returncode == 0, doc["findings"]


def _template_filled(policy: str, tmp_path, drop_empty: bool):
    """The policy's template with its required sheets (and 设置) taken from the sample; the optional
    sheets stay as the template wrote them, or are deleted."""
    sample, _ = SAMPLES[policy]
    path = tmp_path / f"{policy}-{'deleted' if drop_empty else 'template'}.xlsx"
    write_template(policy, path)
    given = load(sample)
    wb = openpyxl.load_workbook(path)
    required = {s.name for s in policy_module(policy).SHEETS if s.required} | {"设置"}
    empty = []
    for ws in list(wb.worksheets):
        if ws.title in required:
            ws.delete_rows(1, ws.max_row)
            for row in given[ws.title]:
                ws.append(list(row))
        elif ws.max_row == 1 and ws.title in specs(policy) | {"别名": None}:
            empty.append(ws.title)
            if drop_empty:
                wb.remove(ws)
    wb.save(path)
    return path, empty


@pytest.mark.parametrize("policy", POLICIES)
def test_empty_template_sheets_are_absent(tmp_path, policy):
    year = SAMPLES[policy][1]
    template, empty = _template_filled(policy, tmp_path, drop_empty=False)
    deleted, _ = _template_filled(policy, tmp_path, drop_empty=True)
    assert empty, "the template writes optional sheets with a header only"
    assert figures(template, policy, year) == figures(deleted, policy, year)
    settled = settle_ledger(template, year, policy)
    named = {f.sheet for f in settled.findings if f.code == "SHEET_EMPTY"}
    own = {s.name for s in policy_module(policy).SHEETS} | {"别名"}  # the scoring sheets speak through 绩效
    assert named == set(empty) & own
    assert any(t.value for t in settled.totals)  # something was settled: the comparison is not 0 == 0


@pytest.mark.parametrize("text", ["2023/12/3 10:00", "2023-12-03 10:00:00", "2023年12月3日 10时", "2023年12月3日10时30分",
                                  "2023-12-03T10:00", "２０２３／１２／３　１０：００", "2023/12/3  10:00:59.5", "2023.12.3 8:05"])
def test_a_date_typed_with_its_time_is_that_day(text):
    from farmcli.model.cells import parse_date

    assert parse_date(text) == (dt.date(2023, 12, 3), None)


@pytest.mark.parametrize("text", ["2023/12/3 25:00", "2023年12月310时", "2023-12-0310:00", "2023/12/3 10:61"])
def test_a_date_whose_time_cannot_be_read_is_named_not_guessed(text):
    from farmcli.model.cells import parse_date

    value, problem = parse_date(text)
    assert value is None and problem


def test_every_unicode_format_character_is_removed_before_keys_compare():
    import sys
    import unicodedata

    from farmcli.model.cells import normalise_text
    from farmcli.model.names import key_form, name_key

    cf = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert len(cf) > 150
    assert [hex(ord(ch)) for ch in cf if normalise_text(f"JS{ch}-2") != "JS-2"] == []
    assert key_form("JS-2\u200b") == key_form("\ufeffJS-2") == "JS-2"
    assert name_key("修山\u200d镇人民政府\u2060") == name_key("修山镇")


def test_a_header_with_a_bom_or_a_zero_width_space_is_read(ledger):
    from farmcli.policies.taojiang import SHEETS
    from farmcli.read.sheet import read_table
    from farmcli.read.workbook import open_workbook

    path = ledger(**{"乡镇\u200b": [["\ufeff乡镇名称", "下达任务\u200b(亩)"], ["修山镇", 5]]})
    table, findings = read_table(open_workbook(path), SHEETS[0])
    assert table.columns["下达任务(亩)"] == [5]


def test_two_names_differing_only_by_an_invisible_character_are_named_so(ledger):
    from farmcli.model.names import invisible_note

    assert "U+200B" in invisible_note("JS-2\u200b", "JS-2")
    assert invisible_note("JS-2", "ＪＳ－２") == ""  # visible difference: nothing to say about invisibles
    assert invisible_note("JS-2", "JS-3\u200b") == ""


def _towns(path):
    from farmcli.policies.taojiang import SHEETS
    from farmcli.read.sheet import read_table
    from farmcli.read.workbook import open_workbook

    return read_table(open_workbook(path), SHEETS[0])


HEAD = ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"]


@pytest.mark.parametrize("statement, paid, area", [
    ("单位：万元", D("294000"), D("2")), ("金额单位：元", D("29.40"), D("2")), ("面积单位：公顷", D("29.40"), D("30")),
    ("单位：万元、亩", D("294000"), D("2")), ("桃江县恢复耕地任务表（单位：万元）", D("294000"), D("2")),
    ("单位：按表头", D("29.40"), D("2")), ("填报单位：桃江县自然资源局", D("29.40"), D("2")),
])
def test_a_unit_stated_above_the_table_applies_by_kind(ledger, statement, paid, area):
    table, findings = _towns(ledger(乡镇=[[statement], ["乡镇名称", "下达任务", "实施恢复面积", "验收入库面积", "已拨付"],
                                     ["修山镇", 5, 2, 2, 29.40]]))
    assert table.columns["已拨付(元)"] == [paid]
    assert table.columns["验收入库面积(亩)"] == [area]
    assert "UNIT_CONFLICT" not in [f.code for f in findings]


def test_a_header_unit_contradicting_the_stated_one_is_an_error_and_pending(ledger):
    table, findings = _towns(ledger(乡镇=[["单位：万元"], HEAD + ["已拨付(元)", "合同金额(万元)"], ["修山镇", 5, 2, 29.4, 3]]))
    conflict = [f for f in findings if f.code == "UNIT_CONFLICT"]
    assert len(conflict) == 1 and "元" in conflict[0].message and "单位：万元" in conflict[0].message
    assert str(conflict[0].location) == "乡镇!D2"
    assert table.columns["已拨付(元)"] == [None] and not table.trusted("已拨付(元)", 0)
    assert table.columns["合同金额(元)"] == [D("30000")]  # its own unit agrees with the statement
    assert "UNIT_UNKNOWN" not in [f.code for f in findings]


@pytest.mark.parametrize("merged", [True, False])
def test_a_two_row_header_is_one_header(tmp_path, merged):
    from reading_rewrite import save

    rows = [["乡镇名称", "下达任务(亩)", "金额（万元）", None, "拨付日期"],
            [None, None, "合同金额", "已拨付", None],
            ["修山镇", 5, 3, 1.5, dt.datetime(2023, 1, 2)]]
    merges = {"乡镇": [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 1, 4)]} if merged else None
    table, findings = _towns(save({"乡镇": rows}, tmp_path / "two.xlsx", merges=merges))
    assert table.columns["合同金额(元)"] == [D("30000")] and table.columns["已拨付(元)"] == [D("15000")]
    assert table.lines == [3] and table.columns["乡镇名称"] == ["修山镇"]
    assert [f.code for f in findings if f.severity == "error"] == []


def test_sub_headers_that_read_alike_take_their_parent_in_front():
    from farmcli.read.layout import two_row_header
    from farmcli.model.schema import Column, SheetSpec

    spec = SheetSpec("拨付", (Column("单位名称", required=True), Column("首笔金额(元)", "money"), Column("尾款金额(元)", "money")),
                     key="单位名称")
    rows = [["单位名称", "首笔（万元）", None, "尾款", None], [None, "金额", "日期", "金额", "日期"], ["甲镇", 1, None, 2, None]]
    assert two_row_header(rows, 0, spec, lambda: None) == ["单位名称", "首笔金额(万元)", "首笔日期(万元)", "尾款金额", "尾款日期"]
    assert two_row_header(rows, 1, spec, lambda: None) is None  # the row below holds figures: data


def test_footer_rows_are_not_data_and_are_listed_once(ledger):
    table, findings = _towns(ledger(乡镇=[HEAD + ["已拨付(元)"], ["修山镇", 5, 2, 100], ["注：本表据各乡镇上报汇总", None],
                                     ["制表人：张三  审核人：李四"], [None, "填报日期：2024年1月5日"], ["联系电话：123"],
                                     ["负责人：王五", None, None, 7]]))
    assert table.columns["乡镇名称"] == ["修山镇", "负责人：王五"]  # a row with a figure stays data
    notes = [f for f in findings if f.code == "FOOTER_ROWS"]
    assert len(notes) == 1 and "第3行" in notes[0].message and "第6行" in notes[0].message and "第7行" not in notes[0].message
    assert [f.code for f in findings if f.code == "KEY_MISSING"] == []


@pytest.mark.parametrize("a, b, same", [("157.2149", "157.21", True), ("157.215", "157.21", True), ("157.2151", "157.21", False),
                                        ("60000.004", "60000", True), ("60000.006", "60000", False), ("0", "-0.005", True)])
def test_two_stated_figures_agree_within_half_a_fen(a, b, same):
    from farmcli.model.compare import agree, exceeds, shown

    assert agree(D(a), D(b)) is same and agree(D(b), D(a)) is same
    assert exceeds(D(a), D(b)) is (not same and D(a) > D(b))
    if not same:  # a finding never prints two disagreeing figures alike, nor a difference of 0.00
        assert shown(D(a)) != shown(D(b)) and shown(D(a) - D(b)).strip("-0.,") != ""


def test_a_total_row_off_by_more_than_half_a_fen_names_the_difference(ledger):
    from farmcli.model.table import check_totals

    table, _ = _towns(ledger(乡镇=[HEAD + ["已拨付(元)"], ["修山镇", 5, 2, 100], ["合计", 5, 2, 100.006]]))
    found = check_totals(table)
    assert [f.code for f in found] == ["TOTAL_MISMATCH"] and "相差 0.006" in found[0].message
    table, _ = _towns(ledger(乡镇=[HEAD + ["已拨付(元)"], ["修山镇", 5, 2, 100], ["合计", 5, 2, 100.004]]))
    assert check_totals(table) == []


@pytest.mark.parametrize("policy", POLICIES)
def test_the_template_sets_no_traps(tmp_path, policy):
    """Ratios headed (%) over percent cells, farmcli's own columns never 'unused', shares shown as %,
    every sheet printable on A4 with its header repeated (issue 24, issue 26 §3)."""
    from farmcli.model.params import load_policy_data

    path = tmp_path / f"{policy}.xlsx"
    write_template(policy, path)
    wb = openpyxl.load_workbook(path)
    for spec in policy_module(policy).SHEETS:
        ws = wb[spec.name]
        for c, col in enumerate(spec.columns, start=1):
            if col.kind == "percent":
                assert ws.cell(1, c).value == f"{col.name}(%)"
                assert ws.cell(2, c).number_format == "0.00%" and ws.cell(500, c).number_format == "0.00%"
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$1", ws.title
        setup = ws.page_setup  # fit to one page wide (1 is the default width xlsxwriter leaves out), any height
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    notes = {row[0]: row[2] for row in wb["设置"].iter_rows(min_row=2, values_only=True)}
    for p in load_policy_data(policy).parameters:
        if p.type == "rate" and p.value is not None:
            assert f"默认值 {(p.value * 100).normalize():f}%" in notes[p.name]
    settled = settle_ledger(path, SAMPLES[policy][1], policy, overrides={"中央上缴比例": "10%"}
                            if policy == "anhui-assessment" else None)
    assert [f.message for f in settled.findings if f.code in ("HEADERS_UNUSED", "HEADER_SIMILAR")] == []


def test_a_progress_set_in_the_templates_percent_cell_is_that_percent(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template("taojiang", path)
    wb = openpyxl.load_workbook(path)
    ws = wb["乡镇"]
    for c, value in enumerate(["甲镇", 100, 100, 100, 1, None, 60000], start=1):
        ws.cell(2, c).value = value  # 1 in a 0.00% cell is 100%, as Excel shows it
    wb.save(path)
    settled = settle_ledger(path, 2022, "taojiang")
    totals = {t.name: t.value for t in settled.totals}
    assert totals["补助金额(元)"] == D("200000") and totals["待拨付(元)"] == D("140000")
    assert [f.code for f in settled.findings if f.severity != "info"] == []


def test_set_takes_the_unit_farmcli_names(tmp_path):
    from conftest import SAMPLE

    result = run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path / "o"), "--json", "--set", "补助标准=2100元/亩")
    assert result.returncode in (0, 1), result.stderr
    plain = run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path / "p"), "--json", "--set", "补助标准=2100")
    assert json.loads(result.stdout)["totals"] == json.loads(plain.stdout)["totals"]
