"""Issue 24: ledgers laid out the way county offices lay them out — the template's empty sheets,
a unit in the title row, two-row headers, footer rows, date-times typed as text, invisible
characters. Each gives the tidy ledger's figures, or the finding named in the issue."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from conftest import run_cli
from reading_rewrite import SAMPLES, figures, load, specs

from farmcli.outputs.template import write_template
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
