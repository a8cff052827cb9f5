"""Ledger formats recognised by content (issue 17, SPEC §5–6). The fixtures were made once from
sample_data/taojiang-2022.xlsx with LibreOffice (`soffice --convert-to xls|ods`) and committed:
- taojiang-2022.xls, taojiang-2022.ods: the sample in the other formats;
- taojiang-2022-saved-by-wps.xls: the .xlsx under an .xls name (as WPS often saves);
- taojiang-2022-xls-named.xlsx: a real .xls under an .xlsx name."""

import json
import zipfile
from pathlib import Path

import pytest

from farmcli.model.findings import LedgerError
from farmcli.read.formats import ole_streams, sniff
from farmcli.read.workbook import open_workbook

from conftest import ROOT, SAMPLE, ole_file, run_cli, xlsm_ledger

FIXTURES = ROOT / "tests" / "fixtures" / "formats"
KINDS = {"taojiang-2022.xls": "xls", "taojiang-2022.ods": "ods",
         "taojiang-2022-saved-by-wps.xls": "xlsx", "taojiang-2022-xls-named.xlsx": "xls"}


@pytest.mark.parametrize("name", list(KINDS))
def test_the_format_is_told_by_content_not_by_name(name):
    assert sniff(FIXTURES / name) == KINDS[name]


def _figures(ledger: Path, out: Path) -> dict:
    result = run_cli("settle", "2022", str(ledger), "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    return {"totals": doc["totals"], "tables": doc["tables"]}


def test_every_format_settles_to_the_same_figures_as_the_xlsx(tmp_path):
    expected = _figures(SAMPLE, tmp_path / "xlsx")
    assert expected["totals"]["补助金额(元)"] == 12778760.0
    for name in KINDS:
        assert _figures(FIXTURES / name, tmp_path / name) == expected, name


def test_an_xls_ledger_gives_an_xlsx_settlement_workbook(tmp_path):
    run_cli("settle", "2022", str(FIXTURES / "taojiang-2022.xls"), "--out", str(tmp_path), "--quiet")
    (workbook,) = tmp_path.glob("*.xlsx")
    assert zipfile.is_zipfile(workbook)


def test_the_ole_directory_tells_xls_from_encrypted_and_et(tmp_path):
    assert "workbook" in ole_streams(FIXTURES / "taojiang-2022.xls")
    cases = {"et.et": (ole_file("ETExtData", "SummaryInformation"), ".et 文件"),
             "locked.xlsx": (ole_file("EncryptionInfo", "EncryptedPackage"), "加密的工作簿"),
             "word.xls": (ole_file("WordDocument", "1Table"), ".et 文件")}
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(LedgerError, match=message) as caught:
            open_workbook(path)
        assert "另存为” Excel 工作簿（.xlsx，不设密码）" in str(caught.value)


def test_the_command_line_asks_for_an_xlsx_without_a_password(tmp_path):
    path = tmp_path / "台账.et"
    path.write_bytes(ole_file("ETExtData"))
    result = run_cli("settle", "2022", str(path))
    assert result.returncode == 2 and str(path) in result.stderr and "不设密码" in result.stderr


def test_a_text_file_is_still_refused(tmp_path):
    path = tmp_path / "台账.xls"
    path.write_text("乡镇名称,下达任务\n", encoding="utf-8")
    with pytest.raises(LedgerError, match="不是 Excel 工作簿或其他电子表格文件"):
        open_workbook(path)


def test_an_xls_or_ods_ledger_is_copied_as_values_and_the_outputs_say_so(tmp_path):
    """SPEC §3: formats whose parts cannot be kept get their sheets as values, and the report says so;
    the record still travels inside, so a re-run compares (issue 19 with issue 17)."""
    import openpyxl

    from package_check import check_package

    for name in ("taojiang-2022.xls", "taojiang-2022.ods"):
        out = tmp_path / name
        doc = json.loads(run_cli("settle", "2022", str(FIXTURES / name), "--out", str(out), "--json").stdout)
        assert "VALUES_COPIED" in {f["code"] for f in doc["findings"]}
        (workbook,) = out.glob("*.xlsx")
        check_package(workbook)
        book = openpyxl.load_workbook(workbook)
        assert book.sheetnames[0] == "结算总览" and "乡镇" in book.sheetnames
        # the report speaks Chinese, not codes (issue 26): the finding's own words are there
        assert "结算工作簿中台账各表只照录数值" in next(out.glob("*.md")).read_text("utf-8")
        again = json.loads(run_cli("settle", "2022", str(FIXTURES / name), "--out", str(out), "--json").stdout)
        assert again["changes"]["previous"] is not None and again["changes"]["items"] == []


def test_an_xlsm_ledger_settles_with_an_info_that_the_macros_are_not_kept(tmp_path):
    """The .xlsm content type and a VBA part added to the sample: the output is .xlsx without them."""
    from package_check import check_package

    ledger = xlsm_ledger(tmp_path / "台账.xlsm")
    doc = json.loads(run_cli("settle", "2022", str(ledger), "--out", str(tmp_path / "o"), "--json").stdout)
    assert "MACROS_DROPPED" in {f["code"] for f in doc["findings"]}
    assert doc["totals"]["补助金额(元)"] == 12778760.0
    (workbook,) = (tmp_path / "o").glob("*.xlsx")
    check_package(workbook)
    with zipfile.ZipFile(workbook) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
        assert b"macroEnabled" not in z.read("[Content_Types].xml")
