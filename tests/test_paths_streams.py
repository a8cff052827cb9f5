"""Paths and streams (issue 25 §5): each leaves every earlier output intact and says in Chinese
what to do; where they stop, they exit 2."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import farmcli
from conftest import SAMPLE, digest, run_cli
from farmcli.model.findings import LedgerError

WORKBOOK, WORD, REPORT = "台账-2022年度结算.xlsx", "台账-2022年度结算报告.docx", "台账-2022年度结算报告.md"


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: (digest(p) if p.is_file() else sorted(os.listdir(p))) for p in sorted(folder.iterdir())}


@pytest.fixture
def settled(tmp_path) -> Path:
    shutil.copy(SAMPLE, tmp_path / "台账.xlsx")
    assert run_cli("settle", "2022", "台账.xlsx", "--quiet", cwd=tmp_path).returncode == 0
    return tmp_path


def test_an_output_path_that_is_a_folder_is_left_alone(settled):
    (settled / REPORT).unlink()
    (settled / REPORT).mkdir()
    (settled / REPORT / "我的笔记.txt").write_text("别动", "utf-8")
    before = snapshot(settled)
    result = run_cli("settle", "2022", "台账.xlsx", cwd=settled)
    assert result.returncode == 2 and "是一个文件夹" in result.stderr and REPORT in result.stderr
    assert "内部错误" not in result.stderr
    assert snapshot(settled) == before  # nothing renamed, no hidden …farmcli-old.tmp
    assert (settled / REPORT / "我的笔记.txt").read_text("utf-8") == "别动"


@pytest.mark.parametrize("where", ["xlsxwriter", "zip"])
def test_a_full_disk_keeps_the_earlier_outputs_and_says_so(settled, monkeypatch, where):
    before = snapshot(settled)
    full = OSError(errno.ENOSPC, "No space left on device")
    if where == "xlsxwriter":  # xlsxwriter wraps it in FileCreateError, which is no OSError
        import xlsxwriter
        from xlsxwriter.exceptions import FileCreateError

        def close(self):
            raise FileCreateError(full)
        monkeypatch.setattr(xlsxwriter.Workbook, "close", close)
    else:
        import zipfile

        def write(self, *args, **kwargs):
            raise full
        monkeypatch.setattr(zipfile.ZipFile, "writestr", write)
    settlement = farmcli.settle(settled / "台账.xlsx", 2022)
    with pytest.raises(LedgerError, match="磁盘已满.*之前的结算文件保持原样.*腾出磁盘空间"):
        settlement.write(settled)
    assert snapshot(settled) == before


def test_a_name_too_long_for_the_file_system_says_shorten_it_or_use_out(tmp_path):
    ledger = tmp_path / ("台" * 78 + ".xlsx")  # 239 bytes; its outputs' names pass 255
    shutil.copy(SAMPLE, ledger)
    result = run_cli("settle", "2022", ledger.name, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "文件名太长" in result.stderr and "--out" in result.stderr and "权限" not in result.stderr
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == [ledger.name]


@pytest.mark.parametrize("json_", [False, True])
def test_a_closed_stdout_is_no_internal_error(tmp_path, json_):
    shutil.copy(SAMPLE, tmp_path / "台账.xlsx")
    env = {k: v for k, v in os.environ.items() if k != "FARMCLI_DEBUG"}
    command = f'"{sys.executable}" -m farmcli settle 2022 台账.xlsx{" --json" if json_ else ""} >&-'
    result = subprocess.run(["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == sorted(["台账.xlsx", WORKBOOK, WORD, REPORT])


def test_a_symlinked_ledger_has_its_outputs_next_to_the_link(tmp_path):
    real, clerk = tmp_path / "档案", tmp_path / "桌面"
    real.mkdir()
    clerk.mkdir()
    shutil.copy(SAMPLE, real / "原件.xlsx")
    (clerk / "台账.xlsx").symlink_to(real / "原件.xlsx")
    result = run_cli("settle", "2022", "台账.xlsx", "--quiet", cwd=clerk)
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(clerk)) == sorted(["台账.xlsx", WORKBOOK, WORD, REPORT])
    assert os.listdir(real) == ["原件.xlsx"]
    assert (clerk / "台账.xlsx").is_symlink()
