"""Scale (issue 8) at test size: big sheets report progress, only to a terminal; the aggregation at
10,000 parcels is checked against an independent sum in tests/test_taojiang.py. The timings
themselves are `make bench`, never an assertion here."""

import importlib.util
import json
from decimal import Decimal

import pytest

from farmcli import cli
from farmcli.outputs.write import write_settlement
from farmcli.settlement.build import settle_ledger

from conftest import ROOT, run_cli

N = 25_000


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    path = tmp_path_factory.mktemp("big") / "big.xlsx"
    generate.generate(N, path)
    return path


def test_big_sheets_report_progress_while_reading_and_writing(big_ledger, tmp_path):
    seen = []

    def record(what, done, total):
        seen.append((what, done, total))

    s = settle_ledger(big_ledger, 2022, progress=record)
    write_settlement(s, tmp_path, progress=record)
    reads = [x for x in seen if x[0] == "读取「图斑」"]
    writes = [x for x in seen if x[0] == "复制「图斑」"]
    # row by row with the total known (calamine gives the height), from 0 to every row
    assert reads[0][1:] == (0, N + 1) and len(reads) > 2 and reads[-1][1] == reads[-1][2] == N + 1
    # The ledger's sheet is copied as saved (SPEC §3), so its progress counts bytes of XML, not rows.
    assert len(writes) >= 3 and writes[-1][1] == writes[-1][2] > N * 100
    assert [w[1] for w in writes] == sorted(w[1] for w in writes)
    assert not [x for x in seen if "乡镇" in x[0]]  # small sheets stay quiet


def test_no_progress_when_stderr_is_not_a_terminal(big_ledger, tmp_path):
    result = run_cli("settle", "2022", str(big_ledger), "--out", str(tmp_path), "--json")
    assert result.returncode in (0, 1)
    assert "读取" not in result.stderr and "写出" not in result.stderr and "\r" not in result.stderr
    doc = json.loads(result.stdout)
    parcels_total = sum(Decimal(str(r["实施恢复面积(亩)"])) for r in doc["tables"]["乡镇汇总"][:-1])
    assert parcels_total == Decimal(str(doc["totals"]["实施恢复面积(亩)"]))


def test_the_progress_bar_is_made_only_when_enabled():
    report, bar = cli._progress(enabled=False)
    assert report is None
    report, bar = cli._progress(enabled=True)
    with bar:
        report("写出「图斑」", 10, 100)
        report("写出「图斑」", 100, 100)
    assert bar.tasks[0].completed == 100


def test_a_folders_bar_counts_files_and_names_the_one_under_way():
    report, bar = cli._progress(enabled=True)
    with bar:
        report("读取各单位台账文件：修山镇-台账.xlsx", 0, 3)
        report("读取各单位台账文件：高桥镇-台账.xlsx", 1, 3)
        report("读取「图斑」", 5, 10)
        report("读取「甲：1」", 1, 10)
        report("读取「甲：2」", 2, 10)  # a sheet's name may hold a "：": its own bar still
        report("读取各单位台账文件", 3, 3)
        report("复制「图斑」", 4096, 8192)
    files, rows, first, second, copied = bar.tasks
    assert copied.fields["unit"] == "字节"  # a part copied as saved is counted in bytes
    assert (files.completed, files.total, files.fields["unit"]) == (3, 3, "个文件")
    assert rows.fields["unit"] == "行" and len(bar.tasks) == 5  # one bar for the files, not one per file
    assert (first.completed, second.completed) == (1, 2)
