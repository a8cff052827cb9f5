"""A folder's combined sheets are digested as they are written (outputs/workbook/valuesheets.py
`ReadBack`), as calamine reads them back: the record needs no second read of a million-row sheet
(issue 28: a province's folder within 1 GiB). Where the reading cannot be foretold, the digest is
left unknown and the sheet is read back instead, never guessed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from farmcli.outputs.workbook.valuesheets import write_values_package
from farmcli.read import digest as digest_module
from farmcli.read import workbook as workbook_module
from farmcli.read.workbook import open_workbook
from tests.test_collect import folder  # noqa: F401  (the fixture)


class Book:
    def __init__(self, sheets: dict[str, list[list]]):
        self.sheets = sheets
        self.sheet_names = list(sheets)

    def rows(self, name):
        return self.sheets[name]


def read_back(path, name) -> str:
    book = open_workbook(path)
    try:
        return book.digest(name)
    finally:
        book.close()


# a carriage return and a time of day are left unknown (below)
cells = st.one_of(
    st.none(), st.just(""), st.text(max_size=6).filter(lambda t: "\r" not in t), st.sampled_from([" 前后空格 ", "=A1", "a\x01b", "0012", "\t"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12, max_value=10**12),
    st.sampled_from([Decimal("123456789012345678.123"), Decimal("-0.00"), Decimal("1E+3"), Decimal("NaN")]),
    st.integers(min_value=-10**20, max_value=10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.just(dt.datetime(2022, 5, 1)))


@settings(max_examples=40, deadline=None)
@given(body=st.lists(st.lists(cells, max_size=5), max_size=12), trailing=st.integers(0, 3))
def test_the_digest_as_written_is_what_calamine_reads_back(tmp_path_factory, body, trailing):
    rows = [["来源文件", "来源行", "图斑编号"], *body, *([[None, ""]] * trailing)]
    path = tmp_path_factory.mktemp("v") / "values.xlsx"
    written = write_values_package(Book({"图斑": rows}), path)
    assert written["图斑"] == read_back(path, "图斑")


def test_many_batches_and_a_row_wider_than_the_header_within_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr(digest_module, "BATCH", 4)
    monkeypatch.setattr("farmcli.outputs.workbook.valuesheets.BATCH", 4)
    rows = [["a", "b"], ["x", Decimal("1.5"), None, "wide"]] + [[f"r{i}", Decimal(i) / 7] for i in range(13)] + [[None]]
    path = tmp_path / "values.xlsx"
    written = write_values_package(Book({"s": rows}), path)
    assert written["s"] == read_back(path, "s")


@pytest.mark.parametrize("rows, why", [
    ([["a"], ["b"], ["c", "d", "wider after the first batch"]], "a row wider than rows already digested"),
    ([["a"], [dt.datetime(2022, 5, 1, 13, 30, 0, 1)]], "a time of day (goes through a float serial)"),
    ([["a"], ["line\r\nbreak"]], "a carriage return"),
    ([[None, "a"], [None, "b"]], "column A blank throughout"),
])
def test_what_cannot_be_foretold_is_left_unknown_and_the_sheet_is_read_back(tmp_path, monkeypatch, rows, why):
    monkeypatch.setattr(digest_module, "BATCH", 2)
    monkeypatch.setattr("farmcli.outputs.workbook.valuesheets.BATCH", 2)
    assert "s" not in write_values_package(Book({"s": rows}), tmp_path / "values.xlsx"), why


def test_a_folder_is_written_without_reading_its_combined_sheets_back(folder, tmp_path, monkeypatch):  # noqa: F811
    import farmcli

    s = farmcli.settle(folder, 2022)
    read = []
    real = workbook_module.Workbook.digest
    monkeypatch.setattr(workbook_module.Workbook, "digest", lambda self, name: read.append(name) or real(self, name))
    s.write(tmp_path / "out")
    combined = s.result.combined.sheet_names
    assert "图斑" in combined and read and not set(read) & set(combined)  # the result sheets only (small)
    again = farmcli.settle(folder, 2022).write(tmp_path / "out")  # the record's fingerprints hold: no false edit
    assert again.paths
