"""A folder of returned workbooks settled as one ledger (SPEC §8: 回收 → 审核 → 汇总结算).

Every workbook is read on its own (one at a time: memory is bounded by the largest file plus
the columns kept), its findings located `文件!表!单元格`. The county's own workbook (the one whose
设置 填报单位 is none of its units, or `--main`) is kept whole; a unit's file counts only its own
rows of the sheets units fill. Then each sheet is the union of its rows in every file, each row
keeping file, sheet and row (`Table.parts`), and the policy settles that as one ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from farmcli.model.cells import normalise_text
from farmcli.model.findings import Finding, LedgerError, error, info
from farmcli.model.names import name_key
from farmcli.model.progress import FILES, Progress
from farmcli.model.schema import ALIASES
from farmcli.ooxml.package import NotAWorkbook
from farmcli.read.folder import folder_files, saved_time
from farmcli.read.sheet import read_table
from farmcli.read.workbook import open_workbook
from farmcli.scoring import pipeline as scoring
from farmcli.settlement.build import (Ledger, Settlement, aliases_of, choose_policy, policy_and_year, read_settings,
                                      settle_tables)
from farmcli.settlement.combined import FolderBook, concat
from farmcli.settlement.cycle import Cycle, unit_sheets
from farmcli.settlement.pause import collect_garbage, collector_paused
from farmcli.settlement.pending import hold_pending
from farmcli.settlement.submissions import ReturnedFile, submission_table
from farmcli.settlement.validate import ALIASES_READ, VALIDATORS, YEAR_CHOSEN, ReadLedger, validate

PER_FILE_KEYS = ("填报单位", "说明", "备注")  # 设置 keys each file states for itself
# The validators that speak of one file's sheets: its formulas, each sheet as read and its 合计 rows,
# its 别名; and those that speak of the folder as one, on its combined 设置: the year, the terms, 设置's keys.
# (设置 as read is each file's first look; 格式 does not apply: a folder's workbook copies values.)
FILE_VALIDATORS = tuple(v for v in VALIDATORS if v.name in ("公式", "各表", "别名"))
FOLDER_VALIDATORS = tuple(v for v in VALIDATORS if v.name in ("年度", "适用期", "设置项"))


@collector_paused
def settle_folder(folder: Path, year: int | None, policy: str | None = None, overrides: dict | None = None,
                  as_of: dt.date | None = None, framework: Path | None = None, progress: Progress | None = None,
                  main: Path | None = None) -> Settlement:
    paths, unreadable, others = folder_files(folder)
    files = []
    for path in paths:
        try:
            files.append(_first_look(folder, path))
        except NotAWorkbook:  # a zip that is no spreadsheet (a .docx, an archive): listed, not sent back
            others.append(path)
        collect_garbage()  # what the look parsed, kept by its parsers' reference cycles
    if not files:
        raise LedgerError(f"文件夹 {folder} 及其子文件夹中没有台账文件（.xlsx、.xlsm、.xls、.ods）。请检查路径。")
    others.sort()
    settings = combine_settings(files)
    policy_id = choose_policy(policy, settings, folder)
    chosen: list[Finding] = []
    data, module, year = policy_and_year(policy_id, year, settings, chosen)
    # the year and the terms, and 设置's keys: once, on the folder's combined 设置
    findings = validate(ReadLedger(folder, None, settings, data, module, year, {}, {}, {}, {YEAR_CHOSEN: chosen},
                                   dict(overrides or {})), FOLDER_VALIDATORS)
    for n, f in enumerate(files):
        if progress is not None:
            progress(f"{FILES}：{f.name}", n, len(files))
        if not f.failed:
            _read_file(f, module, data, year, progress)  # a big file shows its rows too
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
    aliases = aliases_of(concat(ALIASES, [(f.name, f.aliases, None) for f in files if f.counted and f.aliases]),
                         findings)
    settings = {**settings, **{k: v for k, v in cycle.main.settings.items() if k in PER_FILE_KEYS}}
    ledger = Ledger(folder, FolderBook(folder, tables), settings, tables, aliases, cycle.main.scored, findings)
    settled = settle_tables(ledger, data, module, year, overrides, as_of, framework,
                            adjust=lambda outcome: hold_pending(outcome, module.UNITS, cycle.pending, aliases))
    submissions = tuple(cycle.submissions(settled.findings))
    return replace(settled, submissions=submissions, tables=settled.tables + [submission_table(submissions)])


def _first_look(folder: Path, path: Path) -> ReturnedFile:
    """The file's 设置 (which policy, which unit); a file that cannot be opened is an error of its own."""
    name = path.relative_to(folder).as_posix()
    book = None
    try:
        book = open_workbook(path)
        package = getattr(book, "package", None)  # .xls: none, the file's own time is used
        saved = saved_time(path, package.modified if package is not None else None)
        settings, found = read_settings(book)
    except NotAWorkbook:  # no spreadsheet at all: the caller lists it with the other files
        raise
    except LedgerError as exc:
        return ReturnedFile(path, name, {}, [error("FOLDER_FILE_UNREADABLE", f"{exc} 该文件未计入。", "").in_file(name)],
                            failed=True, counted=False, saved=saved_time(path, None))
    finally:  # let go of the file before the next: a hundred open handles would hold a hundred files
        if book is not None:
            book.close()
    return ReturnedFile(path, name, {k: (v, replace(w, file=name)) for k, (v, w) in settings.items()},
                        [f.in_file(name) for f in found], saved=saved)


def _read_file(f: ReturnedFile, module, data, year: int, progress: Progress | None = None) -> None:
    """Every sheet the policy reads, in this file (a sheet a county requires may be absent here),
    checked by the validators that speak of one file (FILE_VALIDATORS); the others speak of the
    folder as one and run on its combined 设置."""
    book = None
    try:
        book = open_workbook(f.path, progress)
        read = ReadLedger(f.path, book, f.settings, data, module, year, {}, {}, {})
        for spec in module.SHEETS:
            read.tables[spec.name], read.found[spec.name] = read_table(book, replace(spec, required=False))
        f.aliases, read.found[ALIASES_READ] = read_table(book, ALIASES)
        f.scored = {spec.name: read_table(book, spec) for spec in scoring.SHEETS}
        found = validate(read, FILE_VALIDATORS)
        f.tables = read.tables
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


def combine_settings(files: list[ReturnedFile]) -> dict[str, tuple[object, str]]:
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


def _main_file(folder: Path, files: list[ReturnedFile], module, main: Path | None) -> ReturnedFile:
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


