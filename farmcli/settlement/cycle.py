"""The rules of a folder settled as one (SPEC §8), file by file and across files: each unit's
file counts only its own rows of the sheets units fill; a unit that sent two files, or none, stays
pending; a key in two files is an error naming both. `Cycle.combined` then joins what counts."""

from __future__ import annotations

from farmcli.model.findings import ERROR, WARNING, Finding, Where, error, info, warning
from farmcli.model.names import key_form, name_key
from farmcli.model.table import Table
from farmcli.settlement.combined import concat
from farmcli.settlement.submissions import ReturnedFile, Submission, file_sums


def unit_sheets(module) -> tuple[list[str], str | None]:
    """The sheets a unit fills (those naming the unit in a column), and the sheet listing the units
    that the county keeps (None when the units fill their own row there)."""
    key = module.UNITS
    naming = [s.name for s in module.SHEETS if any(c.name == key.column for c in s.columns)]
    listing = next((s for s in module.SHEETS if s.name == key.sheet and s.key == key.column), None)
    if listing is not None and len(naming) > 1:
        return [n for n in naming if n != listing.name], listing.name
    return naming, None


class Cycle:
    """The rules of a folder settled as one (SPEC §8), file by file, then across files."""

    def __init__(self, module, files: list[ReturnedFile], main: ReturnedFile):
        self.module, self.files, self.main = module, files, main
        self.fills, self.listing = unit_sheets(module)
        self.column = module.UNITS.column
        self.findings: list[Finding] = []
        self.pending: dict[str, str] = {}  # unit key → why its figures are pending
        self.listed: dict[str, str] = {}  # unit key → name, as the county's list has them
        self.keys: dict[str, str] = {}  # file name → its unit's key

    def apply(self) -> None:
        aliases = _alias_keys(self.main.aliases)
        self.resolve = lambda name: aliases.get(name_key(name), name_key(name))  # noqa: E731
        listing = self.main.tables.get(self.listing) if self.listing else None
        if listing is not None:
            for value in listing.columns[self.column]:
                if value is not None:
                    self.listed.setdefault(self.resolve(value), str(value))
        for f in self.files:
            f.keep = {s: list(range(len(t))) for s, t in f.tables.items() if t is not None}
        by_unit: dict[str, list[ReturnedFile]] = {}
        for f in self.files:
            if f is self.main or f.failed:
                if f.failed and f.unit:
                    by_unit.setdefault(self.resolve(f.unit), []).append(f)
                continue
            if self._check_unit(f):
                by_unit.setdefault(self.keys[f.name], []).append(f)
        for key, sent in by_unit.items():
            if len(sent) > 1:
                self._twice(key, sent)
            elif sent[0].failed:
                self.pending[key] = "报表无法读取，退回修改"
        for f in self.files:
            if f is not self.main and f.counted:
                self._own_rows(f)
        self._missing(by_unit)
        self._keys_across_files()

    def _check_unit(self, f: ReturnedFile) -> bool:
        if f.unit is None:
            f.counted = False
            f.findings.append(error("FOLDER_NO_UNIT", f"{f.name} 的「设置」表没有填写填报单位，无法确定是哪个单位的报表，"
                                    "整个文件未计入。请在「设置」表加一行：项目“填报单位”，值为本单位名称。", Where("设置")).in_file(f.name))
            return False
        key = self.resolve(f.unit)
        if self.listed and key not in self.listed:
            f.counted = False
            f.findings.append(error("FOLDER_UNIT_UNKNOWN", f"填报单位“{f.unit}”不在县级台账 {self.main.name} 的「{self.listing}」"
                                    f"名单中，整个文件未计入。请核对单位名称，或在县级台账的「别名」表中对应。", Where("设置"))
                              .in_file(f.name))
            return False
        self.keys[f.name] = key
        return True

    def _twice(self, key: str, sent: list[ReturnedFile]) -> None:
        names = "、".join(f.name for f in sent)
        unit = self.listed.get(key) or sent[0].unit
        self.pending[key] = "重复上报"
        for f in sent:
            f.counted = False
            f.findings.append(error("FOLDER_TWICE", f"{unit} 上报了 {len(sent)} 个文件（{names}），farmcli 不猜测哪个是最终版："
                                    f"这些文件都未计入，{unit} 的金额待定。请只保留一个文件后重新运行。", Where("设置")).in_file(f.name))

    def _own_rows(self, f: ReturnedFile) -> None:
        """A unit's file counts its own rows of the sheets units fill; nothing else."""
        key = self.keys[f.name]
        for sheet, table in f.tables.items():
            if table is None or not len(table):
                continue
            if sheet not in self.fills:
                f.keep[sheet] = []
                f.findings.append(error("FOLDER_COUNTY_SHEET", f"「{sheet}」表由县里填写（县级台账 {self.main.name}），"
                                        f"{f.unit} 的文件中这张表的 {len(table)} 行未计入。请删去这些行，或把数据报给县里。",
                                        Where(sheet)).in_file(f.name))
                continue
            kept, blanks, mine = [], 0, {}
            values = table.columns[self.column]
            for i in f.keep[sheet]:
                value = values[i]
                if value is None:
                    values[i] = f.unit  # the file's 填报单位 names the rows that leave it blank
                    blanks += 1
                    kept.append(i)
                elif self._is_unit(value, key, mine):
                    kept.append(i)
                else:
                    f.findings.append(error("FOLDER_OTHER_UNIT", f"这一行的{self.column}是“{value}”，而本文件的填报单位是"
                                            f"“{f.unit}”：别的单位的行不计入。请删去这一行，由“{value}”在自己的文件中填报。",
                                            table.cell(self.column, i)).in_file(f.name))
            f.keep[sheet] = kept
            if blanks:
                f.findings.append(info("FOLDER_UNIT_FILLED", f"「{sheet}」表有 {blanks} 行未填{self.column}，按本文件的填报单位"
                                       f"“{f.unit}”计入。", Where(sheet)).in_file(f.name))

    def _is_unit(self, value, key: str, seen: dict) -> bool:
        """Does `value` name the unit `key`? Each distinct value resolved once (10,000 rows, one name)."""
        if value not in seen:
            seen[value] = self.resolve(value) == key
        return seen[value]

    def _missing(self, by_unit: dict) -> None:
        county = set()
        for sheet in self.fills:
            table = self.main.tables.get(sheet)
            if table is not None:
                county |= {self.resolve(v) for v in table.columns[self.column] if v is not None}
        for key, name in self.listed.items():
            if key in by_unit:
                continue
            if key in county:
                self.findings.append(warning("FOLDER_NOT_REPORTED", f"{name} 未上报（文件夹中没有填报单位为“{name}”的台账），"
                                             f"按县级台账 {self.main.name} 中它的数据结算。请确认。"))
            else:
                self.pending[key] = "未上报"
                self.findings.append(warning("FOLDER_NOT_REPORTED", f"{name} 未上报（文件夹中没有填报单位为“{name}”的台账），"
                                             f"县级台账也没有它的数据：{name} 的金额待定，不按 0 计算。请催报后重新结算。"))

    def _keys_across_files(self) -> None:
        """A parcel, project or payment in two files: an error naming both (the usual duplicate rule
        then leaves the later row out)."""
        for sheet in self.fills:
            spec = next(s for s in self.module.SHEETS if s.name == sheet)
            if not spec.key or spec.key == self.column:
                continue
            seen: dict[object, tuple[str, str]] = {}
            for f in self.files:
                table = f.tables.get(sheet)
                if table is None or not f.counted:
                    continue
                values = table.columns[spec.key]
                for i in f.keep.get(sheet, []):
                    key = key_form(values[i])
                    if key is None:
                        continue
                    first = seen.setdefault(key, (f.name, i, table))
                    if first[0] != f.name:
                        first = (first[0], str(first[2].cell(spec.key, first[1])))
                        self.findings.append(error("FOLDER_KEY_TWICE", f"{spec.key}“{values[i]}”在两个文件中都有：{first[0]}"
                                                   f"（{first[1]}）和 {f.name}。请核对是哪个单位的，删去另一处。",
                                                   table.cell(spec.key, i)).in_file(f.name))

    def combined(self) -> dict[str, Table | None]:
        """Each sheet as the union of the counted rows of every file. Each file's own tables are let
        go as they are joined (their counts and sums kept for 上报情况), so memory holds one copy."""
        for f in self.files:
            f.rows = {s: len(t) for s, t in f.tables.items() if t is not None}
            f.sums = file_sums(f)
        out = {}
        for spec in self.module.SHEETS:
            pieces = [(f.name, f.tables.get(spec.name), f.keep.get(spec.name)) for f in self.files
                      if f.counted or f is self.main]
            out[spec.name] = concat(spec, [p for p in pieces if p[1] is not None])
            for f in self.files:
                f.tables[spec.name] = None
        return out

    def submissions(self, findings: list[Finding]) -> list[Submission]:
        counts: dict[str, list[int]] = {}
        for f in findings:
            if f.file is not None:
                c = counts.setdefault(f.file, [0, 0])
                c[0] += f.severity == ERROR
                c[1] += f.severity == WARNING
        out = []
        for f in sorted(self.files, key=lambda f: (f is not self.main, f.name)):
            saved, source = f.saved
            errors, warnings = counts.get(f.name, [0, 0])
            out.append(Submission(f.name, f.unit, "汇总单位" if f is self.main else "填报单位", saved, source, f.rows,
                                  errors, warnings, f.counted or f is self.main, f.sums))
        return out


def _alias_keys(table: Table | None) -> dict[str, str]:
    if table is None:
        return {}
    return {name_key(a): name_key(b) for a, b in zip(table.columns["别名"], table.columns["标准名称"]) if a and b}
