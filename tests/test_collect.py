"""The collection cycle (SPEC §8): a folder of returned workbooks checked and settled as one.

Each rule has a small folder built in tmp_path: the county's own workbook (乡镇 lists the
townships, 拨付明细 its payments) and one workbook per township (图斑, its own parcels).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import farmcli
from farmcli.model.findings import LedgerError
from tests.conftest import run_cli, write_ledger

TOWNS = [["乡镇名称", "下达任务(亩)", "合同金额(元)", "已拨付(元)"],
         ["修山镇", 100, 200000, 0], ["高桥镇", 50, 100000, 0]]
PARCEL_HEADER = ["图斑编号", "乡镇名称", "面积(亩)", "状态", "验收日期"]


def settings(unit: str, **more) -> list[list]:
    return [["项目", "值"], ["政策", "taojiang"], ["年度", 2022], ["填报单位", unit],
            *([k, v] for k, v in more.items())]


def county(folder: Path, towns=TOWNS, name: str = "桃江县台账.xlsx", **sheets) -> Path:
    return write_ledger(folder / name, {"设置": settings("桃江县自然资源局"), "乡镇": towns, **sheets})


def town(folder: Path, unit: str, parcels: list[list], name: str | None = None, **more) -> Path:
    return write_ledger(folder / (name or f"{unit}-台账.xlsx"),
                        {"设置": settings(unit, **more.pop("extra", {})), "图斑": [PARCEL_HEADER, *parcels], **more})


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "台账"
    root.mkdir()
    county(root)
    town(root, "修山镇", [["X1", "修山镇", 60, "已实施", None], ["X2", "修山镇", 20.5, "已实施", None]])
    town(root, "高桥镇", [["G1", "高桥镇", 50, "已实施", None]])
    return root


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def summary_row(s, name: str) -> dict:
    return next(r for r in s.result.tables[0].rows if r["乡镇名称"] == name)


def test_a_folder_settles_as_one_ledger_and_every_row_keeps_its_file(folder):
    s = farmcli.settle(folder, 2022)
    assert summary_row(s, "修山镇")["实施恢复面积(亩)"] == Decimal("80.5")
    assert summary_row(s, "高桥镇")["实施恢复面积(亩)"] == Decimal("50")
    parcels = s.result.combined.tables["图斑"]
    assert [p[1] for p in parcels.parts] == ["修山镇-台账.xlsx", "高桥镇-台账.xlsx"]
    assert str(parcels.cell("面积(亩)", 2)) == "高桥镇-台账.xlsx!图斑!C2"
    subs = {sub.file: sub for sub in s.submissions}
    assert subs["桃江县台账.xlsx"].role == "汇总单位"
    assert subs["修山镇-台账.xlsx"].rows["图斑"] == 2 and subs["修山镇-台账.xlsx"].status == "通过"
    assert subs["修山镇-台账.xlsx"].saved_from in ("文档属性", "文件修改时间")


def test_the_county_workbook_is_the_one_whose_unit_is_none_of_its_townships(folder):
    (folder / "桃江县台账.xlsx").rename(folder / "zz.xlsx")
    s = farmcli.settle(folder, 2022)
    assert [sub.file for sub in s.submissions if sub.role == "汇总单位"] == ["zz.xlsx"]


def test_two_county_like_workbooks_stop_with_exit_2_unless_main_names_one(folder):
    county(folder, name="另一个.xlsx")
    with pytest.raises(LedgerError, match="--main"):
        farmcli.settle(folder, 2022)
    s = farmcli.settle(folder, 2022, main=folder / "桃江县台账.xlsx")
    assert any(f.code == "FOLDER_COUNTY_SHEET" and f.file == "另一个.xlsx" for f in s.findings) or \
        any(f.file == "另一个.xlsx" for f in s.findings)


def test_owner_hidden_and_own_output_files_are_skipped_and_others_listed(folder):
    (folder / "~$修山镇-台账.xlsx").write_bytes(b"owner")
    (folder / ".hidden.xlsx").write_bytes(b"x")
    (folder / "台账-2022年度结算报告.md").write_text("x", encoding="utf-8")
    (folder / "说明.txt").write_text("请于月底前上报", encoding="utf-8")
    sub = folder / "补报"
    sub.mkdir()
    (sub / "照片.jpg").write_bytes(b"\xff\xd8\xff")
    found = farmcli.check(folder, year=2022)
    listed = [f for f in found if f.code == "FOLDER_OTHER_FILES"]
    assert len(listed) == 1 and "说明.txt" in listed[0].message and "补报/照片.jpg" in listed[0].message
    assert "~$" not in listed[0].message and "hidden" not in listed[0].message and "结算报告" not in listed[0].message
    assert len(found.submissions) == 3


def test_a_zip_that_is_no_spreadsheet_is_listed_not_sent_back(folder):
    """A township's Word notice or a .zip of photos is not a ledger: one info finding lists it (SPEC §8),
    never FOLDER_FILE_UNREADABLE, and the check's exit code does not change for it."""
    import zipfile

    from docx import Document

    Document().save(str(folder / "关于报送台账的通知.docx"))
    with zipfile.ZipFile(folder / "附件.zip", "w") as archive:
        archive.writestr("照片.txt", "x")
    found = farmcli.check(folder, year=2022)
    listed = [f for f in found if f.code == "FOLDER_OTHER_FILES"]
    assert len(listed) == 1 and "关于报送台账的通知.docx" in listed[0].message and "附件.zip" in listed[0].message
    assert listed[0].severity == "info" and "FOLDER_FILE_UNREADABLE" not in [f.code for f in found]
    assert len(found.submissions) == 3
    assert run_cli("check", str(folder), "--year", "2022").returncode == 0


def test_a_saved_time_out_of_range_falls_back_to_the_files_own(tmp_path):
    from farmcli.read.folder import saved_time

    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    assert saved_time(path, "0001-01-01T00:00:00+14:00")[1] == "文件修改时间"  # year 0 in any zone west of +14
    assert saved_time(path, "不是时间")[1] == "文件修改时间"
    assert saved_time(path, "2023-05-06T07:08:09Z")[1] == "文档属性"


def test_another_units_rows_are_errors_at_each_row_and_not_counted(folder):
    town(folder, "修山镇", [["X1", "修山镇", 60, "已实施", None], ["G9", "高桥镇", 7, "已实施", None]])
    s = farmcli.settle(folder, 2022)
    wrong = [f for f in s.findings if f.code == "FOLDER_OTHER_UNIT"]
    assert [f.location for f in wrong] == ["修山镇-台账.xlsx!图斑!B3"] and wrong[0].file == "修山镇-台账.xlsx"
    assert summary_row(s, "高桥镇")["实施恢复面积(亩)"] == Decimal("50")  # the 7 亩 not counted
    assert {sub.file: sub.status for sub in s.submissions}["修山镇-台账.xlsx"] == "退回修改"


def test_a_key_in_two_files_is_an_error_naming_both(folder):
    town(folder, "高桥镇", [["G1", "高桥镇", 50, "已实施", None], ["X1", "高桥镇", 3, "已实施", None]])
    s = farmcli.settle(folder, 2022)
    twice = [f for f in s.findings if f.code == "FOLDER_KEY_TWICE"]
    assert len(twice) == 1 and "修山镇-台账.xlsx" in twice[0].message and twice[0].file == "高桥镇-台账.xlsx"


def test_a_unit_that_submitted_twice_is_an_error_naming_both_and_its_figures_stay_pending(folder):
    town(folder, "修山镇", [["X1", "修山镇", 60, "已实施", None]], name="修山镇-台账(1).xlsx")
    s = farmcli.settle(folder, 2022)
    twice = [f for f in s.findings if f.code == "FOLDER_TWICE"]
    assert len(twice) == 2 and all("修山镇-台账.xlsx" in f.message and "修山镇-台账(1).xlsx" in f.message for f in twice)
    row = summary_row(s, "修山镇")
    assert row["补助金额(元)"] is None and row["实施恢复面积(亩)"] is None and "待定" in row["备注"]
    assert s.totals["补助金额(元)"] is None
    assert summary_row(s, "高桥镇")["实施恢复面积(亩)"] == Decimal("50")


def test_a_listed_unit_without_a_file_is_not_reported_and_pending_never_0(folder):
    (folder / "高桥镇-台账.xlsx").unlink()
    s = farmcli.settle(folder, 2022)
    missing = [f for f in s.findings if f.code == "FOLDER_NOT_REPORTED"]
    assert len(missing) == 1 and missing[0].severity == "warning" and "高桥镇" in missing[0].message
    assert summary_row(s, "高桥镇")["补助金额(元)"] is None
    assert summary_row(s, "修山镇")["实施恢复面积(亩)"] == Decimal("80.5")


def test_a_unit_not_reported_but_stated_by_the_county_is_settled_on_the_countys_figures(folder):
    (folder / "高桥镇-台账.xlsx").unlink()
    county(folder, 图斑=[PARCEL_HEADER, ["G1", "高桥镇", 30, "已实施", None]])
    s = farmcli.settle(folder, 2022)
    assert "县级台账" in next(f for f in s.findings if f.code == "FOLDER_NOT_REPORTED").message
    assert summary_row(s, "高桥镇")["实施恢复面积(亩)"] == Decimal("30")


def test_a_setting_given_differently_in_two_files_stops_naming_both(folder):
    town(folder, "修山镇", [["X1", "修山镇", 60, "已实施", None]], extra={"补助标准": 2100})
    town(folder, "高桥镇", [["G1", "高桥镇", 50, "已实施", None]], extra={"补助标准": 2200})
    with pytest.raises(LedgerError) as caught:
        farmcli.settle(folder, 2022)
    assert "修山镇-台账.xlsx" in str(caught.value) and "高桥镇-台账.xlsx" in str(caught.value)
    assert "2100" in str(caught.value) and "2200" in str(caught.value)


def test_a_setting_given_alike_in_two_files_combines(folder):
    town(folder, "修山镇", [["X1", "修山镇", 60, "已实施", None]], extra={"补助标准": 2100})
    town(folder, "高桥镇", [["G1", "高桥镇", 50, "已实施", None]], extra={"补助标准": "2100"})
    assert farmcli.settle(folder, 2022).parameters["补助标准"] == Decimal(2100)


def test_rows_in_a_sheet_the_county_keeps_are_an_error_and_not_counted(folder):
    town(folder, "修山镇", [["X1", "修山镇", 60, "已实施", None]],
         拨付明细=[["单位名称", "金额(元)"], ["修山镇", 999]])
    s = farmcli.settle(folder, 2022)
    assert [f.location for f in s.findings if f.code == "FOLDER_COUNTY_SHEET"] == ["修山镇-台账.xlsx!拨付明细"]
    assert summary_row(s, "修山镇")["已拨付(元)"] == Decimal(0)


def test_check_cli_prints_one_row_per_file_and_json_carries_file_and_submissions(folder):
    town(folder, "修山镇", [["X1", "修山镇", 60, "已实施", None], ["G9", "高桥镇", 7, "已实施", None]])
    done = run_cli("check", str(folder), "--year", "2022", "--json")
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    assert all("file" in f for f in doc["findings"])
    assert {s["file"]: s["status"] for s in doc["submissions"]} == {
        "桃江县台账.xlsx": "通过", "修山镇-台账.xlsx": "退回修改", "高桥镇-台账.xlsx": "通过"}
    plain = run_cli("check", str(folder), "--year", "2022")
    assert "退回修改" in plain.stdout and "修山镇-台账.xlsx!图斑!B3" in plain.stdout


def test_settle_cli_writes_outputs_named_after_the_folder_beside_it(folder):
    done = run_cli("settle", "2022", str(folder))
    assert done.returncode == 0, done.stderr + done.stdout
    book = folder.parent / "台账-2022年度结算.xlsx"
    assert book.exists() and (folder.parent / "台账-2022年度结算报告.docx").exists()
    import openpyxl

    wb = openpyxl.load_workbook(book, read_only=True)
    assert "上报情况" in wb.sheetnames and "图斑" in wb.sheetnames
    rows = list(wb["图斑"].iter_rows(values_only=True))
    assert rows[0][:3] == ("来源文件", "来源行", "图斑编号") and rows[3][:2] == ("高桥镇-台账.xlsx", 2)
    report = (folder.parent / "台账-2022年度结算报告.md").read_text("utf-8")
    assert "上报情况" in report and "修山镇-台账.xlsx" in report
    again = run_cli("settle", "2022", str(folder))  # its own outputs are never read as ledgers
    assert again.returncode == 0, again.stderr


def test_per_unit_writes_one_notice_per_unit_with_due_amount_in_daxie_and_own_findings(folder, tmp_path):
    town(folder, "修山镇", [["X1", "修山镇", 60, "已实施", None], ["G9", "高桥镇", 7, "已实施", None]])
    done = run_cli("settle", "2022", str(folder), "--per-unit", str(tmp_path / "通知"))
    assert done.returncode == 1, done.stderr
    import docx

    notices = sorted(p.name for p in (tmp_path / "通知").iterdir())
    assert notices == ["修山镇-2022年度结算通知.docx", "高桥镇-2022年度结算通知.docx"]
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "通知" / notices[0])).paragraphs)
    assert "图斑!B3" in text and "请改正后重新上报" in text and "大写" in text
    other = "\n".join(p.text for p in docx.Document(str(tmp_path / "通知" / notices[1])).paragraphs)
    assert "审核通过" in other and "图斑!B3" not in other


def test_the_word_report_has_a_submissions_section(folder):
    import docx

    done = run_cli("settle", "2022", str(folder))
    assert done.returncode == 0, done.stderr
    text = "\n".join(p.text for p in docx.Document(str(folder.parent / "台账-2022年度结算报告.docx")).paragraphs)
    assert "上报情况" in text


def test_template_for_units_writes_one_workbook_per_unit_that_settles_back(tmp_path):
    import openpyxl

    ledger = county(tmp_path)
    done = run_cli("template", "taojiang", "--for-units", str(ledger), "--for", "新市乡", "--out", str(tmp_path / "下发"))
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "下发").iterdir())
    assert names == ["修山镇-恢复耕地以奖代补台账.xlsx", "新市乡-恢复耕地以奖代补台账.xlsx", "高桥镇-恢复耕地以奖代补台账.xlsx"]
    wb = openpyxl.load_workbook(tmp_path / "下发" / names[0])
    assert dict(wb["设置"].iter_rows(min_row=2, max_col=2, values_only=True))["填报单位"] == "修山镇"
    notes = [r[4] for r in wb["说明"].iter_rows(min_row=2, max_row=3, values_only=True)]
    assert "修山镇 填写：图斑" in notes[0] and "乡镇" in notes[1] and "拨付明细" in notes[1] and "由县里填写" in notes[1]
    unit_column = wb["图斑"].data_validations.dataValidation
    assert any(v.formula1 == '"修山镇"' for v in unit_column)
    # the township fills its parcels (leaving 乡镇名称 blank) and sends the file back
    ws = wb["图斑"]
    ws.append(["X1", None, 12.5, "已实施", None])
    back = tmp_path / "回收"
    back.mkdir()
    wb.save(back / names[0])
    county(back)
    s = farmcli.settle(back, 2022)
    assert summary_row(s, "修山镇")["实施恢复面积(亩)"] == Decimal("12.5")
    assert any(f.code == "FOLDER_UNIT_FILLED" for f in s.findings)


def test_template_for_writes_a_unit_of_a_policy_whose_units_fill_their_own_row(tmp_path):
    import openpyxl

    paths = farmcli.distribute("anhui-incentive", ["凤阳县小溪河镇"], tmp_path)
    wb = openpyxl.load_workbook(paths[0])
    assert wb["乡镇"]["A2"].value == "凤阳县小溪河镇"


def test_re_settling_reports_changes_per_unit_and_file(folder):
    first = run_cli("settle", "2022", str(folder))
    assert first.returncode == 0, first.stderr
    town(folder, "修山镇", [["X1", "修山镇", 60, "已实施", None], ["X2", "修山镇", 20.5, "已实施", None],
                          ["X3", "修山镇", 12.5, "已实施", None]])
    again = run_cli("settle", "2022", str(folder))
    assert again.returncode == 0, again.stderr
    assert "修山镇（修山镇-台账.xlsx）：图斑 新增 1 行，面积 +12.50 亩" in again.stderr + again.stdout
    report = (folder.parent / "台账-2022年度结算报告.md").read_text("utf-8")
    assert "修山镇（修山镇-台账.xlsx）：图斑 新增 1 行，面积 +12.50 亩" in report


def test_submission_changes_is_a_pure_function_of_two_records():
    from farmcli.settlement.submissions import submission_changes

    before = [{"file": "a.xlsx", "unit": "修山镇", "sums": {"图斑": {"行数": "3", "面积(亩)": "10.0"}}}]
    after = [{"file": "a.xlsx", "unit": "修山镇", "sums": {"图斑": {"行数": "2", "面积(亩)": "7.5"}}}]
    assert [i["本次"] for i in submission_changes(before, after)] == ["图斑 减少 1 行，面积 -2.50 亩"]
    assert submission_changes(before, before) == [] and submission_changes(None, after) == []


def test_the_folder_workbook_validates_and_keeps_values_exact(folder):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from package_check import check_package
    from schema_check import schema_errors

    town(folder, "高桥镇", [["G1", "高桥镇", 50.1234, "已验收入库", "2022-11-30"], ["+G2", "高桥镇", 1, "已实施", None]])
    done = run_cli("settle", "2022", str(folder))
    assert done.returncode in (0, 1), done.stderr
    book = folder.parent / "台账-2022年度结算.xlsx"
    check_package(book)
    assert schema_errors(book) == {}
    import openpyxl

    rows = list(openpyxl.load_workbook(book)["图斑"].iter_rows(values_only=True))
    gaoqiao = [r for r in rows if r[0] == "高桥镇-台账.xlsx"]
    assert gaoqiao[0][2:5] == ("G1", "高桥镇", 50.1234) and gaoqiao[0][6].date().isoformat() == "2022-11-30"
    assert gaoqiao[1][2] == "+G2"  # text stays text, never a formula


def test_the_folders_progress_names_each_file_as_it_is_read(folder):
    seen = []
    farmcli.settle(folder, 2022, progress=lambda what, done, total: seen.append((what, done, total)))
    files = [x for x in seen if x[0].startswith("读取各单位台账文件")]
    assert [x[1] for x in files] == [0, 1, 2, 3] and {x[2] for x in files} == {3}
    assert {x[0].partition("：")[2] for x in files[:-1]} == {"桃江县台账.xlsx", "修山镇-台账.xlsx", "高桥镇-台账.xlsx"}


def test_a_folder_output_opened_and_saved_in_libreoffice_is_not_an_edit(folder, tmp_path):
    """The combined sheets are digested as written (valuesheets.ReadBack): LibreOffice re-saving the
    workbook (numbers at 15 digits, strings shared, every part rewritten) is not an edit of it."""
    import datetime as dt
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed for the round trip"
    town(folder, "修山镇", [["JS_x0041_", "修山镇", 0.1 + 0.2, "已验收入库", dt.date(2022, 6, 1)],
                           ["X2\r\n", "修山镇", 20.5, "已实施", None]])
    out = tmp_path / "out"
    first = run_cli("settle", "2022", str(folder), "--out", str(out), "--quiet")
    assert first.returncode in (0, 1), first.stderr
    workbook = next(out.glob("*.xlsx"))
    work = tmp_path / "lo"
    done = subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(work), str(workbook)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (work / workbook.name).read_bytes() != workbook.read_bytes()
    shutil.move(work / workbook.name, workbook)
    again = run_cli("settle", "2022", str(folder), "--out", str(out), "--quiet")
    assert again.returncode == first.returncode, again.stderr
    assert "修改过" not in again.stderr
