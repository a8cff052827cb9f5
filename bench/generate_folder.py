"""A deterministic folder of returned taojiang workbooks, for `make bench`'s folder case (issue 28):
the county's own workbook (设置, 乡镇 listing every township) and one workbook per township
(设置 with its 填报单位, 图斑 with its parcels: the 5 columns farmcli reads and 4 it only copies).

    python bench/generate_folder.py 100 10000 bench/out/folder-100x10000
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write_parcel  # noqa: E402  (one parcel writer for both benches)



def towns(n: int) -> list[str]:
    return [f"{a}{b}{c}镇" for a in "东西南北中" for b in "山水田林湖河桥岭" for c in "甲乙丙丁"][:n]


def _settings(book, unit: str) -> None:
    ws = book.add_worksheet("设置")
    for r, row in enumerate([("项目", "值"), ("政策", "taojiang"), ("年度", 2022), ("填报单位", unit)]):
        ws.write_row(r, 0, row)


def county(folder: Path, names: list[str], parcels: int) -> None:
    book = xlsxwriter.Workbook(str(folder / "县级台账.xlsx"))
    book.set_properties({"created": dt.datetime(2023, 1, 1)})
    _settings(book, "桃江县自然资源局")
    ws = book.add_worksheet("乡镇")
    ws.write_row(0, 0, ["乡镇名称", "下达任务(亩)", "合同金额(元)", "已拨付(元)"])
    for r, name in enumerate(names, start=1):
        ws.write_row(r, 0, [name, round(parcels * 1.1, 2), round(parcels * 1.1 * 2000, 2), 0])
    book.close()


def township(folder: Path, name: str, number: int, parcels: int, rng: random.Random) -> None:
    book = xlsxwriter.Workbook(str(folder / f"{name}-恢复耕地以奖代补台账.xlsx"),
                               {"constant_memory": True, "strings_to_numbers": False})
    book.set_properties({"created": dt.datetime(2023, 1, 1)})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    _settings(book, name)
    ws = book.add_worksheet("图斑")
    ws.write_row(0, 0, ["图斑编号", "乡镇名称", "村组", "面积(亩)", "状态", "验收日期", "原地类", "恢复地类", "备注"])
    start = dt.datetime(2022, 6, 1)
    for r in range(1, parcels + 1):
        write_parcel(ws, r, f"TJ{number:03d}{r:06d}", name, rng, start, date_format)
    book.close()


def generate(units: int, parcels: int, folder: Path) -> None:
    rng = random.Random(20221130)
    folder.mkdir(parents=True, exist_ok=True)
    names = towns(units)
    county(folder, names, parcels)
    for number, name in enumerate(names, start=1):
        township(folder, name, number, parcels, rng)


if __name__ == "__main__":
    generate(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
