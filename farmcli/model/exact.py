"""Exact sums of many decimal figures, vectorised: fixed-point integers at the one scale that
holds every value exactly as given (never rounded), summed by pandas/numpy in int64.

A 图斑 sheet may hold a million areas. Summing a column of Decimal objects runs in Python;
integers at scale 10^k run in numpy. Where the values do not fit int64 at their scale
(very many digits), the column holds Python ints instead: slower, just as exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MAX_SCALE = 12  # digits after the point the int64 path takes; more falls back to Python ints
_INT64 = 2**63 - 1


@dataclass(frozen=True)
class Fixed:
    """`ints[i]` = values[i] × 10^scale exactly (blank = 0)."""

    ints: object  # numpy int64 array, or an object array of Python ints
    scale: int

    @classmethod
    def of(cls, values: list) -> Fixed:
        import numpy as np

        # A column repeats its figures (and the reader hands out one object per distinct float):
        # each distinct value is looked at once, then mapped at C speed.
        distinct = set(values)
        distinct.discard(None)
        # Finite decimals only reach here (the reader refuses NaN and infinities), so every
        # exponent is an int; the scale is the most digits after the point of any value.
        scale = max(0, -min((v.as_tuple().exponent for v in distinct), default=0))
        unit = Decimal(10) ** scale
        exact = {v: int(v * unit) for v in distinct}  # exact: v × 10^scale is whole
        exact[None] = 0
        biggest = max(map(abs, exact.values()))
        # The sum of all of them must fit too, not only each one.
        if scale <= MAX_SCALE and biggest * max(len(values), 1) <= _INT64:
            return cls(np.fromiter(map(exact.__getitem__, values), dtype=np.int64, count=len(values)), scale)
        return cls(np.asarray(list(map(exact.__getitem__, values)), dtype=object), scale)

    def decimal(self, total) -> Decimal:
        """A sum of `ints` back to an exact Decimal."""
        return Decimal(int(total)).scaleb(-self.scale)
