"""The library under the command line (SPEC §7): `farmcli.settle`, `farmcli.check`.

    import farmcli
    s = farmcli.settle("台账.xlsx", 2022, settings={"补助标准": 2100})   # writes nothing
    s.totals          # {"补助金额(元)": Decimal("12778760.00"), …}
    s.frames()        # {"乡镇汇总": DataFrame, …}, money as exact Decimal
    s.findings        # [Finding(severity, code, message, …, sheet, row, column, citation), …]
    w = s.write("结算")   # w.paths, w.changes

The command line is a thin layer over these two functions. Mistakes the clerk must fix
raise `farmcli.FarmcliError` (the CLI's exit 2); nothing here raises a bare KeyError or
TypeError for a bad argument.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from farmcli.model.findings import Finding, LedgerError
from farmcli.model.progress import Progress
from farmcli.settlement.build import Settlement as _Result
from farmcli.settlement.build import settle_ledger


@dataclass(frozen=True)
class Written:
    """What `Settlement.write` wrote: the paths by kind, and the changes since the settlement
    found in that folder (None on a first run)."""

    paths: dict[str, str]
    changes: object


class Settlement:
    """One settled ledger and year. Read-only: nothing changes it after it is made."""

    __slots__ = ("_result",)

    def __init__(self, result: _Result):
        object.__setattr__(self, "_result", result)

    def __setattr__(self, name, value):
        raise AttributeError("farmcli.Settlement 不可修改（a settlement is never changed after it is made）")

    @property
    def policy(self) -> str:
        return self._result.policy.id

    @property
    def result(self):
        """The settlement layer's own value (tables with column kinds, parameters with sources),
        for renderers such as the command line; frozen like this object."""
        return self._result

    @property
    def year(self) -> int:
        return self._result.year

    @property
    def totals(self) -> dict[str, object]:
        """Each total by name, exact (money and areas as Decimal)."""
        return {t.name: t.value for t in self._result.totals}

    @property
    def findings(self) -> list[Finding]:
        return list(self._result.findings)

    @property
    def submissions(self) -> list:
        """A folder settled as one (SPEC §8): one `Submission` per workbook read (file, 填报单位,
        保存时间, rows per sheet, errors, warnings, status); empty for one ledger."""
        return list(self._result.submissions)

    @property
    def parameters(self) -> dict[str, object]:
        """Each parameter's value as used (after `settings`, 设置 and defaults)."""
        return {name: p.value for name, p in self._result.params.items()}

    def frames(self) -> dict:
        """A pandas DataFrame per result table (the 合计 row, where a table has one, last),
        columns as in SPEC §2; money and areas as exact Decimal, ratios as Decimal fractions."""
        import pandas as pd

        frames = {}
        for table in self._result.tables:
            rows = table.body()
            names = [c.name for c in table.columns]
            frames[table.name] = pd.DataFrame([[row.get(n) for n in names] for row in rows], columns=names, dtype=object)
        return frames

    def write(self, folder: str | os.PathLike, *, lock_wait: float | None = None,
              progress: Progress | None = None) -> Written:
        """Write the filled workbook and the two reports into `folder` (created if needed), under the
        folder's lock (waiting at most `lock_wait` seconds for another run), all or none; returns
        their paths and what changed since the settlement found there."""
        from farmcli.outputs.write import DEFAULT_LOCK_WAIT, write_settlement

        wait = DEFAULT_LOCK_WAIT if lock_wait is None else lock_wait
        paths, changes = write_settlement(self._result, Path(_path(folder, "folder")), wait, progress)
        return Written(paths, changes)

    def write_notices(self, folder: str | os.PathLike) -> list[Path]:
        """A folder settled as one (SPEC §8): a one-page 结算通知 (.docx) per unit into `folder` —
        its figures, what is due now in 大写, the findings about its own workbook."""
        from farmcli.outputs.reports.notices import write_notices
        from farmcli.policies import policy_module

        if not self._result.submissions:
            raise LedgerError("结算通知只用于结算一个文件夹（各单位上报的台账）。")
        units = policy_module(self.policy).UNITS
        return write_notices(self._result, Path(_path(folder, "folder")), units.column)

    def json(self, written: Written | None = None) -> dict:
        """The `--json` document of SPEC §3 (money as numbers rounded to 0.01); with `written`,
        also the outputs' paths and the changes since the last run."""
        from farmcli.outputs.jsonout import settlement_json

        return settlement_json(self._result, written.paths if written else {}, written.changes if written else None)

    def __repr__(self) -> str:
        return f"<farmcli.Settlement {self.policy} {self.year}: {len(self._result.findings)} findings>"


def settle(ledger: str | os.PathLike, year: int, *, policy: str | None = None,
           settings: dict[str, object] | None = None, as_of: dt.date | str | None = None,
           framework: str | os.PathLike | None = None, progress: Progress | None = None,
           main: str | os.PathLike | None = None, **unknown) -> Settlement:
    """Settle `year` of the ledger at `ledger`. Writes nothing. `settings` are parameters and
    scoring inputs by name, as `--set` gives them (they win over the ledger's 设置).
    `ledger` may be a folder of workbooks, settled as one (SPEC §8); `main` names the county's own
    workbook there when its 填报单位 does not tell."""
    _no_unknown(unknown, "settle")
    path = _path(ledger, "ledger")
    result = _settle(path, _year(year), policy, settings, as_of, framework, progress, main)
    return Settlement(result)


def _settle(path: Path, year, policy, settings, as_of, framework, progress, main) -> _Result:
    """One ledger, or a folder of them (SPEC §8)."""
    options = dict(policy=_text(policy, "policy"), overrides=_settings(settings), as_of=_date(as_of),
                   framework=None if framework is None else _path(framework, "framework"), progress=progress)
    if path.is_dir():
        from farmcli.settlement.folder import settle_folder

        return settle_folder(path, year, main=None if main is None else _path(main, "main"), **options)
    if main is not None:
        raise LedgerError(f"main 只用于结算文件夹；{path} 是一个文件。")
    _recover_ledger(path)
    return settle_ledger(path, year, **options)


def _recover_ledger(path: Path) -> None:
    """A settlement workbook a killed run was replacing in place is put back before it is read."""
    from farmcli.outputs.write import recover_ledger

    recover_ledger(path)


class Findings(list):
    """What `check` returns: the findings (a list, errors first), and the policy and year checked."""

    def __init__(self, findings: list[Finding], policy: str, year: int, submissions: tuple = ()):
        super().__init__(findings)
        self.policy, self.year = policy, year
        self.submissions = list(submissions)  # a folder: one per workbook read (SPEC §8)


def check(ledger: str | os.PathLike, *, policy: str | None = None, year: int | None = None,
          settings: dict[str, object] | None = None, framework: str | os.PathLike | None = None,
          main: str | os.PathLike | None = None, progress: Progress | None = None, **unknown) -> Findings:
    """The findings alone, as `farmcli check` lists them (errors first); writes nothing.
    Without `year`, the ledger's 设置 年度, else the latest year of the policy's term.
    A folder is checked file by file and as one ledger (SPEC §8): `Findings.submissions`."""
    _no_unknown(unknown, "check")
    from farmcli.model.findings import sorted_findings

    result = _settle(_path(ledger, "ledger"), None if year is None else _year(year), policy, settings, None,
                     framework, progress, main)
    return Findings(sorted_findings(result.findings), result.policy.id, result.year, result.submissions)


def validate(ledger: str | os.PathLike, *, policy: str | None = None, year: int | None = None,
             settings: dict[str, object] | None = None, progress: Progress | None = None, **unknown) -> Findings:
    """The ledger validators alone (`farmcli.settlement.validate.VALIDATORS`: 设置, formulas, format,
    year, terms, 设置 keys, each sheet as read and its 合计 rows, 别名), errors first; the policy is not
    applied, so the policy's own findings are not among them (`check` lists those too). One ledger
    file; writes nothing."""
    _no_unknown(unknown, "validate")
    from farmcli.model.findings import sorted_findings
    from farmcli.settlement.build import read_ledger
    from farmcli.settlement.validate import validate as run_validators

    path = _path(ledger, "ledger")
    if path.is_dir():
        raise LedgerError(f"只运行台账校验时只检查一个台账文件；{path} 是文件夹。请检查整个文件夹"
                          f"（farmcli check 不加 --ledger-only，或 farmcli.check()）。")
    _recover_ledger(path)
    read = read_ledger(path, None if year is None else _year(year), _text(policy, "policy"), _settings(settings),
                       progress)
    return Findings(sorted_findings(run_validators(read)), read.policy.id, read.year)


def distribute(policy: str, units: list[str] | None, folder: str | os.PathLike, *,
               units_from: str | os.PathLike | None = None) -> list[Path]:
    """下发 (SPEC §8): one template per unit into `folder` — the `units` named, and those the county's
    ledger `units_from` lists on the policy's unit sheet. Returns the paths written."""
    from farmcli.outputs.workbook.distribute import write_unit_templates
    from farmcli.policies import find_policy, policy_module

    policy_id = find_policy(_text(policy, "policy") or "", "policy")
    names = list(units or [])
    if units_from is not None:
        from farmcli.settlement.folder import listed_units

        names += listed_units(_path(units_from, "units_from"), policy_module(policy_id))
    if not names:
        raise LedgerError("没有给出单位。请用 --for 单位名称（可重复），或 --for-units 县级台账.xlsx。")
    return write_unit_templates(policy_id, names, Path(_path(folder, "folder")))


# The command line's options that are not settling options: where they live in the library.
_ELSEWHERE = {"out": "Settlement.write(folder)", "json": "Settlement.json()", "quiet": "（库不打印任何内容，无需 quiet）",
              "set": "settings={…}", "as-of": "as_of="}


def _no_unknown(unknown: dict, function: str) -> None:
    if unknown:
        name = next(iter(unknown))
        hint = _ELSEWHERE.get(name.replace("_", "-").rstrip("-"), "")
        usable = ("policy、year、settings" if function == "validate" else "policy、settings、as_of、framework"
                  + ("" if function == "settle" else "、year") + "、main")
        raise LedgerError(f"farmcli.{function}() 没有参数“{name}”。可用：{usable}" + (f"；{name} 对应 {hint}" if hint else "") + "。")


def _path(value, what: str) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise LedgerError(f"{what} 须为文件路径（str 或 pathlib.Path），而不是 {type(value).__name__}。")
    return Path(value)


def _year(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise LedgerError(f"年度须为整数，如 2022，而不是 {value!r}。")
    text = str(value).strip()
    if not text.isdigit():
        raise LedgerError(f"年度“{value}”不是年份。请写成 2022（不带“年”字）。")
    return int(text)


def _text(value, what: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise LedgerError(f"{what} 须为文字，而不是 {type(value).__name__}。")
    return value


def _settings(settings) -> dict[str, str]:
    """Settings as `--set` gives them: name → text. Decimal and int keep every digit; a float is
    refused (0.1 is not exactly 0.1 — write the value as text or Decimal)."""
    from farmcli.model.cells import normalise_text

    if settings is None:
        return {}
    if not isinstance(settings, dict):
        raise LedgerError(f"settings 须为 dict（参数名 → 值），而不是 {type(settings).__name__}。")
    out = {}
    for name, value in settings.items():
        if isinstance(value, float):
            raise LedgerError(f"参数「{name}」的值 {value!r} 是浮点数，可能不精确。请写成文字（\"{value}\"）或 Decimal。")
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, (dt.date, Decimal, int)):
            value = str(value)
        elif not isinstance(value, str):
            raise LedgerError(f"参数「{name}」的值须为文字、数字或日期，而不是 {type(value).__name__}。")
        out[normalise_text(name)] = value.strip()
    return out


def _date(value) -> dt.date | None:
    from farmcli.model.cells import parse_date

    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    parsed, problem = parse_date(value) if isinstance(value, str) else (None, "not a date")
    if problem or parsed is None:
        raise LedgerError(f"as_of “{value}” 不是日期。请写成 2024-12-31。")
    return parsed
