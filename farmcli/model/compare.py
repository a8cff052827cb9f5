"""Comparing two stated figures that should agree (a 合计 row and its rows, 乡镇 and 图斑, accepted and
implemented area, 乡镇 已拨付 and 拨付明细): within half a unit of the last digit a ledger shows
(0.005), so a unit conversion (公顷 × 15, 平方米 × 0.0015) or a figure typed to fewer digits never
raises a finding, and a finding never reports a difference of 0.00 (SPEC §1, Layouts clerks use)."""

from __future__ import annotations

from decimal import Decimal

SHOWN = Decimal("0.005")  # half of 0.01: two figures this close look the same on paper


def agree(a: Decimal, b: Decimal) -> bool:
    """Do two stated figures agree, as a ledger shows them?"""
    return abs(a - b) <= SHOWN


def exceeds(a: Decimal, b: Decimal) -> bool:
    """Is `a` above `b` by more than the ledger can show?"""
    return a - b > SHOWN


def shown(value: Decimal) -> str:
    """A figure with thousands separators and at least two decimals, more where it has them, so two
    figures that disagree never print alike (never "157.21 大于 157.21"). For findings, which are made
    below outputs/ (model/ may not import outputs/); `outputs.values.show` rounds to two decimals,
    which is what a report shows but not what a finding about a difference needs."""
    if value == value.quantize(Decimal("0.01")):
        return f"{value:,.2f}"
    return f"{value.normalize():,f}"
