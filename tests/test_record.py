"""The record survives other programs (issue 25 §3): a very hidden sheet, which Excel, WPS,
LibreOffice and openpyxl all keep (openpyxl and LibreOffice drop custom XML parts)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

import farmcli
from conftest import SAMPLE
from farmcli.outputs.workbook.record import RECORD_SHEET, read_record

RESULTS = ["结算总览", "乡镇汇总", "拨付计划", "绩效评分", "基础数据表", "资金拨付审批表", "图表", "变更", "发现问题", "参数"]
LEDGER = ["设置", "乡镇", "拨付明细", "资金", "绩效", "别名"]


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice is needed for the round trip"
    return found


def libreoffice_save(path: Path, work: Path) -> Path:
    """`path` opened and saved by LibreOffice (as a clerk using it would), at `work/<name>`."""
    done = subprocess.run([soffice(), f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(work), str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and (work / path.name).exists(), done.stderr
    return work / path.name


def openpyxl_save(path: Path, target: Path) -> Path:
    openpyxl.load_workbook(path).save(target)
    return target


@pytest.fixture(scope="module")
def settled(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("settled")
    return Path(farmcli.settle(SAMPLE, 2022).write(folder).paths["workbook"])


@pytest.mark.parametrize("save", ["openpyxl", "libreoffice"])
def test_the_record_survives_a_save_by_another_program(settled, tmp_path, save):
    original = read_record(settled)
    assert original is not None and json.loads(original)["policy"] == "taojiang"
    saved = openpyxl_save(settled, tmp_path / settled.name) if save == "openpyxl" else \
        libreoffice_save(settled, tmp_path / "lo")
    assert read_record(saved) == original
    # settled again, its earlier results and record go, and no "(结算)" copies appear
    again = Path(farmcli.settle(saved, 2022).write(tmp_path / "again").paths["workbook"])
    names = openpyxl.load_workbook(again).sheetnames
    assert names == RESULTS + [RECORD_SHEET] + LEDGER, names
    assert openpyxl.load_workbook(again)[RECORD_SHEET].sheet_state == "veryHidden"


def test_a_sheet_not_starting_with_the_mark_is_no_record(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = RECORD_SHEET
    wb.active["A1"] = "我的记录"
    wb.active["A2"] = "e30="  # base64 of {}
    wb.save(tmp_path / "x.xlsx")
    assert read_record(tmp_path / "x.xlsx") is None
