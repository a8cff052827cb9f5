"""It ships: the wheel carries the templates and everything the outputs need, and an installed
farmcli (not this checkout) settles the sample and writes all three files."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.wheel
def test_wheel_installs_and_settles(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                            "-q", "-w", str(tmp_path / "dist")], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("farmcli-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for part in ("farmcli_templates/base.md.j2", "farmcli_templates/taojiang.md.j2", "farmcli/outputs/reports/word.py",
                 "farmcli/outputs/reports/daxie.py", "farmcli/policies/taojiang.toml", "farmcli/scoring/附件2.csv"):
        assert part in names, part
    # A fresh venv with only farmcli in it; the third-party packages come from this venv's
    # site-packages on PYTHONPATH (no network in tests), where farmcli itself is not importable.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                               capture_output=True, text=True, timeout=120)
    assert installed.returncode == 0, installed.stderr
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"], "FARMCLI_REPORT_DATE": "2023-07-08"}
    where = subprocess.run([str(python), "-c", "import farmcli; print(farmcli.__file__)"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=60)
    assert str(venv) in where.stdout, where.stdout + where.stderr
    out = tmp_path / "out"
    settled = subprocess.run([str(python), "-m", "farmcli", "settle", "2022", str(ROOT / "sample_data" / "taojiang-2022.xlsx"),
                              "--out", str(out), "--quiet"], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=120)
    assert settled.returncode == 0, settled.stderr
    assert sorted(p.suffix for p in out.iterdir() if not p.name.startswith(".")) == [".docx", ".md", ".xlsx"]
    report = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert report.startswith("# 桃江县2022年度恢复耕地以奖代补结算报告")
