"""The scoring framework: 一级 → 二级 → 三级 → numbered items, as data.

The default is 附件2 of the Taojiang report (`附件2.csv` beside this file).
Another framework comes from `--framework FILE` (.csv or .xlsx) or a
`评分框架` sheet in the ledger, with the same columns. A framework whose
points do not add up is refused (LedgerError, exit 2).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

from farmcli.model.cells import parse_number
from farmcli.model.findings import LedgerError
from farmcli.model.schema import Column, SheetSpec
from farmcli.scoring import rules

RULES = tuple(rules.RULES)
TOTAL_POINTS = Decimal(100)
DEFAULT_SOURCE = "桃江以奖代补自评报告 附件2"

FRAMEWORK_SHEET = SheetSpec("评分框架", key="三级指标", help="自定义的绩效评分框架（缺省为桃江报告附件2）", columns=(
    Column("一级指标", required=True), Column("一级分值", "number", required=True),
    Column("二级指标", required=True), Column("二级分值", "number", required=True),
    Column("三级指标", required=True), Column("三级分值", "number", required=True),
    Column("序号", "number", required=True), Column("指标内容"), Column("指标说明"),
    Column("分值", "number", required=True),
    Column("公式", help="计算型指标的规则名：" + "、".join(RULES) + "；留空为评判型指标"),
))


@dataclass(frozen=True)
class Item:
    level1: str
    points1: Decimal
    level2: str
    points2: Decimal
    level3: str
    points3: Decimal
    seq: int
    content: str
    text: str
    points: Decimal
    rule: str | None


@dataclass(frozen=True)
class Framework:
    source: str
    items: tuple[Item, ...]


def default_framework() -> Framework:
    text = resources.files("farmcli.scoring").joinpath("附件2.csv").read_text("utf-8")
    return framework_from_rows(list(csv.DictReader(io.StringIO(text))), DEFAULT_SOURCE)


def framework_from_csv(path: Path) -> Framework:
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise LedgerError(f"评分框架文件 {path} 无法读取（{exc}）。请存为 UTF-8 编码的 CSV。") from exc
    return framework_from_rows(rows, str(path))


def framework_from_rows(rows: list[dict], source: str) -> Framework:
    items = []
    for n, row in enumerate(rows, start=1):
        where = f"评分框架（{source}）第{n}项"

        def number(column: str) -> Decimal:
            value, problem = parse_number(row.get(column))
            if value is None or problem or value < 0:
                raise LedgerError(f"{where}的“{column}”为“{row.get(column)}”，须为不小于 0 的数字。请改正评分框架。")
            return value

        rule = (str(row.get("公式") or "").strip()) or None
        if rule is not None and rule not in RULES:
            raise LedgerError(f"{where}的公式“{rule}”不认识。可用的公式：{'、'.join(RULES)}；评判型指标请留空。")
        items.append(Item(str(row.get("一级指标") or "").strip(), number("一级分值"), str(row.get("二级指标") or "").strip(),
                          number("二级分值"), str(row.get("三级指标") or "").strip(), number("三级分值"),
                          int(number("序号")), str(row.get("指标内容") or ""), str(row.get("指标说明") or ""),
                          number("分值"), rule))
    framework = Framework(source, tuple(items))
    check_points(framework)
    return framework


def check_points(framework: Framework) -> None:
    """Items add up to their 三级, 三级 to their 二级, 二级 to their 一级, 一级 to 100."""
    if not framework.items:
        raise LedgerError(f"评分框架（{framework.source}）没有任何指标。")
    levels = [
        ("三级", lambda i: (i.level1, i.level2, i.level3), lambda i: i.points3),
        ("二级", lambda i: (i.level1, i.level2), lambda i: i.points2),
        ("一级", lambda i: (i.level1,), lambda i: i.points1),
    ]
    children: dict[tuple, Decimal] = {}  # the level below: group key → its declared points
    for name, key, declared in levels:
        groups: dict[tuple, list[Item]] = {}
        for item in framework.items:
            groups.setdefault(key(item), []).append(item)
        sums = {}
        for k, members in groups.items():
            if len({declared(m) for m in members}) > 1:
                raise LedgerError(f"评分框架（{framework.source}）中{name}指标“{k[-1]}”的分值前后不一致。")
            if name == "三级":
                total = sum((m.points for m in members), Decimal(0))
            else:
                total = sum((v for ck, v in children.items() if ck[: len(k)] == k), Decimal(0))
            if total != declared(members[0]):
                raise LedgerError(f"评分框架（{framework.source}）中{name}指标“{k[-1]}”的分值为 {declared(members[0])}，"
                                  f"而其下各项之和为 {total}。请改正评分框架，使分值逐级相加一致。")
            sums[k] = declared(members[0])
        children = sums
    total = sum(children.values(), Decimal(0))
    if total != TOTAL_POINTS:
        raise LedgerError(f"评分框架（{framework.source}）各一级指标分值之和为 {total}，应为 {TOTAL_POINTS}。请改正评分框架。")
    seen = set()
    for item in framework.items:
        if (item.level3, item.seq) in seen:
            raise LedgerError(f"评分框架（{framework.source}）中三级指标“{item.level3}”的序号 {item.seq} 重复。")
        seen.add((item.level3, item.seq))
