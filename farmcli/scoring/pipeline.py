"""Where the scoring table's inputs come from: the `绩效` and `资金` sheets, the
`设置` scalars, and the policy's own totals (SPEC §4)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from farmcli.model import cells
from farmcli.model.findings import Finding, Where, error, info
from farmcli.model.params import Param, load_param_file, resolve
from farmcli.model.table import Table, check_totals
from farmcli.model.result import AREA, COUNT, MEASURE, MONEY, RATIO, Col, Measure, ResultTable, Total
from farmcli.model.schema import Column, SheetSpec
from farmcli.scoring.framework import FRAMEWORK_SHEET, Framework, default_framework, framework_from_rows
from farmcli.scoring.rules import Fund, ScoringInputs
from farmcli.scoring.score import CLAIMS_SHEET, read_claims, score_performance

FUNDS_SHEET = SheetSpec("资金", key="资金来源", help="项目资金来源与到位情况，一个来源一行", columns=(
    Column("资金来源", required=True, help="如 市级财政资金、县级自筹资金"),
    Column("计划金额(元)", "money", required=True), Column("到位金额(元)", "money", required=True),
    Column("应到位日期", "date"), Column("实际到位日期", "date"),
))
# 设置 scalars the scoring rules read, with their kinds.
SETTING_INPUTS = {"计划完成日期": "date", "实际完成日期": "date", "项目开始日期": "date", "质量达标面积(亩)": "area",
                  "计划成本(元)": "money", "实际成本(元)": "money", "成本超支不扣分": "bool", "满意度": "percent"}
TEMPLATE_SHEETS = (CLAIMS_SHEET, FUNDS_SHEET)  # in every blank ledger; 评分框架 is for another county's framework
SHEETS = TEMPLATE_SHEETS + (FRAMEWORK_SHEET,)  # what the settlement reads for the scoring table
Read = tuple[Table | None, list[Finding]]  # a sheet as the reader gave it: its table (None if absent), its findings


def scoring_parameters():
    return load_param_file("farmcli.scoring", "scoring.toml")


def choose_framework(sheets: dict[str, Read], framework: Framework | None) -> Framework:
    """`--framework` first, then a 评分框架 sheet in the ledger, then 附件2."""
    if framework is not None:
        return framework
    table = sheets.get(FRAMEWORK_SHEET.name, (None, []))[0]
    if table is not None:
        return framework_from_rows([row for _, row in table.records()], f"台账「{table.sheet}」表")
    return default_framework()


def evaluate(sheets: dict[str, Read], settings: dict, mapping: dict, totals: list[Total], year: int,
             overrides: dict, framework: Framework | None):
    """(tables, totals, findings, parameters) of the scoring table; none without a 绩效 sheet.
    `sheets` holds what the reader made of SHEETS, by name."""
    claims_table, findings = sheets[CLAIMS_SHEET.name]
    findings = list(findings)
    if claims_table is None:
        note = info("PERF_NO_SHEET", "台账没有「绩效」表，未生成绩效评分表。需要时请按 `farmcli template` 的格式添加。")
        return [], [], [note], {}
    if all(v is None for v in claims_table.columns["自评得分"]):
        # The blank template lists every item with no score yet: nothing has been claimed to audit.
        note = info("PERF_NOT_FILLED", "「绩效」表尚未填写任何自评得分，未生成绩效评分表。", Where(claims_table.sheet))
        return [], [], findings + [note], {}
    data = scoring_parameters()
    params: dict[str, Param] = resolve(data, year, {k: v for k, v in settings.items() if k in data.names}, overrides)
    framework = choose_framework(sheets, framework)
    funds_table, found = sheets[FUNDS_SHEET.name]
    findings += found
    if funds_table is not None:
        findings += check_totals(funds_table)
    inputs, found = gather_inputs(funds_table, settings, mapping, {t.name: t.value for t in totals})
    findings += found
    claims, found = read_claims(claims_table, framework)
    findings += found
    table, score_totals, found = score_performance(framework, claims, inputs, {k: v.value for k, v in params.items()},
                                                   {k: v.citation for k, v in params.items()})
    findings += found
    tables = [table]
    if funds_table is not None:
        tables.append(basic_data_table(inputs, mapping, {t.name: t.value for t in totals}))
    return tables, score_totals, findings, params


def gather_inputs(funds: object, settings: dict, mapping: dict, totals: dict) -> tuple[ScoringInputs, list[Finding]]:
    findings: list[Finding] = []
    x = ScoringInputs(output_unit=mapping.get("output_unit", ""))
    if funds is not None:
        x.funds = [Fund(row["资金来源"] or "", row["计划金额(元)"], row["到位金额(元)"], row.get("应到位日期"),
                        row.get("实际到位日期")) for _, row in funds.records()]
    x.planned_output = totals.get(mapping.get("planned_output", ""))
    x.actual_output = totals.get(mapping.get("actual_output", ""))
    x.quality_output = totals.get(mapping.get("quality_output", ""))
    values = {}
    for key, kind in SETTING_INPUTS.items():
        if key not in settings:
            continue
        raw, where = settings[key]
        value, problem = cells.PARSERS[kind](raw)
        if problem:
            findings.append(error("SETTING_INVALID", f"「设置」中的{key}：{problem}。该项按未填处理。", where))
        values[key] = value
    x.planned_date, x.actual_date, x.start_date = (values.get(k) for k in ("计划完成日期", "实际完成日期", "项目开始日期"))
    x.planned_cost, x.actual_cost = values.get("计划成本(元)"), values.get("实际成本(元)")
    x.overrun_exempt, x.satisfaction = values.get("成本超支不扣分"), values.get("满意度")
    if values.get("质量达标面积(亩)") is not None:
        x.quality_output = values["质量达标面积(亩)"]
    return x, findings


BASIC_COLUMNS = [Col("类别"), Col("项目"), Col("计划金额(元)", MONEY), Col("到位或支出金额(元)", MONEY), Col("数量", MEASURE)]


def basic_data_table(x: ScoringInputs, mapping: dict, totals: dict) -> ResultTable:
    """附件1-style 基础数据表: where the money came from, where it went, what it achieved."""
    zero = Decimal(0)
    rows = [{"类别": "资金来源", "项目": f.source, "计划金额(元)": f.planned, "到位或支出金额(元)": f.arrived}
            for f in x.funds or []]
    rows.append({"类别": "资金来源", "项目": "小计", "计划金额(元)": sum((f.planned or zero for f in x.funds), zero),
                 "到位或支出金额(元)": sum((f.arrived or zero for f in x.funds), zero)})
    if mapping.get("spent") in totals:
        rows.append({"类别": "资金使用", "项目": mapping["spent"], "到位或支出金额(元)": totals[mapping["spent"]]})
    if mapping.get("units") in totals:
        rows.append({"类别": "完成情况", "项目": mapping["units"], "数量": Measure(totals[mapping["units"]], COUNT)})
    if x.actual_output is not None:
        rows.append({"类别": "完成情况", "项目": "实际产出", "数量": Measure(x.actual_output, AREA, x.output_unit)})
    if x.planned_output and x.actual_output is not None:
        rows.append({"类别": "完成情况", "项目": "完成比例", "数量": Measure(x.actual_output / x.planned_output, RATIO)})
    return ResultTable("基础数据表", BASIC_COLUMNS, rows)
