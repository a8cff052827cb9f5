"""绩效评分 (SPEC §4): each formula at its boundaries, frameworks, the 附件2 sheet layout.

Ledger-in/figures-out cases (the report's own 98.76, judgements, 设置 inputs) are in tests/cases/scoring/*.toml.

Rules and points from 附件2 of the Taojiang report (seed 004); grade bands from 财预〔2020〕10号.
"""

import csv
import datetime as dt
import json
import re
from decimal import Decimal as D

import pytest

from farmcli.model.findings import LedgerError
from farmcli.model.params import resolve
from farmcli.scoring.framework import default_framework, framework_from_rows
from farmcli.scoring.pipeline import scoring_parameters
from farmcli.scoring.rules import RULES, Fund, ScoringInputs
from farmcli.scoring.score import grade

from conftest import ROOT, run_cli

P = {k: v.value for k, v in resolve(scoring_parameters(), 2022, {}, {}).items()}
FRAMEWORK_CSV = ROOT / "farmcli" / "scoring" / "附件2.csv"


def rule(name, points, **inputs):
    return RULES[name](ScoringInputs(**inputs), D(points), P).score


def test_default_framework_is_the_full_attachment_2():
    f = default_framework()
    assert len(f.items) == 45 and sum(i.points for i in f.items) == 100
    by_level1 = {}
    for i in f.items:
        by_level1[i.level1] = i.points1
    assert by_level1 == {"投入": 15, "过程": 25, "产出": 30, "效果": 30}
    assert [i.level3 for i in f.items if i.rule] == ["资金到位率", "到位及时率", "计划完成率", "完成及时率", "质量达标率",
                                                     "成本节约率", "社会公众或服务对象满意度"]


@pytest.mark.parametrize("satisfaction, expected", [
    ("0.95", "5"), ("0.9499", "3.00"), ("0.80", "3.00"), ("0.7999", "0"), ("1", "5"),
])
def test_satisfaction_bands(satisfaction, expected):
    # 附件2 满意度: 95%及以上计5分，80%（含）——95%（不含）3分，80%以下不计分.
    assert rule("满意度", 5, satisfaction=D(satisfaction)) == D(expected)


@pytest.mark.parametrize("planned, actual, exempt, expected", [
    (100, 99, None, "10"),  # saving > 0: full points
    (100, 100, None, "9.00"),  # = 0: nine tenths
    (100, "100.01", None, "5.00"),  # 0.01% over: just under half points (4.9995 → 5.00)
    (100, 105, None, "2.50"),  # 5% over: 10 × 50% × (1 − 5%/10%)
    (100, 110, None, "0.00"),  # the 10% line: 0
    (100, 112, None, "0.00"),
    (100, 112, True, "10"),  # 成本超支不扣分 (市场因素或不可抗力)
])
def test_cost_saving(planned, actual, exempt, expected):
    assert rule("成本节约率", 10, planned_cost=D(planned), actual_cost=D(actual), overrun_exempt=exempt) == D(expected)


def test_on_time_and_late():
    start, plan = dt.date(2022, 1, 1), dt.date(2022, 12, 31)
    assert rule("完成及时率", 5, planned_date=plan, actual_date=plan) == D(5)
    assert rule("完成及时率", 5, planned_date=plan, actual_date=dt.date(2022, 6, 1)) == D(5)
    # 30 days late over a 364-day plan: 5 × (1 − 30/364) = 4.5879… → 4.59.
    assert rule("完成及时率", 5, planned_date=plan, actual_date=dt.date(2023, 1, 30), start_date=start) == D("4.59")
    assert rule("完成及时率", 5, planned_date=plan, actual_date=dt.date(2024, 6, 1), start_date=start) == D("0.00")
    assert rule("完成及时率", 5, planned_date=plan, actual_date=dt.date(2023, 1, 30)) is None  # no start date


def test_funds_in_place_and_on_time():
    funds = [Fund("市级", D(100), D(100), dt.date(2022, 3, 1), dt.date(2022, 3, 1)),
             Fund("县级", D(300), D(200), dt.date(2022, 3, 1), dt.date(2022, 4, 1))]
    assert rule("资金到位率", 1, funds=funds) == D("0.75")  # 300 / 400
    assert rule("到位及时率", 1, funds=funds) == D("0.25")  # only 市级 100 on time / 400
    assert rule("资金到位率", 1, funds=[Fund("x", D(100), D(120), None, None)]) == D(1)  # capped
    assert rule("到位及时率", 1, funds=[Fund("x", D(100), D(100), None, None)]) is None  # dates missing
    assert rule("资金到位率", 1, funds=[]) is None


def test_plan_completion_and_quality():
    # The Taojiang report: 6389.38 of 6900 亩 → 10 × 92.5997% = 9.26 (SPEC §4).
    assert rule("计划完成率", 10, planned_output=D(6900), actual_output=D("6389.38")) == D("9.26")
    assert rule("计划完成率", 10, planned_output=D(335), actual_output=D("391.87")) == D(10)  # capped
    assert rule("质量达标率", 5, actual_output=D(100), quality_output=D(90)) == D("4.50")
    assert rule("质量达标率", 5, actual_output=D(100)) is None


@pytest.mark.parametrize("total, expected", [("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"),
                                             ("60", "中"), ("59.99", "差")])
def test_grade_bands(total, expected):
    assert grade(D(total), P) == expected


# The report's own figures only: task and completion (四、6), funds (二(一)), claims (附件2).
REPORT_TOWNS = [["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"], ["鲇埠回族乡", 168, 157.21], ["桃花江镇", 695, 694.36],
                ["牛田镇", 273, 255.52], ["修山镇", 335, 391.87], ["大栗港镇", 500, 490.32], ["高桥镇", 273, 288.08],
                ["鸬鹚渡镇", 227, 222.3], ["松木塘镇", 402, 329.66], ["沾溪镇", 190, 192.6], ["马迹塘镇", 320, 240.19],
                ["石牛江镇", 318, 335.68], ["灰山港镇", 1447, 1152.51], ["武潭镇", 890, 799.47], ["浮邱山乡", 404, 367.59],
                ["三堂街镇", 458, 472.02]]
REPORT_FUNDS = [["资金来源", "计划金额(万元)", "到位金额(万元)"], ["市级财政资金", 63, 63], ["县级自筹资金", 1380, 1380]]


def report_claims(changes=None):
    changes = changes or {}
    rows = [["三级指标", "序号", "自评得分"]]
    for item in default_framework().items:
        claimed = changes.get((item.level3, item.seq), 4.5 if item.level3 == "质量达标率" else float(item.points))
        if claimed != "omit":
            rows.append([item.level3, item.seq, claimed])
    return rows


def write_framework(path, mutate):
    rows = list(csv.DictReader(FRAMEWORK_CSV.open(encoding="utf-8")))
    mutate(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("label, mutate, message", [
    ("item sum", lambda rows: rows[0].update({"分值": "2"}), "“立项规范性”的分值为 3，而其下各项之和为 4"),
    ("total", lambda rows: [r.update({"一级分值": "16"}) for r in rows if r["一级指标"] == "投入"], "“投入”的分值为 16"),
    ("formula", lambda rows: rows[13].update({"公式": "到位率"}), "公式“到位率”不认识"),
    ("points", lambda rows: rows[0].update({"分值": "一分"}), "须为不小于 0 的数字"),
    ("duplicate", lambda rows: rows[1].update({"序号": "1"}), "序号 1 重复"),
])
def test_malformed_framework_is_refused(tmp_path, label, mutate, message):
    path = write_framework(tmp_path / "f.csv", mutate)
    with pytest.raises(LedgerError, match=message):
        framework_from_rows(list(csv.DictReader(path.open(encoding="utf-8"))), str(path))


def test_framework_total_must_be_100():
    rows = [{"一级指标": "甲", "一级分值": "50", "二级指标": "乙", "二级分值": "50", "三级指标": "丙", "三级分值": "50",
             "序号": "1", "分值": "50"}]
    with pytest.raises(LedgerError, match="应为 100"):
        framework_from_rows(rows, "test")


def test_another_framework_from_a_file(ledger, tmp_path):
    # The same framework as tests/cases/scoring/framework-sheet.toml, given with --framework instead of a sheet.
    rows = [["一级指标", "一级分值", "二级指标", "二级分值", "三级指标", "三级分值", "序号", "指标说明", "分值", "公式"],
            ["产出", 100, "产出", 100, "计划完成率", 60, 1, "按比例", 60, "计划完成率"],
            ["产出", 100, "产出", 100, "群众评价", 40, 1, "评判", 40, None]]
    claims = [["三级指标", "序号", "自评得分"], ["计划完成率", 1, 60], ["群众评价", 1, 38]]
    csv_path = tmp_path / "框架.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    plain = ledger(设置=[["项目", "值"], ["政策", "taojiang"]], 乡镇=REPORT_TOWNS, 绩效=claims)
    result = run_cli("settle", "2022", str(plain), "--framework", str(csv_path), "--out", str(tmp_path / "o"), "--json")
    assert json.loads(result.stdout)["totals"]["绩效总分"] == 93.56  # 60 × 92.5997% = 55.56, + 38


def test_cli_refuses_a_bad_framework_with_exit_2(ledger, tmp_path):
    bad = write_framework(tmp_path / "bad.csv", lambda rows: rows[0].update({"分值": "2"}))
    path = ledger(设置=[["项目", "值"], ["政策", "taojiang"]], 乡镇=REPORT_TOWNS, 绩效=report_claims())
    result = run_cli("settle", "2022", str(path), "--framework", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "评分框架" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_workbook_sheet_is_laid_out_like_attachment_2(ledger, tmp_path):
    import openpyxl

    path = ledger(设置=[["项目", "值"], ["政策", "taojiang"]], 乡镇=REPORT_TOWNS, 资金=REPORT_FUNDS, 绩效=report_claims())
    out = tmp_path / "out"
    result = run_cli("settle", "2022", str(path), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    ws = openpyxl.load_workbook(next(out.glob("*.xlsx")))["绩效评分"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A2:A16", "B2:B14", "C2:C4", "D2:D4", "A47:E47"} <= merged
    assert ws["A2"].value == "投入（15分）" and ws["B2"].value == "项目立项（13分）" and ws["C2"].value == "立项规范性（3分）"
    assert ws["E2"].value.startswith("1、项目是否按照规定的程序申请设立")
    assert [ws.cell(47, c).value for c in (1, 6, 7, 8)] == ["总分", 100, 99.5, 98.76]
    assert [ws.cell(48, c).value for c in (1, 7, 8)] == ["评价等级", "优", "优"]
    report = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert "审核总分 98.76 分，评价等级 优" in report and re.search(r"^## 附表\d+　绩效评分$", report, re.M)
    assert "计划完成率 自评 10 分，按台账计算为 9.26 分" in report and "**基础数据表**" in report
