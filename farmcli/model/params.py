"""Policy parameters: dated values with a unit and a legal citation, read from data files.

Each policy ships `farmcli/policies/<id>.toml`. A parameter may have several
`[[parameter]]` entries for different periods; the one in force on the
settlement's reference date is used. Precedence: `--set` > `设置` > default.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from farmcli.model import cells
from farmcli.model.findings import Finding, LedgerError, warning


@dataclass(frozen=True)
class ParamDef:
    name: str
    type: str  # money | rate | area | number | date | int | text | bool
    unit: str
    citation: str
    value: object = None  # None: required, the documents leave it open
    start: dt.date | None = None
    end: dt.date | None = None
    note: str = ""
    optional: bool = False  # no default, and none needed: the rule applies only when a value is set
    low: object = None  # the valid range, inclusive (SPEC §1 Parameters): a value outside stops the run
    high: object = None

    def in_force(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Param:
    """A resolved parameter: its value and where the value came from."""

    name: str
    value: object
    unit: str
    source: str  # default | 设置!B4 | --set
    citation: str
    type: str
    start: dt.date | None = None
    end: dt.date | None = None

    def as_json(self) -> dict:
        value = self.value
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        return {"value": value, "unit": self.unit, "source": self.source, "citation": self.citation}


@dataclass(frozen=True)
class PolicyData:
    id: str
    title: str
    document: str
    cite_as: str
    seed: str
    start: dt.date | None
    end: dt.date | None
    parameters: tuple[ParamDef, ...]
    # Projects approved within the term are still settled after it ends (jinning 八): parameters
    # are then taken as on the last day of the term.
    settle_after_term: bool = False
    term_citation: str = ""  # the article that fixes when the policy starts (and ends)

    @property
    def names(self) -> list[str]:
        seen: list[str] = []
        for p in self.parameters:
            if p.name not in seen:
                seen.append(p.name)
        return seen


def load_policy_data(policy_id: str) -> PolicyData:
    return load_param_file("farmcli.policies", f"{policy_id.replace('-', '_')}.toml")


def load_param_file(package: str, filename: str) -> PolicyData:
    """A parameter file: the document it comes from, then `[[parameter]]` entries."""
    data = tomllib.loads(resources.files(package).joinpath(filename).read_text("utf-8"))
    defs = []
    for p in data.get("parameter", []):
        value = p.get("value")
        d = ParamDef(
            name=p["name"], type=p["type"], unit=p.get("unit", ""), citation=p["citation"],
            value=None if value is None else _coerce(p["type"], value, p["name"]),
            start=p.get("from"), end=p.get("to"), note=p.get("note", ""), optional=p.get("optional", False),
            low=_bound(p, "min"), high=_bound(p, "max"),
        )
        if d.type in RANGED and d.low is None and d.high is None:
            raise ValueError(f"parameter {d.name} in {filename}: no valid range (min/max)")
        if d.value is not None and range_problem(d, d.value):
            raise ValueError(f"parameter {d.name} in {filename}: default {value} outside its range")
        defs.append(d)
    return PolicyData(
        id=data["id"], title=data["title"], document=data["document"], cite_as=data["cite_as"],
        seed=data.get("seed", ""), start=data.get("from"), end=data.get("to"), parameters=tuple(defs),
        settle_after_term=data.get("settle_after_term", False), term_citation=data.get("term_citation", ""),
    )


RANGED = ("money", "area", "number", "rate", "int", "date")


def _bound(p: dict, key: str) -> object:
    raw = p.get(key)
    return None if raw is None else _coerce(p["type"], raw, f"{p['name']} {key}")


def range_problem(d: ParamDef, value: object) -> str | None:
    """Why `value` lies outside the parameter's valid range, or None."""
    if (d.low is not None and value < d.low) or (d.high is not None and value > d.high):
        return f"有效范围是 {describe_range(d)}"
    return None


def describe_range(d: ParamDef) -> str:
    low = "…" if d.low is None else shown(d, d.low)
    high = "…" if d.high is None else shown(d, d.high)
    return f"{low} 至 {high}" if d.high is not None else f"不小于 {low}"


def shown(d: ParamDef, value: object) -> str:
    """A value as a clerk would type it: 30%, 2000, 2022-11-30 (no thousands separators, no padded
    decimals), for model/'s own messages and the 设置 sheet. Not `outputs.values.show`, which shows a
    figure for reading (30.00%, 2,000.00): model/ may not import outputs/, and the two differ on purpose."""
    if d.type == "rate" and isinstance(value, Decimal):
        return f"{(value * 100).normalize():f}%"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _coerce(kind: str, value: object, name: str) -> object:
    """A parameter value from the data file: TOML gives strings, numbers and dates."""
    parsed, problem = parse_value(kind, value)
    if problem or parsed is None:
        raise ValueError(f"parameter {name}: {problem or 'empty'}")
    return parsed


def parse_value(kind: str, value: object) -> cells.Parsed:
    """Parse a parameter value typed by a clerk (`30%`, `0.3`, `2000`, `2022-11-30`)."""
    if kind in ("money", "area", "number"):
        return cells.parse_number(value)
    if kind == "rate":
        return _parse_share(value)
    if kind == "int":
        number, problem = cells.parse_number(value)
        if number is not None and number != number.to_integral_value():
            return None, f"“{value}”不是整数"
        return (None if number is None else int(number)), problem
    if kind == "date":
        return cells.parse_date(value)
    if kind == "bool":
        return cells.parse_bool(value)
    return cells.parse_text(value)


def _without_unit(value: object, unit: str) -> object:
    """`2000元/亩` for a parameter in 元/亩: the unit farmcli names is the unit it reads (issue 24)."""
    if type(value) is not str or not unit or unit == "%":
        return value
    text, own = cells.normalise_text(value), cells.normalise_text(unit)
    return text[: -len(own)] if text.endswith(own) and len(text) > len(own) else value


def _parse_share(value: object) -> cells.Parsed:
    """A share typed by a clerk: `30%`, or a fraction (0.3; 1 = 100%). A bare number above 1
    (`30`) is refused, never guessed to be 30% (SPEC §1 Parameters)."""
    number, problem = cells.parse_percent(value)
    if number is None or problem:
        return number, problem
    has_sign = isinstance(value, str) and cells.normalise_text(value).endswith("%")
    if not has_sign and number > 1:
        typed, frac = f"{number.normalize():f}", f"{(number / 100).normalize():f}"
        return None, (f"比例写成不带 % 的数时是小数（0.3 即 30%，1 即 100%），{typed} 大于 1。"
                      f"如指 {typed}%，请写成 {typed}% 或 {frac}；farmcli 不作猜测")
    return number, None


def term_text(data: PolicyData, side: str = "") -> str:
    """The policy's term, stated once: "本政策施行期为 2022-01-01 至 2022-12-31（桃江… 三(一)）", or
    before it begins "本政策自 2023 年起施行（2023-01-01 起；…）"."""
    term = (data.start.isoformat() if data.start else "…") + (f" 至 {data.end.isoformat()}" if data.end else " 起")
    if side == "before" and data.start is not None:
        return f"本政策自 {data.start.year} 年起施行（{term}" + (f"；{data.term_citation}）" if data.term_citation else "）")
    return f"本政策施行期为 {term}" + (f"（{data.term_citation}）" if data.term_citation else "")


def outside_term(data: PolicyData, year: int) -> str:
    """"before" or "after" when `year` lies outside the policy's term; "" inside it. A policy that
    settles after its term (jinning 八) is inside it after the end."""
    if data.start is not None and dt.date(year, 12, 31) < data.start:
        return "before"
    if data.end is not None and dt.date(year, 1, 1) > data.end and not data.settle_after_term:
        return "after"
    return ""


def required_names(data: PolicyData) -> list[str]:
    """The parameters a settlement needs a value of (the optional ones apply only when set)."""
    return [n for n in data.names if not all(p.optional for p in data.parameters if p.name == n)]


def no_default_label(p: ParamDef) -> str:
    """What `farmcli policies` and the README say of a parameter without a default value."""
    return "无（设置后才适用）" if p.optional else "必填，无默认值"


def check_in_force(data: PolicyData, year: int, given: set[str] = frozenset()) -> list[Finding]:
    """A year outside the policy's term settles only on the clerk's own parameters (issue 27 §3):
    every parameter the policy uses given in 设置 or by --set, and a warning that the document's
    term does not cover the year. Without them: a LedgerError naming the ones still missing."""
    side = outside_term(data, year)
    if not side:
        return []
    when = "尚未开始" if side == "before" else "已结束"
    missing = [n for n in required_names(data) if n not in given]
    if missing:
        example = missing[0]
        suggest = data.start.year if side == "before" else data.end.year
        raise LedgerError(
            f"政策 {data.id}（{data.title}）在 {year} 年度没有生效的值：{term_text(data, side)}，{year} 年度不在施行期内。"
            f"如确需按本政策结算 {year} 年度，须明确给出它用到的每个参数，"
            f"还缺：{'、'.join(missing)}。请在台账的「设置」表中逐个加一行（项目 = 参数名，值 = 该年度的数值），"
            f"或在命令行加 --set 参数名=值（如 --set {example}=…）。"
            f"如年度写错了，请改正命令行中的年度（如 farmcli settle {suggest} …）。"
        )
    return [warning(
        "OUTSIDE_TERM", f"{year} 年度不在政策 {data.id}（{data.title}）的施行期内（{term_text(data, side)}，{year} 年度时施行期{when}）："
        f"本次结算的数字完全依据台账「设置」表或命令行 --set 给出的参数，而非文件规定的数值。请确认这些参数有 {year} 年度的依据。",
        citation=data.term_citation)]


def resolve(
    data: PolicyData,
    year: int,
    settings: dict[str, tuple[object, str]],
    overrides: dict[str, str],
) -> dict[str, Param]:
    """Every parameter of the policy with its value for `year`.

    `settings` maps a 设置 key to (raw value, cell); `overrides` are the
    `--set NAME=VALUE` pairs. A missing or malformed value raises LedgerError.
    """
    on = dt.date(year, 12, 31)
    if data.settle_after_term and data.end and on > data.end:
        on = data.end
    resolved: dict[str, Param] = {}
    for name in data.names:
        versions = [p for p in data.parameters if p.name == name]
        current = next((p for p in versions if p.in_force(on)), None)
        base = current or versions[0]
        if name in overrides:  # the caller has checked overrides with check_overrides
            raw, source, where = overrides[name], "--set", f"命令行 --set {name}={overrides[name]}"
        elif name in settings:
            raw, cell = settings[name]
            source, where = str(cell), f"「设置」表 {cell}"
        elif current is not None and current.value is not None:
            resolved[name] = _param(current, current.value, "default")
            continue
        elif base.optional:
            resolved[name] = _param(base, None, "未设置")
            continue
        else:
            raise LedgerError(_missing_message(data, base, versions, year))
        value, problem = parse_value(base.type, _without_unit(raw, base.unit))
        if problem or value is None:
            raise LedgerError(
                f"参数「{name}」的值“{raw}”无法识别（{where}）：{problem or '为空'}。"
                f"单位是 {base.unit or '无'}，例如 {_example(base)}。"
            )
        # A date's range is the document's term; a year outside the term takes the clerk's dates.
        out_of_range = None if base.type == "date" and outside_term(data, year) else range_problem(base, value)
        if out_of_range:
            raise LedgerError(
                f"参数「{name}」的值“{raw}”超出有效范围（{where}）：{out_of_range}（单位 {base.unit or '无'}）。"
                f"请改为范围内的值，例如 {_example(base)}。"
            )
        resolved[name] = _param(base, value, source)
    return resolved


def check_overrides(overrides: dict[str, str], files: list[PolicyData], inputs: tuple[str, ...] = ()) -> None:
    """An unknown `--set` name stops the run: a typo must not silently do nothing. `inputs` are
    the other names `--set` may give (the scoring table's 设置 scalars, SPEC §1 设置)."""
    names = [n for data in files for n in data.names] + list(inputs)
    for name in overrides:
        if name not in names:
            raise LedgerError(
                f"--set 中的参数「{name}」不是政策 {files[0].id} 的参数。"
                f"可用的参数：{'、'.join(names)}（用 `farmcli policies` 查看）。"
            )


def _param(d: ParamDef, value: object, source: str) -> Param:
    return Param(d.name, value, d.unit, source, d.citation, d.type, d.start, d.end)


def _example(d: ParamDef) -> str:
    """The hint in a message: the parameter's own default where it has one."""
    if d.value is not None:
        return shown(d, d.value)
    return {"rate": "30%", "date": "2022-11-30", "money": "2000", "int": "2023", "bool": "是"}.get(d.type, "…")


def _missing_message(data: PolicyData, d: ParamDef, versions: list[ParamDef], year: int) -> str:
    example = next((v for v in versions if v.value is not None), d)
    how = (f"请在台账的「设置」表中加一行（项目“{d.name}”，值如 {_example(example)}），"
           f"或在命令行加 --set {d.name}=…")
    if all(v.value is None for v in versions):
        return f"政策 {data.id} 的参数「{d.name}」（{d.unit}）没有默认值，文件未给出具体数值（{d.citation}）。{how}。"
    spans = "、".join(f"{v.start or '…'} 至 {v.end or '…'}" for v in versions)
    expired = f"本政策施行期至 {data.end.isoformat()}，{year} 年度已不在施行期内：" \
        if data.end is not None and dt.date(year, 1, 1) > data.end else ""
    return (f"{expired}政策 {data.id} 的参数「{d.name}」在 {year} 年度没有生效的值（文件规定的适用期：{spans}；"
            f"{d.citation}）。如确需按此标准结算 {year} 年度，{how}。")
