"""What a sheet's XML says about its cells beyond their values — error values, hidden rows,
percentage formats — and the findings a sheet as a whole gets (SPEC §1, cells that cannot be trusted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from farmcli.model.findings import Finding, Where, error, info
from farmcli.model.schema import SheetSpec
from farmcli.read.headers import Header, header_findings


@dataclass
class SheetMarks:
    """Row and column indices are 0-based, as in `Workbook.rows`."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → `#DIV/0!`
    percent: set[tuple[int, int]] = field(default_factory=set)  # number cells formatted as %
    hidden_rows: set[int] = field(default_factory=set)
    hidden: bool = False  # the sheet itself is hidden
    uncached: list[tuple[int, int]] = field(default_factory=list)  # formulas saved without their result
    formulas: bool = False  # the sheet holds a formula (its XML has an `f` element)
    checked: bool = True  # False for .xls/.ods: read without their XML, nothing of this is known


def _lines(rows: list[int]) -> str:
    shown = "、".join(str(r + 1) for r in rows[:20])
    return shown + (f" 等 {len(rows)} 行" if len(rows) > 20 else "")


def sheet_findings(book, spec: SheetSpec, sheets: list[str], header: Header, line: int, marks: SheetMarks,
                   data: list[int]) -> list[Finding]:
    sheet = sheets[0]
    out: list[Finding] = []
    for other in sheets[1:]:
        out.append(error("DUPLICATE_SHEET", f"工作表「{sheet}」和「{other}」的名称去掉空格、全半角后相同，farmcli 只读了"
                         f"「{sheet}」，「{other}」未读入。请合并两表，或删除/改名其中一个。", Where(other)))
    out += header_findings(header, spec, sheet, line)
    if marks.hidden:
        out.append(info("HIDDEN", f"工作表「{sheet}」是隐藏的，已照常读入结算。如它不应计入，请删除它。", Where(sheet)))
    hidden = sorted(r for r in data if r in marks.hidden_rows) if marks.hidden_rows else []
    if hidden:
        out.append(info("HIDDEN", f"「{sheet}」第 {_lines(hidden)} 行是隐藏行，已照常计入结算。如不应计入，请删除这些行。",
                        Where(sheet)))
    if not marks.checked:
        out.append(info("FORMAT_UNCHECKED", f"{book.path.name} 不是 .xlsx/.xlsm，「{sheet}」中的 Excel 错误值、百分比格式和"
                        "隐藏行无法检查（错误值按空白读取）。另存为 .xlsx 后再运行可检查这些。", Where(sheet)))
    return out
