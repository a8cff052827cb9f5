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


def _workbook_with_settings(rows: list[tuple]) -> openpyxl.Workbook:
    """A new workbook whose first sheet is 设置 (项目, 值)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "设置"
    for row in rows:
        ws.append(row)
    return wb


def _title(ws, text: str, width: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")


def build_taojiang(path: Path) -> None:
    wb = _workbook_with_settings([
        ("项目", "值"), ("政策", "taojiang"), ("年度", 2022), ("地区", "桃江县"), ("填报单位", "桃江县自然资源局"),
        ("项目名称", "桃江县2022年度恢复耕地以奖代补项目"),
        ("项目开始日期", "2022-01-01"), ("计划完成日期", "2022-12-31"),  # 附件1 项目完成时间
        ("说明", "乡镇表、拨付明细照录《桃江县2022年度恢复耕地以奖代补项目绩效自评报告》四、6 与 二(二) 的表格。"
                 "报告未逐乡镇列出验收入库面积；报告称项目已完成、附件1 完成恢复耕地 6389.38 亩，"
                 "本示例据此取验收入库面积 = 实施恢复面积。资金表、绩效表照录报告 二(一) 与附件2；"
                 "报告未给出资金到位日期、实际完成日期、成本和满意度，这几项留空，绩效审核时取自评得分。"),
    ])

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


# Synthetic but realistic: Jinning's real townships and sub-districts, invented projects and figures.
JINNING_PROJECTS = [
    # 编号, 名称, 乡镇, 建设单位, 类型, 资金来源, 批文号, 验收日期, 验收机关, 净收益, 已拨乡镇, 已拨建设单位
    ("JN-2021-01", "二街镇大营村土地开发项目", "二街镇", "晋宁区土地开发整理中心", "土地开发", "区级财政资金",
     "昆自然资规验〔2021〕12号", "2021-06-18", "昆明市自然资源和规划局", "3,215,400.00", "964,620.00", "128,616.00"),
    ("JN-2021-02", "上蒜镇段七村土地整理项目", "上蒜镇", "晋宁区土地开发整理中心", "土地整理", "市级财政资金",
     "昆自然资规验〔2021〕27号", "2021-11-02", "昆明市自然资源和规划局", "5,870,000.00", "1,000,000.00", None),
    ("JN-2022-01", "六街镇干海村旱改水项目", "六街镇", "晋宁区农业农村局", "旱改水", "省级财政资金",
     "云自然资验〔2022〕8号", "2022-05-20", "云南省自然资源厅", "2,486,315.55", None, None),
    ("JN-2022-02", "晋城街道城乡建设用地增减挂钩项目", "晋城街道", "晋宁区城乡建设用地增减挂钩中心",
     "城乡建设用地增减挂钩", "社会资金与区政府合作", "云自然资验〔2022〕31号", "2022-09-09", "云南省自然资源厅",
     "12,040,800.00", None, None),
    ("JN-2022-03", "双河彝族乡耕地提质改造项目", "双河彝族乡", "晋宁区土地开发整理中心", "耕地提质改造", "中央财政资金",
     "云自然资验〔2022〕40号", "2022-12-15", "云南省自然资源厅", "1,733,333.33", None, None),
    ("JN-2023-01", "夕阳彝族乡土地复垦项目", "夕阳彝族乡", "晋宁区自然资源局", "土地复垦", "县级财政资金",
     "昆自然资规验〔2023〕5号", "2023-03-28", "昆明市自然资源和规划局", "968,750.00", None, None),
    ("JN-2023-02", "昆阳街道土地整理项目", "昆阳街道", "晋宁区土地开发整理中心", "土地整理", "区级财政资金",
     "昆自然资规验〔2023〕19号", "2023-12-30", "昆明市自然资源和规划局", "2,105,000.00", None, None),
    ("JN-2023-03", "二街镇小寨村提质改造项目", "二街镇", "晋宁区农业农村局", "提质改造", "区级财政资金",
     None, None, None, "1,500,000.00", None, None),
    ("JN-2023-04", "上蒜镇村集体自筹土地整理项目", "上蒜镇", "上蒜镇人民政府", "土地整理", "乡镇自筹资金",
     "昆自然资规验〔2023〕22号", "2023-06-30", "昆明市自然资源和规划局", "640,000.00", None, None),
    ("JN-2019-01", "六街镇土地开发项目（2019年验收）", "六街镇", "晋宁区土地开发整理中心", "土地开发", "区级财政资金",
     "昆国土资验〔2019〕44号", "2019-12-20", "昆明市国土资源局", "2,000,000.00", None, None),
    ("JN-2024-01", "晋城街道土地复垦项目", "晋城街道", "晋宁区土地开发整理中心", "土地复垦", "区级财政资金",
     "昆自然资规验〔2024〕3号", "2024-02-26", "昆明市自然资源和规划局", "1,250,000.00", None, None),
    ("JN-2023-05", "夕阳彝族乡社会投资土地开发项目", "夕阳彝族乡", "某农业开发有限公司", "土地开发", "社会资金",
     "昆自然资规验〔2023〕30号", "2023-08-08", "昆明市自然资源和规划局", "880,000.00", None, None),
]
JINNING_VILLAGES = [
    ("二街镇", "大营村委会", 420.5, 1.2), ("二街镇", "小寨村委会", 210.25, 1), ("二街镇", "二街村委会", 96, 1.5),
    ("上蒜镇", "段七村委会", 655, 1), ("六街镇", "干海村委会", 300, 1), ("六街镇", "新寨村委会", 300, 1),
    ("六街镇", "大冲村委会", 300, 1), ("双河乡", "田坝村委会", 180, 1.3),
]


def build_jinning(path: Path) -> None:
    wb = _workbook_with_settings([("项目", "值"), ("政策", "jinning"), ("年度", 2023), ("地区", "昆明市晋宁区"), ("填报单位", "晋宁区财政局"),
                ("示例数据", "本台账为演示用的虚构数据：乡镇（街道）名称真实，项目、金额、批文号均为虚构。")])
    ws = wb.create_sheet("项目")
    _title(ws, "晋宁区国土综合整治项目激励台账（示例数据）", 12)
    ws.append(["项目编号", "项目名称", "乡镇", "建设单位", "项目类型", "资金来源", "验收批文号", "验收日期", "验收机关",
               "区政府净收益（元）", "已拨付乡镇（元）", "已拨付建设单位（元）"])
    for row in JINNING_PROJECTS:
        ws.append(list(row))
    ws = wb.create_sheet("村组")
    ws.append(["乡镇", "村组", "涉及面积（亩）", "难度系数"])
    for row in JINNING_VILLAGES:
        ws.append(list(row))
    wb.properties.created = dt.datetime(2024, 1, 15)
    wb.save(path)


# Anhui's 16 cities with invented figures (亩). Gap cities: 任务缺口; surplus cities: 超额任务.
ANHUI_CITIES = [
    ("合肥市", "缺口市", 12000, None), ("阜阳市", "缺口市", 8000, None), ("宿州市", "缺口市", 6500, None),
    ("六安市", "缺口市", 5000, None), ("安庆市", "缺口市", 4200, None), ("滁州市", "缺口市", 3000, None),
    ("淮南市", "缺口市", 2500, None), ("马鞍山市", "缺口市", 1800, None),
    ("亳州市", "超额市", None, 9000), ("蚌埠市", "超额市", None, 5000), ("淮北市", "超额市", None, 3000),
    ("宣城市", "超额市", None, 4000), ("芜湖市", "超额市", None, 2000), ("铜陵市", "超额市", None, 1000),
    ("池州市", "超额市", None, 1500), ("黄山市", "超额市", None, 800),
]
# (市, 年度, 净增加, 统筹核减, 挂钩核减, 生态核减, 年末耕地, 现行规划目标, 原规划目标, 实际超额, 转为超额市)
ANHUI_GAP_YEARS = {
    "合肥市": [(1000, 0, 0, 150), (1400, 0, 0, 0), (1000, 0, 0, 0)],  # short, over, short again
    "阜阳市": [(800, 0, 0, 0), (450, 0, 50, 0), (1300, 0, 0, 0)],
    "宿州市": [(-120, 0, 0, 100), (1000, 0, 0, 0), (1200, 0, 0, 0)],  # a negative net increase
    "六安市": [(600, 0, 0, 0), (600, 0, 0, 0), (520, 0, 0, 0)],
    "安庆市": [(400, 0, 0, 0), (440, 0, 0, 0), (3360, 0, 0, 0)],  # whole gap of 4,200 made up by 2025: converts (二(三)2)
    "滁州市": [(300, 0, 0, 0), (280, 0, 0, 20), (300, 0, 0, 0)],  # 统筹补充 before the gap is made up is barred (四(三))
    "淮南市": [(250, 0, 0, 0), (250, 0, 0, 0), (100, 0, 0, 0)],
    "马鞍山市": [(180, 0, 0, 0), (180, 0, 0, 0), (150, 0, 30, 0)],
}
# Surplus cities' 2025 plan check: (年末耕地, 现行规划目标, 原规划目标).
ANHUI_PLANS = {
    "亳州市": (1_650_000, 1_640_000, 1_600_000), "蚌埠市": (1_079_880, 1_080_000, 1_050_000),  # below current plan
    "淮北市": (399_950, 410_000, 400_000),  # below the original plan
    "宣城市": (760_000, 750_000, 740_000), "芜湖市": (820_000, 815_000, 800_000), "铜陵市": (150_000, 149_000, 148_000),
    "池州市": (330_000, 329_000, 320_000), "黄山市": (150_500, 150_000, 149_000),
}


def build_anhui_assessment(path: Path) -> None:
    wb = _workbook_with_settings([("项目", "值"), ("政策", "anhui-assessment"), ("年度", 2025), ("地区", "安徽省"),
                ("填报单位", "安徽省自然资源厅"), ("中央上缴比例", "10%"),
                ("示例数据", "本台账为演示用的虚构数据：16 个市名称真实，缺口、超额、年度面积均为虚构；"
                            "中央上缴比例文件未给出，此处 10% 仅为示例值。")])
    ws = wb.create_sheet("市")
    ws.append(["市名称", "类型", "任务缺口（亩）", "超额任务（亩）"])
    for row in ANHUI_CITIES:
        ws.append(list(row))
    ws.append(["合计", None, 43000, 26300])
    ws = wb.create_sheet("年度")
    ws.append(["市名称", "年度", "净增加耕地（亩）", "统筹补充核减（亩）", "挂钩节余核减（亩）", "生态退耕核减（亩）",
               "年末耕地面积（亩）", "现行规划目标（亩）", "原规划目标（亩）", "实际超额（亩）", "转为超额市"])
    for city, years in ANHUI_GAP_YEARS.items():
        for year, (net, a, b, c) in zip((2023, 2024, 2025), years):
            convert = city == "安庆市" and year == 2025
            ws.append([city, year, net, a, b, c, 905_000 if convert else None, 900_000 if convert else None,
                       880_000 if convert else None, 80 if convert else None, "是" if convert else None])
    for city, plan in ANHUI_PLANS.items():
        for year in (2023, 2024, 2025):
            ws.append([city, year, 0, 0, 0, 0, *(plan if year == 2025 else (None, None, None)), None, None])
    wb.properties.created = dt.datetime(2026, 3, 1)
    wb.save(path)


ANHUI_COUNTIES = [
    # 县, 市, 保有量, 基本农田, 补充耕地, 约谈问责
    ("砀山县", "宿州市", "是", "是", "是", "否"), ("萧县", "宿州市", "是", "是", "是", "否"),
    ("灵璧县", "宿州市", "是", "是", "否", "否"),  # 第五条(一)
    ("泗县", "宿州市", "是", "是", "是", "是"),  # 第五条(二)
    ("霍邱县", "六安市", "是", "是", "是", "否"), ("舒城县", "六安市", "是", "是", "是", "否"),
]
FLAGS = ("田长制未履职", "违法占用耕地未整改", "补充耕地管护问题未整改", "设施农用地问题未整改", "非农化非粮化问题未整改", "卫片问题未整改")
ANHUI_TOWNS = [
    # 乡镇, 县, 得分, flag index (None = none), 超范围年度, 村级比例, 方案已报送
    ("砀城镇", "砀山县", 95.5, None, None, "60%", "是"), ("薛楼镇", "砀山县", 92, None, None, "50%", "是"),
    ("良梨镇", "砀山县", 92, None, None, "55%", "是"),  # ties with 薛楼镇: ledger order decides
    ("葛集镇", "砀山县", 97, 0, None, "60%", "是"),  # 第六条(一)
    ("黄口镇", "萧县", 91, 1, None, "50%", "是"),  # (二)
    ("杨楼镇", "萧县", 90, 2, None, "50%", "是"),  # (三)
    ("圣泉镇", "萧县", 89, 3, None, "50%", "是"),  # (四)
    ("龙城镇", "萧县", 88, 4, None, "50%", "是"),  # (五)
    ("永堌镇", "萧县", 87, 5, None, "50%", "是"),  # (六)
    ("赵庄镇", "萧县", 93, None, "2023", "50%", "是"),  # misused 2023: barred 2024–2025 (第八条)
    ("酒店乡", "萧县", 86, None, "2021", "70%", "否"),  # misused 2021: eligible again in 2024; plan not submitted
    ("白土镇", "萧县", 80, None, None, "50%", "是"),  # beyond the quota: 候补
    ("虞姬镇", "灵璧县", 99, None, None, "50%", "是"), ("草沟镇", "泗县", 98, None, None, "50%", "是"),
    ("城关镇", "霍邱县", 90, None, None, "50%", "是"), ("叶集镇", "霍邱县", 85, None, None, "60%", "是"),
    ("千人桥镇", "舒城县", 88, None, None, "50%", "是"),
]


def build_anhui_incentive(path: Path) -> None:
    wb = _workbook_with_settings([("项目", "值"), ("政策", "anhui-incentive"), ("年度", 2024), ("地区", "宿州市、六安市"),
                ("填报单位", "市自然资源和规划局、市财政局"),
                ("示例数据", "本台账为演示用的虚构数据：县、乡镇名称真实，得分、情形、名额和金额均为虚构。")])
    ws = wb.create_sheet("县")
    ws.append(["县名称", "所属市", "耕地保有量目标完成", "永久基本农田目标完成", "补充耕地任务完成", "被约谈或问责", "年度"])
    for row in ANHUI_COUNTIES:  # the counties' status in the year settled (第五条 is judged per year)
        ws.append([*row, 2024])
    ws = wb.create_sheet("乡镇")
    ws.append(["乡镇名称", "所属县", "评价得分", *FLAGS, "资金超范围使用年度", "村级分配比例", "使用方案已报送"])
    for name, county, score, flag, misuse, share, plan in ANHUI_TOWNS:
        flags = ["是" if flag == n else "否" for n in range(len(FLAGS))]
        ws.append([name, county, score, *flags, misuse, share, plan])
    ws = wb.create_sheet("名额")
    ws.append(["市名称", "名额", "激励金额（万元）"])
    ws.append(["宿州市", 4, 50])
    ws.append(["六安市", 5, 50])  # more places than eligible townships
    wb.properties.created = dt.datetime(2025, 1, 20)
    wb.save(path)


JIANGSU_PROJECTS = [
    # 编号, 名称, 总投资, 已下达, 实际支出, 计划完成, 实际完成, 延期申请, 延期月数, 延期次数, 撤销申请, 不可抗力, 验收结果
    ("SJ-01", "泗洪县高标准农田建设项目", 12_000_000, 12_000_000, 10_200_000, "2024-06-30", "2024-05-20",
     None, None, None, None, "否", "合格"),  # 结余 1,800,000 > 10%: recovered
    ("SJ-02", "盱眙县土地整理项目", 8_000_000, 8_000_000, 7_200_000, "2024-05-31", "2024-05-10",
     None, None, None, None, "否", "整改后合格"),  # 结余 800,000 = 10%: stays local
    ("SJ-03", "灌南县耕地质量提升项目", 5_000_000, 5_000_000, 4_750_000, "2024-03-31", "2024-03-01",
     None, None, None, None, "否", "合格"),  # 结余 250,000 < 10%: stays local
    ("SJ-04", "响水县滩涂开发项目", 9_000_000, 6_000_000, 1_500_000, "2024-10-31", None,
     None, None, None, "2024-04-30", "否", "未验收"),  # cancelled exactly 6 months before
    ("SJ-05", "大丰区灾毁耕地修复项目", 7_000_000, 7_000_000, 3_000_000, "2024-12-31", None,
     None, None, None, None, "是", "未验收"),  # force majeure: liquidated
    ("SJ-06", "睢宁县土地复垦项目", 4_000_000, 4_000_000, 3_900_000, "2024-04-30", "2024-04-15",
     None, None, None, None, "否", "整改后不合格"),
    ("SJ-07", "涟水县土地整理项目", 6_000_000, 6_000_000, 5_800_000, "2024-07-31", "2024-07-20",
     None, None, None, None, "否", "不合格"),  # being rectified
    ("SJ-08", "沭阳县农村建设用地整理项目", 3_000_000, 3_000_000, 1_200_000, "2024-06-30", None,
     None, None, None, None, "否", "未验收"),  # overdue, no extension: written off
    ("SJ-09", "丰县高标准农田建设项目", 10_000_000, 10_000_000, 9_500_000, "2024-10-31", "2024-11-20",
     None, None, None, None, "否", "未验收"),  # finished, awaiting acceptance
    ("SJ-10", "邳州市中低产田改造项目", 5_500_000, 5_500_000, 2_000_000, "2024-09-30", None,
     "2024-06-30", 6, None, None, "否", "未验收"),  # extended 6 months, asked exactly 3 months before
    ("SJ-11", "东海县耕地开发项目", 8_800_000, 4_400_000, 900_000, "2025-06-30", None,
     None, None, None, None, "否", "未验收"),  # under way
]


def build_jiangsu_fund(path: Path) -> None:
    wb = _workbook_with_settings([("项目", "值"), ("政策", "jiangsu-fund"), ("年度", 2024), ("地区", "江苏省"), ("填报单位", "江苏省财政厅"),
                ("示例数据", "本台账为演示用的虚构数据：县名真实，项目、金额和日期均为虚构。")])
    ws = wb.create_sheet("项目")
    ws.append(["项目编号", "项目名称", "总投资（元）", "已下达资金（元）", "实际支出（元）", "计划完成日期", "实际完成日期",
               "延期申请日期", "延期月数", "延期次数", "撤销申请日期", "不可抗力", "验收结果"])
    for row in JIANGSU_PROJECTS:
        ws.append(list(row))
    wb.properties.created = dt.datetime(2025, 1, 10)
    wb.save(path)


if __name__ == "__main__":
    for name, build in (("taojiang-2022.xlsx", build_taojiang), ("jinning-2023.xlsx", build_jinning),
                        ("anhui-assessment-2025.xlsx", build_anhui_assessment),
                        ("anhui-incentive-2024.xlsx", build_anhui_incentive),
                        ("jiangsu-fund-2024.xlsx", build_jiangsu_fund)):
        build(HERE / name)
        print("written", HERE / name)
