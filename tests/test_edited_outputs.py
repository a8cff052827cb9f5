"""Never lose the clerk's work (issue 25 §1, §2): an output is replaced only while it still says
what farmcli wrote; a settlement workbook settled again is written back under its own name."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, SAMPLE, digest, run_cli
from farmcli.ooxml.opc import write_rels  # noqa: F401 (the package layer the record sheet lives in)
from farmcli.outputs.workbook.fingerprint import sheet_parts
from farmcli.read.digest import fifteen_digits
from farmcli.outputs.workbook.record import RECORD_SHEET, read_record, record_sheet

WORKBOOK, WORD, REPORT = "台账-2022年度结算.xlsx", "台账-2022年度结算报告.docx", "台账-2022年度结算报告.md"
SHIMS = ROOT / "tests" / "shims"


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir())}


@pytest.fixture
def settled(tmp_path) -> Path:
    shutil.copy(SAMPLE, tmp_path / "台账.xlsx")
    result = run_cli("settle", "2022", "台账.xlsx", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path)) == sorted(["台账.xlsx", WORKBOOK, WORD, REPORT])
    return tmp_path


def edit_cell(path: Path, sheet: str, cell: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def edit_word(path: Path) -> None:
    from docx import Document

    doc = Document(str(path))
    doc.add_paragraph("审核意见：同意。")
    doc.save(str(path))


def assert_stopped(result, folder: Path, before: dict, name: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    assert name in result.stderr and "本次没有写入任何文件" in result.stderr
    assert "（定稿）" in result.stderr and "移到别的文件夹" in result.stderr
    assert snapshot(folder) == before  # nothing written, every earlier output kept, no leftovers


@pytest.mark.parametrize("output", ["workbook", "word", "report"])
def test_an_edited_output_is_never_overwritten(settled, output):
    if output == "workbook":
        edit_cell(settled / WORKBOOK, "乡镇", "G3", 1)
    elif output == "word":
        edit_word(settled / WORD)
    else:
        (settled / REPORT).write_text((settled / REPORT).read_text("utf-8") + "\n签字：张三\n", "utf-8")
    before = snapshot(settled)
    result = run_cli("settle", "2022", "台账.xlsx", cwd=settled)
    name = {"workbook": WORKBOOK, "word": WORD, "report": REPORT}[output]
    assert_stopped(result, settled, before, name)
    if output == "workbook":
        assert f'farmcli settle 2022 "{settled / WORKBOOK}"' in result.stderr  # settle the edited workbook itself


def test_an_output_farmcli_did_not_write_is_never_replaced(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "台账.xlsx")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "我自己做的汇总"
    wb.save(tmp_path / WORKBOOK)
    (tmp_path / REPORT).write_text("# 我的报告\n", "utf-8")
    before = snapshot(tmp_path)
    result = run_cli("settle", "2022", "台账.xlsx", cwd=tmp_path)
    assert_stopped(result, tmp_path, before, WORKBOOK)
    assert "不是 farmcli 写出的" in result.stderr


def test_opening_and_saving_without_changes_is_not_an_edit(settled):
    """LibreOffice rewrites the numbers at 15 significant digits and the strings as shared
    strings; openpyxl rewrites everything. Neither is an edit."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed for the round trip"
    work = settled / "lo"
    done = subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(work), str(settled / WORKBOOK)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lo = work / WORKBOOK
    assert lo.read_bytes() != (settled / WORKBOOK).read_bytes()
    with zipfile.ZipFile(lo) as z:
        assert b"0.925997101449275<" in b"".join(z.read(p) for p in sheet_parts(z).values())  # 15 digits
    shutil.move(lo, settled / WORKBOOK)
    shutil.rmtree(work)
    result = run_cli("settle", "2022", "台账.xlsx", "--quiet", cwd=settled)
    assert result.returncode == 0, result.stderr
    openpyxl.load_workbook(settled / WORKBOOK).save(settled / WORKBOOK)
    result = run_cli("settle", "2022", "台账.xlsx", "--quiet", cwd=settled)
    assert result.returncode == 0, result.stderr


def test_numbers_compare_at_fifteen_significant_digits():
    assert fifteen_digits(0.9259971014492754) == fifteen_digits(0.925997101449275)
    assert fifteen_digits(0.8982808988764045) == fifteen_digits(0.898280898876405)  # half up, as LibreOffice
    assert fifteen_digits(0.9259971014492754) != fifteen_digits(0.925997101449276)
    assert fifteen_digits(2000) == fifteen_digits(2000.0)


def _without_fingerprints(path: Path) -> None:
    """The workbook as farmcli wrote it before records kept fingerprints."""
    record = json.loads(read_record(path))
    record.pop("fingerprints")
    with zipfile.ZipFile(path) as z:
        part = sheet_parts(z)[RECORD_SHEET]
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, record_sheet(json.dumps(record).encode()) if info.filename == part else data)


def test_an_output_written_before_fingerprints_is_replaced_as_before(settled):
    _without_fingerprints(settled / WORKBOOK)
    assert "fingerprints" not in json.loads(read_record(settled / WORKBOOK))
    edit_word(settled / WORD)
    result = run_cli("settle", "2022", "台账.xlsx", "--quiet", cwd=settled)
    assert result.returncode == 0, result.stderr
    assert "fingerprints" in json.loads(read_record(settled / WORKBOOK))


def test_under_cron_the_stop_is_exit_2_on_stderr(settled):
    edit_word(settled / WORD)
    result = run_cli("settle", "2022", "台账.xlsx", "--json", cwd=settled)
    assert result.returncode == 2 and result.stdout == "" and WORD in result.stderr


# -- §2: settling a settlement workbook writes it back -------------------------------------------

def test_settling_the_settlement_workbook_writes_it_back_and_compares_with_its_record(settled):
    edit_cell(settled / WORKBOOK, "乡镇", "E3", 100)  # 验收入库面积 of the first township: 157.21 → 100
    assert read_record(settled / WORKBOOK) is not None
    result = run_cli("settle", "2022", WORKBOOK, "--json", cwd=settled)
    assert result.returncode in (0, 1), result.stderr
    assert sorted(os.listdir(settled)) == sorted(["台账.xlsx", WORKBOOK, WORD, REPORT])  # no …-2022年度结算-2022年度结算
    changes = json.loads(result.stdout)["changes"]
    assert changes["previous"] == WORKBOOK
    assert any(i["列"] == "补助金额(元)" and i["差额"] == pytest.approx(-114420.0) for i in changes["items"])
    book = openpyxl.load_workbook(settled / WORKBOOK)
    assert book["乡镇"]["E3"].value == 100  # the clerk's edit carried into the new workbook
    assert book.sheetnames.count(RECORD_SHEET) == 1 and "变更(结算)" not in book.sheetnames
    # a second run with no change keeps that change list, with its date
    again = run_cli("settle", "2022", WORKBOOK, "--json", cwd=settled, env={"FARMCLI_REPORT_DATE": "2030-01-02"})
    doc = json.loads(again.stdout)
    assert doc["changes"]["items"] == [] and doc["changes"]["earlier"]["items"] == changes["items"]
    date = doc["changes"]["earlier"]["date"]
    rows = [r[0] for r in openpyxl.load_workbook(settled / WORKBOOK)["变更"].iter_rows(min_row=2, values_only=True)]
    assert rows[0] == f"与上次结算相比没有变化；{date} 的变化如下" and len(rows) == 1 + len(changes["items"])
    assert f"{date} 的变化如下" in (settled / REPORT).read_text("utf-8")
    third = json.loads(run_cli("settle", "2022", WORKBOOK, "--json", cwd=settled).stdout)
    assert third["changes"]["earlier"]["date"] == date  # still the date of the settlement that found them


def test_an_edited_report_still_stops_the_in_place_settle(settled):
    edit_cell(settled / WORKBOOK, "乡镇", "E3", 100)
    edit_word(settled / WORD)
    before = snapshot(settled)
    assert_stopped(run_cli("settle", "2022", WORKBOOK, cwd=settled), settled, before, WORD)


def test_a_ledger_named_like_a_settlement_but_not_one_is_never_written_over(tmp_path):
    shutil.copy(SAMPLE, tmp_path / WORKBOOK)
    before = digest(tmp_path / WORKBOOK)
    result = run_cli("settle", "2022", WORKBOOK, "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert digest(tmp_path / WORKBOOK) == before
    assert (tmp_path / "台账-2022年度结算-2022年度结算.xlsx").exists()


@pytest.mark.parametrize("kill_at", [1, 2, 3, 4, 5, 6])
def test_a_killed_in_place_settle_is_undone_by_the_next_run(settled, kill_at):
    edit_cell(settled / WORKBOOK, "乡镇", "E3", 100)
    before = snapshot(settled)
    env = {k: v for k, v in os.environ.items() if k != "FARMCLI_DEBUG"}
    env.update({"PYTHONPATH": str(SHIMS), "FARMCLI_TEST_KILL_AT": str(kill_at)})
    killed = subprocess.run([sys.executable, "-m", "farmcli", "settle", "2022", WORKBOOK], cwd=settled,
                            capture_output=True, text=True, env=env, timeout=120)
    assert killed.returncode == -9
    assert snapshot(settled) != before  # it left things behind
    result = run_cli("settle", "2022", WORKBOOK, "--json", cwd=settled)
    assert result.returncode in (0, 1), result.stderr
    assert sorted(os.listdir(settled)) == sorted(["台账.xlsx", WORKBOOK, WORD, REPORT])
    assert json.loads(result.stdout)["changes"]["previous"] == WORKBOOK
    assert openpyxl.load_workbook(settled / WORKBOOK)["乡镇"]["E3"].value == 100  # the edit survived
