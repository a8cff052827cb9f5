"""One package reader (farmcli/ooxml): the ledger's zip is opened once per run, by it alone, and
the Settlement holds that package, not the calamine handle."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from farmcli.model.findings import LedgerError
from farmcli.ooxml.package import Package, open_package

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_data").glob("*.xlsx"))


def _count_opens(monkeypatch, ledger: Path) -> list[str]:
    opened = []
    real = zipfile.ZipFile.__init__

    def spy(self, file, *args, **kwargs):
        if isinstance(file, (str, Path)) and Path(file).resolve() == ledger.resolve():
            opened.append(str(file))
        return real(self, file, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "__init__", spy)
    return opened


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_a_settle_with_all_its_outputs_opens_the_ledger_zip_once(tmp_path, monkeypatch, sample):
    from farmcli.cli import app

    opened = _count_opens(monkeypatch, sample)
    year = sample.stem.rsplit("-", 1)[1]
    with pytest.raises(SystemExit) as done:
        app(["settle", year, str(sample), "--out", str(tmp_path), "--quiet"])
    assert done.value.code in (0, 1)
    assert len(list(tmp_path.glob("*.xlsx"))) == 1  # the filled workbook was written from that one package
    assert len(opened) == 1, opened


def test_the_settlement_holds_the_package_not_the_calamine_handle():
    from farmcli.settlement.build import settle_ledger

    s = settle_ledger(ROOT / "sample_data" / "taojiang-2022.xlsx", 2022)
    assert isinstance(s.package, Package) and s.package.path == s.ledger
    assert s.sheet_names == [n for n in s.package.sheet_names if n in s.sheet_names] and s.kind == "xlsx"
    assert not any("calamine" in type(v).__module__.lower() for v in vars(s).values())


def test_sheets_map_to_their_parts_through_the_relationships(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "乡镇 & 村"
    wb.create_sheet("图斑").sheet_state = "hidden"
    wb.save(tmp_path / "l.xlsx")
    with open_package(tmp_path / "l.xlsx") as package:
        assert package.sheet_names == ["乡镇 & 村", "图斑"]
        assert [package.part_of(n) for n in package.sheet_names] == ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"]
        assert package.hidden == {"图斑"} and package.kind == "xlsx" and not package.date1904


def test_a_zip_bomb_is_refused_before_any_parser_sees_it(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        out.writestr("xl/workbook.xml", "<workbook/>")
        out.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (60 * 1024**2) + b"</a>")
    with pytest.raises(LedgerError, match="压缩炸弹"):
        open_package(path)


def test_an_earlier_output_is_read_for_its_record_through_the_same_guard(tmp_path, monkeypatch):
    """A file lying where an earlier output would be is opened by the package reader too: a bomb, or
    a part with a DTD, holds no record and no parser sees it."""
    from farmcli.outputs.workbook.record import read_record

    path = tmp_path / "台账-2022年度结算.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        out.writestr("xl/workbook.xml", "<workbook/>")
        out.writestr("customXml/item1.xml", b"<a>" + b" " * (60 * 1024**2) + b"</a>")
    read = []
    real = zipfile.ZipFile.read
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda self, name, *a: read.append(str(name)) or real(self, name, *a))
    assert read_record(path) is None
    assert "customXml/item1.xml" not in read


def _compressed(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
        with open(path, "rb") as fh:
            fh.seek(info.header_offset + 26)
            skip = int.from_bytes(fh.read(2), "little") + int.from_bytes(fh.read(2), "little")
            fh.seek(info.header_offset + 30 + skip)
            return fh.read(info.compress_size)


def test_the_ledger_parts_are_copied_compressed_as_they_are(tmp_path):
    """No inflating and deflating again (issue 28, Scale): the filled workbook holds the ledger's
    sheet parts byte for byte as compressed — except a sheet whose tab selection is taken out."""
    from farmcli.cli import app

    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes((ROOT / "sample_data" / "taojiang-2022.xlsx").read_bytes())
    with zipfile.ZipFile(ledger) as archive:  # recompressed at another level: a re-deflate would not match
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    with zipfile.ZipFile(ledger, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    with pytest.raises(SystemExit):
        app(["settle", "2022", str(ledger), "--out", str(tmp_path / "out"), "--quiet"])
    filled = next((tmp_path / "out").glob("*.xlsx"))
    with open_package(ledger) as package:
        sheets = {s.part for s in package.sheets if b"tabSelected" not in package.read(s.part)}
    assert sheets
    for part in sheets:
        assert _compressed(filled, part) == _compressed(ledger, part), part
    with zipfile.ZipFile(filled) as archive:
        assert archive.testzip() is None


def test_the_time_a_workbook_was_saved_comes_from_its_core_properties(tmp_path):
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "made.xlsx")  # openpyxl stamps its own save time: set ours after
    core = ('<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi='
            '"http://www.w3.org/2001/XMLSchema-instance"><dcterms:modified xsi:type="dcterms:W3CDTF">'
            ' 2023-05-06T07:08:09Z </dcterms:modified></cp:coreProperties>')
    for name, replacement in (("saved.xlsx", core), ("bare.xlsx", None)):
        with zipfile.ZipFile(tmp_path / "made.xlsx") as src, zipfile.ZipFile(tmp_path / name, "w") as dst:
            for info in src.infolist():
                if info.filename != "docProps/core.xml":
                    dst.writestr(info, src.read(info))
                elif replacement is not None:
                    dst.writestr(info, replacement)
    with open_package(tmp_path / "saved.xlsx") as package:
        assert package.modified == "2023-05-06T07:08:09Z"
    with open_package(tmp_path / "bare.xlsx") as package:
        assert package.modified is None  # no core properties: the caller falls back to the file's own time


def test_a_folder_opens_each_workbook_zip_twice_at_most(tmp_path, monkeypatch):
    """A first look at its 设置 (then let go: a hundred open files would pin a hundred handles), then
    one read of its sheets; the 保存时间 comes from the first look, not a third opening."""
    import shutil

    import farmcli

    root = tmp_path / "台账"
    root.mkdir()
    ledger = root / "台账.xlsx"
    shutil.copy(ROOT / "sample_data" / "taojiang-2022.xlsx", ledger)
    opened = _count_opens(monkeypatch, ledger)
    s = farmcli.settle(root, 2022)
    assert len(opened) == 2, opened
    assert s.submissions[0].saved_from == "文档属性"


def test_an_earlier_word_report_that_is_a_bomb_is_never_inflated(tmp_path):
    from farmcli.outputs.files.guard import protected

    path = tmp_path / "台账-2022年度结算报告.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("_rels/.rels", "<Relationships/>")
        out.writestr("word/document.xml", b"<a>" + b" " * (60 * 1024**2) + b"</a>")
    found = protected({"word": path}, {"fingerprints": {"word": "0" * 64}})
    assert found == [(path, "edited")]  # not what farmcli wrote: the run stops, the file stays
    from farmcli.outputs.workbook.fingerprint import document_fingerprint

    with pytest.raises(LedgerError, match="压缩炸弹"):
        document_fingerprint(path)
