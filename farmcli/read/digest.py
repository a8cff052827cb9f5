"""What a sheet says, as a short digest of its cells' values (SPEC §3, issue 25 §1).

The reader digests each sheet as its rows pass by, so the settlement workbook's record keeps what
the ledger's sheets say without a second read of a million-row sheet; the guard digests an earlier
output the same way, and an output is replaced only while it still says what farmcli wrote.

- Rows as calamine gives them (`SheetDigest`): from row 1 to the last row holding a value, from the
  first column holding one to the last. calamine takes that extent from the values alone (never
  from a `<dimension>` or a formatted empty cell), so it is the same in whatever program saved the
  file. The rows are digested in batches, as their repr: a million rows cost a few seconds, not
  a Python step per cell.
- Rows streamed from a sparse sheet's XML (`digest_sparse`): each row with a value, by its number,
  its first used column and its used cells.
A number is kept as a spreadsheet keeps it, at 15 significant digits rounded half up from its
shortest decimal form (LibreOffice writes 0.8982808988764045 as 0.898280898876405). Only a batch
whose text holds a run of 17 digits and points can hold a longer number; only such a batch is
looked at cell by cell.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

BATCH = 4096  # rows per repr: the same from row 1 on, wherever the rows come from
_RUN = bytes.maketrans(b"012345678.", b"9999999999")  # digits and points become one byte…
_LONG = b"9" * 17  # …and a number of 16 or more digits shows as a run of 17


def fifteen_digits(value: float) -> str:
    """A number as a spreadsheet keeps it: 15 significant digits, rounded half up from its shortest
    decimal form."""
    exact = Decimal(repr(float(value)))
    if not exact.is_finite() or exact == 0:
        return str(exact)
    shift = exact.adjusted() - 14
    return format(exact.quantize(Decimal(1).scaleb(shift), rounding=ROUND_HALF_UP).normalize(), "E")


def _kept(value: object) -> object:
    return float(fifteen_digits(value)) if type(value) is float else value


def _text(rows: list) -> bytes:
    text = repr(rows).encode("utf-8", "surrogatepass")
    if _LONG in text.translate(_RUN):
        text = repr([[_kept(v) for v in row] for row in rows]).encode("utf-8", "surrogatepass")
    return text


class SheetDigest:
    """calamine's rows in, one hex digest out: `add` each row (its cells from column `left`)."""

    def __init__(self, left: int = 0) -> None:
        self._hash = hashlib.sha256(f"cells:{left}\n".encode("ascii"))
        self._rows: list = []

    def add(self, row: list) -> None:
        self._rows.append(row)
        if len(self._rows) == BATCH:
            self._hash.update(_text(self._rows))
            self._rows = []

    def add_batch(self, rows: list[list]) -> None:
        """Many rows at once (the same digest as adding them one by one)."""
        if not self._rows and len(rows) == BATCH:
            self._hash.update(_text(rows))
            return
        for row in rows:
            self.add(row)

    def hexdigest(self) -> str:
        if self._rows:
            self._hash.update(_text(self._rows))
            self._rows = []
        return self._hash.hexdigest()


def digest_rows(rows: Iterable[list], left: int = 0) -> str:
    """The digest of calamine's rows, each from column `left`."""
    digest = SheetDigest(left)
    for row in rows:
        digest.add(row)
    return digest.hexdigest()


def digest_sparse(rows: list[list]) -> str:
    """The digest of rows streamed from a sheet's XML (row 1 first, cells from column A, None or
    '' for a gap): each row with a value, by its number, first used column and used cells."""
    digest = hashlib.sha256(b"sparse\n")
    for r, row in enumerate(rows):
        used = [c for c, v in enumerate(row) if v is not None and v != ""]
        if used:
            cells = ["" if v is None else _kept(v) for v in row[used[0]:used[-1] + 1]]
            digest.update(f"{r}:{used[0]}:{cells!r}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
