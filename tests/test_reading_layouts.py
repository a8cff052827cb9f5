"""Issue 24: ledgers laid out the way county offices lay them out — the template's empty sheets,
a unit in the title row, two-row headers, footer rows, date-times typed as text, invisible
characters. Each gives the tidy ledger's figures, or the finding named in the issue."""

from __future__ import annotations

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
