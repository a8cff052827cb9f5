"""taojiang: where a township's figures come from when the ledger has the detail sheets —
`图斑` (implemented and accepted area per township) and `拨付明细` (payments per township),
matched to `乡镇` by name (SPEC §2.1). Findings name the sheet and cells; nothing is dropped.

`Settling` is the context every taojiang helper reads (here, in `taojiang` and `taojiang_checks`),
built once in `taojiang.settle`; it lives here because this module is the one the others import.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from farmcli.model.compare import agree, shown
from farmcli.model.exact import Fixed
from farmcli.model.findings import Finding, Where, error, warning
from farmcli.model.money import ZERO, sum_or_pending
from farmcli.model.names import NameIndex
from farmcli.model.table import Table

PARCEL_STATES = ("未实施", "已实施", "已验收入库")


@dataclass(frozen=True)
class Settling:
    """What every township is settled with; the checks append to `findings`."""

    towns: Table  # 乡镇: the cells a finding points at
    index: NameIndex  # 乡镇's names with 别名 applied: 图斑 and 拨付明细 match through it
    p: dict
    cite: dict
    findings: list[Finding]


@dataclass(frozen=True)
class Town:
    """The 乡镇 row being settled: its row (`i`), its key in `Settling.index`, its name as shown."""

    i: int
    key: str
    name: str


@dataclass
class ParcelSums:
    implemented: Decimal | None = ZERO  # None: a parcel's area (or acceptance date) is unreadable: pending
    accepted: Decimal | None = ZERO
    any_accepted: bool = False


@dataclass(frozen=True)
class ParcelProblems:
    """The 图斑 rows each finding of `_parcel_findings` lists."""

    unmatched: dict[str, list]  # name as written → [first row, parcels, area]
    duplicates: list[int]
    late: list[int]
    undated: list[int]
    bad_state: list[int]


def aggregate_parcels(ctx: Settling, table: Table | None) -> dict[str, ParcelSums] | None:
    """Per-township implemented and accepted area from 图斑 (SPEC §2.1), vectorised with pandas:
    a 图斑 sheet may hold a million parcels. Areas stay Decimal (summed exactly)."""
    if table is None:
        return None
    index, deadline = ctx.index, ctx.p["验收截止日期"]
    import pandas as pd

    areas = Fixed.of(table.columns["面积(亩)"])  # int64 at one exact scale: numpy sums, not Decimal objects
    frame = pd.DataFrame({"name": table.columns["乡镇名称"], "area": areas.ints,
                          "state": table.columns["状态"], "id": table.columns["图斑编号"],
                          "date": table.columns.get("验收日期") or [None] * len(table)})
    names = frame["name"].dropna().unique()
    frame["key"] = frame["name"].map({n: index.resolve(n) for n in names})
    # A parcel without a 图斑编号 is counted nowhere, as the reader's KEY_MISSING says (SPEC §1).
    matched = frame["key"].notna() & frame["id"].notna()
    known = frame["state"].isin(PARCEL_STATES)
    done = matched & known & frame["state"].isin(("已实施", "已验收入库"))
    accepted = done & (frame["state"] == "已验收入库")
    when = pd.to_datetime(frame["date"], errors="coerce")
    dated = accepted & when.notna()
    in_time = dated & (when <= pd.Timestamp(deadline))

    sums: dict[str, ParcelSums] = defaultdict(ParcelSums)
    for key, area in frame.loc[done].groupby("key")["area"].sum().items():
        sums[key].implemented = areas.decimal(area)
    for key, area in frame.loc[in_time].groupby("key")["area"].sum().items():
        sums[key].accepted, sums[key].any_accepted = areas.decimal(area), True
    # A parcel whose area or acceptance date the reader could not trust counts as 0 in the sums
    # above; its township's figure is pending instead (the reader named the cell).
    unread = frame.index.isin(list(table.untrusted.get("面积(亩)", ())))
    undated_bad = frame.index.isin(list(table.untrusted.get("验收日期", ())))
    for key in frame.loc[matched & unread & (frame["state"] != "未实施"), "key"].unique():
        sums[key].implemented = None
    for key in frame.loc[matched & ((unread & accepted) | (undated_bad & (frame["state"] == "已验收入库"))), "key"].unique():
        sums[key].accepted, sums[key].any_accepted = None, True
    for key in {k for k, v in sums.items() if v.implemented is None or v.accepted is None}:
        ctx.findings.append(error("PARCEL_PENDING", f"「图斑」中{index.display(key)}有图斑的面积或验收日期无法识别（见该格的错误），"
                                  "该乡镇的实施恢复面积或验收入库面积待定，依赖它们的补助和拨付也待定。请更正后重新结算。",
                                  Where(table.sheet), ctx.cite["验收截止日期"]))

    unmatched = {}
    for name, group in frame.loc[frame["key"].isna()].groupby(frame["name"].fillna("（空白）"), sort=False):
        unmatched[str(name)] = [int(group.index[0]), len(group), areas.decimal(group["area"].sum())]
    _parcel_findings(ctx, table, ParcelProblems(
        unmatched, duplicates=list(frame.index[frame["id"].notna() & frame["id"].duplicated()]),
        late=list(frame.index[dated & ~in_time]), undated=list(frame.index[accepted & ~dated]),
        bad_state=list(frame.index[matched & ~known])))
    return sums


def _listing(table, rows, column) -> str:
    shown = "、".join(str(table.cell(column, i)) for i in rows[:10])
    return shown + (f" 等共 {len(rows)} 处" if len(rows) > 10 else "")


def _parcel_findings(ctx: Settling, table: Table, problems: ParcelProblems) -> None:
    index, deadline, cite, findings = ctx.index, ctx.p["验收截止日期"], ctx.cite, ctx.findings
    unmatched, duplicates, late = problems.unmatched, problems.duplicates, problems.late
    undated, bad_state = problems.undated, problems.bad_state
    for name, (i, count, area) in unmatched.items():
        findings.append(error("UNMATCHED_NAME", f"「图斑」中有 {count} 个图斑（共 {area:,.4f} 亩）的"
                              + index.unmatched_message(name), table.cell("乡镇名称", i)))
    if duplicates:
        findings.append(error("DUPLICATE_PARCEL", f"图斑编号重复 {len(duplicates)} 处（重复的图斑仍计入面积，请核实是否重复登记）："
                              + _listing(table, duplicates, "图斑编号"), table.cell("图斑编号", duplicates[0])))
    if bad_state:
        findings.append(error("BAD_STATE", f"图斑状态须为 {'/'.join(PARCEL_STATES)}，以下图斑未能识别，未计入面积："
                              + _listing(table, bad_state, "状态"), table.cell("状态", bad_state[0])))
    if undated:
        findings.append(error("ACCEPTED_UNDATED", "已验收入库的图斑缺少验收日期，未计入验收入库面积（只计入实施恢复面积）："
                              + _listing(table, undated, "验收日期"), table.cell("验收日期", undated[0]), cite["验收截止日期"]))
    if late:
        findings.append(warning("ACCEPTED_LATE", f"以下图斑验收日期晚于截止日期 {deadline}，不计入补助的验收入库面积"
                                "（只计入实施恢复面积）：" + _listing(table, late, "验收日期"),
                                table.cell("验收日期", late[0]), cite["验收截止日期"]))


@dataclass
class Payments:
    present: bool
    by_town: dict[str, Decimal | None]  # None: a payment to this township is unreadable (pending)
    unmatched_total: Decimal | None


def match_payments(ctx: Settling, table: Table | None) -> Payments:
    if table is None:
        return Payments(False, {}, ZERO)
    by_town: dict[str, Decimal | None] = defaultdict(lambda: ZERO)
    index, unmatched = ctx.index, {}
    unreadable = set(table.untrusted.get("金额(元)", ()))  # the reader named these cells: pending, never 0
    nameless: Decimal | None = ZERO  # rows without a 单位名称 (KEY_MISSING): paid to no township, but no 元 disappears
    for i, (name, amount) in enumerate(zip(table.columns["单位名称"], table.columns["金额(元)"])):
        if name is None:
            nameless = sum_or_pending((nameless, None if i in unreadable else amount or ZERO))
            continue
        key = index.resolve(name)
        if key is None:
            entry = unmatched.setdefault(str(name), [i, ZERO])
            entry[1] = sum_or_pending((entry[1], None if i in unreadable else amount or ZERO))
        elif i in unreadable or by_town[key] is None:
            by_town[key] = None
        else:
            by_town[key] += amount or ZERO
    for name, (i, amount) in unmatched.items():
        amount_shown = "金额待定" if amount is None else f"{amount:,.2f} 元"
        ctx.findings.append(error("UNMATCHED_NAME", f"「拨付明细」中 {amount_shown}的收款" + index.unmatched_message(name),
                                  table.cell("单位名称", i)))
    return Payments(True, dict(by_town), sum_or_pending([nameless, *(a for _, a in unmatched.values())]))


def from_parcels(ctx: Settling, town: Town, column: str, parcels: dict[str, ParcelSums] | None, attr: str):
    """A township's area from 图斑 when that sheet exists, checked against 乡镇's own figure."""
    towns, i = ctx.towns, town.i
    stated = towns.get(column, i)
    if parcels is None:
        return stated
    sums = parcels.get(town.key, ParcelSums())
    value = sums.implemented if attr == "implemented" else (sums.accepted if sums.any_accepted else None)
    pending = sums.implemented is None if attr == "implemented" else (sums.any_accepted and sums.accepted is None)
    if stated is not None and not pending and not agree(stated, value or ZERO):
        ctx.findings.append(error("PARCEL_MISMATCH", f"「乡镇」表的{column}为 {shown(stated)}，而「图斑」汇总为 "
                                  f"{shown(value or ZERO)}，相差 {shown(stated - (value or ZERO))}。farmcli 按图斑汇总计算，请核对。",
                                  towns.cell(column, i)))
    return value


def paid_to(ctx: Settling, town: Town, payments: Payments | None):
    """A township's 已拨付: from 拨付明细 when that sheet exists (checked against 乡镇's own figure), else 乡镇's."""
    towns, i = ctx.towns, town.i
    stated = towns.get("已拨付(元)", i)
    if payments is None or not payments.present:
        if stated is None and not towns.trusted("已拨付(元)", i):
            return None  # unreadable: 待拨付 stays pending rather than assume nothing was paid
        return stated if stated is not None else ZERO
    total = payments.by_town.get(town.key, ZERO)
    if total is None:
        return None  # a payment to this township is unreadable: 已拨付 and 待拨付 stay pending
    if stated is not None and not agree(stated, total):
        ctx.findings.append(error("PAID_MISMATCH", f"{town.name}「乡镇」表的已拨付为 {shown(stated)} 元，而「拨付明细」合计为 "
                                  f"{shown(total)} 元，相差 {shown(stated - total)} 元。farmcli 按拨付明细计算，请核对。",
                                  towns.cell("已拨付(元)", i)))
    return total
