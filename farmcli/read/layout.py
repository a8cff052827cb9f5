"""How a table sits on its sheet, read from its first rows only (never per data cell): a unit stated
once above the header, a header of two rows, and the footer rows clerks write under a table
(SPEC §1, Layouts clerks use)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from farmcli.model.cells import column_letter, is_blank, normalise_text
from farmcli.model.findings import Finding, Where, error
from farmcli.model.schema import UNITS, SheetSpec, split_unit

# `单位：万元`, `金额单位：元`, `面积单位：公顷`, `单位：万元、亩`, `（单位：万元）` — but not `填报单位：某局`.
_STATED = re.compile(r"(?:^|(?<=[\s(（,，;；:：]))(金额|面积)?单位[:：]\s*([^\s()（）;；]+)")
_KIND_OF = {"金额": "money", "面积": "area"}


def stated_units(rows: list[list]) -> dict[str, tuple[str, str]]:
    """kind → (unit, the statement as written), from the title and note rows above a header. A
    statement naming no unit farmcli knows (`单位：按表头`) states nothing; the first one per kind wins."""
    out: dict[str, tuple[str, str]] = {}
    for row in rows:
        for value in row:
            if type(value) is not str or "单位" not in value:
                continue
            for match in _STATED.finditer(" ".join(value.split())):
                for word in re.split(r"[、,，/]", normalise_text(match.group(2))):
                    for kind in (_KIND_OF[match.group(1)],) if match.group(1) else ("money", "area"):
                        if word in UNITS[kind]:
                            out.setdefault(kind, (word, value.strip()))
    return out


def apply_stated_units(header, spec: SheetSpec, stated: dict[str, tuple[str, str]], sheet: str,
                       line: int) -> list[Finding]:
    """A column whose header has no unit of its own takes the stated unit of its kind; a header whose
    own unit contradicts it is an error, and the column stays unread (its figures pending)."""
    out = []
    for name, (index, unit) in list(header.found.items()):
        col = spec.column(name)
        if col.kind not in stated or unit == "?":
            continue
        given, statement = stated[col.kind]
        own = split_unit(header.texts[index])[1]
        if own is None:
            header.found[name] = (index, given if UNITS[col.kind][given] != 1 else "plain")
        elif own in UNITS[col.kind] and UNITS[col.kind][own] != UNITS[col.kind][given]:
            header.found[name] = (index, "?")
            header.conflicts.add(name)
            out.append(error("UNIT_CONFLICT", f"表头“{header.texts[index]}”的单位是{own}，而表格上方写着“{statement}”，"
                             f"两者矛盾，farmcli 不猜用哪个：这一列未读入，依赖它的金额待定。请删去其中一个单位。",
                             Where(sheet, line, column_letter(index))))
    return out


def _figure(value: object) -> bool:
    return isinstance(value, (int, float, dt.date)) and not isinstance(value, bool)


def _parents(top: list, sub: list, spans: list | None, r: int) -> list[int | None]:
    """The column whose top cell heads each column: its own, the merged cell over it, or — where the
    file gives no merges for this row — the nearest top cell to its left that heads a run of
    sub-headers (a parent typed once over its columns, as a merge looks)."""
    width = len(top)
    parent: list[int | None] = [c if not is_blank(top[c]) else None for c in range(width)]
    across = [((c0, c1)) for (r0, c0), (r1, c1) in spans or () if r0 <= r <= r1 and c1 > c0]
    if across:
        for c0, c1 in across:
            for c in range(c0, min(c1, width - 1) + 1):
                parent[c] = c0
        return parent
    for c in range(1, width):
        if parent[c] is None and not is_blank(sub[c]) and parent[c - 1] is not None and not is_blank(sub[c - 1]):
            parent[c] = parent[c - 1]
    return parent


def two_row_header(rows: list[list], r: int, spec: SheetSpec,
                   merges: Callable[[], list | None]) -> list[str | None] | None:
    """Row r and the row below as one header (a parent over sub-headers, a name merged down), or
    None when the row below is not a sub-header row: it holds a figure, or text under a header that
    names a column (a data row has its key there), or row r is a title (one cell)."""
    if r + 1 >= len(rows):
        return None
    width = max(len(rows[r]), len(rows[r + 1]))
    top, sub = (list(rows[r]) + [None] * width)[:width], (list(rows[r + 1]) + [None] * width)[:width]
    if sum(not is_blank(v) for v in top) < 2 or all(is_blank(v) for v in sub):
        return None  # a title (one cell) is not a parent
    if any(type(v) is str and ("：" in v or ":" in v) for v in top):
        return None  # a note row (`单位：万元`, `填表日期：…`) is not a parent
    key = spec.column(spec.key) if spec.key else None
    for c, value in enumerate(sub):
        if is_blank(value):
            continue
        if _figure(value) or (key is not None and not is_blank(top[c]) and key.header_scale(top[c])[0]):
            return None  # a data row: a figure, or a name under the key column's header
    parent = _parents(top, sub, merges(), r)
    names: list[str | None] = []
    for c in range(width):
        own = sub[c] if not is_blank(sub[c]) else None
        head = top[parent[c]] if parent[c] is not None else None
        names.append(normalise_text(own if own is not None else head) if (own or head) is not None else None)
    bases = [split_unit(n)[0] if n else None for n in names]
    for c in range(width):
        head = top[parent[c]] if parent[c] is not None else None
        if names[c] is None or is_blank(sub[c]) or head is None or parent[c] is None:
            continue
        base, unit = split_unit(names[c])
        hbase, hunit = split_unit(head)
        if bases.count(base) > 1:  # 首笔 over 金额 | 日期, 尾款 over 金额 | 日期 → 首笔金额
            base = hbase + base
        if unit is None and hunit is not None and any(hunit in units for units in UNITS.values()):
            unit = hunit  # `金额（万元）` over 合同金额 | 已拨付: both in 万元
        names[c] = f"{base}({unit})" if unit else base
    return names


# A footer row starts with one of these (`注：`, `说明：`, `制表人：张三  审核人：李四`, `填报日期：…`).
# 注/说明/备注/填报单位 need their colon: `说明` and `填报单位` alone are keys of 设置.
_FOOTER = re.compile(r"^(?:(?:注|说明|备注|填报单位)[:：\d]|制表|填表|填报人|填报日期|审核|复核|负责人|单位负责人|联系电话|联系人|经办人)")
FOOTER_FIRST = frozenset("注说备制填审复负单联经")  # the first characters: a cheap test per row


def footer_label(row: list) -> str | None:
    """The first non-blank cell of `row` when it reads like a footer (`制表人：张三`), else None."""
    for value in row:
        if is_blank(value):
            continue
        if type(value) is str and _FOOTER.match(normalise_text(value)):
            return value.strip()
        return None
    return None
