"""A deterministic taojiang ledger with a big 图斑 sheet, for `make bench`.

    python bench/generate.py 1000000 bench/out/ledger-1m.xlsx

40 townships; 9 columns in 图斑 (the 5 farmcli reads and 4 it only copies). Written with
xlsxwriter in constant-memory mode, row by row.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import xlsxwriter

TOWNS = [f"{a}{b}镇" for a in "东西南北中" for b in "山水田林湖河桥岭"][:40]
STATES = ("未实施", "已实施", "已验收入库", "已验收入库", "已验收入库")
LAND = ("园地", "林地", "坑塘水面", "草地", "其他农用地")


def generate(n: int, path: Path) -> None:
    rng = random.Random(20221130)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    book.set_properties({"created": dt.datetime(2023, 1, 1)})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    settings = book.add_worksheet("设置")
    for r, row in enumerate([("项目", "值"), ("政策", "taojiang"), ("年度", 2022), ("示例数据", f"基准测试用 {n} 个图斑")]):
        settings.write_row(r, 0, row)
    towns = book.add_worksheet("乡镇")
    towns.write_row(0, 0, ["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"])
    for r, town in enumerate(TOWNS, start=1):
        towns.write_row(r, 0, [town, round(n * 0.0125 * 1.1, 2), None])
    parcels = book.add_worksheet("图斑")
    parcels.write_row(0, 0, ["图斑编号", "乡镇名称", "村组", "面积(亩)", "状态", "验收日期", "原地类", "恢复地类", "备注"])
    start = dt.datetime(2022, 6, 1)
    for r in range(1, n + 1):
        write_parcel(parcels, r, f"TJ{r:08d}", TOWNS[rng.randrange(40)], rng, start, date_format)
    book.close()


def write_parcel(ws, r: int, number: str, town: str, rng: random.Random, start: dt.datetime, date_format) -> None:
    """One 图斑 row (also bench/generate_folder.py's): 9 columns, 5 of them read by farmcli."""
    state = STATES[rng.randrange(5)]
    area = rng.randrange(1, 200_000) / 10_000  # up to 4 decimals, as a ledger keeps them
    ws.write_string(r, 0, number)
    ws.write_string(r, 1, town)
    ws.write_string(r, 2, f"{town[:2]}村{rng.randrange(1, 30)}组")
    ws.write_number(r, 3, area)
    ws.write_string(r, 4, state)
    if state == "已验收入库":
        ws.write_datetime(r, 5, start + dt.timedelta(days=rng.randrange(0, 200)), date_format)
    ws.write_string(r, 6, LAND[rng.randrange(5)])
    ws.write_string(r, 7, "水田" if rng.random() < 0.6 else "旱地")
    if rng.random() < 0.05:
        ws.write_string(r, 8, "需复核")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
