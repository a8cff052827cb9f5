"""Files held open by Excel/WPS, all or none for N outputs, a run killed with SIGKILL, and the
record that travels inside the workbook (issue 17, SPEC §6)."""

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from farmcli.model.findings import LedgerError
from farmcli.outputs.files import atomic
from farmcli.outputs import write as writer
from farmcli.settlement.build import settle_ledger
from farmcli.settlement.changes import Watch, compare

from conftest import ROOT, SAMPLE, digest

SHIMS = ROOT / "tests" / "shims"
WORKBOOK, WORD, REPORT = ("taojiang-2022-2022年度结算.xlsx", "taojiang-2022-2022年度结算报告.docx",
                          "taojiang-2022-2022年度结算报告.md")


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir())}


def farmcli(*args, env=None):
    full = {k: v for k, v in os.environ.items() if k != "FARMCLI_DEBUG"}
    full.update({"PYTHONPATH": str(SHIMS), **(env or {})})
    return subprocess.run([sys.executable, "-m", "farmcli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=full, timeout=120)


def refuse(monkeypatch, name: str, phase: str):
    """Windows refusing, once, to move `name`: aside (the earlier output is open) or into place."""
    real, refused = os.replace, []

    def replace(src, dst):
        if not refused and ((phase == "aside" and Path(src).name == name)
                            or (phase == "place" and Path(dst).name == name)):
            refused.append(name)
            raise PermissionError(13, "The process cannot access the file because it is being used")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)


@pytest.mark.parametrize("failing", [0, 1, 2])
@pytest.mark.parametrize("phase", ["aside", "place"])
def test_three_outputs_are_replaced_together_or_not_at_all(tmp_path, monkeypatch, failing, phase):
    """The writer is general: a third output (the Word report) needs nothing new."""
    targets = [tmp_path / n for n in ("结算.xlsx", "结算报告.docx", "结算报告.md")]
    atomic.write_atomically({t: (lambda p, t=t: p.write_text(f"old {t.name}")) for t in targets})
    before = snapshot(tmp_path)
    refuse(monkeypatch, targets[failing].name, phase)
    with pytest.raises(atomic.ReplaceError) as caught:
        atomic.write_atomically({t: (lambda p, t=t: p.write_text(f"new {t.name}")) for t in targets})
    assert caught.value.target == targets[failing]
    assert snapshot(tmp_path) == before  # every earlier output as it was, nothing left beside them


def test_when_even_putting_back_fails_the_next_run_does_it(tmp_path, monkeypatch):
    targets = [tmp_path / n for n in ("a.xlsx", "b.docx", "c.md")]
    atomic.write_atomically({t: (lambda p, t=t: p.write_text(f"old {t.name}")) for t in targets})
    before = snapshot(tmp_path)
    real = os.replace

    def replace(src, dst):  # c.md cannot be placed, and a.xlsx's earlier version cannot go back
        if Path(dst).name in ("c.md", "a.xlsx") and Path(src).name != "a.xlsx":
            raise PermissionError(13, "in use")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(atomic.ReplaceError) as caught:
        atomic.write_atomically({t: (lambda p, t=t: p.write_text(f"new {t.name}")) for t in targets})
    assert caught.value.restored is False and (tmp_path / atomic.JOURNAL).exists()
    monkeypatch.setattr(atomic.os, "replace", real)
    atomic.recover(tmp_path, targets)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", [WORKBOOK, WORD, REPORT])
@pytest.mark.parametrize("phase", ["aside", "place"])
def test_an_output_open_in_excel_stops_the_run_and_names_the_file(tmp_path, monkeypatch, name, phase):
    writer.write_settlement(settle_ledger(SAMPLE, 2022), tmp_path)
    before = snapshot(tmp_path)
    refuse(monkeypatch, name, phase)
    with pytest.raises(LedgerError) as caught:
        writer.write_settlement(settle_ledger(SAMPLE, 2022, overrides={"补助标准": "2100"}), tmp_path)
    app = {WORKBOOK: "Excel/WPS", WORD: "Word/WPS", REPORT: "编辑器"}[name]  # a .docx is open in Word, not Excel
    assert name in str(caught.value) and f"在 {app} 中关闭" in str(caught.value)
    assert snapshot(tmp_path) == before


def test_the_command_line_says_which_file_to_close(tmp_path):
    assert farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--quiet").returncode == 0
    before = snapshot(tmp_path)
    result = farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--set", "补助标准=2100",
                     env={"FARMCLI_TEST_REFUSE": REPORT})
    assert result.returncode == 2 and f"请在 编辑器 中关闭“{REPORT}”" in result.stderr
    assert "内部错误" not in result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kill_at", [1, 2, 3, 4])
def test_a_run_killed_while_replacing_is_undone_by_the_next_run(tmp_path, kill_at):
    """Renames: 1 workbook aside, 2 report aside, 3 new workbook in, 4 new report in."""
    assert farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--quiet").returncode == 0
    first = snapshot(tmp_path)
    killed = farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--set", "补助标准=2100",
                     env={"FARMCLI_TEST_KILL_AT": str(kill_at)})
    assert killed.returncode == -9  # SIGKILL
    assert any(n.startswith(".") for n in os.listdir(tmp_path))  # it did leave things behind
    targets = [tmp_path / WORKBOOK, tmp_path / WORD, tmp_path / REPORT]
    with writer.folder_lock(tmp_path, 5):
        atomic.recover(tmp_path, targets)
    assert snapshot(tmp_path) == first  # the earlier outputs are back, the leftovers gone


def test_after_a_killed_run_the_next_run_compares_with_the_earlier_outputs(tmp_path):
    assert farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--quiet").returncode == 0
    farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--set", "补助标准=2100",
            env={"FARMCLI_TEST_KILL_AT": "4"})  # the new workbook was in place, the report not yet
    again = farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--set", "补助标准=2100", "--json")
    assert again.returncode == 0, again.stderr
    items = json.loads(again.stdout)["changes"]["items"]
    total = next(i for i in items if i["表"] == "合计" and i["列"] == "补助金额(元)")
    assert (total["上次"], total["本次"]) == (12778760.0, 13417698.0)  # 6389.38 亩 × 2000 → × 2100
    assert sorted(os.listdir(tmp_path)) == sorted([WORKBOOK, WORD, REPORT])


def test_a_run_killed_while_writing_leaves_nothing_after_the_next_run(tmp_path):
    killed = farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), env={"FARMCLI_TEST_KILL_AT": "1"})
    assert killed.returncode == -9 and any(n.endswith(".tmp") for n in os.listdir(tmp_path))
    assert farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--quiet").returncode == 0
    assert sorted(os.listdir(tmp_path)) == sorted([WORKBOOK, WORD, REPORT])


def test_the_record_travels_inside_the_workbook_with_exact_figures(tmp_path):
    writer.write_settlement(settle_ledger(SAMPLE, 2022), tmp_path)
    assert sorted(os.listdir(tmp_path)) == sorted([WORKBOOK, WORD, REPORT])
    record = writer._load_record(tmp_path / WORKBOOK)
    assert record["totals"]["补助金额(元)"] == "12778760.00" and record["year"] == 2022
    assert not any(isinstance(v, float) for v in record["totals"].values())
    town = next(r for r in record["tables"]["乡镇汇总"] if r["乡镇名称"] == "修山镇")
    assert town["已拨付(元)"] == "671242.00"


def test_compare_is_exact_decimal_arithmetic():
    before = {"tables": {}, "totals": {"补助金额(元)": "1.10"}}
    after = {"tables": {}, "totals": {"补助金额(元)": "1.30"}}
    watch = Watch(totals=frozenset({"补助金额(元)"}))
    (item,) = compare(before, after, watch=watch).items
    assert item["差额"] == Decimal("0.20")  # a float difference would be 0.20000000000000018
    assert compare(before, before, watch=watch).items == []
    assert compare(None, after).previous is None


def test_a_record_left_by_farmcli_0_1_beside_the_outputs_is_read_once_and_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    sidecar = out / ".taojiang-2022-2022年度结算.farmcli.json"
    old = {"policy": "taojiang", "year": 2022, "totals": {"补助金额(元)": 12000000.0}, "tables": {}}
    sidecar.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    result = farmcli("settle", "2022", str(SAMPLE), "--out", str(out), "--json")
    items = json.loads(result.stdout)["changes"]["items"]
    assert {"表": "合计", "对象": "", "列": "补助金额(元)", "上次": 12000000.0, "本次": 12778760.0,
            "差额": 778760.0} in items
    assert sorted(os.listdir(out)) == sorted([WORKBOOK, WORD, REPORT])


def test_a_settlement_workbook_with_a_record_still_opens_in_libreoffice(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed (CI installs it)")
    assert soffice, "CI must install LibreOffice"
    writer.write_settlement(settle_ledger(SAMPLE, 2022), tmp_path / "o")
    done = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
                           "--convert-to", "csv", "--outdir", str(tmp_path / "c"), str(tmp_path / "o" / WORKBOOK)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and (tmp_path / "c" / WORKBOOK.replace(".xlsx", ".csv")).exists(), done.stderr


def test_the_workbook_writers_own_temporary_parts_are_cleared_after_a_killed_run(tmp_path):
    """A run killed while the filled workbook was being assembled leaves its parts, named after
    the output; the next run clears them under the lock (SPEC §6: nothing but the outputs)."""
    assert farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--quiet").returncode == 0
    for part in ("results", "values"):
        (tmp_path / f".{WORKBOOK}.farmcli-new.tmp.{part}.tmp").write_bytes(b"PK left by a killed run")
    assert farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), "--quiet").returncode == 0
    assert sorted(os.listdir(tmp_path)) == sorted([WORKBOOK, WORD, REPORT])
