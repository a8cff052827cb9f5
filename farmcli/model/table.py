"""`Table`: one ledger sheet, parsed — the type every policy and the scoring table work on.

It lives in the model, not in the reader, so a policy that uses it imports nothing
of Excel. Every value remembers its sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from farmcli.model.compare import agree, shown
from farmcli.model.findings import Finding, Where, error
from farmcli.model.names import invisible_note, key_form
from farmcli.model.schema import SheetSpec


@dataclass
class Table:
    """One ledger sheet, parsed: columns of typed values plus each row's line number."""

    sheet: str
    spec: SheetSpec
    header_line: int = 0
    letters: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    columns: dict[str, list] = field(default_factory=dict)
    totals: list[tuple[int, str, dict]] = field(default_factory=list)  # (line, word, values)
    # Cells the reader could not trust (an error value, a ratio above 100% without `(%)` …):
    # column → row indices. Their value is None, and a rule that needs one stays pending
    # rather than using the blank's default (SPEC §1, cells that cannot be trusted).
    untrusted: dict[str, set[int]] = field(default_factory=dict)
    # A folder settled as one (SPEC §8): where each run of rows came from — (first row index, file,
    # the sheet's name there, its column letters there), in row order. Empty for one ledger.
    parts: list[tuple[int, str, str, dict[str, str]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def has(self, column: str) -> bool:
        return column in self.letters

    def cell(self, column: str, i: int) -> Where:
        """`乡镇!C7` — the cell of row i in `column` (the row alone if the column is absent);
        `修山镇.xlsx!图斑!C7` in a folder's combined table."""
        if self.parts:
            _, file, sheet, letters = self.part(i)
            return Where(sheet, self.lines[i], letters.get(column), file=file)
        return Where(self.sheet, self.lines[i], self.letters.get(column))

    def where(self, i: int) -> Where:
        """`乡镇 第7行` — row i as a whole."""
        if self.parts:
            _, file, sheet, _ = self.part(i)
            return Where(sheet, self.lines[i], file=file)
        return Where(self.sheet, self.lines[i])

    def part(self, i: int) -> tuple[int, str, str, dict[str, str]]:
        """The run of rows (from one file) that row i of a combined table belongs to."""
        from bisect import bisect_right

        return self.parts[bisect_right([p[0] for p in self.parts], i) - 1]

    def trusted(self, column: str, i: int) -> bool:
        """False when the reader flagged this cell: what depends on it must stay pending."""
        return i not in self.untrusted.get(column, ())

    def get(self, column: str, i: int):
        values = self.columns.get(column)
        return values[i] if values is not None else None

    def unique_records(self, column: str, code: str, what: str, findings: list[Finding], keys: list | None = None):
        """(index, row) of each row whose key (`keys[i]`, else the value in `column`) is first seen;
        a repeated key is an error finding and its row is left out, a blank key is skipped (the
        reader has reported it)."""
        seen: dict[object, tuple[int, object]] = {}
        for i, row in self.records():
            key = keys[i] if keys is not None else key_form(row[column])  # `ＪＳ－２` is `JS-2`
            if key is None:
                continue
            if key in seen:
                line, first = seen[key]
                findings.append(error(code, f"{what}“{row[column]}”重复出现（第{line}行已有）"
                                      f"{invisible_note(row[column], first)}，本行未计入结算。请合并为一行。",
                                      self.cell(column, i)))
                continue
            seen[key] = (self.lines[i], row[column])
            yield i, row

    def records(self):
        """(index, {column: value}) for each data row, in ledger order."""
        names = list(self.columns)
        for i in range(len(self.lines)):
            yield i, {name: self.columns[name][i] for name in names}


def check_totals(table: Table) -> list[Finding]:
    """Compare each 合计/总计 row with farmcli's own sum of the data rows (小计 rows are
    excluded from the data and not checked: their groups are not marked in a ledger). A row with
    a blank key is counted nowhere (KEY_MISSING), so not in farmcli's own sum either."""
    findings = []
    keys = table.columns.get(table.spec.key) if table.spec.key and table.has(table.spec.key) else None
    counted = [i for i in range(len(table)) if keys is None or keys[i] is not None]
    for line, word, values in table.totals:
        if word == "小计":
            continue
        for col in table.spec.columns:
            stated = values.get(col.name)
            if not col.additive or not table.has(col.name) or not isinstance(stated, Decimal):
                continue
            cells = table.columns[col.name]
            own = sum((cells[i] for i in counted if isinstance(cells[i], Decimal)), Decimal(0))
            if not agree(own, stated):
                findings.append(error(
                    "TOTAL_MISMATCH",
                    f"{word}行的{col.name}为 {shown(stated)}，而各行之和为 {shown(own)}，相差 {shown(stated - own)}。"
                    f"请核对是否漏行、多行或{word}公式有误；farmcli 按各行计算。",
                    Where(table.sheet, line, table.letters[col.name]),
                ))
    return findings

