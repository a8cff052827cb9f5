"""The one path through the program: read the ledger → validate (settlement/validate.py: `VALIDATORS`)
→ apply the policy.

`settle_ledger` returns a `Settlement` (tables, totals, findings, parameters);
rendering it is the job of `farmcli.outputs`. It raises `LedgerError` only when
nothing can be settled (exit 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from farmcli.model.cells import normalise_text
from farmcli.model.findings import Finding, LedgerError, Where, error, info
from farmcli.model.table import Table
from farmcli.ooxml.package import Package
from farmcli.read.sheet import read_table
from farmcli.read.workbook import Workbook, open_workbook
from farmcli.model.names import name_key
from farmcli.model.params import Param, PolicyData, check_overrides, load_policy_data, parse_value, resolve
from farmcli.policies import find_policy, policy_module
from farmcli.model.progress import Progress
from farmcli.model.result import Inputs, ResultTable, Total
from farmcli.model.schema import ALIASES, SETTINGS
from farmcli.scoring import pipeline as scoring
from farmcli.settlement.pause import collector_paused
from farmcli.settlement.validate import (ALIASES_READ, META_KEYS, SETTINGS_READ, YEAR_CHOSEN, ReadLedger,
                                        validate)



@dataclass(frozen=True)
class Settlement:
    policy: PolicyData
    year: int
    ledger: Path
    package: Package | None  # the ledger's zip package, opened once by the reader (None for .xls)
    tables: list[ResultTable]
    totals: list[Total]
    findings: list[Finding]
    params: dict[str, Param]
    meta: dict[str, str] = field(default_factory=dict)
    as_of: dt.date | None = None
    changes: object = None  # the changes since the last run, on the copy the writer renders (never set on this one)
    sheet_names: list[str] = field(default_factory=list)  # the ledger's worksheets, in workbook order
    kind: str = "xlsx"  # what the ledger is by content: xlsx, xlsm, xls or ods (read.formats); "folder" (SPEC §8)
    submissions: tuple = ()  # a folder settled as one (SPEC §8): one `Submission` per workbook read
    combined: object = None  # a folder's combined sheets, as the writer copies them (settlement.combined.FolderBook)
    # what each ledger sheet the reader read says (read/digest.py), and whether it holds a formula:
    # the record's fingerprints take them, so no sheet is read twice
    digests: dict[str, tuple[str, bool]] = field(default_factory=dict)


def read_settings(book: Workbook) -> tuple[dict[str, tuple[object, Where]], list[Finding]]:
    """设置: 项目 → (值, its cell as a `Where`). Keys compared after normalisation."""
    table, findings = read_table(book, SETTINGS)
    settings: dict[str, tuple[object, Where]] = {}
    if table is None:
        return settings, findings
    for i, row in table.records():
        if row["项目"] is None or row["值"] is None:
            continue  # a key left blank (as in the blank template) is not set: the default applies
        settings[normalise_text(row["项目"])] = (row["值"], table.cell("值", i))
    return settings, findings


def read_aliases(book: Workbook) -> tuple[dict[str, tuple[str, str]], list[Finding]]:
    """别名: alias key → (standard key, standard name as written)."""
    table, findings = read_table(book, ALIASES)
    return aliases_of(table, findings), findings


def aliases_of(table: Table | None, findings: list[Finding]) -> dict[str, tuple[str, str]]:
    """The 别名 table as alias key → (standard key, standard name as written); an alias listed
    twice with different targets is a finding (added to `findings`), the first is used."""
    aliases: dict[str, tuple[str, str]] = {}
    if table is None:
        return aliases
    for i, row in table.records():
        if not (row["别名"] and row["标准名称"]):
            continue
        key, target = name_key(row["别名"]), (name_key(row["标准名称"]), str(row["标准名称"]))
        if key in aliases and aliases[key][0] != target[0]:  # the first is read, and the finding says so
            findings.append(error("DUPLICATE_ALIAS", f"别名“{row['别名']}”已对应到“{aliases[key][1]}”，这一行又把它对应到"
                                  f"“{row['标准名称']}”。farmcli 按第一行（“{aliases[key][1]}”）处理。请删除错误的一行。",
                                  table.cell("别名", i)))
            continue
        aliases.setdefault(key, target)
    return aliases


def choose_policy(policy: str | None, settings: dict, path: Path) -> str:
    if policy:
        return find_policy(policy, "--policy")
    if "政策" in settings and settings["政策"][0] is not None:
        value, where = settings["政策"]
        return find_policy(str(value), f"「设置」表 {where}")
    raise LedgerError(
        f"不知道台账 {path} 按哪项政策结算。请在命令行加 --policy（如 --policy taojiang），"
        f"或在台账的「设置」表中加一行：项目“政策”，值“taojiang”。"
    )


def choose_year(year: int | None, settings: dict, data: PolicyData, findings: list[Finding]) -> int:
    """For `check` without --year: 设置.年度, else the latest year of the policy's term."""
    if year is not None:
        return year
    if "年度" in settings:
        value, where = settings["年度"]
        parsed, problem = parse_value("int", value)
        if problem or parsed is None:
            raise LedgerError(f"「设置」表 {where} 的年度“{value}”不是年份。请填写如 2022。")
        return parsed
    fallback = min(dt.date.today().year, data.end.year if data.end else dt.date.today().year)
    findings.append(info("YEAR_ASSUMED", f"未指定年度，按 {fallback} 年度检查（可用 --year 指定）。"))
    return fallback


@collector_paused
def settle_ledger(
    path: Path,
    year: int | None,
    policy: str | None = None,
    overrides: dict[str, str] | None = None,
    as_of: dt.date | None = None,
    framework: Path | None = None,
    progress: Progress | None = None,
) -> Settlement:
    read = read_ledger(path, year, policy, overrides, progress)
    findings = validate(read)
    return settle_tables(Ledger(path, read.book, read.settings, read.tables, read.aliases, read.scored, findings),
                         read.policy, read.module, read.year, overrides, as_of, framework)


@collector_paused
def read_ledger(path: Path, year: int | None, policy: str | None = None, overrides: dict[str, str] | None = None,
                progress: Progress | None = None) -> ReadLedger:
    """The ledger as read, checked by nothing yet: what the reader said is kept by sheet (`found`)
    for the validators. Raises `LedgerError` when nothing can be read (no policy, a bad year, a
    sheet that cannot be read)."""
    book = open_workbook(path, progress)
    settings, found = read_settings(book)
    policy_id = choose_policy(policy, settings, path)
    if book.prefetch([spec.name for spec in policy_module(policy_id).SHEETS]):
        # calamine parses the big sheet in the background (surveyed first); meanwhile the other sheets
        # are surveyed and read, and pandas (with which the policies aggregate a big sheet) is imported
        import pandas  # noqa: F401
    book.uncached_formulas()  # every sheet surveyed now, while the big one parses (the 公式 validator reads it)
    chosen: list[Finding] = []
    data, module, year = policy_and_year(policy_id, year, settings, chosen)
    read = ReadLedger(path, book, settings, data, module, year, {}, {}, {}, {SETTINGS_READ: found, YEAR_CHOSEN: chosen},
                      dict(overrides or {}))
    for spec in module.SHEETS:
        read.tables[spec.name], read.found[spec.name] = read_table(book, spec)
    read.aliases, read.found[ALIASES_READ] = read_aliases(book)
    read.scored = {spec.name: read_table(book, spec) for spec in scoring.SHEETS}
    return read


@dataclass
class Ledger:
    """What settling reads from a ledger (one workbook, or a folder's combined): its 设置, tables
    (None where absent), 别名, the scoring sheets as read, and the findings so far."""

    path: Path
    book: object
    settings: dict[str, tuple[object, str]]
    tables: dict[str, Table | None]
    aliases: dict[str, tuple[str, str]]
    scored: dict[str, tuple[Table | None, list[Finding]]]
    findings: list[Finding]


def policy_and_year(policy_id: str, year: int | None, settings: dict, findings: list[Finding]):
    """The policy's data and module, and the year to settle (`findings`: the year assumed, if it
    was). The year against the policy's term and 设置 are checked by the validators (`VALIDATORS`)."""
    data = load_policy_data(policy_id)
    year = choose_year(year, settings, data, findings)
    if not 1990 <= year <= 2100:
        raise LedgerError(f"年度 {year} 不在 1990–2100 之间。请检查命令行中的年度。")
    return data, policy_module(policy_id), year


def settle_tables(ledger: Ledger, data: PolicyData, module, year: int, overrides: dict[str, str] | None,
                  as_of: dt.date | None, framework: Path | None, adjust=None, submissions: tuple = ()) -> Settlement:
    """Apply the policy and the scoring table to what was read. `adjust(outcome)` may mark figures
    pending before the totals are taken (a folder's units that did not report, SPEC §8)."""
    settings, findings = ledger.settings, ledger.findings
    overrides = overrides or {}
    check_overrides(overrides, [data, scoring.scoring_parameters()], tuple(scoring.SETTING_INPUTS))
    params = resolve(data, year, {k: v for k, v in settings.items() if k in data.names}, overrides)
    inputs = Inputs(tables=ledger.tables, params={k: p.value for k, p in params.items()},
                    citations={k: p.citation for k, p in params.items()}, year=year, aliases=ledger.aliases,
                    as_of=as_of)
    outcome = module.settle(inputs)
    if adjust is not None:
        outcome = adjust(outcome)
    findings.extend(outcome.findings)
    if hasattr(module, "cross_check"):  # 交叉核对: the policy's figures against the ledger's own (资金 included)
        findings.extend(module.cross_check(inputs, outcome.tables, ledger.scored[scoring.FUNDS_SHEET.name][0]))
    tables, totals = list(outcome.tables), list(outcome.totals)
    # The scoring table's scalars may come from --set too, which wins over 设置 (SPEC §1 设置).
    scalars = {**settings, **{k: (v, f"命令行 --set {k}") for k, v in overrides.items() if k in scoring.SETTING_INPUTS}}
    perf_tables, perf_totals, found, perf_params = scoring.evaluate(
        ledger.scored, scalars,
        getattr(module, "PERFORMANCE_INPUTS", {}), totals, year, overrides, read_framework(framework))
    findings.extend(found)
    tables += perf_tables
    totals += perf_totals
    params = {**params, **perf_params}
    meta = {k: str(settings[k][0]) for k in META_KEYS if k in settings and settings[k][0] is not None}
    book = ledger.book
    return Settlement(data, year, ledger.path, getattr(book, "package", None), tables, totals, findings, params, meta,
                      as_of, sheet_names=list(book.sheet_names), kind=book.kind, submissions=submissions,
                      combined=None if isinstance(book, Workbook) else book,
                      digests=_digests(book))


def _digests(book) -> dict[str, tuple[str, bool]]:
    if not isinstance(book, Workbook) or not book.xml:  # .xls/.ods: their values copy is digested when written
        return {}
    return {name: (digest, book.has_formulas(name)) for name, digest in book.digests.items()}




def read_framework(path: Path | None):
    """The `--framework` file: a UTF-8 CSV, or a workbook whose 评分框架 sheet (else its first) holds it."""
    from farmcli.model.schema import SheetSpec
    from farmcli.scoring.framework import FRAMEWORK_SHEET, framework_from_csv, framework_from_rows

    if path is None:
        return None
    if not path.exists():
        raise LedgerError(f"找不到评分框架文件 {path}。请检查 --framework 的路径。")
    if path.suffix.lower() == ".csv":
        return framework_from_csv(path)
    book = open_workbook(path)
    spec = FRAMEWORK_SHEET if book.find_sheet(FRAMEWORK_SHEET.name) else SheetSpec(book.sheet_names[0], FRAMEWORK_SHEET.columns)
    table, _ = read_table(book, spec)
    return framework_from_rows([row for _, row in table.records()], str(path))
