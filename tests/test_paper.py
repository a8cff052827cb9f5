"""On paper, through a real client: the taojiang sample's workbook and Word report, and a 20-township
ledger with an error, converted to PDF by LibreOffice headless in ONE conversion (module fixture);
pages counted (pdfinfo), text read back (pdftotext), page fill measured from the words' boxes
(pdftotext -bbox). Runs wherever LibreOffice is installed, and must run (not skip) under CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SAMPLE, TOWN_HEADER, run_cli, write_ledger

FOOTER = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")  # the workbook's result sheets
PAGE_NUMBER = re.compile(r"—\s*(\d+)\s*—")  # the Word report (GB/T 9704-2012)
NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d{2}")
BANNER = "不能作为拨付依据"
MM = 72 / 25.4
pytestmark = pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("CI"),
                                reason="LibreOffice is not installed (CI installs it)")


def twenty_towns(folder: Path) -> Path:
    """20 payees (the 审批表's one-page capacity), one of them with an unreadable payment: an error."""
    towns = [[f"第{n}号镇", 100, 100, 100, 1, 200000, 150000] for n in range(1, 21)]
    towns[3][6] = "#REF!"
    return write_ledger(folder / "twenty.xlsx", {"设置": [["项目", "值"], ["政策", "taojiang"], ["地区", "甲县"],
                                                          ["填报单位", "甲县自然资源局"]], "乡镇": [TOWN_HEADER, *towns]})


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    for tool in ("soffice", "pdfinfo", "pdftotext"):
        assert shutil.which(tool), f"CI must install {tool} (.ci/run)"
    out = tmp_path_factory.mktemp("paper")
    env = {"FARMCLI_REPORT_DATE": "2023-07-08"}
    r = run_cli("settle", "2022", str(SAMPLE), "--out", str(out), "--quiet", env=env)
    assert r.returncode == 0, r.stderr
    r = run_cli("settle", "2022", str(twenty_towns(out)), "--out", str(out), "--quiet", env=env)
    assert r.returncode == 1, r.stderr  # the error finding
    # A private profile, so parallel runs (and a clerk's open LibreOffice) never clash.
    profile = (out / "lo-profile").as_uri()
    sources = sorted(str(p) for p in out.iterdir() if p.suffix == ".docx" or p.name.startswith("taojiang") and
                     p.suffix == ".xlsx" and "结算" in p.name)
    done = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(out / "pdf"), *sources], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    found = {Path(p).stem: out / "pdf" / (Path(p).stem + ".pdf") for p in sources}
    return {"workbook": found["taojiang-2022-2022年度结算"], "report": found["taojiang-2022-2022年度结算报告"],
            "twenty": found["twenty-2022年度结算报告"], "markdown": out / "taojiang-2022-2022年度结算报告.md"}


def pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def fill(pdf: Path) -> list[float]:
    """How full each page is: the lowest word above the bottom margin, as a share of the type area."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page in re.findall(r"<page width=\"([\d.]+)\" height=\"([\d.]+)\">(.*?)</page>", html, re.S):
        width, height, body = float(page[0]), float(page[1]), page[2]
        top, bottom = (37 * MM, 35 * MM) if height > width else (15 * MM, 15 * MM)
        lows = [float(y) for y in re.findall(r'yMax="([\d.]+)"', body) if float(y) < height - bottom + 2]
        out.append((max(lows) - top) / (height - top - bottom) if lows else 0.0)
    return out


def test_result_sheets_print_on_at_most_13_a4_pages(pdfs):
    printed = pages(pdfs["workbook"])
    results = [p for p in printed if FOOTER.search(p)]  # only the result sheets carry the footer
    # at 85% or more (SPEC §6) the sheets print larger than the 50–60% they used to: 14 pages measured
    # (乡镇汇总 1, 拨付计划 2, 绩效评分 3, 图表 2), up from 12 pages at the smaller print
    assert 8 <= len(results) <= 15, len(results)
    first = results[0]
    assert "桃江县2022年度结算总览" in first
    assert "壹仟贰佰柒拾柒万捌仟柒佰陆拾元整" in first  # 补助金额 in words
    assert BANNER not in first  # nothing wrong in the sample: no banner
    plan = next(p for p in results if "桃江县2022年度拨付计划" in p)
    assert "壹拾万零捌佰元整" in plan  # 鲇埠回族乡 首笔 100,800.00
    approval = [p for p in results if "桃江县2022年度资金拨付审批表" in p]
    assert len(approval) == 1 and "财政局意见" in approval[0]  # one page, approval blocks included
    number, total = FOOTER.search(first).groups()
    assert int(total) == len(printed) and int(number) >= 1
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", str(len(printed)), str(pdfs["workbook"])],
                           capture_output=True, text=True, check=True).stdout
    for n, text in enumerate(printed, start=1):
        if FOOTER.search(text):  # every result page is A4, portrait or landscape
            size = re.search(rf"Page\s+{n} size:\s+([\d.]+) x ([\d.]+)", sizes).groups()
            assert sorted(round(float(v)) for v in size) == [595, 842], (n, size)


def test_word_report_prints_with_title_words_and_page_numbers(pdfs):
    printed = pages(pdfs["report"])
    assert 8 <= len(printed) <= 18, len(printed)
    text = re.sub(r"\s+", "", "".join(printed))
    assert "桃江县2022年度恢复耕地以奖代补结算报告" in text
    assert "桃江县自然资源局" in text and "2023年7月8日" in text
    assert "壹仟贰佰柒拾柒万捌仟柒佰陆拾元整" in text
    assert "编制人" in text and "审核人" in text and "负责人" in text
    assert [int(PAGE_NUMBER.search(p).group(1)) for p in printed] == list(range(1, len(printed) + 1))
    assert BANNER not in printed[0]


def test_no_page_is_more_than_half_empty(pdfs):
    """Except the last page of the report (before the 审批表) and the 审批表's own page."""
    for pdf in (pdfs["report"], pdfs["twenty"]):
        full = fill(pdf)
        assert all(f >= 0.5 for f in full[:-2]), (pdf.name, [round(f, 2) for f in full])


def test_no_number_is_split_across_lines(pdfs):
    """Every figure of the report is read back whole from the PDF: none broke as "2,000.⏎00"."""
    markdown = pdfs["markdown"].read_text(encoding="utf-8")
    shown = set(NUMBER.findall(markdown))
    assert len(shown) > 50
    words = set()
    for pdf in (pdfs["report"],):
        for page in pages(pdf):
            words |= set(NUMBER.findall(page))
    assert shown <= words, sorted(shown - words)[:10]


def test_the_approval_form_takes_one_page_for_twenty_payees(pdfs):
    printed = pages(pdfs["twenty"])
    form = [n for n, p in enumerate(printed) if "资金拨付审批表" in p and "序号" in p]
    assert form == [len(printed) - 1]  # the last page, and only there
    last = re.sub(r"\s+", "", printed[-1])
    assert "第20号镇" in last and "合计" in last and "自然资源局意见" in last and "财政局意见" in last
    assert "签字（盖章）" in last and "待定" in last  # 第4号镇's payment is unreadable


def test_the_banner_is_on_the_first_page_exactly_when_it_must(pdfs):
    first = re.sub(r"\s+", "", pages(pdfs["twenty"])[0])
    assert "本结算有1项错误" in first and BANNER in first
    assert BANNER not in pages(pdfs["report"])[0]


OTHERS = {"jinning": "jinning-2023", "anhui-assessment": "anhui-assessment-2025",
          "anhui-incentive": "anhui-incentive-2024", "jiangsu-fund": "jiangsu-fund-2024"}


@pytest.fixture(scope="module")
def others(tmp_path_factory):
    """The other policies' samples: their Word reports and workbooks, in one conversion."""
    out = tmp_path_factory.mktemp("others")
    sources = []
    for stem in OTHERS.values():
        r = run_cli("settle", stem[-4:], str(SAMPLE.with_name(f"{stem}.xlsx")), "--out", str(out), "--quiet",
                    env={"FARMCLI_REPORT_DATE": "2025-03-01"})
        assert r.returncode == 0, r.stderr
        sources += [str(out / f"{stem}-{stem[-4:]}年度结算报告.docx"), str(out / f"{stem}-{stem[-4:]}年度结算.xlsx")]
    done = subprocess.run(["soffice", f"-env:UserInstallation={(out / 'lo-profile').as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out / "pdf"), *sources],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return out / "pdf"


@pytest.mark.parametrize("policy", OTHERS)
def test_every_policys_approval_form_takes_one_page(others, policy):
    stem = OTHERS[policy]
    report = pages(others / f"{stem}-{stem[-4:]}年度结算报告.pdf")
    form = [n for n, p in enumerate(report) if "审批表" in p and "序号" in p]
    assert form == [len(report) - 1]  # the report's last page, and only there
    last = re.sub(r"\s+", "", report[-1])
    assert "合计" in last and "自然资源局意见" in last and "财政局意见" in last and "签字（盖章）" in last
    book = [p for p in pages(others / f"{stem}-{stem[-4:]}年度结算.pdf") if FOOTER.search(p)]
    sheet = [p for p in book if f"年度资金{'收回' if policy == 'jiangsu-fund' else '拨付'}审批表" in p]
    assert len(sheet) == 1 and "财政局意见" in sheet[0]  # the result sheet: one page, approval blocks included
