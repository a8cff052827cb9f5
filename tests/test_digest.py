"""What a sheet says, digested once (read/digest.py; issue 25 §1 with SPEC §5's speed): the reader
digests each sheet as its rows pass by, the record keeps it with the part's stamp, and a re-run
reads no sheet of an earlier output whose part is byte for byte as written."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLE
from farmcli.read import workbook as workbook_module
from farmcli.read.digest import digest_rows, digest_sparse, fifteen_digits
from farmcli.read.workbook import open_workbook

cells = st.one_of(st.just(""), st.text(max_size=6), st.booleans(),
                  st.floats(allow_nan=False, allow_infinity=False, width=64),
                  st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2050, 1, 1)))
rows = st.lists(st.lists(cells, min_size=3, max_size=3), max_size=30)


def _kept(value):
    return float(fifteen_digits(value)) if type(value) is float else value


@settings(max_examples=150, deadline=None)
@given(rows)
def test_a_number_counts_at_fifteen_digits_whatever_program_wrote_it(grid):
    """LibreOffice writes 15 significant digits, Excel 17: the digest is the same."""
    assert digest_rows(grid) == digest_rows([[_kept(v) for v in row] for row in grid])


def test_a_changed_value_or_position_changes_the_digest():
    base = [["乡镇", "面积(亩)"], ["修山镇", 0.9259971014492754]]
    assert digest_rows(base) == digest_rows([["乡镇", "面积(亩)"], ["修山镇", 0.925997101449275]])
    assert digest_rows(base) != digest_rows([["乡镇", "面积(亩)"], ["修山镇", 0.925997101449276]])
    assert digest_rows(base) != digest_rows(base, left=1)  # the same cells one column to the right
    assert digest_rows(base) != digest_rows([["乡镇", "面积(亩)"], ["修山镇", "0.925997101449275"]])  # text, not a number
    assert digest_rows(base) != digest_rows(base[:1] + [["", ""]] + base[1:])  # one row lower
    assert digest_sparse([[None, "a"], [], [None, None, 1.5]]) == digest_sparse([["", "a", ""], [], ["", "", 1.5]])
    assert digest_sparse([[None, "a"]]) != digest_sparse([["a"]])


def _sheet(path, rows_written: int):
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("图斑")
    ws.write_row(1, 2, ["图斑编号", "面积(亩)", "验收日期"])
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for r in range(rows_written):
        ws.write_row(r + 2, 2, [f"TJ{r:05d}", r / 7])
        ws.write_datetime(r + 2, 4, dt.datetime(2022, 6, 1) + dt.timedelta(days=r % 90), date)
    book.close()


def test_a_big_sheet_read_row_by_row_digests_as_a_small_one_read_whole(tmp_path, monkeypatch):
    """The reader takes a big sheet row by row and a small one whole: the same sheet, the same digest."""
    path = tmp_path / "台账.xlsx"
    _sheet(path, 300)
    whole = open_workbook(path)
    assert whole.digest("图斑") == digest_rows([row[2:] for row in whole.rows("图斑")], left=2)
    monkeypatch.setattr(workbook_module, "BIG_SHEET", 10)
    by_row = open_workbook(path)
    head, rest = by_row.row_source("图斑", 5)
    assert "图斑" not in by_row.digests  # only once every row has passed
    assert len(head) + sum(1 for _ in rest) == 302
    assert by_row.digests["图斑"] == whole.digest("图斑")


@pytest.fixture
def parsed(monkeypatch) -> Counter:
    """How many times calamine parses each sheet."""
    from python_calamine import CalamineWorkbook

    seen: Counter = Counter()
    real = CalamineWorkbook.get_sheet_by_name

    class Spy:
        def __init__(self, book):
            self._book = book

        def get_sheet_by_name(self, name):
            seen[name] += 1
            return real(self._book, name)

        def __getattr__(self, name):
            return getattr(self._book, name)

    real_open = workbook_module.open_calamine
    monkeypatch.setattr(workbook_module, "open_calamine", lambda path, kind: Spy(real_open(path, kind)))
    return seen


def test_settle_and_write_parse_each_ledger_sheet_once(tmp_path, parsed, monkeypatch):
    """The record's fingerprints take the reader's digests: no ledger sheet is read a second time."""
    import farmcli

    monkeypatch.setattr(workbook_module, "BIG_SHEET", 10)  # the sample's sheets go row by row too
    s = farmcli.settle(SAMPLE, 2022)
    read = dict(parsed)
    assert read and set(read.values()) == {1}
    s.write(tmp_path / "out")
    ledger = set(open_workbook(SAMPLE).sheet_names)
    assert {n: c for n, c in parsed.items() if n in ledger and c > 1} == {}


def test_a_rerun_reads_no_sheet_of_an_untouched_earlier_output(tmp_path, parsed):
    """Each sheet's part stamp (CRC-32, size) is in the record: an output as written is not read again."""
    import farmcli

    shutil.copy(SAMPLE, tmp_path / "台账.xlsx")
    farmcli.settle(tmp_path / "台账.xlsx", 2022).write(tmp_path)
    parsed.clear()
    s = farmcli.settle(tmp_path / "台账.xlsx", 2022)
    first = Counter(parsed)
    s.write(tmp_path)
    during = parsed - first
    ledger = open_workbook(SAMPLE).sheet_names
    assert not [n for n in during if n in ledger]  # no ledger sheet, in the earlier output or the ledger
    assert during and set(during.values()) == {1}  # the new result sheets, once (not the earlier output's too)
