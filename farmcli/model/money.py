"""Money: exact decimals, rounded once to the 分, and pools shared so the parts add up."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal(0)


def sum_or_pending(values) -> Decimal | None:
    """The sum of figures one of which is pending (None) is pending too: never a total that quietly
    leaves a pending figure out (SPEC §1, cells that cannot be trusted)."""
    total = ZERO
    for value in values:
        if value is None:
            return None
        total += value
    return total


def round_money(amount: Decimal) -> Decimal:
    """Round once, at the end of a formula, to 0.01 元, 四舍五入 (ROUND_HALF_UP)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def allocate_largest_remainder(pool: Decimal, weights: list[Decimal]) -> list[Decimal] | None:
    """Share `pool` (to the 分) by `weights` so the shares add up to the pool exactly.

    Each share is first rounded down to the 分; the 分 left over go one each to
    the largest remainders, ties to the earlier row. A zero total weight shares
    nothing and returns None so the caller can say so. A negative weight is refused
    (ValueError): a share cannot be taken out of the pool (jinning 六(二) "在…总金额中");
    the caller checks its weights and leaves the split pending with a finding.
    """
    if any(w < 0 for w in weights):
        raise ValueError("negative weight in a largest-remainder split")
    total = sum(weights, ZERO)
    if total <= 0:
        return None
    pool_fen = int(round_money(pool) / FEN)
    exact = [Decimal(pool_fen) * w / total for w in weights]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
    left = pool_fen - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * FEN for f in floors]
