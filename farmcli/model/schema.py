"""What a ledger sheet must look like: its columns, their kinds, and their help text.

Policies declare their sheets with these; the reader, the blank-ledger template
and the `说明` sheet all work from the same declaration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from farmcli.model.cells import normalise_text

KIND_ZH = {
    "text": "文本", "number": "数字", "area": "面积（亩）", "money": "金额（元）",
    "percent": "比例（可写 93.58% 或 0.9358）", "bool": "是/否", "date": "日期",
}
_UNIT_RE = re.compile(r"^(.*?)\(([^()]*)\)$")
# The units a header may carry, per column kind, and the factor to the column's own unit
# (元, 亩; '%' marks a column of percents). 1 亩 = 2000/3 m², so 1 m² = 0.0015 亩 exactly.
UNITS: dict[str, dict[str, Decimal]] = {
    "money": {"元": Decimal(1), "万元": Decimal(10000), "万": Decimal(10000), "千元": Decimal(1000),
              "亿元": Decimal(100000000)},
    "area": {"亩": Decimal(1), "万亩": Decimal(10000), "公顷": Decimal(15), "平方米": Decimal("0.0015"),
             "m2": Decimal("0.0015")},
    "percent": {"%": Decimal("0.01")},
}


def unit_factor(kind: str, unit: str) -> Decimal | None:
    """The factor a value read under `unit` is multiplied by (None: no conversion)."""
    factor = UNITS.get(kind, {}).get(unit)
    return None if factor is None or factor == 1 else factor


def split_unit(header: object) -> tuple[str, str | None]:
    """'下达任务（亩）' → ('下达任务', '亩'); '乡镇名称' → ('乡镇名称', None)."""
    text = normalise_text(header)
    match = _UNIT_RE.match(text)
    if match:
        return match.group(1), match.group(2)
    return text, None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    signed: bool = False  # area and money are ≥ 0 unless a column says otherwise

    @property
    def additive(self) -> bool:
        """Columns a 合计 row is checked on."""
        return self.kind in ("area", "money")

    def header_scale(self, header: object) -> tuple[bool, str]:
        """Does `header` name this column, and in which unit?

        Returns (matches, unit): unit is a key of `UNITS` ('元', '万元', '公顷', '%' …), 'plain'
        for a header without a unit or in the column's own unit, or '?' when the header names
        this column in a unit farmcli does not know (a finding, never a silent skip).
        """
        base, unit = split_unit(self.name)
        hbase, hunit = split_unit(header)
        if hbase != base:
            return False, ""
        if hunit is None or hunit == unit:
            return True, "plain"
        if hunit in UNITS.get(self.kind, {}):
            return True, hunit
        if self.kind in ("text", "bool", "date", "raw"):
            return True, "plain"  # `验收结果(合格/不合格)`: a remark, not a unit
        return True, "?"


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    key: str | None = None  # the name column: unique, and the one a 合计 row is found by
    help: str = ""
    notes: tuple[str, ...] = ()  # columns farmcli writes in its template for the clerk to read, never read back

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required_columns(self) -> list[Column]:
        return [c for c in self.columns if c.required]


SETTINGS = SheetSpec(
    "设置",
    (Column("项目", required=True, help="设置项名称：政策、年度、地区、填报单位，或参数名"),
     Column("值", kind="raw", required=True, help="设置值")),
    key="项目",
    help="结算设置：政策、年度以及参数（优先级：命令行 --set > 本表 > 默认值）",
    notes=("说明",),
)
ALIASES = SheetSpec(
    "别名",
    (Column("别名", required=True, help="台账中出现的写法，如 鲂埠回族乡"),
     Column("标准名称", required=True, help="它所指的标准名称，如 鲇埠回族乡")),
    key="别名",
    help="名称别名：把台账中不一致的写法对应到标准名称",
)
