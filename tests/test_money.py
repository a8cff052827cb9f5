"""SPEC §1 Money and Sharing a pool."""

from decimal import Decimal

import pytest

from farmcli.model.money import allocate_largest_remainder, round_money


@pytest.mark.parametrize("raw, expected", [("100.005", "100.01"), ("100.004", "100.00"), ("-0.005", "-0.01"),
                                           ("2.675", "2.68")])
def test_round_half_up(raw, expected):
    assert round_money(Decimal(raw)) == Decimal(expected)


def test_largest_remainder_adds_up_and_ties_go_to_earlier_rows():
    shares = allocate_largest_remainder(Decimal("100.00"), [Decimal(1)] * 3)
    assert shares == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(shares) == Decimal("100.00")


def test_largest_remainder_by_weight():
    # 0.05 元 over weights 1:2 → exact 1.666 and 3.333 分 → 2 and 3 分.
    assert allocate_largest_remainder(Decimal("0.05"), [Decimal(1), Decimal(2)]) == [Decimal("0.02"), Decimal("0.03")]


def test_zero_weight_shares_nothing():
    assert allocate_largest_remainder(Decimal(100), [Decimal(0), Decimal(0)]) is None


@pytest.mark.parametrize("weights", [[Decimal(1), Decimal(1), Decimal(-1)], [Decimal(-1)], [Decimal(3), Decimal("-0.5")]])
def test_largest_remainder_refuses_negative_weights(weights):
    # 30,000 / 30,000 / −30,000 once came out of a 30,000 pool (issue 27 §1): a negative weight is refused.
    with pytest.raises(ValueError):
        allocate_largest_remainder(Decimal("30000"), weights)
