"""anhui-incentive (SPEC §2.4): helpers and the sample; hand-worked cases are in tests/cases/anhui-incentive/*.toml.

From 安徽省耕地保护补偿激励及专项资金管理暂行办法 (seed 001).

第五条: a county that missed a target (一) or was summoned (二) recommends no township.
第六条(一)–(六): a township with any of the six unrectified problems is not compensated.
第七条: at least 50% to village collectives. 第八条: misuse in year m bars m+1 and m+2.
第十七条: in force 2022-01-01 for 5 years.
"""

import json

from farmcli.policies.anhui_incentive import misuse_years

from conftest import ROOT, run_cli

SAMPLE = ROOT / "sample_data" / "anhui-incentive-2024.xlsx"


def test_misuse_years_parser():
    assert misuse_years("2022, 2023") == ([2022, 2023], None)
    assert misuse_years(2022.0) == ([2022], None)
    assert misuse_years("去年")[1]


def test_sample_recommendation_list(tmp_path):
    result = run_cli("settle", "2024", str(SAMPLE), "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    results = {r["乡镇名称"]: r["结果"] for r in doc["tables"]["乡镇推荐"]}
    assert results["酒店乡"] == "推荐" and results["赵庄镇"] == "不予推荐" and results["白土镇"] == "候补"
    assert doc["totals"]["激励金额合计(元)"] == 3500000.0
    assert {r["依据"] for r in doc["tables"]["乡镇推荐"] if r["结果"] == "不予推荐"} >= {
        f"皖耕保激励办法 第六条{i}" for i in ("(一)", "(二)", "(三)", "(四)", "(五)", "(六)")}
    report = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "表1　推荐名单" in report and "| 1 | 六安市 | 霍邱县 | 城关镇 |" in report
