"""The ledger's validators: every check made on a ledger as read, before its policy is applied, as
one explicit list (`VALIDATORS`) that runs alone (issue 23 §7).

`settle_ledger` reads a ledger (`build.read_ledger` → `ReadLedger`), runs `VALIDATORS` in order, and
applies the policy: the settlement's findings are the validators' findings, in this order, then the
policy's own (made inside `settle`), its 交叉核对 (`cross_check`) and the scoring table's.
`validate(read)` runs the list alone, without the policy: `farmcli.validate(path)`.

Not in the list, because they need what the policy computes: each policy's own checks (they are made
while it settles, on the rows it builds), `cross_check` (the policy's figures against the ledger's),
and the scoring table's checks (they read the policy's totals). So `check` still settles: it lists
every finding a settle would, and `validate` is the part that needs no policy.

Order matters: findings are sorted by severity only, so within a severity they stay in this order
(a ledger's sheets one by one, each sheet's reading findings before its 合计 check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from farmcli.model.cells import column_letter
from farmcli.model.findings import Finding, Where, error, info, warning
from farmcli.model.params import PolicyData, check_in_force, parse_value
from farmcli.model.table import Table, check_totals
from farmcli.scoring import pipeline as scoring

# 设置 keys that are not parameters: the ledger's own description.
META_KEYS = ("政策", "年度", "地区", "填报单位", "项目名称", "说明", "备注", "示例数据")
SETTINGS_READ, YEAR_CHOSEN, ALIASES_READ = "设置", "年度", "别名"  # keys of `ReadLedger.found` besides the policy's sheets


@dataclass
class ReadLedger:
    """A ledger as read, before any check: its 设置, the policy and year chosen, the policy's sheets
    (None where absent), 别名, the scoring sheets as read; `found` holds what the reader said while
    reading, by sheet (设置, each of the policy's sheets, 别名) and 年度 (the year assumed)."""

    path: Path
    book: object
    settings: dict[str, tuple[object, Where]]
    policy: PolicyData
    module: object
    year: int
    tables: dict[str, Table | None]
    aliases: dict[str, tuple[str, str]]
    scored: dict
    found: dict[str, list[Finding]] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Validator:
    name: str
    checks: str  # what it checks, for the reader of this list (docs/developing.md)
    run: Callable[[ReadLedger], list[Finding]]


def settings_read(r: ReadLedger) -> list[Finding]:
    return list(r.found.get(SETTINGS_READ, ()))


def formulas(r: ReadLedger) -> list[Finding]:
    return formula_findings(r.book)


def formats(r: ReadLedger) -> list[Finding]:
    return format_findings(r.book)


def year_chosen(r: ReadLedger) -> list[Finding]:
    return list(r.found.get(YEAR_CHOSEN, ()))


def in_force(r: ReadLedger) -> list[Finding]:
    given = {k for k, (v, _) in r.settings.items() if k in r.policy.names and v is not None} | set(r.overrides)
    return check_in_force(r.policy, r.year, given)


def settings_known(r: ReadLedger) -> list[Finding]:
    return check_settings(r.settings, r.policy, r.year)


def sheets(r: ReadLedger) -> list[Finding]:
    out = []
    for spec in r.module.SHEETS:
        out += r.found.get(spec.name, [])
        if r.tables.get(spec.name) is not None:
            out += check_totals(r.tables[spec.name])
    return out


def aliases_read(r: ReadLedger) -> list[Finding]:
    return list(r.found.get(ALIASES_READ, ()))


VALIDATORS: tuple[Validator, ...] = (
    Validator("设置", "「设置」表读得出：重复的项目、无法识别的值（读表时的发现）", settings_read),
    Validator("公式", "公式都保存了计算结果，否则只能读到空白（FORMULA_NO_VALUE）", formulas),
    Validator("格式", "结算工作簿保留不了的：宏（MACROS_DROPPED）、.xls/.ods 只照录数值（VALUES_COPIED）", formats),
    Validator("年度", "没有指定年度时按哪一年检查（YEAR_ASSUMED）", year_chosen),
    Validator("适用期", "结算年度在政策和各参数的适用期内（check_in_force）", in_force),
    Validator("设置项", "「设置」里每一项都是已知的设置或参数（SETTING_UNKNOWN），年度与命令行一致（YEAR_DIFFERS）",
              settings_known),
    Validator("各表", "政策的每张表：读表时的发现（缺表、缺列、无法识别的单元格、重复……），再核对其合计行（check_totals）",
              sheets),
    Validator("别名", "「别名」表：一个别名只对应一个标准名称（DUPLICATE_ALIAS）", aliases_read),
)


def validate(r: ReadLedger, validators: tuple[Validator, ...] = VALIDATORS) -> list[Finding]:
    """The findings of `validators` on a ledger as read, in list order; the policy is not applied."""
    return [finding for v in validators for finding in v.run(r)]


def check_settings(settings: dict, data: PolicyData, year: int) -> list[Finding]:
    out = []
    known = set(META_KEYS) | set(scoring.SETTING_INPUTS) | set(data.names) | set(scoring.scoring_parameters().names)
    for key, (_, where) in settings.items():
        if key not in known:
            out.append(warning("SETTING_UNKNOWN", f"「设置」表中的“{key}”不是已知的设置项或政策 {data.id} 的参数，已忽略。"
                               f"参数名见 `farmcli policies`。", where))
    if "年度" in settings:
        value, where = settings["年度"]
        parsed, _ = parse_value("int", value)
        if parsed is not None and parsed != year:
            # An error, not a warning: settling the wrong year changes the money (SPEC §1 Year).
            out.append(error("YEAR_DIFFERS", f"命令行要求结算 {year} 年度，而台账「设置」表的年度为 {parsed}。"
                             f"farmcli 已按 {year} 年度结算；如应结算 {parsed} 年度，请改用 farmcli settle {parsed} …，"
                             f"或把「设置」表的年度改为 {year}。", where))
    return out


def formula_findings(book) -> list[Finding]:
    """Formulas saved without their results read as blank: say so, cell by cell, never silently.
    (.xls and .ods are read as values: there is no formula XML to look at.)"""
    out = []
    for sheet, cells in book.uncached_formulas().items():
        refs = [f"{column_letter(c)}{r + 1}" for r, c in cells]
        first = Where(sheet, cells[0][0] + 1, column_letter(cells[0][1]))
        shown = "、".join(refs[:10]) + (f" 等共 {len(refs)} 格" if len(refs) > 10 else "")
        out.append(error("FORMULA_NO_VALUE", f"「{sheet}」表中有公式没有保存计算结果（{shown}），farmcli 只能读到空白。"
                         "请用 Excel 或 WPS 打开台账、保存一次后再运行。", first))
    return out


def format_findings(book) -> list[Finding]:
    """What the filled workbook cannot keep of this ledger, said before it is written (SPEC §3)."""
    if book.kind == "xlsm":
        return [info("MACROS_DROPPED", f"台账 {book.path.name} 含宏（.xlsm）。结算工作簿是 .xlsx，台账各表原样保留，但不含宏；"
                     "台账本身不变。")]
    if book.kind in ("xls", "ods"):
        return [info("VALUES_COPIED", f"台账 {book.path.name} 是 .{book.kind} 文件，其格式、公式无法原样保留：结算工作簿中台账各表"
                     "只照录数值。需要保留格式时，请把台账另存为 .xlsx 后再结算。")]
    return []
