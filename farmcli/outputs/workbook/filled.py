"""The filled workbook (SPEC §3): the clerk's own ledger package, every part kept as saved, with
the result sheets in front and the settlement's record inside.

The result sheets are written by `workbook.Writer` (xlsxwriter) into a temporary package and
transplanted by `package.fill_workbook`. A ledger whose parts cannot be kept (.xls, .ods) is first
copied as values into a package of its own, which then takes the results the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from farmcli.model.progress import COPY, Progress
from farmcli.outputs.workbook.approval import APPROVAL_SHEET, RECOVERY_SHEET, approval_of, form_sheet
from farmcli.outputs.workbook.sheets import Writer, write_results
from farmcli.settlement.build import Settlement

from farmcli.outputs.workbook.record import RECORD_SHEET

CLASH_SUFFIX = "(结算)"  # a result sheet named like a ledger sheet takes it; the ledger's keeps its name


def write_workbook(s: Settlement, path: Path, progress: Progress | None = None,
                   record: bytes | Callable[[list[str], list[list[str]]], bytes] | None = None):
    """The filled workbook (SPEC §3): the ledger's own package with the result sheets in front, and
    the settlement's `record` inside — given as a function, it is called with the names of the
    result sheets written, which the record lists (what a re-settle drops), and each sheet's
    fingerprint (outputs/workbook/fingerprint.py: what the workbook says, for the next run). A ledger whose parts
    cannot be kept (.xls, .ods) is first copied as values into a package of its own, which then
    takes the results the same way. Returns the FillReport."""
    from farmcli.outputs.workbook.package import fill_workbook, read_record
    kept = s.kind in ("xlsx", "xlsm")  # what the reader found the file to be, by content
    # Named after `path` (the output's own temporary file, under the folder's lock), so that after a
    # killed run the next run's recovery clears them with the rest (atomic.recover: .<stem>.*.tmp).
    temps = [path.with_name(f"{path.name}.{part}.tmp") for part in ("results", "values")[:1 if kept else 2]]
    try:
        # the reader's open package, or the values copy (with what its sheets say, where known as written)
        ledger, digests = (s.package, s.digests) if kept else _write_values_copy(s, temps[1], progress)
        earlier = read_record(s.package) if kept else None
        form = approval_of(s)  # the 审批表 names its sheet (拨付 or 收回) and is written from the same model
        names, drop = result_sheet_names(s, earlier=earlier is not None, earlier_sheets=_listed_sheets(earlier),
                                         form_name=form_sheet(form))
        w = Writer(temps[0])
        write_results(w, s, names, form)
        written = [sheet.get_name() for sheet in w.book.worksheets()]
        w.book.close()
        if callable(record):
            prints, make = _fingerprints(temps[0], ledger, drop, digests), record
            # called once every sheet is written: each fingerprint goes with its part's stamp
            record = lambda stamps: make(written, [[n, f, stamps.get(n, "")] for n, f in prints])  # noqa: E731
        # a ledger sheet's part is copied as saved: its bar counts bytes (model/progress.py COPY)
        report = None if progress is None else (lambda sheet, done, total: progress(f"{COPY}「{sheet}」", done, total))
        return fill_workbook(ledger, temps[0], path, drop_sheets=drop, record=record, progress=report)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)


def _fingerprints(results: Path, ledger, drop: list[str], digests: dict) -> list[list[str]]:
    """Each sheet's fingerprint, in the filled workbook's tab order: the result sheets, then the
    ledger's kept sheets (copied part for part, so they say in the output what they say here)."""
    from farmcli.outputs.workbook.fingerprint import workbook_fingerprints
    from farmcli.outputs.workbook.record import RECORD_SHEET

    # the reader's open package and what it took of each sheet as it read it, or the values copy's path
    return workbook_fingerprints(results) + workbook_fingerprints(ledger, skip=(*drop, RECORD_SHEET), digests=digests)


def _listed_sheets(data: bytes | None) -> list[str] | None:
    """The result sheets an earlier settlement's record lists (`result_sheets`), or None when the
    record has no such list (written before farmcli kept one) or cannot be read."""
    from farmcli.outputs.workbook.record import record_dict

    record = record_dict(data)
    listed = record.get("result_sheets") if record is not None else None
    if isinstance(listed, list) and all(isinstance(n, str) for n in listed):
        return listed
    return None


def _all_sheet_names(s: Settlement) -> list[str]:
    """Every sheet of the ledger's package, chart sheets and dialog sheets too (the reader lists
    worksheets only): a result sheet must not take the name of any of them."""
    names = s.package.sheet_names if s.package is not None else []  # .xls/.ods: the reader's list is all
    return list(dict.fromkeys([*s.sheet_names, *names]))




def result_sheet_names(s: Settlement, earlier: bool, earlier_sheets: list[str] | None = None,
                       form_name: str | None = None) -> tuple[dict[str, str], list[str]]:
    """Each result sheet's name in the workbook, and the ledger sheets to drop. A ledger that is
    an earlier farmcli settlement loses its earlier result sheets — exactly those its record lists
    (`earlier_sheets`), so a clerk's own sheet named like a result sheet stays; for a record
    without the list, every sheet named like a result sheet (plain or suffixed) — and the new ones
    take the names left free; in any other ledger a sheet named like a result sheet keeps its
    name (formulas may refer to it) and the result sheet takes CLASH_SUFFIX. `form_name`: the
    审批表's sheet (`approval.form_sheet`), taken from the settlement when not given."""
    form_name = form_name or form_sheet(approval_of(s))
    wanted = ["结算总览", *(t.name for t in s.tables), form_name, "图表", "变更", "发现问题", "参数"]
    ledger = _all_sheet_names(s)
    if earlier:
        known = {*wanted, APPROVAL_SHEET, RECOVERY_SHEET}  # a form sheet of either name is an earlier result
        old = set(earlier_sheets) if earlier_sheets is not None else known | {_suffixed(n, 1) for n in known}
        old.add(RECORD_SHEET)
        drop = [n for n in ledger if n in old]
        ledger = [n for n in ledger if n not in old]
    else:
        drop = []
    taken = {n.casefold() for n in ledger}  # Excel compares sheet names without case
    names = {}
    for name in wanted:
        number, final = 1, name
        while final.casefold() in taken:
            final = _suffixed(name, number)
            number += 1
        taken.add(final.casefold())
        names[name] = final
    return names, drop


def _suffixed(name: str, number: int) -> str:
    suffix = CLASH_SUFFIX if number == 1 else f"{CLASH_SUFFIX[:-1]}{number}{CLASH_SUFFIX[-1]}"
    return name[:31 - len(suffix)] + suffix


def _write_values_copy(s: Settlement, path: Path, progress: Progress | None = None) -> tuple[Path, dict]:
    """A ledger whose parts cannot be kept (.xls, .ods): its sheets copied as values, as a package
    the results are then transplanted into like any .xlsx ledger's; with what a folder's combined
    sheets say, digested as they were written (sheet → (digest, holds a formula))."""
    from farmcli.read.workbook import open_workbook

    if s.combined is not None:  # a folder's combined sheets (SPEC §8), each row with 来源文件 and 来源行
        from farmcli.outputs.workbook.valuesheets import write_values_package

        written = write_values_package(s.combined, path, progress)
        return path, {name: (digest, False) for name, digest in written.items()}
    book = open_workbook(s.ledger)  # the Settlement keeps no reader's handle: read the values again
    w = Writer(path)
    for sheet in book.sheet_names:
        w.copy_sheet(sheet, book.rows(sheet), progress)
    w.book.close()
    return path, {}
