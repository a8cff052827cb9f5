"""Atomic writes, determinism, and a real spreadsheet client (LibreOffice) reading every sample output."""

import json
import os
import shutil
import subprocess

import openpyxl
import pytest

from farmcli.outputs import write as writer
from farmcli.settlement.build import settle_ledger

from conftest import ROOT, SAMPLE, digest, run_cli

SAMPLES = {  # sample → the year its README command settles
    "taojiang-2022.xlsx": "2022", "jinning-2023.xlsx": "2023", "anhui-assessment-2025.xlsx": "2025",
    "anhui-incentive-2024.xlsx": "2024", "jiangsu-fund-2024.xlsx": "2024",
}


def test_a_failure_while_writing_leaves_earlier_outputs_as_they_were(tmp_path, monkeypatch):
    s = settle_ledger(SAMPLE, 2022)
    writer.write_settlement(s, tmp_path)
    before = {p.name: digest(p) for p in tmp_path.iterdir()}

    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "write_report", broken)
    s = settle_ledger(SAMPLE, 2022, overrides={"补助标准": "1000"})
    with pytest.raises(Exception, match="磁盘已满"):
        writer.write_settlement(s, tmp_path)
    assert {p.name: digest(p) for p in tmp_path.iterdir()} == before  # no temporaries, nothing replaced


def test_same_ledger_same_json_and_workbook(tmp_path):
    runs = []
    for name in ("a", "b"):
        result = run_cli("settle", "2022", str(SAMPLE), "--out", str(tmp_path / name), "--json")
        doc = json.loads(result.stdout)
        doc.pop("outputs")
        runs.append((doc, digest(next((tmp_path / name).glob("*.xlsx")))))
    assert runs[0] == runs[1]


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice() is None and not os.environ.get("CI"), reason="LibreOffice is not installed (CI installs it)")
def test_libreoffice_opens_every_sample_settlement(tmp_path):
    assert soffice(), "CI must install LibreOffice (.ci/run: apt-get install -y libreoffice-calc-nogui)"
    outputs = []
    for sample, year in SAMPLES.items():
        out = tmp_path / sample.removesuffix(".xlsx")
        result = run_cli("settle", year, str(ROOT / "sample_data" / sample), "--out", str(out), "--quiet")
        assert result.returncode in (0, 1), result.stderr
        outputs.append(next(out.glob("*.xlsx")))
    converted = tmp_path / "converted"
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--calc", "--convert-to", "xlsx",
                           "--outdir", str(converted), *map(str, outputs)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for original in outputs:
        again = converted / original.name
        assert again.exists(), f"LibreOffice did not convert {original.name}: {done.stdout} {done.stderr}"
        ours, theirs = openpyxl.load_workbook(original), openpyxl.load_workbook(again)
        assert ours.sheetnames == theirs.sheetnames
        for ws in ours:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f"  # farmcli writes values, never formulas
                    other = theirs[ws.title][cell.coordinate].value
                    if isinstance(cell.value, float):
                        assert other == pytest.approx(cell.value, abs=1e-9), (ws.title, cell.coordinate)
                    elif cell.value is not None and not hasattr(cell.value, "year"):
                        assert other == cell.value, (ws.title, cell.coordinate)
