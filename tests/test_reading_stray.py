"""A stray cell far from the data costs nothing (SPEC §5): the reader must not build the dense
grid python-calamine would allocate from the sheet's corners. Run in a subprocess: an abort
(exit 134 with a Rust backtrace) would otherwise kill pytest."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from decimal import Decimal

import openpyxl
import pytest

from conftest import TOWN_HEADER

# the record's fingerprint takes the reader's digest of the sparse sheet: it is streamed once (read/digest.py)
LIMIT_SECONDS, LIMIT_MB = 5.0, 500


def _ledger(path, sheet: str, cell: str, value: str):
    wb = openpyxl.Workbook()
    towns = wb.active
    towns.title = "乡镇"
    towns.append(TOWN_HEADER)
    towns.append(["修山镇", 100, 80, 80, "80%", 200000, 163800])
    settings = wb.create_sheet("设置")
    settings.append(["项目", "值"])
    settings.append(["政策", "taojiang"])
    settings.append(["补助标准", 2000])
    target = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
    target[cell] = value
    wb.save(path)
    return path


@pytest.mark.parametrize("sheet, cell, value", [("备注", "XFD1048576", "x"), ("乡镇", "XFD1048576", "x"),
                                                ("乡镇", "Z1048576", " "), ("设置", "XFD1048576", "x")])
def test_stray_cell_costs_nothing(tmp_path, sheet, cell, value):
    path = _ledger(tmp_path / "stray.xlsx", sheet, cell, value)
    assert path.stat().st_size < 20_000
    code = ("import json, pathlib\n"
            "from farmcli.settlement.build import settle_ledger\n"
            f"s = settle_ledger(pathlib.Path({str(path)!r}), 2022, 'taojiang')\n"
            "try:\n    import resource\n    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
            "except ImportError:\n    rss = 0  # Windows: time is still checked\n"
            "print(json.dumps({'paid': str(s.tables[0].rows[0]['已拨付(元)']), 'rss': rss}))\n")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert Decimal(result["paid"]) == Decimal("163800")
    assert seconds < LIMIT_SECONDS, f"{seconds:.1f} s"
    assert result["rss"] < LIMIT_MB, f"{result['rss']:.0f} MB"


@pytest.mark.parametrize("sheet", ["备注", "乡镇"])
def test_settle_with_outputs_and_a_stray_cell(tmp_path, sheet):
    """The whole run, writing the workbook that copies the ledger's sheets."""
    path = _ledger(tmp_path / "stray.xlsx", sheet, "XFD1048576", "x")
    code = ("import atexit, runpy, sys\n"
            "try:\n    import resource\n"
            "    atexit.register(lambda: sys.stderr.write("
            "'RSS=%d\\n' % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)))\n"
            "except ImportError:\n    pass\n"
            f"sys.argv = ['farmcli', 'settle', '2022', {str(path)!r}, '--out', {str(tmp_path / 'out')!r}, '--quiet']\n"
            "runpy.run_module('farmcli', run_name='__main__')\n")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - start
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert seconds < LIMIT_SECONDS, f"{seconds:.1f} s"
    rss = [int(line[4:]) for line in done.stderr.splitlines() if line.startswith("RSS=")]
    assert not rss or rss[0] < LIMIT_MB, f"{rss[0]} MB"
    assert "Traceback" not in done.stderr
