"""On paper, through a real client: the taojiang sample's workbook and Word report converted
to PDF by LibreOffice headless, pages counted (pdfinfo) and text read back (pdftotext).
Runs wherever LibreOffice is installed, and must run (not skip) under CI (.ci/run installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SAMPLE, run_cli

FOOTER = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")
pytestmark = pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("CI"),
                                reason="LibreOffice is not installed (CI installs it)")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    for tool in ("soffice", "pdfinfo", "pdftotext"):
        assert shutil.which(tool), f"CI must install {tool} (.ci/run)"
    out = tmp_path_factory.mktemp("paper")
    r = run_cli("settle", "2022", str(SAMPLE), "--out", str(out), "--quiet", env={"FARMCLI_REPORT_DATE": "2023-07-08"})
    assert r.returncode == 0, r.stderr
    # A private profile, so parallel runs (and a clerk's open LibreOffice) never clash.
    profile = (out / "lo-profile").as_uri()
    sources = sorted(str(p) for p in out.iterdir() if p.suffix in (".xlsx", ".docx"))
    done = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(out / "pdf"), *sources], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {Path(p).suffix: out / "pdf" / (Path(p).stem + ".pdf") for p in sources}


def pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def test_result_sheets_print_on_at_most_12_a4_pages(pdfs):
    printed = pages(pdfs[".xlsx"])
    results = [p for p in printed if FOOTER.search(p)]  # only the result sheets carry the footer
    assert 8 <= len(results) <= 12, len(results)
    first = results[0]
    assert "桃江县2022年度结算总览" in first
    assert "壹仟贰佰柒拾柒万捌仟柒佰陆拾元整" in first  # 补助金额 in words
    plan = next(p for p in results if "桃江县2022年度拨付计划" in p)
    assert "壹拾万零捌佰元整" in plan  # 鲇埠回族乡 首笔 100,800.00
    number, total = FOOTER.search(first).groups()
    assert int(total) == len(printed) and int(number) >= 1
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", str(len(printed)), str(pdfs[".xlsx"])],
                           capture_output=True, text=True, check=True).stdout
    for n, text in enumerate(printed, start=1):
        if FOOTER.search(text):  # every result page is A4, portrait or landscape
            size = re.search(rf"Page\s+{n} size:\s+([\d.]+) x ([\d.]+)", sizes).groups()
            assert sorted(round(float(v)) for v in size) == [595, 842], (n, size)


def test_word_report_prints_with_title_words_and_page_numbers(pdfs):
    printed = pages(pdfs[".docx"])
    assert len(printed) <= 10
    text = re.sub(r"\s+", "", "".join(printed))
    assert "桃江县2022年度恢复耕地以奖代补结算报告" in text
    assert "编制单位：桃江县自然资源局" in text and "2023年7月8日" in text
    assert "壹仟贰佰柒拾柒万捌仟柒佰陆拾元整" in text
    assert "编制人" in text and "审核人" in text and "负责人" in text
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", printed[0])
    assert all(FOOTER.search(p) for p in printed)
