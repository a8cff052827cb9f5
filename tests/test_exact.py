"""Fixed-point sums (farmcli/model/exact.py): vectorised, and exactly the Decimal sums."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, strategies as st

from farmcli.model.exact import Fixed

areas = st.lists(st.one_of(st.none(), st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False)),
                 max_size=50)


@given(areas)
def test_fixed_sums_equal_decimal_sums(values):
    fixed = Fixed.of(values)
    assert fixed.ints.dtype.kind == "i"  # four decimals of areas fit int64: the numpy path
    assert fixed.decimal(fixed.ints.sum()) == sum((v for v in values if v is not None), Decimal(0))


def test_values_too_fine_or_too_big_fall_back_to_exact_python_ints():
    values = [Decimal("0.1234567890123456"), Decimal("1")]
    fixed = Fixed.of(values)
    assert fixed.ints.dtype == object
    assert fixed.decimal(fixed.ints.sum()) == Decimal("1.1234567890123456")
    huge = [Decimal(2**62), Decimal(2**62)]
    assert Fixed.of(huge).ints.dtype == object
    assert Fixed.of(huge).decimal(Fixed.of(huge).ints.sum()) == Decimal(2**63)


def test_mixed_scales_are_held_at_the_finest():
    fixed = Fixed.of([Decimal("391.87"), Decimal("0.0001"), None, Decimal("12")])
    assert fixed.scale == 4 and list(fixed.ints) == [3918700, 1, 0, 120000]


def test_one_object_or_many_for_a_value_gives_the_same_ints():
    """Distinct objects are told apart by id: a value shared by many rows is looked at once, and equal
    values held as separate objects (or written differently: 1.50 and 1.5) each count exactly."""
    shared = Decimal("1.5")
    values = [shared, shared, Decimal("1.50"), Decimal("1.5"), None, None, Decimal("-0.25")]
    fixed = Fixed.of(values)
    assert fixed.scale == 2 and list(fixed.ints) == [150, 150, 150, 150, 0, 0, -25]
    assert fixed.decimal(fixed.ints.sum()) == Decimal("5.75")
