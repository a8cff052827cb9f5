"""The command line. The only module that prints or exits.

Imports of the library (and of pandas, through it) happen inside the commands,
so `farmcli --help` answers at once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from farmcli import __version__
from farmcli.cli_console import (PrintFailed, console_proof, emit_json, printing, say, silence_stdout, state,
                                 stderr_console, stdout_console, usage_error, written)
from farmcli.cli_words import ChineseCommand, ChineseGroup
from farmcli.model.findings import LedgerError

app = typer.Typer(
    help="farmcli：耕地保护政策资金结算。\n\n例：farmcli settle 2022 台账.xlsx",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=ChineseGroup,
)

EXIT_OK, EXIT_FINDINGS, EXIT_NOTHING = 0, 1, 2


def _version(value: bool) -> None:
    if value:
        typer.echo(f"farmcli {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="显示版本号")] = None,
) -> None:
    """farmcli：耕地保护政策资金结算。"""


def _parse_sets(pairs: list[str]) -> dict[str, str]:
    from farmcli.model.cells import normalise_text

    result = {}
    for pair in pairs:
        # A Chinese input method types a full-width ＝ (SPEC §6): it separates like =.
        name, sep, value = pair.replace("＝", "=", 1).partition("=") if "=" not in pair else pair.partition("=")
        if not sep or not name.strip():
            raise LedgerError(f"--set “{pair}” 的写法不对。应写成 --set 参数名=值，例如 --set 补助标准=2000。")
        result[normalise_text(name)] = value.strip()
    return result


def _parse_as_of(text: str | None):
    if text is None:
        return None
    from farmcli.model.cells import parse_date

    value, problem = parse_date(text)
    if problem or value is None:
        raise LedgerError(f"--as-of “{text}” 不是日期。请写成 2024-12-31。")
    return value


@app.command(cls=ChineseCommand)
def settle(
    year: Annotated[str, typer.Argument(help="结算年度，如 2022", show_default=False)],
    ledger: Annotated[Path, typer.Argument(help="台账文件（.xlsx），或各单位台账所在的文件夹")],
    policy: Annotated[Optional[str], typer.Option("--policy", help="政策 ID（缺省取「设置」表的“政策”）")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹（缺省为台账所在文件夹）")] = None,
    main: Annotated[Optional[Path], typer.Option("--main", help="结算文件夹时：县级（汇总单位）台账文件")] = None,
    per_unit: Annotated[Optional[Path], typer.Option("--per-unit", help="结算文件夹时：每个单位一份结算通知（.docx）写入此文件夹")] = None,
    set_: Annotated[Optional[list[str]], typer.Option("--set", metavar="<参数=值>", help="参数=值，可重复；优先于「设置」表")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="结算基准日，缺省为年度末")] = None,
    framework: Annotated[Optional[Path], typer.Option("--framework", help="绩效评分框架文件（.csv/.xlsx），缺省为附件2")] = None,
    json_: Annotated[bool, typer.Option("--json", help="在标准输出打印一份 JSON")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="成功时不输出任何内容")] = False,
) -> None:
    """结算一个年度：写出结算工作簿、Word 报告和 Markdown 报告。"""
    from farmcli import api
    from farmcli.cli_args import find_ledger, parse_year
    from farmcli.model.findings import count_by_severity, has_errors
    from farmcli.outputs.jsonout import dumps
    from farmcli.outputs.write import DEFAULT_LOCK_WAIT
    from farmcli.settlement.changes import describe

    year_settled = parse_year(year, str(ledger))
    ledger = find_ledger(ledger)
    report, bar = _progress(enabled=sys.stderr.isatty() and not quiet and not json_)
    with bar:  # the command line is a thin layer over the library: farmcli.settle, then write
        settled = api.settle(ledger, year_settled, policy=policy, settings=_parse_sets(set_ or []),
                             as_of=_parse_as_of(as_of), framework=framework, progress=report, main=main)
        # next to the ledger as the clerk named it: a symlinked ledger's outputs go beside the link
        folder = out if out is not None else Path(os.path.abspath(ledger)).parent
        written = settled.write(folder, lock_wait=_lock_wait(DEFAULT_LOCK_WAIT), progress=report)
        if per_unit is not None:
            written.paths["per_unit"] = [str(p) for p in settled.write_notices(per_unit)]
    s, outputs, changes = settled.result, written.paths, written.changes
    state["outputs"] = outputs
    code = EXIT_FINDINGS if has_errors(s.findings) else EXIT_OK
    with printing(code):
        if json_:
            emit_json(dumps(settled.json(written)))
        elif not quiet:
            _print_summary(s, outputs)
    if not quiet and changes is not None and changes.previous is not None:
        items = changes.items
        lines = [f"与上次结算相比：{len(items)} 处变化" if items else "与上次结算相比：金额和状态没有变化"]
        lines += [f"  {describe(item)}" for item in items[:20]]
        if len(items) > 20:
            lines.append(f"  …其余 {len(items) - 20} 处见工作簿「变更」表")
        say("\n".join(lines))
    if code == EXIT_FINDINGS and (quiet or json_):
        say(f"结算完成，但有 {count_by_severity(s.findings)['error']} 项错误，详见 {outputs['workbook']} 的「发现问题」表")
    raise typer.Exit(code)


def _lock_wait(default: float) -> float:
    raw = os.environ.get("FARMCLI_LOCK_WAIT")
    try:
        return default if raw is None else max(0.0, float(raw))
    except ValueError:
        raise LedgerError(f"环境变量 FARMCLI_LOCK_WAIT=“{raw}” 不是秒数。请写成如 30，或删除该变量。") from None


def _progress(enabled: bool):
    """A rich progress bar on stderr for long reads and writes — only on a terminal, never
    under --quiet or --json (cron and pipes see nothing)."""
    from contextlib import nullcontext

    if not enabled:
        return None, nullcontext()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from farmcli.model.progress import bar_name, unit_of

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} {task.fields[unit]}"),
                   TimeElapsedColumn(), console=stderr_console(), transient=True)
    tasks: dict[str, int] = {}

    def report(what: str, done: int, total: int | None) -> None:
        name = bar_name(what)  # a folder's bar names the file under way
        if name not in tasks:
            tasks[name] = bar.add_task(what, total=total, unit=unit_of(what))
        bar.update(tasks[name], completed=done, total=total, description=what)

    return report, bar


def _print_summary(s, outputs: dict[str, str]) -> None:
    from rich.table import Table

    from farmcli.outputs.values import show

    console = stdout_console()
    console.print(f"{s.year} 年度 {s.policy.title}（{s.policy.id}）结算完成：{s.ledger}")
    table = Table(show_header=True, header_style="bold")
    table.add_column("合计项")
    table.add_column("值", justify="right")
    for t in s.totals:
        table.add_row(t.name, show(t.value, t.kind))
    console.print(table)
    if s.submissions:
        _print_submissions(s.submissions)
    _print_findings(s.findings, "见工作簿「发现问题」表")
    console.print(f"结算工作簿：{outputs['workbook']}\nWord 报告：{outputs['word']}\n结算报告：{outputs['report']}",
                  markup=False)


@app.command(cls=ChineseCommand)
def check(
    ledger: Annotated[Path, typer.Argument(help="台账文件（.xlsx），或各单位台账所在的文件夹")],
    policy: Annotated[Optional[str], typer.Option("--policy", help="政策 ID")] = None,
    year: Annotated[Optional[str], typer.Option("--year", help="年度（缺省取「设置」表的“年度”）")] = None,
    main: Annotated[Optional[Path], typer.Option("--main", help="检查文件夹时：县级（汇总单位）台账文件")] = None,
    set_: Annotated[Optional[list[str]], typer.Option("--set", metavar="<参数=值>", help="参数=值")] = None,
    framework: Annotated[Optional[Path], typer.Option("--framework", help="绩效评分框架文件（.csv/.xlsx）")] = None,
    json_: Annotated[bool, typer.Option("--json", help="在标准输出打印 JSON")] = False,
    ledger_only: Annotated[bool, typer.Option("--ledger-only",
                                              help="只运行台账校验（表、列、单元格、设置、合计行），不套用政策")] = False,
) -> None:
    """检查台账（表、列、单元格、名称、参数），不写任何文件。"""
    import json

    from farmcli import api
    from farmcli.cli_args import check_year, find_ledger
    from farmcli.model.findings import has_errors

    year_checked = None if year is None else check_year(year)
    report, bar = _progress(enabled=sys.stderr.isatty() and not json_)
    with bar:
        if ledger_only:  # the validators alone (settlement/validate.py), without the policy
            if main is not None or framework is not None:
                raise LedgerError("--ledger-only 只检查台账本身，不与 --main、--framework 同用。请去掉其中之一。")
            findings = api.validate(find_ledger(ledger), policy=policy, year=year_checked,
                                    settings=_parse_sets(set_ or []), progress=report)
        else:
            findings = api.check(find_ledger(ledger), policy=policy, year=year_checked,
                                 settings=_parse_sets(set_ or []), framework=framework, main=main, progress=report)
    code = EXIT_FINDINGS if has_errors(findings) else EXIT_OK
    with printing(code):
        if json_:
            emit_json(json.dumps({"policy": findings.policy, "year": findings.year,
                                   **({"ledger_only": True} if ledger_only else {}),
                                   "findings": [f.as_dict() for f in findings],
                                   **({"submissions": [sub.as_dict() for sub in findings.submissions]}
                                      if findings.submissions else {})}, ensure_ascii=False, indent=2))
        else:
            console = stdout_console()
            console.print(f"检查 {ledger}（{findings.policy}，{findings.year} 年度）：共 {len(findings)} 项发现", markup=False)
            if ledger_only:  # a clean result here is not a clean ledger: say what was not checked
                console.print("只做了台账校验（--ledger-only），政策自己的检查（名称对应、交叉核对、绩效评分等）没有运行；"
                              "去掉 --ledger-only 做完整检查。", markup=False)
            if findings.submissions:
                _print_submissions(findings.submissions)
            _print_findings(findings, "用 farmcli check --json 查看（check 不写文件）")
    raise typer.Exit(code)


SHOWN = 10  # findings on the console; the rest are where the clerk can read them all


def _print_findings(findings, rest: str) -> None:
    """check and settle show findings alike: the count by severity, then up to ten errors and
    warnings, then how many more there are and where."""
    from farmcli.model.findings import SEVERITY_ZH, severity_summary, sorted_findings

    console = stdout_console()
    ordered = sorted_findings(list(findings))
    console.print("发现问题：" + severity_summary(ordered), markup=False)
    shown = [f for f in ordered if f.severity != "info"][:SHOWN]
    for f in shown:
        console.print(f"  [{SEVERITY_ZH[f.severity]}] {f.code} {f.location}  {f.message}", markup=False)
    if len(ordered) > len(shown):
        console.print(f"  其余 {len(ordered) - len(shown)} 项{rest}", markup=False)


def _print_submissions(submissions) -> None:
    """One row per workbook of the folder (SPEC §8): the clerk sees at once which go back."""
    from rich.table import Table

    table = Table(show_header=True, header_style="bold")
    for name in ("文件", "填报单位", "保存时间", "读入行数", "错误", "警告", "审核结果"):
        table.add_column(name, justify="right" if name in ("错误", "警告") else "left")
    for sub in submissions:
        rows = "；".join(f"{sheet} {n}" for sheet, n in sub.rows.items() if n) or "无"
        table.add_row(sub.file, sub.unit or "（未填）", f"{sub.saved}（{sub.saved_from}）", rows, str(sub.errors),
                      str(sub.warnings), sub.status + ("" if sub.counted else "（未计入）"))
    stdout_console().print(table)


@app.command(cls=ChineseCommand)
def template(
    policy: Annotated[str, typer.Argument(help="政策 ID，如 taojiang")],
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件（缺省 <政策>-台账模板.xlsx）；下发时为文件夹（缺省 下发）")] = None,
    for_: Annotated[Optional[list[str]], typer.Option("--for", metavar="<单位>", help="下发：为这个单位写一份模板，可重复")] = None,
    for_units: Annotated[Optional[Path], typer.Option("--for-units", help="下发：为县级台账中列出的每个单位写一份模板")] = None,
) -> None:
    """生成某项政策的空白台账（含下拉选项、说明表和设置表）；--for/--for-units 为各单位各写一份。"""
    from farmcli.policies import find_policy
    from farmcli.outputs.files.oserrors import os_reason
    from farmcli.outputs.workbook.template import write_template

    policy_id = find_policy(policy, "命令行")
    if for_ or for_units is not None:
        _distribute(policy_id, list(for_ or []), for_units, out or Path("下发"))
        return
    target = out or Path(f"{policy_id}-台账模板.xlsx")
    if target.exists() and target.is_dir():
        raise LedgerError(f"{target} 是文件夹。请用 --out 给出 .xlsx 文件名。")
    from xlsxwriter.exceptions import FileCreateError

    try:
        write_template(policy_id, target)
    except OSError as exc:
        raise LedgerError(f"无法写入 {target}：{os_reason(exc)}。请检查路径和权限，或用 --out 换一个位置。") from exc
    except FileCreateError as exc:  # xlsxwriter's own, not an OSError
        cause = exc.__context__ if isinstance(exc.__context__, OSError) else None
        reason = os_reason(cause) if cause is not None else "无法创建文件"
        raise LedgerError(f"无法写入 {target}：{reason}。请检查文件夹权限，或用 --out 换一个可写的位置。") from exc
    with printing(EXIT_OK):
        stdout_console().print(f"空白台账已写入 {target}", markup=False)


def _distribute(policy_id: str, units: list[str], ledger: Path | None, folder: Path) -> None:
    """template --for/--for-units: one workbook per unit into `folder` (SPEC §8 下发)."""
    from farmcli import api

    if folder.suffix.lower() in (".xlsx", ".xlsm") or folder.is_file():
        raise LedgerError(f"下发时 --out 是文件夹（如 --out 下发），而不是文件 {folder}。")
    try:
        paths = api.distribute(policy_id, units, folder, units_from=ledger)
    except OSError as exc:
        from farmcli.outputs.files.oserrors import os_reason

        raise LedgerError(f"无法写入 {folder}：{os_reason(exc)}。请检查文件夹权限，或用 --out 换一个位置。") from exc
    with printing(EXIT_OK):
        console = stdout_console()
        console.print(f"已为 {len(paths)} 个单位写出台账模板，在 {folder}：", markup=False)
        for path in paths:
            console.print(f"  {path.name}", markup=False)


@app.command(cls=ChineseCommand)
def policies(json_: Annotated[bool, typer.Option("--json", help="打印 JSON")] = False) -> None:
    """列出各项政策及其参数（值、单位、有效范围、适用期、依据）。"""

    from farmcli.policies import all_policy_data
    from farmcli.scoring.pipeline import scoring_parameters

    data = all_policy_data() + [scoring_parameters()]  # the scoring rules apply to every policy
    with printing(EXIT_OK):
        _print_policies(data, json_)


def _print_policies(data, json_: bool) -> None:
    import json

    if json_:
        emit_json(json.dumps([{
            "id": d.id, "title": d.title, "document": d.document,
            "parameters": [{"name": p.name, "value": _json_value(p.value), "unit": p.unit,
                            "from": str(p.start or ""), "to": str(p.end or ""), "citation": p.citation,
                            "min": _json_value(p.low), "max": _json_value(p.high)}
                           for p in d.parameters]} for d in data], ensure_ascii=False, indent=2))
        return
    console = stdout_console()
    from farmcli.model.params import describe_range, no_default_label
    from farmcli.outputs.values import param_kind, show

    for d in data:
        console.print(f"{d.id}  {d.title}\n  {d.document}", markup=False)
        for p in d.parameters:
            value = no_default_label(p) if p.value is None else show(p.value, param_kind(p.type))
            unit = "" if p.type == "rate" else f" {p.unit}"
            valid = f"  有效范围 {describe_range(p)}" if p.low is not None or p.high is not None else ""
            console.print(f"    {p.name} = {value}{unit}{valid}  适用期 {p.start or '…'} 至 {p.end or '…'}  "
                          f"依据：{p.citation}", markup=False)


def _json_value(value):
    from farmcli.model.params import Param

    return Param("", value, "", "", "", "").as_json()["value"]


def _closed_streams_to_devnull() -> None:
    """Started with stdout or stderr closed (`farmcli settle … >&-`), Python has None there: what
    would go to it goes nowhere, as asked, and the settlement is written all the same."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def main() -> None:
    """Entry point: no traceback ever reaches the user."""
    _closed_streams_to_devnull()
    console_proof()
    try:
        code = app(standalone_mode=False, prog_name="farmcli")  # returns the exit code of typer.Exit
    except PrintFailed as exc:
        silence_stdout()
        if exc.cause is not None:
            from farmcli.outputs.files.oserrors import os_reason

            why = os_reason(exc.cause) if isinstance(exc.cause, OSError) else type(exc.cause).__name__
            say(f"无法输出到标准输出（{why}）。{written()}")
        sys.exit(state["code"])
    except LedgerError as exc:
        say(f"错误：{exc}")
        sys.exit(EXIT_NOTHING)
    except KeyboardInterrupt:
        say(f"已中断。{written()}")
        sys.exit(EXIT_NOTHING if state["outputs"] is None else state["code"])
    except Exception as exc:  # noqa: BLE001 — the promise is: no traceback, ever
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # a usage error from typer's click
            usage_error(exc)
            sys.exit(EXIT_NOTHING)
        if type(exc).__name__ == "Abort":
            sys.exit(EXIT_NOTHING)
        if os.environ.get("FARMCLI_DEBUG"):
            raise
        say(f"farmcli 内部错误（{type(exc).__name__}: {exc}）。{written()}"
             "请把台账和这条信息发给维护人员；设置 FARMCLI_DEBUG=1 可看到详细信息。")
        sys.exit(EXIT_NOTHING if state["outputs"] is None else state["code"])
    sys.exit(code if isinstance(code, int) else EXIT_OK)
