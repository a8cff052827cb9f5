"""The filled workbook through `farmcli settle` (SPEC §3): re-settling an earlier settlement,
and a ledger sheet named like a result sheet."""

import shutil

import openpyxl

from conftest import SAMPLE, run_cli
from farmcli.outputs.package import read_record
from package_check import check_package

RESULTS = ["结算总览", "乡镇汇总", "拨付计划", "绩效评分", "基础数据表", "变更", "发现问题", "参数"]
LEDGER = ["设置", "乡镇", "拨付明细", "资金", "绩效", "别名"]


def test_an_earlier_settlement_settled_again_replaces_its_results(tmp_path):
    first = tmp_path / "first"
    assert run_cli("settle", "2022", str(SAMPLE), "--out", str(first), "--quiet").returncode == 0
    earlier = next(first.glob("*.xlsx"))
    assert read_record(earlier) is not None
    ledger = tmp_path / "台账.xlsx"
    shutil.copy(earlier, ledger)
    again = tmp_path / "again"
    result = run_cli("settle", "2022", str(ledger), "--out", str(again), "--quiet")
    assert result.returncode == 0, result.stderr
    path = next(again.glob("*.xlsx"))
    check_package(path)
    assert openpyxl.load_workbook(path).sheetnames == RESULTS + LEDGER
    assert sorted(p.name for p in again.iterdir() if p.name.startswith(".farmcli-")) == []  # no temporary left


def test_a_ledger_sheet_named_like_a_result_keeps_its_name(tmp_path):
    ledger = tmp_path / "台账.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    wb.create_sheet("参数").append(["我的参数", 1])
    wb.save(ledger)
    result = run_cli("settle", "2022", str(ledger), "--out", str(tmp_path / "o"), "--quiet")
    assert result.returncode in (0, 1), result.stderr
    path = next((tmp_path / "o").glob("*.xlsx"))
    check_package(path)
    out = openpyxl.load_workbook(path)
    assert out.sheetnames == RESULTS[:-1] + ["参数(结算)"] + LEDGER + ["参数"]
    assert out["参数"]["A1"].value == "我的参数" and out["参数(结算)"]["A1"].value == "参数"
