"""A folder's sheets combined (SPEC §8): each sheet the union of the counted rows of every file,
every row keeping its file, sheet and row (`Table.parts`); and the combined ledger as the writer
copies it, with 来源文件 and 来源行 in front of the columns farmcli read."""

from __future__ import annotations

from pathlib import Path

from farmcli.model.table import Table


def concat(spec, pieces: list[tuple[str, Table, list[int] | None]]) -> Table | None:
    """One table from the counted rows of each file's, every row keeping its file (Table.parts)."""
    if not pieces:
        return None
    first = pieces[0][1]
    out = Table(sheet=spec.name, spec=first.spec, header_line=first.header_line)
    out.columns = {c.name: [] for c in spec.columns}
    # One object per distinct value (a million parcels name a hundred townships and three states):
    # the combined sheet holds a million rows in a fraction of the memory. The key column is unique.
    # Figures are not shared: 2.5 and 2.50 are equal but are not the same text.
    same = {c.name: {} for c in spec.columns if c.name != spec.key and c.kind in ("text", "date", "bool")}
    for name, table, keep in pieces:
        keep = list(range(len(table))) if keep is None else keep
        start = len(out.lines)
        out.parts.append((start, name, table.sheet, dict(table.letters)))
        for column, letter in table.letters.items():
            out.letters.setdefault(column, letter)
            out.units.setdefault(column, table.units.get(column, "plain"))
        out.lines += [table.lines[i] for i in keep]
        for column, values in out.columns.items():
            source = table.columns.get(column)
            if source is None:
                values += [None] * len(keep)
            elif column in same:
                canon = same[column]
                values += [v if v is None else canon.setdefault(v, v) for v in (source[i] for i in keep)]
            else:
                values += [source[i] for i in keep]
        position = {i: n for n, i in enumerate(keep)}
        for column, rows in table.untrusted.items():
            moved = {start + position[i] for i in rows if i in position}
            if moved:
                out.untrusted.setdefault(column, set()).update(moved)
    return out


class FolderBook:
    """The combined ledger as the writer copies it (values, like an .xls ledger's): each sheet with
    来源文件 and 来源行 in front of the columns farmcli read."""

    kind = "folder"

    def __init__(self, folder: Path, tables: dict[str, Table | None]):
        self.path = folder
        self.tables = {name: t for name, t in tables.items() if t is not None}
        self.sheet_names = list(self.tables)

    def rows(self, sheet: str) -> "SheetRows":
        return SheetRows(self.tables[sheet])


class SheetRows:
    """A combined sheet's rows, made as they are written (never held whole)."""

    def __init__(self, table: Table):
        self.table = table
        self.names = [c.name for c in table.spec.columns if table.has(c.name)]

    def __len__(self) -> int:
        return len(self.table) + 1

    def __iter__(self):
        t = self.table
        yield ["来源文件", "来源行", *self.names]
        columns = [t.columns[n] for n in self.names]
        for start, end, file in _runs(t):
            for i in range(start, end):
                yield [file, t.lines[i], *(c[i] for c in columns)]


def _runs(t: Table):
    bounds = [p[0] for p in t.parts] + [len(t)]
    for n, part in enumerate(t.parts):
        yield bounds[n], bounds[n + 1], part[1]
