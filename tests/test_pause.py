"""The cycle collector is paused while a ledger is read and settled (settlement/pause.py: about 2 s
of a 1M-parcel settle), and runs again as it was afterwards, whatever happened."""

from __future__ import annotations

import gc

import pytest

from conftest import SAMPLE
from farmcli.model.findings import LedgerError
from farmcli.settlement import build, folder
from farmcli.settlement.build import settle_ledger


@pytest.fixture
def seen(monkeypatch):
    """Whether the collector was running each time a sheet was read."""
    states: list[bool] = []
    real = build.read_table

    def spy(*args, **kwargs):
        states.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "read_table", spy)
    monkeypatch.setattr(folder, "read_table", spy)
    return states


def test_sheets_are_read_with_the_collector_paused_and_it_runs_again_after(seen):
    assert gc.isenabled()
    result = settle_ledger(SAMPLE, 2022)
    assert result.totals and seen and not any(seen)
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_settle_that_fails(tmp_path, seen):
    with pytest.raises(LedgerError):
        settle_ledger(SAMPLE, 2022, policy="no-such-policy")
    assert gc.isenabled()


def test_a_folder_is_read_with_the_collector_paused(tmp_path, seen):
    (tmp_path / "台账").mkdir()
    (tmp_path / "台账" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    folder.settle_folder(tmp_path / "台账", 2022)
    assert seen and not any(seen)
    assert gc.isenabled()


def test_a_caller_who_paused_the_collector_finds_it_still_paused():
    gc.disable()
    try:
        settle_ledger(SAMPLE, 2022)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_folder_frees_each_files_cyclic_garbage_before_the_next(tmp_path, monkeypatch):
    """A package's XML trees are held by their parsers' reference cycles: with the collector paused,
    a hundred files' would add up (a quarter of a gigabyte at 100 × 10,000), so each file's is freed."""
    root = tmp_path / "台账"
    root.mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        (root / name).write_bytes(SAMPLE.read_bytes())
    cycles_left = []
    real = folder.collect_garbage

    def spy():
        real()
        cycles_left.append(gc.collect(0))  # nothing the collector could still free from this file

    monkeypatch.setattr(folder, "collect_garbage", spy)
    with pytest.raises(LedgerError):  # two county workbooks: --main is needed, but both were read
        folder.settle_folder(root, 2022)
    assert cycles_left == [0, 0, 0, 0]  # after each file's first look and after each file's read
