"""The library under the command line (SPEC §7): farmcli.settle / check, frames, write."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import pytest

import farmcli
from conftest import ROOT, SAMPLE, run_cli


def test_settle_gives_exact_totals_and_writes_nothing(tmp_path):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(SAMPLE.read_bytes())
    s = farmcli.settle(ledger, 2022)
    assert s.totals["补助金额(元)"] == Decimal("12778760.00")
    assert isinstance(s.totals["已拨付(元)"], Decimal)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台账.xlsx"]  # nothing written


def test_frames_hold_exact_decimal_money_and_match_the_json(tmp_path):
    s = farmcli.settle(SAMPLE, 2022)
    frames = s.frames()
    towns = frames["乡镇汇总"]
    assert list(towns.columns)[:3] == ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"]
    assert all(isinstance(v, Decimal) for v in towns["补助金额(元)"])
    assert towns.iloc[-1]["乡镇名称"] == "合计"
    assert sum(towns["补助金额(元)"].iloc[:-1]) == towns.iloc[-1]["补助金额(元)"]
    cli = json.loads(run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--json").stdout)
    assert set(frames) == set(cli["tables"])
    for name, frame in frames.items():
        assert len(frame) == len(cli["tables"][name]), name


def test_settings_win_like_set_and_check_lists_findings():
    s = farmcli.settle(SAMPLE, 2022, settings={"补助标准": 2100})
    assert s.parameters["补助标准"] == Decimal(2100)
    # the sample's accepted area is 6,389.38 亩 (12,778,760.00 / 2000): × 2100, exact to the 分
    assert s.totals["补助金额(元)"] == Decimal("13417698.00")
    findings = farmcli.check(SAMPLE, policy="taojiang", year=2022)
    assert findings and all(isinstance(f, farmcli.Finding) for f in findings)
    assert [f.severity for f in findings] == sorted((f.severity for f in findings),
                                                    key=["error", "warning", "info"].index)


def test_a_settlement_is_never_changed(tmp_path):
    s = farmcli.settle(SAMPLE, 2022)
    before = dict(s.totals)
    with pytest.raises(AttributeError):
        s.totals = {}
    w1 = s.write(tmp_path)
    w2 = s.write(tmp_path)
    assert w1.changes.previous is None and w2.changes.previous is not None and w2.changes.items == []
    assert s.totals == before
    assert set(w1.paths) >= {"workbook", "report"}


@pytest.mark.parametrize("call, needle", [
    (lambda: farmcli.settle(SAMPLE, "2022年"), "2022"),
    (lambda: farmcli.settle(SAMPLE, 2022.0), "年度"),
    (lambda: farmcli.settle(123, 2022), "路径"),
    (lambda: farmcli.settle(SAMPLE, 2022, settings=["补助标准"]), "dict"),
    (lambda: farmcli.settle(SAMPLE, 2022, settings={"补助标准": 0.1}), "浮点"),
    (lambda: farmcli.settle(SAMPLE, 2022, settings={"没有这个参数": "1"}), "没有这个参数"),
    (lambda: farmcli.settle(SAMPLE, 2022, as_of="明天"), "as_of"),
    (lambda: farmcli.settle(SAMPLE, 2022, policy="nope"), "nope"),
    (lambda: farmcli.settle(ROOT / "nope.xlsx", 2022), "找不到"),
    (lambda: farmcli.check(SAMPLE, year="x"), "年份"),
    (lambda: farmcli.settle(SAMPLE, 2022, quiet=True), "quiet"),
    (lambda: farmcli.settle(SAMPLE, 2022, out="结算"), "Settlement.write"),
    (lambda: farmcli.check(SAMPLE, json=True), "json"),
])
def test_mistakes_raise_farmclis_own_exception(call, needle):
    with pytest.raises(farmcli.FarmcliError) as caught:
        call()
    assert needle in str(caught.value)


def test_as_of_accepts_a_date_or_text_and_is_used():
    jiangsu = ROOT / "sample_data" / "jiangsu-fund-2024.xlsx"
    a = farmcli.settle(jiangsu, 2024, as_of=dt.date(2025, 7, 1))
    b = farmcli.settle(jiangsu, 2024, as_of="2025-07-01")
    assert a.totals == b.totals and a.totals["结算基准日"] == "2025-07-01"
    assert farmcli.settle(jiangsu, 2024).totals["结算基准日"] == "2024-12-31"


def test_import_is_light_and_the_function_stays_callable():
    code = ("import sys, farmcli, farmcli.settlement.build; assert callable(farmcli.settle); "
            "assert 'pandas' not in sys.modules, 'import farmcli loaded pandas'; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr
