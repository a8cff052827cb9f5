"""Reliability (issue 9): a corpus of bad and awkward ledgers, each run as a clerk would run it.

Every case checks the exit code, the Chinese message (naming the file, sheet, row or column), that no traceback
appears, that the input is untouched, and that the outputs are either complete or absent — never half-written.
"""

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import TOWN_HEADER, digest, ole_file, run_cli, write_ledger

SETTINGS = [["项目", "值"], ["政策", "taojiang"]]
TOWNS = [TOWN_HEADER, ["甲镇", 100, 100, 100, None, None, None]]


def good(path: Path) -> Path:
    return write_ledger(path, {"设置": SETTINGS, "乡镇": TOWNS})


def raw(content: bytes):
    def make(path: Path) -> Path:
        path.write_bytes(content)
        return path
    return make


def sheets(**named):
    return lambda path: write_ledger(path, {"设置": SETTINGS, **named})


def zipped(parts: dict[str, bytes]):
    def make(path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
        return path
    return make


def rewrite_part(part_name: str, change):
    """A valid ledger with one XML part rewritten (to plant a DTD, say)."""
    def make(path: Path) -> Path:
        good(path.with_suffix(".src.xlsx"))
        with zipfile.ZipFile(path.with_suffix(".src.xlsx")) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                dst.writestr(info, change(data) if info.filename == part_name else data)
        path.with_suffix(".src.xlsx").unlink()
        return path
    return make


BOMB_DTD = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
            b'&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def xml_bomb(data: bytes) -> bytes:
    body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
    return BOMB_DTD + body


def truncated(path: Path) -> Path:
    good(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def title_rows(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "乡镇"
    ws.append(["桃江县2022年度恢复耕地任务表"])
    ws.merge_cells("A1:C1")
    ws.append(["（单位：亩）"])
    ws.append(["乡镇 名称", "下达任务（亩）", "实施恢复面积（亩）"])
    ws.append(["甲镇", 100, 90])
    s = wb.create_sheet("设置")
    s.append(["项目", "值"])
    s.append(["政策", "taojiang"])
    wb.save(path)
    return path


def hostile(path: Path) -> Path:
    write_ledger(path, {"设置": SETTINGS, "乡镇": TOWNS, "拨付明细": [["单位名称", "金额(元)"], ["x", 1], ["x", 1],
                                                                      ["x", 1], ["x", 1]]})
    wb = openpyxl.load_workbook(path)
    for cell, text in zip(("A2", "A3", "A4", "A5"), ("=1+1", "+SUM(A1)", "-2+3", "@cmd")):
        wb["拨付明细"][cell].value = text
        wb["拨付明细"][cell].data_type = "s"
    wb.save(path)
    return path


def formula_without_value(path: Path) -> Path:
    return write_ledger(path, {"设置": SETTINGS, "乡镇": [TOWN_HEADER, ["甲镇", 100, "=A1", 100, None, None, None]]})


PARCELS = ["图斑编号", "乡镇名称", "面积(亩)", "状态", "验收日期"]
PAY = ["单位名称", "金额(元)", "拨付日期"]
# (label, make the ledger, extra CLI args, exit code, what must be said: text in stderr for exit 2,
#  or (finding code, location) in the JSON for exits 0 and 1)
CASES = [
    ("not a workbook", raw(b"just some text, not a spreadsheet"), [], 2, "{ledger}|不是 Excel 工作簿"),
    ("empty file", raw(b""), [], 2, "{ledger}|空文件"),
    ("zip, not xlsx", zipped({"readme.txt": b"hello"}), [], 2, "{ledger}|缺少 [Content_Types].xml"),
    ("WPS .et (OLE, no Workbook stream)", raw(ole_file("ETExtData", "SummaryInformation")), [], 2,
     "{ledger}|.et 文件|另存为"),
    ("password-protected", raw(ole_file("EncryptionInfo", "EncryptedPackage")), [], 2, "{ledger}|加密的工作簿|不设密码"),
    ("xml bomb", rewrite_part("xl/worksheets/sheet1.xml", xml_bomb), [], 2, "{ledger}|DTD 或实体声明"),
    ("zip bomb", zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                         "xl/media/pad.bin": b"\0" * (60 * 1024**2)}), [], 2, "{ledger}|压缩炸弹"),
    ("truncated", truncated, [], 2, "{ledger}|不是完整的 .xlsx"),
    ("no header row", sheets(乡镇=[["甲镇", 100, 90], ["乙镇", 50, 50]]), [], 2, "{ledger}|找不到表头行"),
    ("missing column", sheets(乡镇=[["乡镇名称", "实施恢复面积(亩)"], ["甲镇", 1]]), [], 2, "{ledger}|缺少必需的列：下达任务(亩)"),
    ("missing sheet", sheets(别的=[["x"]]), [], 2, "{ledger}|缺少工作表「乡镇」"),
    ("title rows above the header", title_rows, [], 0, None),
    ("text in a number column", sheets(乡镇=[TOWN_HEADER, ["甲镇", "一百", 90, None, None, None, None]]), [], 1,
     ("CELL_INVALID", "乡镇!B2")),
    ("negative area", sheets(乡镇=[TOWN_HEADER, ["甲镇", 100, -5, None, None, None, None]]), [], 1,
     ("CELL_INVALID", "乡镇!C2")),
    ("duplicate township", sheets(乡镇=[TOWN_HEADER, *TOWNS[1:], ["甲镇人民政府", 1, 1, 1, None, None, None]]), [], 1,
     ("DUPLICATE_TOWN", "乡镇!A3")),
    ("wrong total row", sheets(乡镇=[*TOWNS, ["合计", 101, 100, 100, None, None, None]]), [], 1,
     ("TOTAL_MISMATCH", "乡镇!B3")),
    ("wan yuan columns", sheets(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "验收入库面积(亩)", "已拨付(万元)"],
                                      ["甲镇", 100, 100, 100, 1.5]]), [], 0, None),
    ("every date form", sheets(乡镇=TOWNS, 图斑=[PARCELS, ["T1", "甲镇", 10, "已验收入库", "2022-11-30"],
                                                ["T2", "甲镇", 20, "已验收入库", "2022/11/01"],
                                                ["T3", "甲镇", 30, "已验收入库", "2022年10月1日"],
                                                ["T4", "甲镇", 40, "已验收入库", 44805]]), [], 0, None),
    ("blank rows in the middle", sheets(乡镇=[TOWN_HEADER, TOWNS[1], [None] * 7, [None] * 7,
                                              ["乙镇", 50, 50, 50, None, None, None]]), [], 0, None),
    ("huge number", sheets(乡镇=[TOWN_HEADER, ["甲镇", "1e16", 90, None, None, None, None]]), [], 1,
     ("CELL_INVALID", "乡镇!B2")),
    ("hostile text", hostile, [], 1, ("UNMATCHED_NAME", "拨付明细!A2")),
    ("unmatched payee", sheets(乡镇=TOWNS, 拨付明细=[PAY, ["乙镇人民政府", 100, None]]), [], 1,
     ("UNMATCHED_NAME", "拨付明细!A2")),
    ("formula without a saved value", formula_without_value, [], 1, ("FORMULA_NO_VALUE", "乡镇!C2")),
    ("unknown policy", good, ["--policy", "beijing"], 2, "未知的政策“beijing”"),
    ("unknown --set", good, ["--set", "补贴标准=1"], 2, "「补贴标准」不是政策 taojiang 的参数"),
    ("malformed --set", good, ["--set", "补助标准:1000"], 2, "应写成 --set 参数名=值"),
    ("malformed 设置 value", sheets(设置=[*SETTINGS, ["首笔拨付比例", "三成"]], 乡镇=TOWNS), [], 2, "设置!B3"),
    ("output path is a file", good, ["--out", "{tmp}/afile"], 2, "是一个文件"),
    ("output folder cannot be made", good, ["--out", "{tmp}/afile/sub"], 2, "无法创建输出文件夹"),
]


@pytest.mark.parametrize("label, make, args, code, said", CASES, ids=[c[0] for c in CASES])
def test_bad_ledger(tmp_path, label, make, args, code, said):
    (tmp_path / "afile").write_text("not a folder")
    ledger = make(tmp_path / "台账.xlsx")
    before = digest(ledger)
    out = tmp_path / "out"
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--out" not in args:
        args += ["--out", str(out)]
    result = run_cli("settle", "2022", str(ledger), "--json", *args)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert digest(ledger) == before, "the input ledger must never be modified"
    written = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert not [n for n in written if n.endswith(".tmp")]
    if code == 2:
        assert result.stdout == ""
        for part in said.replace("{ledger}", str(ledger)).split("|"):
            assert part in result.stderr
        assert result.stderr.startswith("错误：") and result.stderr.count("\n") == 1  # one message
        assert not [n for n in written if not n.startswith(".")]
    else:
        doc = json.loads(result.stdout)
        assert sorted(n for n in written if not n.startswith(".")) == [
            "台账-2022年度结算.xlsx", "台账-2022年度结算报告.docx", "台账-2022年度结算报告.md"]
        if said:
            code_, location = said
            assert any(f["code"] == code_ and f["location"] == location for f in doc["findings"]), doc["findings"]
            finding = next(f for f in doc["findings"] if f["code"] == code_)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in finding["message"])


def test_wan_yuan_is_converted_and_dates_all_read(tmp_path):
    ledger = sheets(乡镇=[["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "验收入库面积(亩)", "已拨付(万元)"],
                          ["甲镇", 100, 100, 100, 1.5]])(tmp_path / "a.xlsx")
    doc = json.loads(run_cli("settle", "2022", str(ledger), "--json", "--out", str(tmp_path / "o")).stdout)
    assert doc["tables"]["乡镇汇总"][0]["已拨付(元)"] == 15000.0
    ledger = CASES[17][1](tmp_path / "b.xlsx")
    doc = json.loads(run_cli("settle", "2022", str(ledger), "--json", "--out", str(tmp_path / "o")).stdout)
    assert doc["tables"]["乡镇汇总"][0]["验收入库面积(亩)"] == 100.0  # 10 + 20 + 30 + 40, four date forms


def test_hostile_text_stays_text_in_every_output(tmp_path):
    ledger = hostile(tmp_path / "h.xlsx")
    out = tmp_path / "o"
    result = run_cli("settle", "2022", str(ledger), "--json", "--out", str(out))
    wb = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "=1+1" in values and "@cmd" in values
    assert "“=1+1”" in json.dumps(json.loads(result.stdout)["findings"], ensure_ascii=False)


def test_blank_rows_do_not_lose_rows(tmp_path):
    ledger = CASES[18][1](tmp_path / "a.xlsx")
    doc = json.loads(run_cli("settle", "2022", str(ledger), "--json", "--out", str(tmp_path / "o")).stdout)
    assert [r["乡镇名称"] for r in doc["tables"]["乡镇汇总"]] == ["甲镇", "乙镇", "合计"]


def test_corpus_is_large_enough():
    assert len(CASES) >= 25
