"""anhui-assessment (SPEC §2.3): the sample ledger; hand-worked cases are in tests/cases/anhui-assessment/*.toml.

From 安徽省耕地保护责任目标考核奖惩通知 (seed 002).

二(一)2: the gap is split 10% a year over 2023–2027. 二(一)3: 统筹补充、挂钩节余、生态退耕 reduce the gap.
二(二): over- and under-completion both carry to the next year; the central share comes off first.
二(三)1: 480 元/亩/年. 二(三)2: the pool is shared by weight, with its three special cases.
"""

import json

from conftest import ROOT, run_cli

SAMPLE = ROOT / "sample_data" / "anhui-assessment-2025.xlsx"


def test_sample_has_sixteen_cities_and_every_special_case(tmp_path):
    result = run_cli("settle", "2025", str(SAMPLE), "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    gap_cities = {r["市名称"] for r in doc["tables"]["缺口市考核"]}
    reward_cities = {r["市名称"] for r in doc["tables"]["超额市奖励"]}
    assert len(gap_cities | reward_cities) == 16
    codes = {f["code"] for f in doc["findings"]}
    assert {"BELOW_CURRENT_PLAN", "BELOW_ORIGINAL_PLAN"} <= codes
    assert "安庆市" in reward_cities  # converted
    assert doc["totals"]["经济奖励合计(元)"] == doc["totals"]["奖励资金池(元)"] == 108000.0
    assert doc["parameters"]["中央上缴比例"]["source"] == "设置!B6"
