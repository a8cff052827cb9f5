"""The CLI end to end, as a separate process: exit codes, --json, the workbook, the report."""

import json

import openpyxl
import pytest

from package_check import check_package
from conftest import ROOT, SAMPLE, TOWN_HEADER, digest, run_cli

SETTINGS = [["项目", "值"], ["政策", "taojiang"]]


@pytest.fixture(scope="module")
def settled(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    before = digest(SAMPLE)
    result = run_cli("settle", "2022", str(SAMPLE), "--out", str(out), "--json")
    assert digest(SAMPLE) == before, "the input ledger must never be modified"
    return result, out


def test_sample_exit_0_and_json_is_the_only_stdout(settled):
    result, out = settled
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == {"policy", "year", "outputs", "totals", "tables", "findings", "parameters", "changes"}
    assert doc["policy"] == "taojiang" and doc["year"] == 2022
    assert doc["totals"]["补助金额(元)"] == 12778760.0
    assert doc["totals"]["已拨付(元)"] == 11807238.0
    assert doc["totals"]["完成比例"] == pytest.approx(0.9259971, abs=1e-7)
    assert doc["parameters"]["补助标准"] == {"value": 2000, "unit": "元/亩", "source": "default",
                                        "citation": "桃江以奖代补自评报告 六(二)一)6"}
    rows = doc["tables"]["乡镇汇总"]
    assert len(rows) == 16 and rows[-1]["乡镇名称"] == "合计"
    xiushan = next(r for r in rows if r["乡镇名称"] == "修山镇")
    assert xiushan["补助金额(元)"] == 783740.0 and xiushan["完成比例"] == pytest.approx(1.169761, abs=1e-6)
    assert list(xiushan)[:10] == ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "完成比例", "验收入库面积(亩)",
                                  "合同金额(元)", "补助金额(元)", "应拨(元)", "已拨付(元)", "待拨付(元)"]
    assert {r["批次"] for r in doc["tables"]["拨付计划"]} == {"首笔", "尾款"}
    assert [f for f in doc["findings"] if f["severity"] == "error"] == []
    # The money settles cleanly; the only warnings are the performance audit's (SPEC §4).
    # and the auditor's cross-checks on the report's own figures (交叉核对, issue 27 §2).
    assert {f["code"] for f in doc["findings"] if f["severity"] == "warning"} == {
        "PERF_CLAIM_DIFFERS", "PERF_TOTAL_DIFFERS", "CROSS_BUDGET", "CROSS_FUNDS_IDLE", "CROSS_PAID_OVER_CONTRACT"}
    assert doc["totals"]["绩效总分"] == 99.26 and doc["totals"]["自评总分"] == 99.5 and doc["totals"]["评价等级"] == "优"
    perf = doc["tables"]["绩效评分"]
    assert len(perf) == 46 and list(perf[0]) == ["一级指标", "二级指标", "三级指标", "序号", "指标内容", "指标说明", "分值",
                                                  "自评得分", "审核得分", "依据或公式"]
    assert doc["outputs"]["workbook"].startswith(str(out))


def test_workbook_opens_on_the_results_in_front_of_the_ledger(settled):
    _, out = settled
    path = next(out.glob("*.xlsx"))
    check_package(path)
    wb = openpyxl.load_workbook(path)
    # SPEC §3: the result sheets in front (结算总览 shown on opening), the ledger's own sheets behind.
    # The record (issue 25 §3) rides behind the results as a very hidden sheet.
    from farmcli.outputs.workbook.record import RECORD_SHEET

    assert wb.sheetnames == ["结算总览", "乡镇汇总", "拨付计划", "绩效评分", "基础数据表", "资金拨付审批表", "图表", "变更", "发现问题",
                             "参数", RECORD_SHEET, "设置", "乡镇", "拨付明细", "资金", "绩效", "别名"]
    assert wb[RECORD_SHEET].sheet_state == "veryHidden"
    assert wb.active.title == "结算总览"
    # The ledger's own sheet, value for value (its parts are copied as saved).
    ledger = openpyxl.load_workbook(SAMPLE)
    for name in ledger.sheetnames:
        original = [[c for c in row] for row in ledger[name].iter_rows(values_only=True)]
        copied = [[c for c in row] for row in wb[name].iter_rows(values_only=True)]
        assert copied == original, name
    ws = wb["乡镇汇总"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"]
    # the table ends on its 合计 row; the 依据 every township shares is printed once below it (issue 26 §3)
    assert ws.cell(ws.max_row, 1).value.startswith("依据：") and ws.cell(ws.max_row - 1, 1).value is None
    last = [c for c in ws[ws.max_row - 2]]
    assert last[0].value == "合计" and last[header.index("补助金额(元)")].value == 12778760
    assert last[header.index("补助金额(元)")].number_format == "#,##0.00"
    assert ws.cell(2, header.index("完成比例") + 1).number_format == "0.00%"
    assert ws.freeze_panes == "A2"
    params = {r[0]: r for r in wb["参数"].iter_rows(min_row=2, values_only=True)}
    assert params["补助标准"][1] == 2000 and "六(二)一)6" in params["补助标准"][5]  # a number, not text


def test_report_has_every_section(settled):
    _, out = settled
    report = next(out.glob("*.md")).read_text(encoding="utf-8")
    for section in ("## 一、基本情况", "## 二、结算结果", "## 三、资金拨付", "## 四、存在问题", "## 五、拨付建议",
                    "## 附表1　拨付计划", "参数与依据", "资金拨付审批表"):
        assert section in report
    assert "| 修山镇 | 335.00 | 391.87 | 116.98% |" in report
    assert "12,778,760.00" in report and "桃江以奖代补自评报告 六(二)一)6" in report


def test_human_summary_and_outputs_named(tmp_path):
    result = run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path))
    assert result.returncode == 0
    assert "补助金额(元)" in result.stdout and "12,778,760.00" in result.stdout
    assert "\x1b[" not in result.stdout  # no escape codes when not a terminal
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["taojiang-2022-2022年度结算.xlsx",
                                                          "taojiang-2022-2022年度结算报告.docx",
                                                          "taojiang-2022-2022年度结算报告.md"]


def test_quiet_prints_nothing_on_success(tmp_path):
    result = run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_same_ledger_same_workbook(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run_cli("settle", "2022", str(SAMPLE), "--out", str(a), "--quiet")
    run_cli("settle", "2022", str(SAMPLE), "--out", str(b), "--quiet")
    assert digest(next(a.glob("*.xlsx"))) == digest(next(b.glob("*.xlsx")))


def test_exit_1_with_error_findings_still_writes(ledger, tmp_path):
    path = ledger(设置=SETTINGS, 乡镇=[TOWN_HEADER, ["甲镇", 100, 70, None, None, None, 100000]])
    result = run_cli("settle", "2022", str(path), "--out", str(tmp_path / "o"), "--json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert [f["code"] for f in doc["findings"] if f["severity"] == "error"] == ["OVERPAID"]
    assert doc["findings"][0]["location"] == "乡镇!G2"
    assert "1 项错误" in result.stderr
    assert len([p for p in (tmp_path / "o").iterdir() if not p.name.startswith(".")]) == 3  # workbook, Word report, Markdown report


def test_hostile_text_is_written_as_text(ledger, tmp_path):
    path = ledger(设置=SETTINGS, 乡镇=[TOWN_HEADER, ["甲镇", 100, 100, 100, None, None, None]],
                  拨付明细=[["单位名称", "金额(元)"], ["x", 5], ["x", 1], ["x", 1]])
    wb = openpyxl.load_workbook(path)
    for cell, text in zip(("A2", "A3", "A4"), ('=HYPERLINK("http://x","点我")', "@SUM(A1)", "+1-2")):
        wb["拨付明细"][cell].value = text
        wb["拨付明细"][cell].data_type = "s"  # text that looks like a formula, as a clerk may paste it
    wb.save(path)
    result = run_cli("settle", "2022", str(path), "--out", str(tmp_path / "o"), "--quiet")
    assert result.returncode == 1  # the names match no township
    wb = openpyxl.load_workbook(next((tmp_path / "o").glob("*.xlsx")))
    cell = wb["拨付明细"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert [wb["拨付明细"][c].value for c in ("A3", "A4")] == ["@SUM(A1)", "+1-2"]
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


EXIT_2_CASES = [
    ("missing file", lambda p, t: ["settle", "2022", str(t / "nope.xlsx")], "找不到台账文件"),
    ("not a workbook", lambda p, t: ["settle", "2022", str(_write(t / "x.xlsx", b"hello"))], "不是 Excel 工作簿"),
    ("unknown policy", lambda p, t: ["settle", "2022", str(p), "--policy", "nosuch"], "未知的政策“nosuch”"),
    ("unknown --set", lambda p, t: ["settle", "2022", str(p), "--set", "补助=1"], "不是政策 taojiang 的参数"),
    ("malformed --set", lambda p, t: ["settle", "2022", str(p), "--set", "补助标准"], "--set 参数名=值"),
    ("bad --set value", lambda p, t: ["settle", "2022", str(p), "--set", "补助标准=abc"], "补助标准"),
    ("year not in force", lambda p, t: ["settle", "2023", str(p)], "没有生效的值"),
    ("out is a file", lambda p, t: ["settle", "2022", str(p), "--out", str(_write(t / "f", b"x"))], "是一个文件"),
    ("bad year", lambda p, t: ["settle", "二〇二二", str(p)], "不是四位数字的年份"),
]


def _write(path, content):
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("label, args, message", EXIT_2_CASES, ids=[c[0] for c in EXIT_2_CASES])
def test_exit_2_one_clear_message_no_traceback(ledger, tmp_path, label, args, message):
    path = ledger(设置=SETTINGS, 乡镇=[TOWN_HEADER, ["甲镇", 100, 100, 100, None, None, None]])
    before = digest(path)
    result = run_cli(*args(path, tmp_path))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert digest(path) == before
    assert not list(tmp_path.glob("*.md"))


def test_missing_column_names_sheet_column_and_file(ledger, tmp_path):
    path = ledger(设置=SETTINGS, 乡镇=[["乡镇名称", "实施恢复面积(亩)"], ["甲镇", 1]])
    result = run_cli("settle", "2022", str(path), "--out", str(tmp_path))
    assert result.returncode == 2
    assert str(path) in result.stderr and "「乡镇」" in result.stderr and "下达任务(亩)" in result.stderr
    assert list(tmp_path.iterdir()) == [path]


def test_check_writes_nothing_and_uses_settle_exit_codes(ledger, tmp_path):
    good = run_cli("check", str(SAMPLE))
    assert good.returncode == 0 and "[错误]" not in good.stdout and "PERF_CLAIM_DIFFERS" in good.stdout
    path = ledger(设置=SETTINGS + [["年度", 2022]], 乡镇=[TOWN_HEADER, ["甲镇", 100, 70, None, None, None, 100000]])
    bad = run_cli("check", str(path), "--json")
    assert bad.returncode == 1
    assert [f["code"] for f in json.loads(bad.stdout)["findings"]] == ["OVERPAID", "ESTIMATE", "PERF_NO_SHEET"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert run_cli("check", str(tmp_path / "none.xlsx")).returncode == 2


def test_template_is_a_ledger_farmcli_reads(tmp_path):
    target = tmp_path / "blank.xlsx"
    result = run_cli("template", "taojiang", "--out", str(target))
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["设置", "乡镇", "图斑", "拨付明细", "绩效", "资金", "别名", "说明"]
    assert wb["设置"]["A2"].value == "政策" and wb["设置"]["B2"].value == "taojiang"
    lists = [dv.formula1 for dv in wb["图斑"].data_validations.dataValidation if dv.type == "list"]
    assert lists == ['"未实施,已实施,已验收入库"']
    notes = [row[1] for row in wb["说明"].iter_rows(values_only=True)]
    assert "下达任务(亩)" in notes and "验收日期" in notes
    # A blank ledger settles: no data is not an error, just nothing to pay.
    settled = run_cli("settle", "2022", str(target), "--out", str(tmp_path / "o"), "--json")
    assert settled.returncode == 0, settled.stderr
    assert json.loads(settled.stdout)["totals"]["补助金额(元)"] == 0.0


def test_policies_lists_parameters(tmp_path):
    result = run_cli("policies", "--json")
    doc = json.loads(result.stdout)
    taojiang = next(p for p in doc if p["id"] == "taojiang")
    assert {p["name"] for p in taojiang["parameters"]} == {"补助标准", "验收截止日期", "首笔拨付进度", "首笔拨付比例",
                                                          "组织实施截止日期", "验收确认截止日期"}  # 三(一)1, 2 (issue 27)
    human = run_cli("policies")
    assert "补助标准 = 2,000.00 元/亩" in human.stdout and "首笔拨付比例 = 30.00%" in human.stdout
    # farmcli policies and the README agree on what is required (issue 27 §3): jinning's 启动资金计提比例 is optional.
    assert "启动资金计提比例 = 无（设置后才适用）" in human.stdout
    assert "| 启动资金计提比例 | 无（设置后才适用） |" in (ROOT / "README.md").read_text("utf-8")


def test_version_and_help_do_not_import_pandas():
    assert run_cli("--version").stdout.strip().startswith("farmcli ")
    import subprocess
    import sys

    code = "import sys; from farmcli.cli import app; sys.argv=['farmcli','--help']\n" \
           "try:\n    app()\nexcept SystemExit:\n    pass\nprint('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().endswith("False")


@pytest.mark.parametrize("policy, year, code", [("taojiang", "2022", 0), ("jinning", "2023", 0),
                                                ("anhui-assessment", "2025", 2), ("anhui-incentive", "2024", 0),
                                                ("jiangsu-fund", "2024", 0)])
def test_every_blank_template_is_a_ledger_farmcli_reads(tmp_path, policy, year, code):
    # A blank ledger settles to nothing; anhui-assessment stops until its required 中央上缴比例 is set.
    target = tmp_path / f"{policy}.xlsx"
    assert run_cli("template", policy, "--out", str(target)).returncode == 0
    wb = openpyxl.load_workbook(target)
    assert "说明" in wb.sheetnames and wb["设置"]["B2"].value == policy
    result = run_cli("settle", year, str(target), "--out", str(tmp_path / "o"), "--quiet")
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    if code == 2:
        assert "中央上缴比例" in result.stderr
        assert run_cli("settle", year, str(target), "--out", str(tmp_path / "o"), "--quiet",
                       "--set", "中央上缴比例=10%").returncode == 0
