"""A big sheet is parsed by calamine in a background thread while the other sheets are surveyed
(read/workbook.py `prefetch`): the same figures, the same messages, and never for a sparse sheet."""

from __future__ import annotations

import pytest
import xlsxwriter

from conftest import SAMPLE
from farmcli.model.findings import LedgerError
from farmcli.read import workbook as workbook_module
from farmcli.read.workbook import open_workbook
from farmcli.settlement.build import settle_ledger


def test_a_prefetched_sheet_settles_to_the_same_figures(monkeypatch):
    plain = settle_ledger(SAMPLE, 2022)
    monkeypatch.setattr(workbook_module, "PREFETCH_BYTES", 0)  # every sheet counts as big
    book = open_workbook(SAMPLE)
    assert book.prefetch(["乡镇", "图斑", "拨付明细", "不存在的表"])
    assert set(book._prefetch) == {n for n in ("乡镇", "图斑", "拨付明细") if n in book.sheet_names}
    book.close()
    fetched = settle_ledger(SAMPLE, 2022)
    assert fetched.totals == plain.totals
    assert [t.rows for t in fetched.tables] == [t.rows for t in plain.tables]
    assert [f.as_dict() for f in fetched.findings] == [f.as_dict() for f in plain.findings]


def test_a_sparse_sheet_is_never_given_to_calamine(tmp_path, monkeypatch):
    """A stray cell at XFD1048576 would make calamine build 17 billion cells: such a sheet is streamed."""
    path = tmp_path / "台账.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("图斑")
    for r in range(200):
        sheet.write_row(r, 0, [f"TJ{r:04d}", "修山镇", 1.5])
    sheet.write(1048575, 16383, "x")
    book.close()
    monkeypatch.setattr(workbook_module, "PREFETCH_BYTES", 0)
    assert not open_workbook(path).prefetch(["图斑"])


def test_a_sheet_calamine_cannot_parse_in_the_background_is_named(monkeypatch):
    monkeypatch.setattr(workbook_module, "PREFETCH_BYTES", 0)
    real = workbook_module.open_calamine

    class Broken:
        def __init__(self, book):
            self.book = book

        def get_sheet_by_name(self, name):
            raise ValueError("corrupt part")

    book = open_workbook(SAMPLE)
    monkeypatch.setattr(workbook_module, "open_calamine", lambda path, kind: Broken(real(path, kind)))
    assert book.prefetch(["乡镇"])
    with pytest.raises(LedgerError, match="「乡镇」无法读取"):
        book.row_source("乡镇", 5)
