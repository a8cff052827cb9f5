"""taojiang: where a township's figures come from when the ledger has the detail sheets —
`图斑` (implemented and accepted area per township) and `拨付明细` (payments per township),
matched to `乡镇` by name (SPEC §2.1). Findings name the sheet and cells; nothing is dropped."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from farmcli.model.exact import Fixed
from farmcli.model.findings import Where, error, warning
from farmcli.model.money import ZERO, sum_or_pending

PARCEL_STATES = ("未实施", "已实施", "已验收入库")


@dataclass
class ParcelSums:
    implemented: Decimal | None = ZERO  # None: a parcel's area (or acceptance date) is unreadable: pending
    accepted: Decimal | None = ZERO
    any_accepted: bool = False


def aggregate_parcels(table, index, deadline, cite, findings) -> dict[str, ParcelSums] | None:
    """Per-township implemented and accepted area from 图斑 (SPEC §2.1), vectorised with pandas:
    a 图斑 sheet may hold a million parcels. Areas stay Decimal (summed exactly)."""
    if table is None:
        return None
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
        findings.append(error("PARCEL_PENDING", f"「图斑」中{index.display(key)}有图斑的面积或验收日期无法识别（见该格的错误），"
                              "该乡镇的实施恢复面积或验收入库面积待定，依赖它们的补助和拨付也待定。请更正后重新结算。",
                              Where(table.sheet), cite["验收截止日期"]))

    unmatched = {}
    for name, group in frame.loc[frame["key"].isna()].groupby(frame["name"].fillna("（空白）"), sort=False):
        unmatched[str(name)] = [int(group.index[0]), len(group), areas.decimal(group["area"].sum())]
    duplicates = list(frame.index[frame["id"].notna() & frame["id"].duplicated()])
    late = list(frame.index[dated & ~in_time])
    undated = list(frame.index[accepted & ~dated])
    bad_state = list(frame.index[matched & ~known])
    _parcel_findings(table, index, unmatched, duplicates, late, undated, bad_state, deadline, cite, findings)
    return sums


def _listing(table, rows, column) -> str:
    shown = "、".join(str(table.cell(column, i)) for i in rows[:10])
    return shown + (f" 等共 {len(rows)} 处" if len(rows) > 10 else "")


def _parcel_findings(table, index, unmatched, duplicates, late, undated, bad_state, deadline, cite, findings):
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


def match_payments(table, index, findings) -> Payments:
    if table is None:
        return Payments(False, {}, ZERO)
    by_town: dict[str, Decimal | None] = defaultdict(lambda: ZERO)
    unmatched: dict[str, list] = {}
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
        shown = "金额待定" if amount is None else f"{amount:,.2f} 元"
        findings.append(error("UNMATCHED_NAME", f"「拨付明细」中 {shown}的收款" + index.unmatched_message(name),
                              table.cell("单位名称", i)))
    return Payments(True, dict(by_town), sum_or_pending([nameless, *(a for _, a in unmatched.values())]))
