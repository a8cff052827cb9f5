"""`farmcli template POLICY`: a blank ledger with every sheet and column, drop-downs
for enumerated columns, a `说明` sheet explaining each column, and `设置` pre-filled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from farmcli.outputs.values import FIXED_TIME, display_width
from farmcli.model.params import load_policy_data, shown
from farmcli.policies import policy_module
from farmcli.model.schema import ALIASES, KIND_ZH, SETTINGS
from farmcli.scoring.score import CLAIMS_SHEET

VALIDATED_ROWS = 5000


@dataclass(frozen=True)
class ForUnit:
    """The template sent to one reporting unit (SPEC §8 下发): its name, the sheets it fills, the
    column that names it there, and whether it fills its own row of the unit list (prefilled)."""

    name: str
    fills: tuple[str, ...]
    column: str
    own_row: str | None = None  # the sheet whose row 2 is the unit's own, prefilled with its name


def write_template(policy_id: str, path: Path, unit: ForUnit | None = None) -> None:
    import xlsxwriter

    data = load_policy_data(policy_id)
    from farmcli.scoring.pipeline import SETTING_INPUTS
    from farmcli.scoring.pipeline import TEMPLATE_SHEETS as SCORING_SHEETS

    sheets = list(policy_module(policy_id).SHEETS) + list(SCORING_SHEETS)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    book.set_properties({"created": FIXED_TIME, "author": "farmcli", "title": f"{data.title} 台账模板"})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})

    percent = book.add_format({"num_format": "0.00%"})
    settings = book.add_worksheet(SETTINGS.name)
    settings.write_row(0, 0, [c.name for c in SETTINGS.columns] + list(SETTINGS.notes), header)
    rows = [("政策", data.id, data.title), ("年度", "", "结算年度，如 2022"), ("地区", "", "如 桃江县"),
            ("填报单位", unit.name if unit else "", "如 桃江县自然资源局" if unit is None else "本表的填报单位，请勿改动")]
    rows += [(p.name, "", f"可选，覆盖默认值 {_default(p)}；依据 {p.citation}")
             for p in data.parameters if p.name not in {r[0] for r in rows}]
    rows += [(key, "", f"绩效评分输入（可选）：{KIND_ZH.get(kind, kind)}") for key, kind in SETTING_INPUTS.items()]
    for r, row in enumerate(rows, start=1):
        settings.write_row(r, 0, row)
    settings.set_column(0, 0, 18)
    settings.set_column(1, 1, 16)
    settings.set_column(2, 2, 70)
    _print_setup(settings, 3)

    for spec in sheets + [ALIASES]:
        ws = book.add_worksheet(spec.name)
        if spec is CLAIMS_SHEET:  # the framework's items, prefilled
            _prefill_claims(ws, header)
            continue
        for c, col in enumerate(spec.columns):
            # A ratio column says it is in percent and formats its cells so: what the clerk types is what
            # farmcli reads (75 typed in a % cell is 75%).
            title = f"{col.name}(%)" if col.kind == "percent" else col.name
            ws.write_string(0, c, title, required if col.required else header)
            ws.set_column(c, c, max(12, display_width(title) + 2), percent if col.kind == "percent" else None)
            if col.kind == "percent":  # the cells themselves, so a value set by a program is a percent too
                for r in range(1, VALIDATED_ROWS + 1):
                    ws.write_blank(r, c, None, percent)
            choices = col.choices or (("是", "否") if col.kind == "bool" else ())
            if choices:
                ws.data_validation(1, c, VALIDATED_ROWS, c, {
                    "validate": "list", "source": list(choices),
                    "error_title": "请从下拉列表选择", "error_message": "可选值：" + "/".join(choices)})
            elif col.kind in ("area", "money"):
                ws.data_validation(1, c, VALIDATED_ROWS, c, {
                    "validate": "decimal", "criteria": ">=", "value": 0,
                    "error_title": "须为非负数", "error_message": f"{col.name} 须为不小于 0 的数字"})
            if unit is not None and spec.name in unit.fills and col.name == unit.column:
                _name_the_unit(ws, c, unit, spec.name)
        ws.freeze_panes(1, 0)
        _print_setup(ws, len(spec.columns))

    notes = book.add_worksheet("说明")
    notes.write_row(0, 0, ["工作表", "列", "类型", "必填", "说明"], header)
    r = 1
    if unit is not None:  # what this unit fills, and what the county keeps (SPEC §8)
        kept = [spec.name for spec in sheets + [ALIASES] if spec.name not in unit.fills]
        notes.write_row(r, 0, ["本单位填写", "", "", "", f"{unit.name} 填写：{'、'.join(unit.fills)}（只填本单位的行），"
                                                          f"以及「设置」表的年度。"], required)
        notes.write_row(r + 1, 0, ["县里填写", "", "", "", f"{'、'.join(kept)} 由县里填写，本单位不必填；"
                                                         "填了也不计入。填好后把本文件交回，文件名可以不改。"], header)
        r += 3
    for spec in [SETTINGS] + sheets + [ALIASES]:
        required_sheet = "（必需的表）" if spec.required else "（可选的表）"
        notes.write_row(r, 0, [spec.name, "", "", "", f"{required_sheet}{spec.help}"])
        r += 1
        for col in spec.columns:
            kind = KIND_ZH.get(col.kind, "任意")
            if col.choices:
                kind += "：" + "/".join(col.choices)
            notes.write_row(r, 0, ["", col.name, kind, "是" if col.required else "", col.help])
            r += 1
    notes.write_row(r + 1, 0, ["", "", "", "", "列名中的全角括号、空格均可；金额列可写成（万元），会自动换算为元；"
                                                "标题行可以在表头之上；合计/小计行不作为数据，合计行会被核对。"])
    notes.set_column(0, 1, 20)
    notes.set_column(2, 3, 14)
    notes.set_column(4, 4, 80)
    _print_setup(notes, 5)
    book.close()


def _default(p) -> str:
    """A parameter's default as the clerk would type it: a share as 60%, not 0.60."""
    if p.value is None:
        return "（必填，无默认值）"
    return shown(p, p.value) if p.type == "rate" else f"{shown(p, p.value)} {p.unit}"


def _print_setup(ws, width: int) -> None:
    """Each sheet prints on A4, fitted to the page width, its header row repeated on every page."""
    ws.set_paper(9)
    if width > 6:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _prefill_claims(ws, header) -> None:
    """绩效 lists every item of the default framework (附件2); the unit fills in its claim."""
    from farmcli.scoring.framework import default_framework
    from farmcli.scoring.score import CLAIM_COLUMN, CLAIM_TEMPLATE, CLAIM_WIDTHS, claim_template_rows

    ws.write_row(0, 0, CLAIM_TEMPLATE, header)
    rows = claim_template_rows(default_framework())
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    claim = CLAIM_TEMPLATE.index(CLAIM_COLUMN)
    ws.data_validation(1, claim, len(rows), claim, {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "error_title": "须为不小于 0 的数字", "error_message": f"{CLAIM_COLUMN}须在 0 与该项分值之间"})
    for c, width in enumerate(CLAIM_WIDTHS):
        ws.set_column(c, c, width)
    ws.freeze_panes(1, 0)
    _print_setup(ws, len(CLAIM_TEMPLATE))


def _name_the_unit(ws, c: int, unit: ForUnit, sheet: str) -> None:
    """The unit column offers only the unit's own name; its own row of the unit list is prefilled.
    A blank there is read as the file's 填报单位 (settlement.folder), so detail rows need not repeat it."""
    if sheet == unit.own_row:
        ws.write_string(1, c, unit.name)
    ws.data_validation(1, c, VALIDATED_ROWS, c, {
        "validate": "list", "source": [unit.name], "input_title": unit.column,
        "input_message": f"本单位：{unit.name}（可留空）", "error_title": "只填本单位",
        "error_message": f"本文件只填 {unit.name} 的行；别的单位的行请由该单位填报。"})
