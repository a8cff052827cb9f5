"""Every package farmcli writes validates against the ECMA-376 transitional schemas, and every
relationship's target has the content type its type requires (issue 25 §4; SPEC §3).

Outputs: the first settlement, the same workbook re-settled twice, each ledger kind (openpyxl-,
xlsxwriter- and LibreOffice-written .xlsx, .xlsm, .xls, .ods), every policy's template, and the
Word reports. Where the ledger's own part is already invalid, the output's part may be no worse.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

import farmcli
from conftest import ROOT, SAMPLE, xlsm_ledger
from package_check import check_package
from schema_check import schema_errors

FORMATS = ROOT / "tests" / "fixtures" / "formats"
POLICIES = ["taojiang", "jinning", "anhui-assessment", "anhui-incentive", "jiangsu-fund"]


def assert_no_worse(output: Path, ledger: Path | None = None) -> None:
    """No schema error in any part farmcli wrote; a part kept from the ledger has no more errors
    than it had there. Then the package-level checks (content types by relationship type…)."""
    before = schema_errors(ledger) if ledger is not None and zipfile.is_zipfile(ledger) else {}
    after = schema_errors(output)
    worse = {part: errors for part, errors in after.items() if len(errors) > len(before.get(part, []))}
    assert not worse, f"{output.name}: {worse}"
    if output.suffix == ".xlsx":
        check_package(output)


def settle_into(ledger: Path, folder: Path, year: int = 2022) -> dict[str, Path]:
    written = farmcli.settle(ledger, year).write(folder)
    return {kind: Path(p) for kind, p in written.paths.items()}


def test_the_first_settlement_and_its_word_report_are_valid(tmp_path):
    paths = settle_into(SAMPLE, tmp_path / "out")
    assert_no_worse(paths["workbook"], SAMPLE)
    assert_no_worse(paths["word"])


def test_a_settlement_workbook_re_settled_twice_stays_valid(tmp_path):
    """The re-settle drops the earlier result sheets and record: their parts' names are taken
    again by the new ones, which must keep their own content types."""
    first = settle_into(SAMPLE, tmp_path / "one")["workbook"]
    second = settle_into(first, tmp_path / "two")["workbook"]
    third = settle_into(second, tmp_path / "three")["workbook"]
    for workbook in (second, third):
        assert_no_worse(workbook)  # check_package: each worksheet relationship reaches a worksheet-typed part


def _xlsxwriter_ledger(path: Path) -> Path:
    source = openpyxl.load_workbook(SAMPLE)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    for ws in source:
        out = book.add_worksheet(ws.title)
        for r, row in enumerate(ws.iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if value is not None:
                    out.write(r, c, value)
    book.close()
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _libreoffice_ledger(path: Path) -> Path:
    assert soffice(), "LibreOffice is needed to write a ledger as a clerk's LibreOffice saves it"
    work = path.parent / "lo"
    done = subprocess.run([soffice(), f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(work), str(SAMPLE)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    shutil.move(work / SAMPLE.name, path)
    return path


LEDGERS = {
    "openpyxl.xlsx": lambda p: shutil.copy(SAMPLE, p) and p,
    "xlsxwriter.xlsx": _xlsxwriter_ledger,
    "libreoffice.xlsx": _libreoffice_ledger,
    "macro.xlsm": xlsm_ledger,
    "old.xls": lambda p: shutil.copy(FORMATS / "taojiang-2022.xls", p) and p,
    "open.ods": lambda p: shutil.copy(FORMATS / "taojiang-2022.ods", p) and p,
}


@pytest.mark.parametrize("kind", sorted(LEDGERS))
def test_each_ledger_kind_settles_to_a_valid_package(tmp_path, kind):
    ledger = LEDGERS[kind](tmp_path / f"台账-{kind}")
    paths = settle_into(ledger, tmp_path / "out")
    assert_no_worse(paths["workbook"], ledger)
    assert_no_worse(paths["word"])


@pytest.mark.parametrize("policy", POLICIES)
def test_every_template_is_valid(tmp_path, policy):
    from farmcli.outputs.workbook.template import write_template

    write_template(policy, tmp_path / "模板.xlsx")
    assert_no_worse(tmp_path / "模板.xlsx")


def test_the_check_finds_what_excel_refuses(tmp_path):
    """The validator itself: a worksheet typed application/xml, and an element out of place."""
    from package_check import check_target_type
    from schema_check import part_errors

    paths = settle_into(SAMPLE, tmp_path / "out")
    with zipfile.ZipFile(paths["workbook"]) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert part_errors(sheet) == []
    assert part_errors(sheet.replace(b"<sheetData>", b"<sheetData><bogus/>", 1))
    with pytest.raises(AssertionError, match="worksheet"):
        check_target_type("worksheet", "xl/worksheets/sheet7.xml", "application/xml")
