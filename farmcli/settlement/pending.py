"""Figures of a unit that did not report (or reported twice) stay pending (SPEC §8): never 0.

The policy settles the combined ledger as it is; then every result row that names such a unit
has its money, area and ratio figures set to pending (待定), and every total they feed with them.
"""

from __future__ import annotations

from farmcli.model.names import name_key
from farmcli.model.result import AREA, MONEY, RATIO, Outcome, ResultTable, Total, UnitKey

HELD = (MONEY, AREA, RATIO)


def hold_pending(outcome: Outcome, units: UnitKey, pending: dict[str, str],
                 aliases: dict[str, tuple[str, str]]) -> Outcome:
    """`outcome` with the figures of the `pending` units (key → why) held as pending."""
    if not pending:
        return outcome
    held: set[str] = set()
    for table in outcome.tables:
        held |= _hold_rows(table, units.column, pending, aliases)
    totals = [Total(t.name, None, t.kind) if t.kind in HELD and t.name in held else t for t in outcome.totals]
    return Outcome(outcome.tables, totals, outcome.findings)


def _hold_rows(table: ResultTable, column: str, pending: dict[str, str], aliases) -> set[str]:
    """Hold the rows of `table` that name a pending unit; returns the columns whose total is now pending."""
    if column not in {c.name for c in table.columns}:
        return set()
    figures = [c.name for c in table.columns if c.kind in HELD]
    held = set()
    for row in table.rows:
        value = row.get(column)
        key = aliases.get(name_key(value), (name_key(value),))[0] if value is not None else None
        if key not in pending:
            continue
        for name in figures:
            if row.get(name) is not None:
                row[name] = None
                held.add(name)
        if "备注" in row:
            row["备注"] = f"{pending[key]}：金额待定" + (f"；{row['备注']}" if row["备注"] else "")
    if table.total is not None:
        for name in held:
            table.total[name] = None
    return held
