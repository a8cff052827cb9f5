"""Recalculation and cron (issue 10): what changed since the last run, --quiet, the folder lock."""

import json
import os
import shutil
import subprocess
import sys

import openpyxl
import pytest

from conftest import SAMPLE, run_cli


def edit_township(path, name, column, value):
    wb = openpyxl.load_workbook(path)
    ws = wb["乡镇"]
    header = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        if row[1].value == name:
            row[header.index(column)].value = value
    wb.save(path)


def test_first_run_says_there_is_nothing_to_compare(tmp_path):
    result = run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--json")
    doc = json.loads(result.stdout)
    assert doc["changes"] == {"previous": None, "items": []}
    wb = openpyxl.load_workbook(next(tmp_path.glob("*.xlsx")))
    assert wb["变更"]["A2"].value.startswith("首次结算")
    assert "首次结算，没有可比较的上次结果" in next(tmp_path.glob("*.md")).read_text(encoding="utf-8")


def test_rerun_after_one_figure_reports_exactly_that_change(tmp_path):
    ledger = tmp_path / "taojiang.xlsx"
    shutil.copy(SAMPLE, ledger)
    out = tmp_path / "out"
    assert run_cli("settle", "2022", str(ledger), "--out", str(out), "--quiet").returncode == 0
    same = run_cli("settle", "2022", str(ledger), "--out", str(out), "--json")
    assert json.loads(same.stdout)["changes"]["items"] == []
    assert "没有变化" in same.stderr
    # A late payment to 修山镇 is entered: 671,242.00 → 681,242.00 (the 合计 row updated too).
    wb = openpyxl.load_workbook(ledger)
    ws = wb["拨付明细"]
    ws["C3"].value = "681,242.00"
    ws["C18"].value = "11,817,238.00"
    wb.save(ledger)
    result = run_cli("settle", "2022", str(ledger), "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)["changes"]["items"]
    changed = {(i["表"], i["对象"], i["列"]) for i in items}
    assert changed == {("乡镇汇总", "修山镇", "已拨付(元)"), ("乡镇汇总", "修山镇", "待拨付(元)"),
                       ("乡镇汇总", "合计", "已拨付(元)"), ("乡镇汇总", "合计", "待拨付(元)"),
                       ("合计", "", "已拨付(元)"), ("合计", "", "待拨付(元)"),
                       ("基础数据表", "资金使用 已拨付(元)", "到位或支出金额(元)")}
    paid = next(i for i in items if i["对象"] == "修山镇" and i["列"] == "已拨付(元)")
    assert (paid["上次"], paid["本次"], paid["差额"]) == (671242.0, 681242.0, 10000.0)
    assert "修山镇 已拨付(元) 671,242.00 → 681,242.00 (+10,000.00)" in result.stderr
    report = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert "与上次结算相比" in report and "乡镇汇总：修山镇 已拨付(元) 671,242.00 → 681,242.00（+10,000.00）" in report
    sheet = openpyxl.load_workbook(next(out.glob("*.xlsx")))["变更"]
    rows = list(sheet.iter_rows(min_row=2))
    # each total once: 乡镇汇总's own 合计 row says what the settlement's 合计 says (issue 26 §1)
    assert len(rows) == 5 and not any(r[0].value == "乡镇汇总" and r[1].value == "合计" for r in rows)
    paid = next(r for r in rows if r[1].value == "修山镇" and r[2].value == "已拨付(元)")
    assert [c.value for c in paid[3:6]] == [671242, 681242, 10000]  # 上次 and 本次 are numbers, like 差额
    assert paid[3].number_format == paid[4].number_format == paid[5].number_format == "#,##0.00"


def test_status_flip_is_reported(tmp_path, ledger):
    settings = [["项目", "值"], ["政策", "jinning"]]
    header = ["项目编号", "乡镇", "项目类型", "资金来源", "验收批文号", "验收日期", "区政府净收益(元)"]
    path = ledger(设置=settings, 项目=[header, ["P1", "二街镇", "土地整理", "区级", None, None, 1000]])
    out = tmp_path / "o"
    run_cli("settle", "2023", str(path), "--out", str(out), "--quiet")
    path2 = ledger(设置=settings, 项目=[header, ["P1", "二街镇", "土地整理", "区级", "批文", "2023-05-01", 1000]])
    shutil.copy(path2, path)
    items = json.loads(run_cli("settle", "2023", str(path), "--out", str(out), "--json").stdout)["changes"]["items"]
    flip = next(i for i in items if i["列"] == "是否符合")
    assert (flip["对象"], flip["上次"], flip["本次"]) == ("P1", "待验收", "符合")


def test_quiet_is_silent_on_success_and_speaks_on_errors(tmp_path, ledger):
    ok = run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path / "a"), "--quiet")
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    again = run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path / "a"), "--quiet")
    assert (again.stdout, again.stderr) == ("", "")
    bad = run_cli("settle", "2022", str(tmp_path / "missing.xlsx"), "--quiet")
    assert bad.returncode == 2 and bad.stderr.startswith("错误：")
    for text in (ok.stderr, bad.stderr, bad.stdout):
        assert "\x1b[" not in text


def test_a_second_run_waits_for_the_lock_then_gives_up(tmp_path):
    from filelock import FileLock

    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / ".farmcli.lock")):  # the portable lock, as another farmcli holds it
        env = {**os.environ, "FARMCLI_LOCK_WAIT": "1"}
        result = subprocess.run([sys.executable, "-m", "farmcli", "settle", "2022", str(SAMPLE), "--out", str(out)],
                                capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 2 and "另一个 farmcli 正在向" in result.stderr
        assert [p.name for p in out.iterdir() if p.name != ".farmcli.lock"] == []  # nothing (half-)written
    after = run_cli("settle", "2022", str(SAMPLE), "--out", str(out), "--quiet")
    assert after.returncode == 0  # once the lock is released, it runs
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "taojiang-2022-2022年度结算.xlsx", "taojiang-2022-2022年度结算报告.docx", "taojiang-2022-2022年度结算报告.md"])  # and leaves no lock behind


def test_outputs_are_readable_files_with_no_temporaries_left(tmp_path):
    run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--quiet")
    run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--quiet")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert not [n for n in names if n.endswith(".tmp") or n.startswith(".")]  # no lock, record or temporary
    workbook = next(tmp_path.glob("*.xlsx"))
    assert workbook.stat().st_mode & 0o044  # group/other can read (subject to umask 022)


def test_console_change_lines_read_yes_and_no_never_true_and_false(tmp_path, ledger):
    """A flag that flips (拨付计划's 条件已满足) reads 否 → 是 on the console, as in the workbook."""
    from conftest import TOWN_HEADER

    settings = [["项目", "值"], ["政策", "taojiang"]]
    path = ledger(设置=settings, 乡镇=[TOWN_HEADER, ["甲镇", 100, 100, 0, 0.1, 200000, 0]])
    out = tmp_path / "o"
    assert run_cli("settle", "2022", str(path), "--out", str(out), "--quiet").returncode == 0
    shutil.copy(ledger(设置=settings, 乡镇=[TOWN_HEADER, ["甲镇", 100, 100, 100, 1, 200000, 0]]), path)
    done = run_cli("settle", "2022", str(path), "--out", str(out))
    console = done.stdout + done.stderr
    flips = [line for line in console.splitlines() if "条件已满足" in line]
    assert flips and all("否 → 是" in line for line in flips), console
    assert "True" not in console and "False" not in console


@pytest.mark.parametrize("before, after, shown", [(False, True, "否 → 是"), (True, False, "是 → 否"),
                                                  (None, True, "空 → 是"), ("待验收", "符合", "待验收 → 符合")])
def test_describe_writes_flags_in_chinese(before, after, shown):
    from farmcli.settlement.changes import describe

    item = {"表": "拨付计划", "对象": "甲镇 首笔", "列": "条件已满足", "上次": before, "本次": after, "差额": None}
    assert describe(item) == f"拨付计划：甲镇 首笔 条件已满足 {shown}"
