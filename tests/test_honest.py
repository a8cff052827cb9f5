"""Issue 26 §1: the paper is honest. A pending figure reads 待定 everywhere (JSON keeps null); a banner
warns on the Word report's first page and at the top of 结算总览 exactly when the figures cannot be
used for payment; a negative 待拨付 reads 多拨 … 应追回; the plan's totals separate what is due from
what is held back; the change list reads 否 → 是 with the 差额's number format."""

from __future__ import annotations

import json
from decimal import Decimal

import docx
import openpyxl
import pytest

from conftest import SAMPLE, TOWN_HEADER, run_cli, write_ledger
from farmcli.outputs.reports import paper
from farmcli.outputs.values import PENDING, show

SETTINGS = [["项目", "值"], ["政策", "taojiang"], ["地区", "甲县"], ["填报单位", "甲县自然资源局"]]
BANNER = "不能作为拨付依据"


def town(name: str, paid: object = 0, accepted: object = 100) -> list:
    return [name, 100, 100, accepted, 1, 200000, paid]


def settle(path, year: int = 2022):
    out = path.parent / f"out-{path.stem}"
    r = run_cli("settle", str(year), str(path), "--out", str(out), "--json", env={"FARMCLI_REPORT_DATE": "2023-01-05"})
    assert r.returncode in (0, 1), r.stderr
    doc = json.loads(r.stdout)
    report = (out / f"{path.stem}-{year}年度结算报告.md").read_text(encoding="utf-8")
    word = docx.Document(doc["outputs"]["word"])
    overview = list(openpyxl.load_workbook(doc["outputs"]["workbook"])["结算总览"].iter_rows(values_only=True))
    return doc, report, word, overview, r


def first_page(word) -> str:
    return "\n".join(p.text for p in word.paragraphs[:3])


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("honest")


def test_a_clean_settlement_has_no_banner(folder):
    out = folder / "clean"
    r = run_cli("settle", "2022", str(SAMPLE), "--out", str(out), "--json")
    doc = json.loads(r.stdout)
    word = docx.Document(doc["outputs"]["word"])
    assert BANNER not in first_page(word) and BANNER not in (out / "taojiang-2022-2022年度结算报告.md").read_text("utf-8")
    overview = list(openpyxl.load_workbook(doc["outputs"]["workbook"])["结算总览"].iter_rows(values_only=True))
    assert overview[1][0] == "政策"  # no 注意 row


def test_a_pending_figure_reads_daiding_and_the_banner_counts_the_errors(folder):
    path = write_ledger(folder / "pending.xlsx", {"设置": SETTINGS, "乡镇": [TOWN_HEADER, town("甲镇"), town("乙镇", paid="#REF!")]})
    doc, report, word, overview, r = settle(path)
    errors = sum(f["severity"] == "error" for f in doc["findings"])
    assert errors >= 1 and r.returncode == 1
    assert doc["totals"]["待拨付(元)"] is None  # the JSON keeps null
    banner = f"本结算有 {errors} 项错误"
    assert banner in first_page(word) and BANNER in first_page(word)
    assert report.splitlines()[2].startswith(f"> **{banner}") and BANNER in report.splitlines()[2]
    assert overview[1][0] == "注意" and banner in overview[1][1]  # the top of 结算总览
    assert "待拨付 待定" in report and "元。" not in report.split("待拨付 ")[1][:3]  # no "待拨付  元。"
    totals = {row[0]: row[1] for row in overview[1:]}
    assert totals["待拨付(元)"] == PENDING  # a cell that says so, not a blank
    money = next(t for t in word.tables if [c.text for c in t.rows[0].cells][:2] == ["乡镇名称", "补助金额(元)"])
    assert [c.text for c in money.rows[-1].cells][-1] == PENDING
    console = run_cli("settle", "2022", str(path), "--out", str(folder / "console"))
    line = next(x for x in console.stdout.splitlines() if "待拨付(元)" in x)
    assert PENDING in line


def test_a_negative_balance_is_paid_over_and_to_be_recovered(folder):
    path = write_ledger(folder / "over.xlsx", {"设置": SETTINGS, "乡镇": [TOWN_HEADER, town("甲镇", paid=300000)]})
    doc, report, word, overview, _ = settle(path)
    assert doc["totals"]["待拨付(元)"] == -100000
    text = "\n".join(p.text for p in word.paragraphs)
    for body in (report, text):
        assert "多拨 100,000.00 元，应追回（壹拾万元整）" in body
        assert "待拨付 -" not in body and "-100,000.00 元" not in body  # prose; a table keeps the signed figure
    approval = word.tables[-2]  # the 审批表, then its approval blocks
    row = [c.text for c in approval.rows[1].cells]
    assert row[4] == "0.00" and row[6] == "多拨 100,000.00 元，应追回"
    assert dict((r[0], r[2]) for r in overview[1:])["待拨付(元)"] == "多拨壹拾万元整，应追回"


def test_a_year_that_differs_from_the_settings_is_named_on_the_title_page(folder):
    path = write_ledger(folder / "year.xlsx", {"设置": SETTINGS + [["年度", 2021]], "乡镇": [TOWN_HEADER, town("甲镇")]})
    _, report, word, overview, _ = settle(path)
    assert "2022" in word.paragraphs[1].text and "2021" in word.paragraphs[1].text
    assert BANNER in first_page(word) and overview[1][0] == "注意"


def test_the_plan_separates_what_is_due_from_what_is_held_back(folder):
    # 乙镇 is at 50% progress, not accepted: neither instalment is due.
    path = write_ledger(folder / "plan.xlsx", {"设置": SETTINGS, "乡镇": [
        TOWN_HEADER, town("甲镇"), ["乙镇", 100, 50, None, 0.5, 200000, 0]]})
    doc, report, word, _, _ = settle(path)
    plan = {(r["乡镇名称"], r["批次"]): r for r in doc["tables"]["拨付计划"]}
    held = sum(r["金额(元)"] for r in plan.values() if not r["条件已满足"])
    due = sum(r["金额(元)"] for r in plan.values() if r["条件已满足"])
    assert held > 0 and due > 0
    table = next(t for t in word.tables if [c.text for c in t.rows[0].cells][:2] == ["乡镇名称", "批次"])
    last = [[c.text for c in row.cells] for row in table.rows[-2:]]
    assert last[0][0] == "应拨（条件已满足）" and last[0][-1] == show(Decimal(str(due)), "money")
    assert last[1][0] == "暂不拨付（条件未满足）" and last[1][-1] == show(Decimal(str(held)), "money")
    sheet = list(openpyxl.load_workbook(doc["outputs"]["workbook"])["拨付计划"].iter_rows(values_only=True))
    header = sheet[0]
    held_rows = [dict(zip(header, r)) for r in sheet[1:] if r[header.index("条件已满足")] == "否"]
    assert held_rows and all(not r["大写金额"] for r in held_rows)  # 大写 only for what is due


def test_the_township_table_reads_left_to_right(folder):
    path = write_ledger(folder / "order.xlsx", {"设置": SETTINGS, "乡镇": [TOWN_HEADER, town("甲镇")]})
    doc, _, _, _, _ = settle(path)
    header = next(openpyxl.load_workbook(doc["outputs"]["workbook"])["乡镇汇总"].iter_rows(values_only=True))
    order = [header.index(c) for c in ("补助金额(元)", "应拨(元)", "已拨付(元)", "待拨付(元)")]
    assert order == sorted(order) and order[-1] - order[0] == 3


@pytest.mark.parametrize("before, after, shown", [
    (False, True, ("否", "是")),
    (Decimal("671242.00"), Decimal("681242.00"), (671242, 681242)),
    (None, "新增", ("空", "新增")),
])
def test_change_rows_read_cleanly(before, after, shown):
    items = [{"表": "拨付计划", "对象": "甲镇 首笔", "列": "条件已满足" if isinstance(before, bool) else "已拨付(元)",
              "上次": before, "本次": after, "差额": None}]
    row = paper.change_rows(items)[0]
    assert (show(row["上次"]), show(row["本次"])) == tuple(show(Decimal(v) if isinstance(v, int) else v, "money")
                                                        if isinstance(v, int) else v for v in shown)


def test_each_total_once_in_the_change_list():
    items = [{"表": "乡镇汇总", "对象": "合计", "列": "已拨付(元)", "上次": Decimal(1), "本次": Decimal(2), "差额": Decimal(1)},
             {"表": "合计", "对象": "", "列": "已拨付(元)", "上次": Decimal(1), "本次": Decimal(2), "差额": Decimal(1)},
             {"表": "乡镇汇总", "对象": "甲镇", "列": "已拨付(元)", "上次": Decimal(1), "本次": Decimal(2), "差额": Decimal(1)}]
    assert [(i["表"], i["对象"]) for i in paper.change_items(items)] == [("合计", ""), ("乡镇汇总", "甲镇")]
