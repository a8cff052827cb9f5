"""jiangsu-fund (SPEC §2.5): date helpers and the sample; hand-worked cases are in tests/cases/jiangsu-fund/*.toml.

From 江苏省省级土地整治专项资金管理办法 (seed 003).

第二十六条: extension asked ≥ 3 months before the planned date, ≤ 1 year, once; cancellation ≥ 6 months before,
all allocated money returned. 第二十七条: force majeure → liquidation. 第二十九条: a balance above 10% of the total
investment is recovered in full, otherwise it stays local. 第三十条: failing again after rectification → all recovered.
第三十一条: overdue without a valid extension, cancellation or liquidation → written off, all recovered.
"""

import datetime as dt
import json

import pytest

from farmcli.policies.jiangsu_fund import add_months, months_before

from conftest import ROOT, run_cli

SAMPLE = ROOT / "sample_data" / "jiangsu-fund-2024.xlsx"


@pytest.mark.parametrize("day, months, expected", [
    ("2024-08-31", 6, "2024-02-29"), ("2025-08-31", 6, "2025-02-28"), ("2024-08-31", 3, "2024-05-31"),
    ("2024-05-31", 3, "2024-02-29"), ("2024-03-15", 3, "2023-12-15"),
])
def test_calendar_months_before(day, months, expected):
    assert months_before(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)


def test_add_months_clips_to_month_end():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 9, 30), 12) == dt.date(2025, 9, 30)


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
