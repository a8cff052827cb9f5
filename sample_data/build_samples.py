"""Build the sample ledgers in this folder from the policy documents' own tables.

    python sample_data/build_samples.py

taojiang-2022.xlsx holds the real tables of the Taojiang report (seed 004), laid
out the way a clerk keeps them: a merged title row above the header, full-width
parentheses, amounts typed as text with thousands separators, and the report's
own inconsistent names (鲂埠回族乡, 马迹塘塘镇, 鲇埠乡人民政府) put right by 别名 rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import csv

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
TAOJIANG_FRAMEWORK = list(csv.DictReader((HERE.parent / "farmcli" / "scoring" / "附件2.csv").open(encoding="utf-8")))

# 四、6: completion per township, in the report's order and spelling.
TAOJIANG_COMPLETION = [
    ("鲂埠回族乡", 168, "157.21", "93.58%"), ("桃花江镇", 695, "694.36", "99.91%"),
    ("牛田镇", 273, "255.52", "93.60%"), ("修山镇", 335, "391.87", "116.98%"),
    ("大栗港镇", 500, "490.32", "98.06%"), ("高桥镇", 273, "288.08", "105.52%"),
    ("鸬鹚渡镇", 227, "222.3", "97.93%"), ("松木塘镇", 402, "329.66", "82.00%"),
    ("沾溪镇", 190, "192.6", "101.37%"), ("马迹塘塘镇", 320, "240.19", "75.06%"),
    ("石牛江镇", 318, "335.68", "105.56%"), ("灰山港镇", 1447, "1152.51", "79.65%"),
    ("武潭镇", 890, "799.47", "89.83%"), ("浮邱山乡", 404, "367.59", "90.99%"),
    ("三堂街镇", 458, "472.02", "103.06%"),
]
# 二(二): payments to each township government up to 2023-04-30, as printed.
TAOJIANG_PAYMENTS = [
    ("修山镇人民政府", "671,242.00"), ("石牛江镇人民政府", "593,618.00"), ("高桥镇人民政府", "509,499.00"),
    ("三堂街镇人民政府", "841,226.00"), ("沾溪镇人民政府", "345,116.00"), ("桃花江镇人民政府", "1,250,227.00"),
    ("大栗港镇人民政府", "888,382.00"), ("鸬鹚渡镇人民政府", "402,956.00"), ("牛田镇人民政府", "470,423.00"),
    ("鲇埠乡人民政府", "289,450.00"), ("浮邱山乡人民政府", "683,508.00"), ("武潭镇人民政府", "1,493,362.00"),
    ("松木塘镇人民政府", "636,797.00"), ("灰山港镇人民政府", "2,251,207.00"), ("马迹塘镇人民政府", "480,225.00"),
]


def _title(ws, text: str, width: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")


def build_taojiang(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "设置"
    for row in [
        ("项目", "值"), ("政策", "taojiang"), ("年度", 2022), ("地区", "桃江县"), ("填报单位", "桃江县自然资源局"),
        ("项目名称", "桃江县2022年度恢复耕地以奖代补项目"),
        ("项目开始日期", "2022-01-01"), ("计划完成日期", "2022-12-31"),  # 附件1 项目完成时间
        ("说明", "乡镇表、拨付明细照录《桃江县2022年度恢复耕地以奖代补项目绩效自评报告》四、6 与 二(二) 的表格。"
                 "报告未逐乡镇列出验收入库面积；报告称项目已完成、附件1 完成恢复耕地 6389.38 亩，"
                 "本示例据此取验收入库面积 = 实施恢复面积。资金表、绩效表照录报告 二(一) 与附件2；"
                 "报告未给出资金到位日期、实际完成日期、成本和满意度，这几项留空，绩效审核时取自评得分。"),
    ]:
        ws.append(row)

    ws = wb.create_sheet("乡镇")
    _title(ws, "桃江县2022年度恢复耕地任务完成情况表", 6)
    ws.append(["序号", "乡镇名称", "下达任务（亩）", "实施恢复面积（亩）", "验收入库面积（亩）", "完成比例"])
    for n, (name, task, done, ratio) in enumerate(TAOJIANG_COMPLETION, start=1):
        ws.append([n, name, task, float(done), float(done), ratio])
    ws.append(["合计", None, 6900, 6389.38, 6389.38, "92.60%"])

    ws = wb.create_sheet("拨付明细")
    _title(ws, "桃江县2022年度恢复耕地以奖代补资金拨付明细（截至2023年4月30日）", 4)
    ws.append(["序号", "单位名称", "金额（元）", "拨付日期"])
    for n, (unit, amount) in enumerate(TAOJIANG_PAYMENTS, start=1):
        ws.append([n, unit, amount, None])
    ws.append([None, "合计", "11,807,238.00", None])

    ws = wb.create_sheet("资金")
    _title(ws, "桃江县2022年度恢复耕地以奖代补项目资金来源（报告 二(一)）", 5)
    ws.append(["资金来源", "计划金额（元）", "到位金额（元）", "应到位日期", "实际到位日期"])
    ws.append(["市级财政资金", "630,000.00", "630,000.00", None, None])  # 63 万元
    ws.append(["县级自筹资金", "13,800,000.00", "13,800,000.00", None, None])  # 1380 万元
    ws.append(["合计", "14,430,000.00", "14,430,000.00", None, None])

    ws = wb.create_sheet("绩效")
    _title(ws, "桃江县2022年度项目支出绩效评价指标及评分表（附件2，自评得分照录）", 6)
    ws.append(["一级指标", "二级指标", "三级指标", "序号", "分值", "自评得分"])
    for item in TAOJIANG_FRAMEWORK:
        claimed = "4.5" if item["三级指标"] == "质量达标率" else item["分值"]  # the report's only deduction
        ws.append([item["一级指标"], item["二级指标"], item["三级指标"], int(item["序号"]), int(item["分值"]),
                   float(claimed)])

    ws = wb.create_sheet("别名")
    ws.append(["别名", "标准名称"])
    ws.append(["鲂埠回族乡", "鲇埠回族乡"])  # 四、6 misprints 鲇 as 鲂
    ws.append(["马迹塘塘镇", "马迹塘镇"])  # 四、6 doubles 塘
    wb.properties.created = dt.datetime(2023, 7, 8)
    wb.save(path)


if __name__ == "__main__":
    build_taojiang(HERE / "taojiang-2022.xlsx")
    print("written", HERE / "taojiang-2022.xlsx")
