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


# Text that reads as an OOXML escape, CRs, dates either side of Excel's 29 February 1900 and before
# 1900, times of day: the digest is known and right, or left unknown (then the sheet is read back).
ESCAPES = st.sampled_from(["_x0041_", "_x000D_", "_x005F_", "JS_x0041_x", "\r", "\r\n", "_x00zz_"])
cells = st.one_of(
    st.none(), st.just(""), st.text(max_size=6), st.sampled_from([" 前后空格 ", "=A1", "a\x01b", "0012", "\t"]),
    st.lists(st.one_of(ESCAPES, st.text(max_size=2)), min_size=1, max_size=4).map("".join),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12, max_value=10**12),
    st.sampled_from([Decimal("123456789012345678.123"), Decimal("-0.00"), Decimal("1E+3"), Decimal("NaN")]),
    st.integers(min_value=-10**20, max_value=10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(min_value=dt.date(1899, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from([dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1)]),
    st.datetimes(min_value=dt.datetime(1899, 6, 1), max_value=dt.datetime(2100, 1, 1)),
    st.just(dt.datetime(2022, 5, 1)))


def foreseeable(value) -> bool:
    """Not a date before 1 March 1900, not a time of day: what ReadBack must know."""
    if isinstance(value, dt.datetime):
        return value.time() == dt.time(0) and value >= dt.datetime(1900, 3, 1)
    return not isinstance(value, dt.date) or value >= dt.date(1900, 3, 1)


@settings(max_examples=60, deadline=None)
@given(body=st.lists(st.lists(cells, max_size=5), max_size=12), trailing=st.integers(0, 3))
def test_the_digest_as_written_is_what_calamine_reads_back(tmp_path_factory, body, trailing):
    rows = [["来源文件", "来源行", "图斑编号"], *body, *([[None, ""]] * trailing)]
    path = tmp_path_factory.mktemp("v") / "values.xlsx"
    written = write_values_package(Book({"图斑": rows}), path)
    if all(foreseeable(v) for row in body for v in row):
        assert written["图斑"] == read_back(path, "图斑")
    else:
        assert written.get("图斑") in (None, read_back(path, "图斑"))


@pytest.mark.parametrize("value", ["JS_x0041_", "行1_x000D_", "a\r\nb", "_x005F_", dt.date(1900, 1, 5),
                                   dt.date(1899, 6, 1), dt.datetime(1900, 2, 28, 12, 30), dt.date(1900, 3, 1)])
def test_a_value_reads_back_as_written(tmp_path, value):
    """The combined sheet says what the ledger said: an escape-like text, a CR, a date in Excel's first
    two months of 1900 (which count a day that never was), a date before 1900 (no serial: its text)."""
    path = tmp_path / "values.xlsx"
    write_values_package(Book({"s": [["来源文件", "值"], ["a.xlsx", value]]}), path)
    book = open_workbook(path)
    try:
        got = book.rows("s")[1][1]
    finally:
        book.close()
    expected = value.isoformat(sep=" ") if isinstance(value, dt.datetime) and value.year < 1900 else \
        value.isoformat() if isinstance(value, dt.date) and value.year < 1900 else value
    assert got == expected


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
    ([["a"], [dt.date(1900, 1, 5)]], "a date Excel counts from a 29 February 1900 that never was"),
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
    resave(next((tmp_path / "out").glob("*.xlsx")))  # every part's stamp changes: the digests are compared
    again = farmcli.settle(folder, 2022).write(tmp_path / "out")  # the record's digests hold: no false edit
    assert again.paths


def resave(path) -> None:
    """As a program that saves the workbook unchanged would: each sheet part rewritten (a blank line
    after its XML declaration), its values as they were."""
    import zipfile

    data = {}
    with zipfile.ZipFile(path) as src:
        infos = src.infolist()
        for info in infos:
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = body.replace(b"?>", b"?>\n", 1)
            data[info.filename] = body
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            out.writestr(info.filename, data[info.filename])
