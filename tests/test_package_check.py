"""Mutation tests for tests/package_check.py (issue 23 item 8): a valid package broken in each
way check_package claims to catch, and check_package catching it. A checker that passes a
broken package would let every test that leans on it pass too."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from package_check import check_package

WS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
CT = "[Content_Types].xml"


def valid_package(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("甲")
    ws.write(0, 0, 1.5, book.add_format({"num_format": "0.000", "bold": True}))
    ws.write(0, 1, "x")
    book.add_worksheet("乙").write(0, 0, 2)
    book.define_name("甲!局部", "=甲!$A$1")
    book.define_name("全局", "=乙!$A$1")
    book.close()
    return path


def rewrite(source: Path, target: Path, edits: dict[str, object], extra: list[tuple[str, bytes]] = ()) -> Path:
    """`source` with parts replaced (name → function of the old bytes, or None to leave it out)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            edit = edits.get(item.filename, lambda data: data)
            if edit is None:
                continue
            data = edit(src.read(item.filename))
            assert item.filename not in edits or data != src.read(item.filename), f"{item.filename}: the edit changed nothing"
            dst.writestr(item.filename, data)
        for name, data in extra:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a duplicate name is the point of one mutation
                dst.writestr(name, data)
    return target


def sub(old: str, new: str):
    return lambda data: data.replace(old.encode(), new.encode(), 1)


MUTATIONS = {
    "duplicate zip entry": ({}, [("xl/worksheets/sheet2.xml", b"<worksheet/>")], "duplicate zip entries"),
    "part without a content type": ({}, [("xl/media/extra.unknownext", b"x")], "has no content type"),
    "macro content type": ({CT: sub("</Types>", '<Default Extension="bin" ContentType="application/'
                                    'vnd.ms-office.vbaProject"/></Types>')}, [], "macro-enabled content type"),
    "VBA part": ({CT: sub("</Types>", '<Override PartName="/xl/vbaProject.dat" ContentType="application/'
                          'octet-stream"/></Types>')}, [("xl/vbaProject.dat", b"x")], "VBA part"),
    "malformed XML": ({"xl/worksheets/sheet2.xml": sub("</worksheet>", "")}, [], "no element found|unclosed"),
    "a DTD": ({"docProps/app.xml": sub("<Properties", '<!DOCTYPE x [<!ENTITY e "y">]><Properties')}, [], "DTD|Forbidden"),
    "rels of no part": ({}, [("xl/worksheets/_rels/sheet9.xml.rels", b'<Relationships xmlns="http://schemas.'
                              b'openxmlformats.org/package/2006/relationships"/>')], "belongs to no part"),
    "duplicate relationship id": ({"xl/_rels/workbook.xml.rels": sub('Id="rId2"', 'Id="rId1"')}, [],
                                  "duplicate relationship ids"),
    "missing target": ({"xl/_rels/workbook.xml.rels": sub("theme/theme1.xml", "theme/theme9.xml")}, [], "does not exist"),
    "worksheet typed application/xml": ({CT: sub('PartName="/xl/worksheets/sheet2.xml" ContentType="application/'
                                                 'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"',
                                                 'PartName="/xl/worksheets/sheet2.xml" ContentType="application/xml"')},
                                        [], "worksheet relationship but is typed application/xml"),
    "styles typed as a worksheet": ({"xl/_rels/workbook.xml.rels": sub("styles.xml", "worksheets/sheet2.xml")}, [],
                                    "styles relationship"),
    "duplicate sheetId": ({"xl/workbook.xml": sub('sheetId="2"', 'sheetId="1"')}, [], "duplicate sheetIds"),
    "duplicate sheet r:id": ({"xl/workbook.xml": sub('r:id="rId2"', 'r:id="rId1"')}, [], "duplicate r:ids"),
    "duplicate sheet name": ({"xl/workbook.xml": sub('name="乙"', 'name="甲"')}, [], "duplicate sheet names"),
    "sheet r:id to the theme": ({"xl/workbook.xml": sub('r:id="rId2"', 'r:id="rId3"')}, [], "not a sheet relationship"),
    "two definedNames": ({"xl/workbook.xml": sub("</definedNames>", "</definedNames><definedNames/>")}, [],
                         "more than one <definedNames>"),
    "localSheetId out of range": ({"xl/workbook.xml": sub('localSheetId="0"', 'localSheetId="2"')}, [], "defined name"),
    "wrong count": ({"xl/styles.xml": sub('<fonts count="2">', '<fonts count="3">')}, [], "fonts count is wrong"),
    "undefined numFmtId": ({"xl/styles.xml": sub('numFmtId="164" fontId', 'numFmtId="165" fontId')}, [],
                           "numFmtId 165 is not defined"),
    "fontId out of range": ({"xl/styles.xml": sub('numFmtId="164" fontId="1"', 'numFmtId="164" fontId="2"')}, [],
                            "fontId out of range"),
    "xfId out of range": ({"xl/styles.xml": sub('fontId="1" fillId="0" borderId="0" xfId="0"',
                                                'fontId="1" fillId="0" borderId="0" xfId="1"')}, [], "xfId out of range"),
    "cell style out of range": ({"xl/worksheets/sheet1.xml": sub('s="1"', 's="2"')}, [], "style 2 ≥ 2 cell formats"),
}


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> Path:
    path = valid_package(tmp_path_factory.mktemp("valid") / "valid.xlsx")
    check_package(path)  # the unbroken package passes
    return path


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_package_check_catches(valid, tmp_path, mutation):
    edits, extra, message = MUTATIONS[mutation]
    broken = rewrite(valid, tmp_path / "broken.xlsx", edits, extra)
    with pytest.raises(Exception, match=message):
        check_package(broken)
