"""Reading a sheet's header row: which column each header names, in which unit, and what
is left over — every header is either read, or named in a finding (SPEC §1, Units).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from farmcli.model.cells import column_letter, is_blank, normalise_text
from farmcli.model.findings import Finding, Where, error, info, warning
from farmcli.model.schema import UNITS, Column, SheetSpec, split_unit


@dataclass
class Header:
    """The header row of one sheet, matched against its schema."""

    found: dict[str, tuple[int, str]] = field(default_factory=dict)  # column → (index, unit)
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)  # (column, index, first index)
    unused: list[tuple[int, str]] = field(default_factory=list)  # (index, header as written)
    texts: dict[int, str] = field(default_factory=dict)  # index → header as written
    conflicts: set[str] = field(default_factory=set)  # columns whose unit contradicts the table's stated unit


def match_header(row: list, spec: SheetSpec) -> Header:
    header = Header()
    for index, text in enumerate(row):
        if is_blank(text):
            continue
        header.texts[index] = str(text).strip()
        for col in spec.columns:
            ok, unit = col.header_scale(text)
            if not ok:
                continue
            if col.name in header.found:
                header.duplicates.append((col.name, index, header.found[col.name][0]))
            else:
                header.found[col.name] = (index, unit)
            break
        else:
            header.unused.append((index, str(text).strip()))
    return header


def _distance(a: str, b: str) -> int:
    """Edit distance (Levenshtein), for short header names."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def is_close(header: str, col: Column) -> bool:
    """`已拨付金额(元)` is close to `已拨付(元)`: it contains the column's name, or differs from it
    in its unit or by one or two characters (one for names of up to five characters)."""
    base, hbase = split_unit(col.name)[0], split_unit(header)[0]
    if base in hbase:
        return True
    return _distance(base, hbase) <= (2 if len(base) > 5 else 1)


def header_findings(header: Header, spec: SheetSpec, sheet: str, line: int) -> list[Finding]:
    """Unknown units, duplicated headers, headers close to an absent column, and the rest unused."""
    out: list[Finding] = []
    at = lambda index: Where(sheet, line, column_letter(index))  # noqa: E731 - a cell of the header row
    for name, (index, unit) in header.found.items():
        if unit == "?" and name not in header.conflicts:  # a conflict has its own finding (layout.py)
            col = spec.column(name)
            known = "、".join(UNITS[col.kind]) if col.kind in UNITS else split_unit(col.name)[1] or "不带单位"
            out.append(error("UNIT_UNKNOWN", f"表头“{header.texts[index]}”的单位 farmcli 不认识，这一列未读入"
                             f"（{col.name}按待定处理，依赖它的金额不计算）。可用的单位：{known}。请改表头的单位。", at(index)))
    for name, index, first in header.duplicates:
        out.append(error("DUPLICATE_HEADER", f"「{sheet}」有两列都是{name}（{column_letter(first)} 列和 "
                         f"{column_letter(index)} 列），farmcli 只读了 {column_letter(first)} 列。请删除或改名其中一列。",
                         at(index)))
    absent = [c for c in spec.columns if c.name not in header.found]
    rest = []
    notes = {normalise_text(n) for n in spec.notes}  # farmcli's own template columns (设置.说明)
    for index, text in header.unused:
        if normalise_text(text) in notes:
            continue
        close = [c for c in absent if is_close(text, c)]
        if not close:
            rest.append(text)
            continue
        col = close[0]
        message = (f"表头“{text}”没有被读取，它像是{col.name}，但不完全一致；本表没有{col.name}列。"
                   f"如果它就是{col.name}，请把表头改为“{col.name}”。")
        if col.kind in ("money", "area"):
            out.append(error("HEADER_SIMILAR_FIGURE", message + "改正前该列的金额/面积按空白处理。", at(index)))
        else:
            out.append(warning("HEADER_SIMILAR", message, at(index)))
    if rest:
        out.append(info("HEADERS_UNUSED", f"「{sheet}」第{line}行的这些列 farmcli 不使用：{'、'.join(rest)}。",
                        Where(sheet, line)))
    return out
