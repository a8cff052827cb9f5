"""The result sheets on paper (SPEC §6): A4, one page wide, title, page numbers, borders and a
Chinese font, numbers as numbers, 合计 rows, 大写金额 beside amounts to pay or recover, charts."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from farmcli.outputs.reports.daxie import daxie
from farmcli.outputs.write import write_settlement
from farmcli.settlement.build import settle_ledger

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {"taojiang": ("taojiang-2022", 2022), "jinning": ("jinning-2023", 2023),
           "anhui-assessment": ("anhui-assessment-2025", 2025), "anhui-incentive": ("anhui-incentive-2024", 2024),
           "jiangsu-fund": ("jiangsu-fund-2024", 2024)}
LEDGER_SHEETS = {"设置", "乡镇", "拨付明细", "资金", "绩效", "别名", "图斑"}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    out = {}
    for policy, (stem, year) in SAMPLES.items():
        s = settle_ledger(ROOT / "sample_data" / f"{stem}.xlsx", year)
        paths, _ = write_settlement(s, tmp_path_factory.mktemp(policy))
        out[policy] = (s, Path(paths["workbook"]))
    return out


def result_sheets(s, wb):
    ledger = set(s.sheet_names)
    return [ws for ws in wb.worksheets if ws.title not in ledger and ws.sheet_state == "visible"]  # not the record


def rows_of(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], r)) for r in values[1:]]


@pytest.mark.parametrize("policy", SAMPLES)
def test_every_result_sheet_is_set_up_for_a4(books, policy):
    s, path = books[policy]
    wb = openpyxl.load_workbook(path)
    region = s.meta["地区"]
    results = result_sheets(s, wb)
    assert {ws.title for ws in results} >= {"结算总览", "发现问题", "参数"} | {t.name for t in s.tables}
    for ws in results:
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1), ws.title  # 1 is the default
        # the 资金拨付审批表 is one page (issue 26 §2); the other sheets are one page wide, as long as they are
        form = ws.title in (APPROVAL, RECOVERY)
        assert ws.page_setup.fitToHeight == (1 if form else 0) or (form and ws.page_setup.fitToHeight is None), ws.title
        assert f"{region}{s.year}年度{ws.title}" in ws.oddHeader.center.text, ws.title
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页", ws.title
        if ws.title != "图表":
            assert ws.print_title_rows.replace("$", "") == "1:1", ws.title
            head = ws.cell(1, 1)
            assert head.font.name == "宋体" and head.border.left.style == "thin", ws.title
    assert wb.active.title == "结算总览"


def test_wide_tables_print_landscape_and_long_text_wraps(books):
    s, path = books["taojiang"]
    wb = openpyxl.load_workbook(path)
    assert wb["乡镇汇总"].page_setup.orientation == "landscape"
    assert wb["参数"].page_setup.orientation == "portrait"
    ws = wb["发现问题"]
    header = [c.value for c in ws[1]]
    col = header.index("说明") + 1
    assert ws.cell(2, col).alignment.wrap_text
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width < 30
    long_row = max(range(2, ws.max_row + 1), key=lambda r: len(str(ws.cell(r, col).value or "")))
    assert ws.row_dimensions[long_row].height > 15  # tall enough for the wrapped lines


def test_overview_and_parameters_store_numbers(books):
    s, path = books["taojiang"]
    wb = openpyxl.load_workbook(path)
    overview = {r["项目"]: r for r in rows_of(wb["结算总览"])}
    assert overview["补助金额(元)"]["值"] == 12778760
    assert wb["结算总览"].cell(list(overview).index("补助金额(元)") + 2, 2).number_format == "#,##0.00"
    assert overview["补助金额(元)"]["大写金额"] == "壹仟贰佰柒拾柒万捌仟柒佰陆拾元整"
    assert overview["待拨付(元)"]["大写金额"] == daxie(Decimal("971522.00"))
    assert overview["完成比例"]["值"] == pytest.approx(0.92599710, abs=1e-8)
    assert overview["年度"]["值"] == 2022
    assert overview["合同金额(元)"]["大写金额"] is None  # not an amount to pay
    params = {r["参数"]: r for r in rows_of(wb["参数"])}
    assert params["首笔拨付比例"]["值"] == pytest.approx(0.3)


def test_payment_lines_carry_their_daxie_and_a_total(books):
    s, path = books["taojiang"]
    ws = openpyxl.load_workbook(path)["拨付计划"]
    rows = rows_of(ws)
    header = [c.value for c in ws[1]]
    assert header.index("大写金额") == header.index("金额(元)") + 1
    assert rows[0]["金额(元)"] == 100800 and rows[0]["大写金额"] == "壹拾万零捌佰元整"
    held, total = rows[-2], rows[-1]  # the plan's totals: what is held back, then what is due (issue 26 §1)
    assert held["乡镇名称"] == "暂不拨付（条件未满足）" and held["金额(元)"] == 0 and not held["大写金额"]
    assert total["乡镇名称"] == "应拨（条件已满足）" and total["金额(元)"] == 12778760
    assert total["大写金额"] == "壹仟贰佰柒拾柒万捌仟柒佰陆拾元整"
    assert ws.cell(ws.max_row, 1).font.b


@pytest.mark.parametrize("policy, table, money, label", [
    ("anhui-assessment", "缺口市考核", "经济补偿(元)", "大写金额"),
    ("anhui-assessment", "超额市奖励", "经济奖励(元)", "大写金额"),
    ("anhui-incentive", "乡镇推荐", "激励金额(元)", "大写金额"),
    ("jiangsu-fund", "项目结算", "应收回(元)", "应收回大写"),
    ("jinning", "项目激励", "应拨乡镇(元)", "应拨乡镇大写金额"),
    ("jinning", "乡镇汇总", "应拨(元)", "大写金额"),
])
def test_money_tables_get_a_total_and_daxie(books, policy, table, money, label):
    s, path = books[policy]
    rows = rows_of(openpyxl.load_workbook(path)[table])
    data, total = rows[:-1], rows[-1]
    assert "合计" in total.values()
    exact = sum(Decimal(str(r[money])) for r in data if r[money] is not None)
    assert Decimal(str(total[money])).quantize(Decimal("0.01")) == exact.quantize(Decimal("0.01"))
    assert total[label] == daxie(exact)
    for r in data:
        if r[money] is not None:
            assert r[label] == daxie(Decimal(str(r[money])))
    # the JSON's tables are unchanged: no 合计 row was added to the settlement itself
    own = next(t for t in s.tables if t.name == table)
    assert len(own.rows) == len(data) and all("大写金额" not in r for r in own.rows)


def test_recovery_total_is_labelled(books):
    s, path = books["jiangsu-fund"]
    overview = {r["项目"]: r for r in rows_of(openpyxl.load_workbook(path)["结算总览"])}
    recover = next(t.value for t in s.totals if t.name == "应收回合计(元)")
    assert overview["应收回合计(元)"]["大写金额"] == f"应收回大写：{daxie(recover)}"


@pytest.mark.parametrize("policy, title, sheet", [
    ("taojiang", "各乡镇完成比例", "完成比例"), ("jinning", "各乡镇（街道）激励金额", "乡镇激励(元)"),
    ("jiangsu-fund", "各状态项目资金", "应收回(元)"), ("anhui-assessment", "经济补偿", "经济补偿(元)"),
    ("anhui-incentive", "推荐乡镇激励金额", "激励金额(元)"),
])
def test_native_chart_reads_the_chart_sheet(books, policy, title, sheet):
    _, path = books[policy]
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode("utf-8") for n in sorted(z.namelist()) if re.match(r"xl/charts/chart\d+\.xml", n)]
    assert any(title in c and "图表!" in c for c in charts)
    ws = openpyxl.load_workbook(path)["图表"]
    assert sheet in [c.value for c in ws[1]]


def test_workbook_is_the_same_on_every_run(books, tmp_path):
    s, path = books["jiangsu-fund"]
    again = Path(write_settlement(settle_ledger(ROOT / "sample_data" / "jiangsu-fund-2024.xlsx", 2024),
                                  tmp_path)[0]["workbook"])
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(again) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if "chart" in name or "worksheets" in name:
                assert a.read(name) == b.read(name), name


def printed_scale(ws) -> float:
    """The scale Excel prints the sheet at, one page wide: the columns' pixels (7 a width unit,
    the stored width includes Excel's padding) against A4's width less the sheet's own margins."""
    stored = {}
    for dim in ws.column_dimensions.values():  # openpyxl keeps a <col min max> group under its first letter
        if dim.min and dim.width:
            stored.update({c: dim.width for c in range(dim.min, dim.max + 1)})
    pixels = sum(round(stored.get(c, 9.140625) * 7) for c in range(1, ws.max_column + 1))
    inches = (297 if ws.page_setup.orientation == "landscape" else 210) / 25.4
    printable = (inches - ws.page_margins.left - ws.page_margins.right) * 96
    return min(1.0, printable / pixels)


@pytest.mark.parametrize("policy", SAMPLES)
def test_every_result_sheet_prints_one_page_wide_at_85_percent_or_more(books, policy):
    """SPEC §6 Paper: long 依据, 原因 and 大写 text wraps narrower (landscape where the table is
    wide) instead of shrinking the print; numbers keep their width."""
    s, path = books[policy]
    wb = openpyxl.load_workbook(path)
    for ws in result_sheets(s, wb):
        assert ws.page_setup.orientation in ("portrait", "landscape") and ws.page_setup.paperSize == 9, ws.title
        assert printed_scale(ws) >= 0.85, (ws.title, round(printed_scale(ws), 3))
        for row in ws.iter_rows(min_row=2):
            for cell in row:  # a number is never narrower than it prints (no ####)
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    width = ws.column_dimensions[cell.column_letter].width
                    if width:
                        assert width >= len(f"{cell.value:,.2f}"), (ws.title, cell.coordinate, width)


def test_a_wide_table_wraps_its_text_and_keeps_its_numbers():
    from farmcli.outputs.workbook.sheetprint import MIN_SCALE, landscape_for, scale, widths_for

    names = ["项目编号", "项目名称", "原因", "依据", "金额(元)", "应拨大写金额", "建设单位", "备注"]
    natural = [8, 60, 80, 40, 13, 34, 30, 50]
    least = [10, 0, 0, 0, 15, 0, 0, 0]
    widths = widths_for(names, natural, least)
    assert scale(widths, landscape_for(widths)) >= MIN_SCALE
    assert widths[4] >= 15 and widths[0] == 10  # the number and the short code keep their width
    assert max(widths[1], widths[2], widths[3]) < 36  # the long text wraps
    narrow = widths_for(["参数", "值"], [10, 12])
    assert not landscape_for(narrow) and narrow == [12, 14]  # a narrow table is left as it is


APPROVAL, RECOVERY = "资金拨付审批表", "资金收回审批表"  # a recovery form's sheet says so (jiangsu-fund)


def approval_rows(ws) -> tuple[list[str], list[dict], dict]:
    values = [r for r in ws.iter_rows(values_only=True)]
    header = list(values[0])
    rows = [dict(zip(header, r)) for r in values[1:] if r[1] is not None]
    end = next(n for n, r in enumerate(rows) if r["单位"] == "合计")
    return header, rows[:end], rows[end]


@pytest.mark.parametrize("policy", SAMPLES)
def test_every_sample_has_its_approval_form_in_the_workbook_and_the_word_report(books, policy):
    """Issue 26 §2: a form per policy, 合计 = the sum of its rows, every 大写 right, no negative
    amount (a recovery is 本次收回, positive), one landscape A4 page; the Word report's last table
    says the same."""
    import docx

    s, path = books[policy]
    book = openpyxl.load_workbook(path)
    ws = book[RECOVERY if policy == "jiangsu-fund" else APPROVAL]
    assert (APPROVAL in book.sheetnames) == (policy != "jiangsu-fund")  # never both, never the wrong one
    header, rows, total = approval_rows(ws)
    verb = "收回" if policy == "jiangsu-fund" else "拨付"
    amount, words = f"本次{verb}", f"本次{verb}（大写）"
    assert header[:2] == ["序号", "单位"] and header[-3:] == [amount, words, "备注"], header
    assert rows and [r["序号"] for r in rows] == list(range(1, len(rows) + 1))
    figures = [Decimal(str(r[amount])).quantize(Decimal("0.01")) for r in rows]
    assert all(f >= 0 for f in figures)
    assert all(r[words] == daxie(f) for r, f in zip(rows, figures))
    assert Decimal(str(total[amount])).quantize(Decimal("0.01")) == sum(figures)
    assert total[words] == daxie(sum(figures))
    for column in ("补助总额", "已拨付"):  # where the policy's table has them
        if column in header:
            assert Decimal(str(total[column])) == sum(Decimal(str(r[column])) for r in rows)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight in (1, None)
    assert len(rows) <= 20 and printed_scale(ws) >= 0.85
    assert f"{s.year}年度" in ws.oddHeader.center.text
    word = docx.Document(str(path.with_name(path.stem + "报告.docx")))
    form = word.tables[-2]  # the form, then its approval blocks
    printed = [[c.text for c in r.cells] for r in form.rows]
    assert printed[0] == header
    assert [r[header.index(words)] for r in printed[1:]] == [r[words] for r in rows] + [total[words]]
    text = "\n".join(p.text for p in word.paragraphs)
    assert f"资金{verb}审批表" in text and f"本次{verb}合计 {sum(figures):,.2f} 元（{daxie(sum(figures))}）" in text


def test_a_pending_payee_stays_pending_on_the_form(tmp_path):
    """A township whose amount is pending (待定) is 待定 on the form, and so is the 合计: never 0."""
    from farmcli.outputs.reports.document import build

    s = settle_ledger(ROOT / "sample_data" / "anhui-incentive-2024.xlsx", 2024)
    table = next(t for t in s.tables if t.name == "乡镇推荐")
    first = next(r for r in table.rows if r["结果"] == "推荐")
    first["激励金额(元)"] = None
    form = build(s, __import__("datetime").date(2024, 12, 31)).approval
    row = next(r for r in form.rows if r["单位"].startswith(first["乡镇名称"]))
    assert row["本次拨付"] is None and row["本次拨付（大写）"] == "待定" and "待定" in row["备注"]
    assert form.total["本次拨付"] is None and form.total_words == "待定"


def test_a_citation_shared_by_every_row_is_printed_once_under_the_table(books):
    s, path = books["taojiang"]
    wb = openpyxl.load_workbook(path)
    ws = wb["乡镇汇总"]
    header = [c.value for c in ws[1]]
    cited = {r["依据"] for r in next(t for t in s.tables if t.name == "乡镇汇总").rows}
    assert len(cited) == 1 and "依据" not in header
    total = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    assert ws.cell(total + 1, 1).value is None and ws.cell(total + 2, 1).value == f"依据：{cited.pop()}"
    assert f"A{total + 2}:{openpyxl.utils.get_column_letter(len(header))}{total + 2}" in ws.merged_cells
    # citations that differ from row to row stay beside their rows
    s, path = books["jiangsu-fund"]
    assert "依据" in [c.value for c in openpyxl.load_workbook(path)["项目结算"][1]]


def test_a_recovery_forms_sheet_is_named_for_it_and_re_settling_replaces_it(tmp_path):
    """jiangsu-fund moves money back: its form is filed as a 资金收回审批表, sheet and printed title alike;
    settling the settlement workbook again leaves one such sheet, not a second one beside it."""
    import shutil

    import farmcli

    ledger = tmp_path / "台账.xlsx"
    shutil.copy(ROOT / "sample_data" / "jiangsu-fund-2024.xlsx", ledger)
    written = farmcli.settle(ledger, 2024).write(tmp_path)
    output = next(p for p in written.paths.values() if str(p).endswith(".xlsx"))
    book = openpyxl.load_workbook(output)
    assert RECOVERY in book.sheetnames and APPROVAL not in book.sheetnames
    assert "资金收回审批表" in book[RECOVERY].oddHeader.center.text
    farmcli.settle(output, 2024).write(tmp_path)  # the settlement workbook settled again, in place
    names = openpyxl.load_workbook(output).sheetnames
    assert names.count(RECOVERY) == 1 and not [n for n in names if "审批表" in n and n != RECOVERY]
