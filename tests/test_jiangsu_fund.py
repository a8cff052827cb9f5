"""jiangsu-fund (SPEC §2.5), worked by hand from 江苏省省级土地整治专项资金管理办法 (seed 003).

第二十六条: extension asked ≥ 3 months before the planned date, ≤ 1 year, once; cancellation ≥ 6 months before,
all allocated money returned. 第二十七条: force majeure → liquidation. 第二十九条: a balance above 10% of the total
investment is recovered in full, otherwise it stays local. 第三十条: failing again after rectification → all recovered.
第三十一条: overdue without a valid extension, cancellation or liquidation → written off, all recovered.
"""

import datetime as dt
import json
from decimal import Decimal as D

import pytest

from farmcli.policies.jiangsu_fund import add_months, months_before
from farmcli.settlement.build import settle_ledger

from conftest import ROOT, run_cli

SETTINGS = [["项目", "值"], ["政策", "jiangsu-fund"]]
HEADER = ["项目编号", "项目名称", "总投资(元)", "已下达资金(元)", "实际支出(元)", "计划完成日期", "实际完成日期", "延期申请日期",
          "延期月数", "延期次数", "撤销申请日期", "不可抗力", "验收结果"]
SAMPLE = ROOT / "sample_data" / "jiangsu-fund-2024.xlsx"


def proj(total=1000, allocated=1000, spent=900, plan="2024-08-31", finished=None, ext=None, months=None, times=None,
         cancel=None, force=None, verdict=None):
    return ["P1", "项目", total, allocated, spent, plan, finished, ext, months, times, cancel, force, verdict]


def settle(ledger, row, year=2024, as_of=None):
    path = ledger(设置=SETTINGS, 项目=[HEADER, row])
    s = settle_ledger(path, year, as_of=as_of)
    return s, s.tables[0].rows[0], {t.name: t.value for t in s.totals}


@pytest.mark.parametrize("day, months, expected", [
    ("2024-08-31", 6, "2024-02-29"), ("2025-08-31", 6, "2025-02-28"), ("2024-08-31", 3, "2024-05-31"),
    ("2024-05-31", 3, "2024-02-29"), ("2024-03-15", 3, "2023-12-15"),
])
def test_calendar_months_before(day, months, expected):
    assert months_before(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)


def test_add_months_clips_to_month_end():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 9, 30), 12) == dt.date(2025, 9, 30)


@pytest.mark.parametrize("spent, status, recover, local", [
    (900, "已验收", D(0), D(100)),  # balance 100 = 10% of 1000: stays local (第二十九条, equality included)
    ("899.99", "已验收", D("100.01"), D(0)),  # just above: the whole balance is recovered
    ("900.01", "已验收", D(0), D("99.99")),  # just below
])
def test_balance_line_at_ten_percent(ledger, spent, status, recover, local):
    _, r, _ = settle(ledger, proj(spent=spent, finished="2024-08-01", verdict="合格"))
    assert (r["状态"], r["应收回(元)"], r["地方统筹(元)"]) == (status, recover, local)
    assert r["依据"] == "苏土地整治资金办法 第二十九条"


@pytest.mark.parametrize("cancel, status", [
    ("2024-02-29", "撤销"),  # 2024-08-31 − 6 months = 2024-02-29: on the last day, in time
    ("2024-03-01", "注销"),  # a day late: invalid (error), then judged as overdue
])
def test_cancellation_notice_on_month_end(ledger, cancel, status):
    s, r, _ = settle(ledger, proj(cancel=cancel))
    assert r["状态"] == status and r["应收回(元)"] == D(1000)
    late = [f for f in s.findings if f.code == "LATE_CANCELLATION"]
    assert bool(late) is (status == "注销")
    if late:
        assert late[0].location == "项目!K2" and "2024-02-29" in late[0].message


@pytest.mark.parametrize("ext, months, times, status, deadline, invalid", [
    ("2024-05-31", 12, None, "在建", "2025-08-31", False),  # on the last day, 12 months, first time: valid
    ("2024-06-01", 12, None, "注销", "2024-08-31", True),  # a day late
    ("2024-05-31", 13, None, "注销", "2024-08-31", True),  # 13 months is more than a year
    ("2024-05-31", 6, 2, "注销", "2024-08-31", True),  # a second extension
])
def test_extensions(ledger, ext, months, times, status, deadline, invalid):
    s, r, _ = settle(ledger, proj(ext=ext, months=months, times=times))
    assert (r["状态"], r["完成期限"]) == (status, dt.date.fromisoformat(deadline))
    assert any(f.code == "INVALID_EXTENSION" for f in s.findings) is invalid


@pytest.mark.parametrize("as_of, status", [("2024-08-31", "在建"), ("2024-09-01", "注销")])
def test_as_of_before_and_after_the_deadline(ledger, as_of, status):
    _, r, totals = settle(ledger, proj(), as_of=dt.date.fromisoformat(as_of))
    assert r["状态"] == status
    assert totals["结算基准日"] == as_of
    assert r["应收回(元)"] == (D(1000) if status == "注销" else D(0))


def test_completed_not_accepted_waits(ledger):
    _, r, _ = settle(ledger, proj(finished="2024-07-01"))
    assert r["状态"] == "待验收" and r["应收回(元)"] == D(0)


def test_force_majeure_liquidation(ledger):
    _, r, _ = settle(ledger, proj(spent=300, force="是"))
    assert (r["状态"], r["应收回(元)"], r["依据"]) == ("清算", D(700), "苏土地整治资金办法 第二十七条")


def test_failed_after_rectification_and_rectifying(ledger):
    _, r, _ = settle(ledger, proj(verdict="整改后不合格"))
    assert (r["状态"], r["应收回(元)"]) == ("整改后不合格", D(1000))
    _, r, _ = settle(ledger, proj(verdict="不合格"))
    assert (r["状态"], r["应收回(元)"]) == ("整改中", D(0))


def test_cancellation_comes_before_everything_else(ledger):
    _, r, _ = settle(ledger, proj(cancel="2024-01-01", force="是", verdict="合格"))
    assert r["状态"] == "撤销"


def test_overspending_is_a_warning(ledger):
    s, _, _ = settle(ledger, proj(spent=1200, finished="2024-08-01", verdict="合格"))
    assert [(f.code, f.severity) for f in s.findings if f.code == "OVERSPENT"] == [("OVERSPENT", "warning")]


def test_counts_per_status(ledger):
    _, _, totals = settle(ledger, proj())
    assert totals["注销项目数"] == 1 and totals["在建项目数"] == 0


def test_sample_has_every_status(tmp_path):
    result = run_cli("settle", "2024", str(SAMPLE), "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    statuses = {r["状态"] for r in doc["tables"]["项目结算"]}
    assert statuses == {"撤销", "清算", "整改后不合格", "已验收", "整改中", "注销", "待验收", "在建"}
    assert doc["totals"]["应收回合计(元)"] == 18800000.0 and doc["totals"]["地方统筹合计(元)"] == 1050000.0
    later = run_cli("settle", "2024", str(SAMPLE), "--out", str(tmp_path), "--as-of", "2025-07-01", "--json")
    statuses = {r["项目编号"]: r["状态"] for r in json.loads(later.stdout)["tables"]["项目结算"]}
    assert statuses["SJ-10"] == "注销" and statuses["SJ-11"] == "注销"  # both past their deadlines by then
