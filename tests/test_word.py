"""The Word report (.docx): what the bureau files and prints (SPEC §3)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from conftest import SAMPLE, run_cli
from farmcli.outputs.reports.daxie import daxie
from farmcli.outputs.reports.word import chinese_date, report_date

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def settled(tmp_path_factory):
    out = tmp_path_factory.mktemp("word")
    r = run_cli("settle", "2022", str(SAMPLE), "--out", str(out), "--json", env={"FARMCLI_REPORT_DATE": "2023-07-08"})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), out


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_word_report_is_an_output_named_like_the_others(settled):
    doc, out = settled
    word = Path(doc["outputs"]["word"])
    assert word == out / "taojiang-2022-2022年度结算报告.docx" and word.exists()
    assert list(doc["outputs"]) == ["workbook", "word", "report"]
    report = (out / "taojiang-2022-2022年度结算报告.md").read_text(encoding="utf-8")
    assert report.startswith("# 桃江县2022年度恢复耕地以奖代补结算报告")
    text = text_of(docx.Document(word))
    for body in (report, text):  # the body never names the program, the ledger or the outputs (issue 26 §2)
        assert "farmcli" not in body and "taojiang-2022" not in body and ".xlsx" not in body and str(out) not in body
        assert "SPEC" not in body and "seeds/" not in body and "PERF_" not in body


def test_title_sections_closing_and_signatures(settled):
    doc, _ = settled
    d = docx.Document(doc["outputs"]["word"])
    lines = [p.text for p in d.paragraphs]
    assert lines[0] == "桃江县2022年度恢复耕地以奖代补结算报告"
    headings = [t for t in lines if t[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert headings == ["一、基本情况", "二、结算结果", "三、资金拨付", "四、存在问题", "五、拨付建议"]
    assert any(t.startswith("附表1") for t in lines)
    closing = lines.index("桃江县自然资源局")
    assert lines[closing + 1] == "2023年7月8日"
    signature = lines[closing + 2]
    assert "编制人" in signature and "审核人" in signature and "负责人" in signature and "＿" in signature
    assert lines.index("桃江县2022年度恢复耕地以奖代补资金拨付审批表") > closing  # the form is the last page


def test_same_sections_as_the_markdown_report_and_totals_in_words(settled):
    doc, out = settled
    d = docx.Document(doc["outputs"]["word"])
    text = text_of(d)
    report = (out / "taojiang-2022-2022年度结算报告.md").read_text(encoding="utf-8")
    for heading in [line[3:] for line in report.splitlines() if line.startswith("## ")]:
        assert heading in [p.text for p in d.paragraphs], heading
    assert "壹仟贰佰柒拾柒万捌仟柒佰陆拾元整" in text  # 补助金额 12,778,760.00
    assert daxie(Decimal(str(doc["totals"]["待拨付(元)"]))) in text  # 971,522.00
    # the plan: what is due and what is held back, two totals, never one sum read as "pay this much"
    plan = _table_starting(d, "乡镇名称", "批次")
    labels = [row.cells[0].text for row in plan.rows[-2:]]
    assert labels == ["应拨（条件已满足）", "暂不拨付（条件未满足）"]
    assert plan.rows[-2].cells[-1].text == "12,778,760.00" and plan.rows[-1].cells[-1].text == "0.00"
    # the township money table reads left to right: 补助金额, 应拨, 已拨付, 待拨付
    money = _table_starting(d, "乡镇名称", "补助金额(元)")
    assert [c.text for c in money.rows[0].cells] == ["乡镇名称", "补助金额(元)", "应拨(元)", "已拨付(元)", "待拨付(元)"]


def test_a4_gbt_margins_fonts_and_page_numbers(settled):
    doc, _ = settled
    d = docx.Document(doc["outputs"]["word"])
    body = d.sections[0]
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    assert [round(getattr(body, f"{side}_margin").mm) for side in ("top", "bottom", "left", "right")] == [37, 35, 28, 26]
    last = d.sections[-1]  # the 审批表: landscape A4
    assert (round(last.page_width.mm), round(last.page_height.mm)) == (297, 210)
    footer = d.sections[0].footer.paragraphs[0]
    assert " PAGE " in footer._p.xml and footer.text.startswith("— ") and footer.text.endswith(" —")
    assert all(r.font.size.pt == 14 and r.font.name == "宋体" for r in footer.runs)  # 4号 宋体
    fonts = d.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"

    def font(p):
        run = p.runs[0]
        return run._element.rPr.rFonts.get(qn("w:eastAsia")), run.font.size.pt, bool(run.bold)
    paragraphs = {p.text: p for p in d.paragraphs if p.runs}
    assert font(d.paragraphs[0]) == ("方正小标宋简体", 22, False)  # 2号 小标宋
    assert font(paragraphs["一、基本情况"]) == ("黑体", 16, False)  # 3号 黑体
    body_text = next(p for t, p in paragraphs.items() if t.startswith("根据《"))
    assert font(body_text) == ("仿宋", 16, False)  # 3号 仿宋
    caption = next(p for t, p in paragraphs.items() if t.startswith("表1"))
    assert caption.text == "表1　各乡镇恢复耕地完成情况" and paragraphs["单位：亩"]
    cell = _table_starting(d, "乡镇名称", "补助金额(元)").rows[1].cells[1].paragraphs[0].runs[0]
    assert cell._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体" and cell.font.size.pt == 10.5  # 五号 宋体


@pytest.mark.parametrize("stem, year", [("jiangsu-fund-2024", 2024), ("anhui-assessment-2025", 2025),
                                        ("anhui-incentive-2024", 2024), ("jinning-2023", 2023)])
def test_every_policy_gets_a_word_report(tmp_path, stem, year):
    r = run_cli("settle", str(year), str(ROOT / "sample_data" / f"{stem}.xlsx"), "--out", str(tmp_path), "--json")
    assert r.returncode in (0, 1), r.stderr
    doc = json.loads(r.stdout)
    text = text_of(docx.Document(doc["outputs"]["word"]))
    assert "编制人" in text and "一、基本情况" in text and "四、存在问题" in text
    if stem.startswith("jiangsu"):
        assert "应收回合计" in text


def test_the_date_is_today_unless_fixed(monkeypatch):
    monkeypatch.delenv("FARMCLI_REPORT_DATE", raising=False)
    assert report_date() == dt.date.today()
    monkeypatch.setenv("FARMCLI_REPORT_DATE", "2024-01-05")
    assert chinese_date(report_date()) == "2024年1月5日"
    assert report_date(dt.date(2022, 12, 31)) == dt.date(2022, 12, 31)


def test_a_bad_fixed_date_is_a_clear_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("FARMCLI_REPORT_DATE", "明天")
    r = run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path))
    assert r.returncode == 2 and "FARMCLI_REPORT_DATE" in r.stderr and "Traceback" not in r.stderr
    assert not list(tmp_path.glob("*.xlsx"))  # nothing half-written


def _table_starting(d, *header):
    return next(t for t in d.tables if [c.text for c in t.rows[0].cells][:len(header)] == list(header))


def test_a_table_with_its_own_subtotals_gets_no_invented_total(settled):
    """基础数据表 has its own 小计 rows: the Word table, like the workbook's and the Markdown's, has no
    合计 row (re-summing the shown text counted the 资金 小计 twice and added 已拨付 into 到位)."""
    doc, out = settled
    d = docx.Document(doc["outputs"]["word"])
    basic = _table_starting(d, "类别", "项目", "计划金额(元)")
    labels = [row.cells[0].text for row in basic.rows]
    assert "合计" not in labels
    report = (out / "taojiang-2022-2022年度结算报告.md").read_text(encoding="utf-8")
    section = report[report.index("**基础数据表**"):]
    markdown_rows = [line for line in section.split("\n\n")[1].splitlines()[2:]]
    assert len(basic.rows) == 1 + len(markdown_rows)  # the header and exactly the Markdown's rows
    sheet = openpyxl.load_workbook(doc["outputs"]["workbook"])["基础数据表"]
    assert "合计" not in [r[0] for r in sheet.iter_rows(values_only=True)]


def pending_recovery_ledger(ledger):
    """Two jiangsu-fund projects: JS-1 accepted (合格) with 实际支出 blank, so its 应收回 is pending;
    JS-2 failed again after rectification, so all 800,000 allocated is recovered.
    (JS-1's 地方统筹 is pending too.)"""
    return ledger(项目=[
        ["项目编号", "项目名称", "总投资(元)", "已下达资金(元)", "实际支出(元)", "计划完成日期", "验收结果"],
        ["JS-1", "甲项目", 1000000, 900000, None, "2024-06-30", "合格"],
        ["JS-2", "乙项目", 1000000, 800000, 700000, "2024-06-30", "整改后不合格"],
    ])


def test_a_pending_amount_gives_no_partial_total_in_word_nor_workbook(ledger, tmp_path):
    path = pending_recovery_ledger(ledger)
    out = tmp_path / "out"
    r = run_cli("settle", "2024", str(path), "--policy", "jiangsu-fund", "--out", str(out), "--json",
                env={"FARMCLI_REPORT_DATE": "2025-01-08"})
    assert r.returncode in (0, 1), r.stderr
    doc = json.loads(r.stdout)
    rows = {row["项目编号"]: row for row in doc["tables"]["项目结算"]}
    assert rows["JS-1"]["应收回(元)"] is None and rows["JS-2"]["应收回(元)"] == 800000
    assert doc["totals"]["应收回合计(元)"] is None  # pending, never 800,000

    d = docx.Document(doc["outputs"]["word"])
    table = _table_starting(d, "项目编号", "项目名称", "状态")
    header = [c.text for c in table.rows[0].cells]
    total = [c.text for c in table.rows[-1].cells]
    assert total[0] == "合计" and len(table.rows) == 1 + 2 + 1
    assert total[header.index("应收回(元)")] == "待定"  # pending, not the partial 800,000.00 nor a blank
    assert total[header.index("结余(元)")] == "待定"  # JS-1 has no 结余: no partial sum either
    assert total[header.index("地方统筹(元)")] == "待定"  # pending for JS-1 too
    assert "800,000.00" not in total

    sheet = openpyxl.load_workbook(doc["outputs"]["workbook"])["项目结算"]
    values = list(sheet.iter_rows(values_only=True))
    columns, last = values[0], dict(zip(values[0], values[-1]))
    assert last[columns[0]] == "合计"
    assert last["应收回(元)"] == "待定" and last["应收回大写"] == "待定"
    assert last["结余(元)"] == "待定" and last["地方统筹(元)"] == "待定"


def test_readme_cites_only_what_a_reader_can_open():
    """Issue 26 §4: no SPEC § or seeds/ (not in the repository); print the result sheets only; make test's cost."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "SPEC §" not in readme and "seeds/" not in readme
    assert "打印选定工作表" in readme and "“打印整个工作簿”或" not in readme
    assert "需要几分钟" in readme[:600] and "LibreOffice" in readme[:600]
    developing = (ROOT / "docs" / "developing.md").read_text(encoding="utf-8")
    assert "新增一项政策" in developing and "templates/<id>.md.j2" in developing
