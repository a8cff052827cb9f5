"""A folder of returned workbooks settled as one ledger (SPEC §8: 回收 → 审核 → 汇总结算).

Every workbook is read on its own (one at a time: memory is bounded by the largest file plus
the columns kept), its findings located `文件!表!单元格`. The county's own workbook (the one whose
设置 填报单位 is none of its units, or `--main`) is kept whole; a unit's file counts only its own
rows of the sheets units fill. Then each sheet is the union of its rows in every file, each row
keeping file, sheet and row (`Table.parts`), and the policy settles that as one ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from farmcli.model.cells import normalise_text
from farmcli.model.findings import ERROR, WARNING, Finding, LedgerError, Where, error, info, warning
from farmcli.model.names import key_form, name_key
from farmcli.model.progress import FILES, Progress
from farmcli.model.result import COUNT, Col, ResultTable
from farmcli.model.schema import ALIASES
from farmcli.model.table import Table, check_totals
from farmcli.read.folder import folder_files, saved_time
from farmcli.read.sheet import read_table
from farmcli.read.workbook import open_workbook
from farmcli.scoring import pipeline as scoring
from farmcli.settlement.build import (Ledger, Settlement, aliases_of, choose_policy, policy_and_year, read_settings,
                                      settle_tables)
from farmcli.settlement.validate import formula_findings
from farmcli.settlement.pending import hold_pending
from farmcli.settlement.pause import collect_garbage, collector_paused

PER_FILE_KEYS = ("填报单位", "说明", "备注")  # 设置 keys each file states for itself


@dataclass(frozen=True)
class Submission:
    """One workbook of the folder, as the 上报情况 table lists it."""

    file: str
    unit: str | None
    role: str  # 汇总单位 (the county's own workbook) or 填报单位
    saved: str
    saved_from: str  # 文档属性 or 文件修改时间
    rows: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    counted: bool = True
    sums: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → additive column → exact sum

    @property
    def status(self) -> str:
        return "退回修改" if self.errors else "通过"

    def as_dict(self) -> dict:
        return {"file": self.file, "unit": self.unit, "role": self.role, "saved": self.saved,
                "saved_from": self.saved_from, "rows": dict(self.rows), "errors": self.errors,
                "warnings": self.warnings, "status": self.status, "counted": self.counted}


@dataclass
class _File:
    path: Path
    name: str
    settings: dict
    findings: list[Finding]
    tables: dict[str, Table | None] = field(default_factory=dict)
    aliases: Table | None = None
    scored: dict = field(default_factory=dict)
    failed: bool = False
    keep: dict[str, list[int]] = field(default_factory=dict)  # sheet → the rows counted
    counted: bool = True
    rows: dict[str, int] = field(default_factory=dict)  # sheet → rows read (kept when the tables are let go)
    saved: tuple[str, str] = ("", "")  # when it was saved, and where that comes from (read.folder.saved_time)
    sums: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def unit(self) -> str | None:
        value = self.settings.get("填报单位", (None,))[0]
        return None if value is None or not str(value).strip() else normalise_text(value)


@collector_paused
def settle_folder(folder: Path, year: int | None, policy: str | None = None, overrides: dict | None = None,
                  as_of: dt.date | None = None, framework: Path | None = None, progress: Progress | None = None,
                  main: Path | None = None) -> Settlement:
    paths, unreadable, others = folder_files(folder)
    if not paths:
        raise LedgerError(f"文件夹 {folder} 及其子文件夹中没有台账文件（.xlsx、.xlsm、.xls、.ods）。请检查路径。")
    files = [_first_look(folder, path) for path in paths]
    settings = combine_settings(files)
    policy_id = choose_policy(policy, settings, folder)
    findings: list[Finding] = []
    data, module, year = policy_and_year(policy_id, year, settings, findings, overrides)
    for n, f in enumerate(files):
        if progress is not None:
            progress(f"{FILES}：{f.name}", n, len(files))
        if not f.failed:
            _read_file(f, module, progress)  # a big file shows its rows too
            collect_garbage()  # the file's XML trees, kept by their parsers' reference cycles
    if progress is not None:
        progress(FILES, len(files), len(files))
    cycle = Cycle(module, files, _main_file(folder, files, module, main))
    cycle.apply()
    if others:
        findings.append(info("FOLDER_OTHER_FILES", "文件夹中这些文件不是电子表格，未读取：" + "、".join(
            p.relative_to(folder).as_posix() for p in others[:20])
            + (f" 等共 {len(others)} 个" if len(others) > 20 else "") + "。"))
    for path, why in unreadable:
        findings.append(error("FOLDER_FILE_UNREADABLE", f"{why} 该文件未计入。").in_file(path.relative_to(folder).as_posix()))
    findings += [x for f in files for x in f.findings] + cycle.findings
    tables = cycle.combined()
    for spec in module.SHEETS:
        if spec.required and tables.get(spec.name) is None:
            raise LedgerError(f"文件夹 {folder} 中没有一个台账有「{spec.name}」表（县里的台账须有此表）。"
                              f"请检查县级台账 {cycle.main.name}。")
    aliases = aliases_of(_concat(ALIASES, [(f.name, f.aliases, None) for f in files if f.counted and f.aliases]),
                         findings)
    settings = {**settings, **{k: v for k, v in cycle.main.settings.items() if k in PER_FILE_KEYS}}
    ledger = Ledger(folder, FolderBook(folder, tables), settings, tables, aliases, cycle.main.scored, findings)
    settled = settle_tables(ledger, data, module, year, overrides, as_of, framework,
                            adjust=lambda outcome: hold_pending(outcome, module.UNITS, cycle.pending, aliases))
    submissions = tuple(cycle.submissions(settled.findings))
    return replace(settled, submissions=submissions, tables=settled.tables + [submission_table(submissions)])


SUBMISSION_COLUMNS = [Col("文件"), Col("填报单位"), Col("类型"), Col("保存时间"), Col("时间来源"), Col("读入行数"),
                      Col("错误", COUNT), Col("警告", COUNT), Col("审核结果")]


def submission_table(submissions) -> ResultTable:
    """上报情况: one row per workbook read (SPEC §8), as check prints it."""
    table = ResultTable("上报情况", SUBMISSION_COLUMNS)
    for sub in submissions:
        rows = "；".join(f"{sheet} {n}" for sheet, n in sub.rows.items() if n) or "无"
        table.rows.append({"文件": sub.file, "填报单位": sub.unit or "（未填）", "类型": sub.role, "保存时间": sub.saved,
                           "时间来源": sub.saved_from, "读入行数": rows, "错误": sub.errors, "警告": sub.warnings,
                           "审核结果": sub.status + ("" if sub.counted else "（未计入）")})
    return table


def _first_look(folder: Path, path: Path) -> _File:
    """The file's 设置 (which policy, which unit); a file that cannot be opened is an error of its own."""
    name = path.relative_to(folder).as_posix()
    try:
        book = open_workbook(path)
    except LedgerError as exc:
        return _File(path, name, {}, [error("FOLDER_FILE_UNREADABLE", f"{exc} 该文件未计入。", "").in_file(name)],
                     failed=True, counted=False, saved=saved_time(path, None))
    try:  # let go of the file before the next: a hundred open handles would hold a hundred files
        package = getattr(book, "package", None)  # .xls: none, the file's own time is used
        saved = saved_time(path, package.modified if package is not None else None)
        settings, found = read_settings(book)
    except LedgerError as exc:
        return _File(path, name, {}, [error("FOLDER_FILE_UNREADABLE", f"{exc} 该文件未计入。", "").in_file(name)],
                     failed=True, counted=False, saved=saved_time(path, None))
    finally:
        book.close()
    return _File(path, name, {k: (v, replace(w, file=name)) for k, (v, w) in settings.items()},
                 [f.in_file(name) for f in found], saved=saved)


def _read_file(f: _File, module, progress: Progress | None = None) -> None:
    """Every sheet the policy reads, in this file (a sheet a county requires may be absent here)."""
    book = None
    try:
        book = open_workbook(f.path, progress)
        found = formula_findings(book)
        for spec in module.SHEETS:
            table, more = read_table(book, replace(spec, required=False))
            found += more + (check_totals(table) if table is not None else [])
            f.tables[spec.name] = table
        f.aliases, more = read_table(book, ALIASES)
        found += more
        f.scored = {spec.name: read_table(book, spec) for spec in scoring.SHEETS}
    except LedgerError as exc:  # a required column missing, a corrupt sheet: this file goes back
        f.failed, f.counted, f.tables = True, False, {}
        found = [error("FOLDER_FILE_UNREADABLE", f"{exc} 该文件未计入。")]
    finally:
        if book is not None:
            book.close()
    f.findings += [x.in_file(f.name) for x in found]
    for name, (table, more) in f.scored.items():
        f.scored[name] = (table, [x.in_file(f.name) for x in more])


def _same_value(a, b) -> bool:
    try:
        return Decimal(str(a).strip().rstrip("%")) == Decimal(str(b).strip().rstrip("%")) and \
            str(a).strip().endswith("%") == str(b).strip().endswith("%")
    except InvalidOperation:
        return normalise_text(a) == normalise_text(b)


def combine_settings(files: list[_File]) -> dict[str, tuple[object, str]]:
    """设置 of every file as one. One key given differently in two files stops the run (exit 2):
    farmcli does not guess which is meant."""
    out: dict[str, tuple[object, str]] = {}
    for f in files:
        for key, (value, where) in f.settings.items():
            if key in PER_FILE_KEYS or value is None:
                continue
            if key in out and not _same_value(out[key][0], value):
                raise LedgerError(f"「设置」中的“{key}”在两个文件中不同：{out[key][1]} 为“{out[key][0]}”，{where} 为“{value}”。"
                                  "farmcli 不猜测哪个对：请把两处改成一致（或删去其中一处）后再运行。")
            out.setdefault(key, (value, where))
    return out


def unit_sheets(module) -> tuple[list[str], str | None]:
    """The sheets a unit fills (those naming the unit in a column), and the sheet listing the units
    that the county keeps (None when the units fill their own row there)."""
    key = module.UNITS
    naming = [s.name for s in module.SHEETS if any(c.name == key.column for c in s.columns)]
    listing = next((s for s in module.SHEETS if s.name == key.sheet and s.key == key.column), None)
    if listing is not None and len(naming) > 1:
        return [n for n in naming if n != listing.name], listing.name
    return naming, None


def listed_units(path: Path, module) -> list[str]:
    """The units a county's ledger lists (`template --for-units`): the policy's unit column
    (UNITS) of its sheet, each name once, in ledger order."""
    key = module.UNITS
    spec = next(s for s in module.SHEETS if s.name == key.sheet)
    table, _ = read_table(open_workbook(path), replace(spec, required=False))
    names = {} if table is None else {name_key(v): str(v) for v in reversed(table.columns[key.column]) if v}
    if not names:
        raise LedgerError(f"{path} 的「{key.sheet}」表中没有{key.column}，无法据此下发模板。"
                          f"请检查台账，或改用 --for 单位名称（可重复）。")
    return list(reversed(names.values()))


def _main_file(folder: Path, files: list[_File], module, main: Path | None) -> _File:
    if main is not None:
        wanted = [p.resolve() for p in (main, folder / main)]
        for f in files:
            if f.path.resolve() in wanted:
                return f
        raise LedgerError(f"--main {main} 不是文件夹 {folder} 中的台账文件。请写出县级台账的路径（如 {folder / files[0].name}）。")
    fills, listing = unit_sheets(module)
    column = module.UNITS.column
    names: set[str] = set()
    for f in files:
        for sheet in ([listing] if listing else fills):
            table = f.tables.get(sheet)
            if table is not None:
                names |= {name_key(v) for v in table.columns[column] if v is not None}
    candidates = [f for f in files if not f.failed and (f.unit is None or name_key(f.unit) not in names)
                  and (listing is None or f.tables.get(listing) is not None and len(f.tables[listing]))]
    if len(candidates) == 1:
        return candidates[0]
    shown = "、".join(f.name for f in candidates) if candidates else "没有"
    raise LedgerError(f"无法确定文件夹 {folder} 中哪个是县级（汇总单位）台账：它的「设置」填报单位不是任何下级单位"
                      f"{'，且列出了各单位' if listing else ''}。符合的文件：{shown}。请用 --main 指定，例如 --main "
                      f"\"{folder / (candidates[0].name if candidates else files[0].name)}\"。")


class Cycle:
    """The rules of a folder settled as one (SPEC §8), file by file, then across files."""

    def __init__(self, module, files: list[_File], main: _File):
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
        by_unit: dict[str, list[_File]] = {}
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

    def _check_unit(self, f: _File) -> bool:
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

    def _twice(self, key: str, sent: list[_File]) -> None:
        names = "、".join(f.name for f in sent)
        unit = self.listed.get(key) or sent[0].unit
        self.pending[key] = "重复上报"
        for f in sent:
            f.counted = False
            f.findings.append(error("FOLDER_TWICE", f"{unit} 上报了 {len(sent)} 个文件（{names}），farmcli 不猜测哪个是最终版："
                                    f"这些文件都未计入，{unit} 的金额待定。请只保留一个文件后重新运行。", Where("设置")).in_file(f.name))

    def _own_rows(self, f: _File) -> None:
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
            f.sums = _sums(f)
        out = {}
        for spec in self.module.SHEETS:
            pieces = [(f.name, f.tables.get(spec.name), f.keep.get(spec.name)) for f in self.files
                      if f.counted or f is self.main]
            out[spec.name] = _concat(spec, [p for p in pieces if p[1] is not None])
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


def submission_record(submissions) -> list[dict]:
    """What the settlement's record keeps of each file, for the next run's changes per file."""
    return [{"file": sub.file, "unit": sub.unit, "sums": sub.sums} for sub in submissions]


def submission_changes(previous: list | None, current: list) -> list[dict]:
    """`修山镇（修山镇-台账.xlsx）：图斑 新增 3 行，面积 +12.50 亩` for each file whose counted rows changed
    since the last run (a file new or gone shows in 上报情况's own rows). Pure, exact."""
    from farmcli.model.schema import split_unit

    before = {r.get("file"): r for r in previous or [] if isinstance(r, dict)}
    items = []
    for r in current:
        old = before.get(r["file"])
        if old is None:
            continue
        parts = []
        for sheet, sums in r["sums"].items():
            was = old.get("sums", {}).get(sheet, {})
            rows = int(sums.get("行数", 0)) - int(was.get("行数", 0))
            if rows:
                parts.append(f"{sheet} {'新增' if rows > 0 else '减少'} {abs(rows)} 行")
            for column, value in sums.items():
                if column == "行数":
                    continue
                delta = Decimal(value) - Decimal(str(was.get(column, "0")))
                if delta:
                    name, unit = split_unit(column)
                    parts.append(f"{name} {delta:+,.2f}{' ' + unit if unit else ''}")
        if parts:
            items.append({"表": "上报情况", "对象": f"{r['unit'] or '（未填填报单位）'}（{r['file']}）", "列": "",
                          "上次": None, "本次": "，".join(parts), "差额": None})
    return items


def _sums(f: _File) -> dict[str, dict[str, str]]:
    """Each counted sheet's additive columns summed (exact), for the next run's changes per file."""
    out = {}
    for sheet, table in f.tables.items():
        if table is None:
            continue
        keep = f.keep.get(sheet, [])
        sums = {"行数": str(len(keep))}
        for col in table.spec.columns:
            if col.additive and table.has(col.name):
                values = table.columns[col.name]
                sums[col.name] = str(sum((values[i] for i in keep if isinstance(values[i], Decimal)), Decimal(0)))
        out[sheet] = sums
    return out


def _alias_keys(table: Table | None) -> dict[str, str]:
    if table is None:
        return {}
    return {name_key(a): name_key(b) for a, b in zip(table.columns["别名"], table.columns["标准名称"]) if a and b}


def _concat(spec, pieces: list[tuple[str, Table, list[int] | None]]) -> Table | None:
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
