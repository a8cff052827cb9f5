"""Rewriting a sample ledger the ways clerks write them, driven by the policies' schemas, so a
new column or policy is covered without new test code (tests/test_reading_generated.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext
from pathlib import Path

import openpyxl

from conftest import write_ledger

from farmcli.model.cells import INVISIBLE
from farmcli.model.findings import INFO
from farmcli.model.schema import ALIASES, SheetSpec, split_unit, unit_factor
from farmcli.policies import policy_module
from farmcli.read.headers import match_header
from farmcli.settlement.build import settle_ledger

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {p.stem.rsplit("-", 1)[0]: (p, int(p.stem.rsplit("-", 1)[1])) for p in (ROOT / "sample_data").glob("*.xlsx")}
TOTAL_LABELS = {"合计：": True, "合 计": True, "总计（元）": True, "小计": False, "本页合计": False, "累计": False}


def specs(policy: str) -> dict[str, SheetSpec]:
    """The sheets a settlement of `policy` reads: the policy's own and the scoring table's."""
    from farmcli.scoring.pipeline import SHEETS as SCORING

    return {s.name: s for s in (*policy_module(policy).SHEETS, *SCORING)}


def load(path: Path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def save(sheets: dict[str, list[list]], path: Path, formats: dict | None = None, date1904: bool = False,
         stray: str | None = None, merges: dict | None = None) -> Path:
    """The rewritten sheets to `path` through the tests' one ledger writer (conftest.write_ledger)."""
    return write_ledger(path, sheets, formats, date1904, stray, merges)


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def prefixed(data: bytes) -> bytes:
    """An XML part as the .NET Open XML SDK writes it: every element with a namespace prefix
    (`<x:c>`), and here each element's attributes in reverse order (`<c s="3" r="G3">`)."""
    from xml.etree import ElementTree

    ElementTree.register_namespace("x", MAIN_NS)
    ElementTree.register_namespace("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
    root = ElementTree.fromstring(data)
    for el in root.iter():
        items = list(el.attrib.items())[::-1]
        el.attrib.clear()
        el.attrib.update(items)
    return ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")


def rewrite_parts(path: Path, how) -> Path:
    """Every spreadsheet XML part of the package at `path` (sheets, strings, styles, workbook)
    passed through `how(name, bytes)`."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, how(name, data) if name.startswith("xl/") and name.endswith(".xml") else data)
    return path


def locate(rows: list[list], spec: SheetSpec) -> tuple[int, dict[str, int]]:
    """The header row (0-based) and each schema column's index in it."""
    required = {c.name for c in spec.required_columns}
    for r, row in enumerate(rows[:50]):
        found = match_header(row, spec).found
        if required <= set(found):
            return r, {name: index for name, (index, _) in found.items()}
    raise AssertionError(f"no header for {spec.name}")


def is_total(row: list) -> bool:
    from farmcli.model.names import total_word

    return any(total_word(v) for v in row)


def decimal(value) -> Decimal | None:
    """A cell's number as farmcli's parser reads it (numbers, and text such as `289,450.00`)."""
    from farmcli.model.cells import parse_number

    if isinstance(value, bool) or (isinstance(value, str) and value.strip().endswith("%")):
        return None
    number, problem = parse_number(value)
    return None if problem else number


def text(d: Decimal) -> str:
    """1234.5 → '1,234.50'; more decimals are kept as they are."""
    return f"{d:,.2f}" if d == d.quantize(Decimal("0.01")) else f"{d:,}"


def figures(path: Path, policy: str, year: int) -> tuple[dict, list[str]]:
    """What a settlement says, to compare runs: every figure (numbers to 1e-6; money is already
    to the 分) and the codes of its errors and warnings."""
    s = settle_ledger(path, year, policy)

    def norm(v):
        if isinstance(v, str):  # names as typed, without the invisible characters a rewrite puts in them
            return INVISIBLE.sub("", v)
        if isinstance(v, Decimal):
            return v.quantize(Decimal("0.000001"))
        return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v

    out = {f"total {t.name}": norm(t.value) for t in s.totals}
    for t in s.tables:
        for i, row in enumerate(t.rows):
            for k, v in row.items():
                out[f"{t.name} {i} {k}"] = norm(v)
    return out, sorted(f.code for f in s.findings if f.severity != INFO)


# Each rewrite takes (spec, rows, header row, {column: index}, formats) and returns the new rows.

def _columns(spec, cols, kinds):
    return [(spec.column(n), i) for n, i in cols.items() if spec.column(n).kind in kinds]


def _cells(rows, h):
    return range(h + 1, len(rows))


def money_text(spec, rows, h, cols, fmt):
    for col, i in _columns(spec, cols, ("money",)):
        for r in _cells(rows, h):
            d = decimal(rows[r][i])
            if d is not None:
                rows[r][i] = text(d)
    return rows


def in_unit(kind: str, unit: str, factor: str, as_text: bool):
    def rewrite(spec, rows, h, cols, fmt):
        for col, i in _columns(spec, cols, (kind,)):
            for r in _cells(rows, h):
                d = decimal(rows[r][i])
                if d is None:
                    continue
                now = match_header(rows[h], spec).found  # the sample's own unit (名额 is in 万元)
                with localcontext() as ctx:
                    ctx.prec = 40
                    scaled = d * (unit_factor(col.kind, now[col.name][1]) or 1) / Decimal(factor)
                rows[r][i] = str(scaled) if as_text or len(scaled.as_tuple().digits) > 15 else float(scaled)
            rows[h][i] = f"{split_unit(col.name)[0]}（{unit}）"
        return rows
    rewrite.__name__ = f"{kind}_in_{unit}_{'text' if as_text else 'number'}"
    return rewrite


def _percent(mode: str):
    def rewrite(spec, rows, h, cols, fmt):
        for col, i in _columns(spec, cols, ("percent",)):
            if mode == "header":
                rows[h][i] = f"{col.name}(%)"
            for r in _cells(rows, h):
                d = _fraction(rows[r][i])
                if d is None:
                    continue
                if mode == "header":
                    rows[r][i] = float(d * 100)
                elif mode == "text":
                    rows[r][i] = f"{(d * 100).normalize():f}%"
                else:  # a number the sheet formats as a percentage
                    rows[r][i] = float(d)
                    fmt[(r, i)] = "0.00%"
        return rows
    rewrite.__name__ = f"percent_{mode}"
    return rewrite


def _fraction(value) -> Decimal | None:
    if isinstance(value, str) and value.strip().endswith("%"):
        return Decimal(value.strip()[:-1].replace(",", "")) / 100
    return decimal(value)


def full_width(spec, rows, h, cols, fmt):
    rows[h] = [v.replace("(", "（").replace(")", "）") if isinstance(v, str) else v for v in rows[h]]
    return rows


def spaced(spec, rows, h, cols, fmt):
    rows[h] = [" ".join(v) + " " if isinstance(v, str) else v for v in rows[h]]
    return rows


def shuffled(spec, rows, h, cols, fmt):
    width = max(len(r) for r in rows[h:])
    order = list(range(width))[::-1]
    order = order[1::2] + order[::2]
    return rows[:h] + [[(r + [None] * width)[c] for c in order] for r in rows[h:]]


def extra_columns(spec, rows, h, cols, fmt):
    return rows[:h] + [["备注"] + rows[h] + ["经办人"]] + [["说明文字", *r, "张三"] for r in rows[h + 1:]]


def title_rows(spec, rows, h, cols, fmt):
    return [[f"{spec.name}（某县某年度台账）"], [None], ["单位：按表头", None, "填表日期：2024年1月"]] + rows


def header_on_row_30(spec, rows, h, cols, fmt):
    return [[f"第{n}行说明"] if n % 3 == 0 else [None] for n in range(1, 30 - h)] + rows


def blank_rows(spec, rows, h, cols, fmt):
    out = rows[: h + 1]
    for row in rows[h + 1:]:
        out += [row, [None] * len(row), [" ", None]]
    return out


def totals_rows(spec, rows, h, cols, fmt):
    data = [r for r in rows[h + 1:] if any(v is not None and v != "" for v in r) and not is_total(r)]
    label_at = cols.get(spec.key, min(cols.values()))
    out = list(rows)
    for label, checked in TOTAL_LABELS.items():
        row = [None] * max(len(r) for r in rows)
        row[label_at] = label
        for col, i in _columns(spec, cols, ("money", "area")):
            values = [decimal(r[i]) if i < len(r) else None for r in data]
            row[i] = float(sum((v for v in values if v is not None), Decimal(0))) if checked else 987654.32
        out.append(row)
    return out


def prefixed_xml(spec, rows, h, cols, fmt):
    return rows  # the rows as they are; the package's XML is rewritten after saving


prefixed_xml.package = lambda path: rewrite_parts(path, lambda name, data: prefixed(data))


def dates_1904_streamed(spec, rows, h, cols, fmt):
    """Every date typed as a real Excel date, in a workbook that counts dates from 1904, with a stray
    far cell on every sheet (so the sheets are streamed from their XML, not read by calamine)."""
    from farmcli.model.cells import PARSERS

    for col, i in _columns(spec, cols, ("date",)):
        for r in _cells(rows, h):
            day, problem = PARSERS["date"](rows[r][i]) if i < len(rows[r]) else (None, None)
            if day is not None and not problem:
                rows[r][i] = dt.datetime(day.year, day.month, day.day)
                fmt[(r, i)] = "yyyy-mm-dd"
    return rows


dates_1904_streamed.save = {"date1904": True, "stray": "XFD1048576"}


def _own_factor(spec, rows, h, name) -> Decimal:
    """The factor to the column's own unit of the unit the sample writes it in (名额 is in 万元)."""
    return unit_factor(spec.column(name).kind, match_header(rows[h], spec).found[name][1]) or Decimal(1)


def _scaled(d: Decimal, factor: Decimal, divisor: str):
    with localcontext() as ctx:
        ctx.prec = 40
        scaled = d * factor / Decimal(divisor)
    return str(scaled) if len(scaled.as_tuple().digits) > 15 else float(scaled)


def unit_in_title_row(spec, rows, h, cols, fmt):
    """`单位：万元、公顷` once above the table; money and area headers lose their own unit."""
    scale = {"money": "10000", "area": "15"}
    for col, i in _columns(spec, cols, tuple(scale)):
        factor = _own_factor(spec, rows, h, col.name)
        for r in _cells(rows, h):
            d = decimal(rows[r][i]) if i < len(rows[r]) else None
            if d is not None and not is_total(rows[r]):
                rows[r][i] = _scaled(d, factor, scale[col.kind])
            elif d is not None:
                rows[r][i] = _scaled(d, factor, scale[col.kind])
        rows[h][i] = split_unit(col.name)[0]
    return rows[:h] + [[f"{spec.name}台账（单位：万元、公顷）"], [None]] + rows[h:]


def two_row_header(spec, rows, h, cols, fmt, merges):
    """A parent `金额（万元）` merged over the money columns' sub-headers; every other header merged
    down over the two rows."""
    width = max(len(r) for r in rows[h:])
    head = (list(rows[h]) + [None] * width)[:width]
    money = {i: col for col, i in _columns(spec, cols, ("money",))}
    top, sub = [None] * width, [None] * width
    c = 0
    while c < width:
        if c in money:
            run = c
            while run + 1 < width and run + 1 in money:
                run += 1
            top[c] = "金额（万元）"
            for m in range(c, run + 1):
                sub[m] = split_unit(money[m].name)[0]
                factor = _own_factor(spec, rows, h, money[m].name)
                for r in _cells(rows, h):
                    d = decimal(rows[r][m]) if m < len(rows[r]) else None
                    if d is not None:
                        rows[r][m] = _scaled(d, factor, "10000")
            if run > c:
                merges.append((h, c, h, run))
            c = run + 1
            continue
        top[c] = head[c]
        if head[c] is not None:
            merges.append((h, c, h + 1, c))
        c += 1
    return rows[:h] + [top, sub] + rows[h + 1:]


two_row_header.merges = True


def footer_rows(spec, rows, h, cols, fmt):
    """Notes and signatures under the table, the way clerks write them."""
    width = max(len(r) for r in rows[h:])
    notes = ["注：本表据各乡镇上报数据汇总。", "说明：面积以验收为准", "制表人：张三  审核人：李四", "填表人：王五",
             "负责人：赵六", "联系电话：0737-1234567", "填报日期：2024年1月5日"]
    return rows + [[None] * width] + [[note] + [None] * (width - 1) for note in notes]


_WHEN = ("{d.year}/{d.month}/{d.day} 10:00", "{d:%Y-%m-%d} 10:00:00", "{d.year}年{d.month}月{d.day}日 10时")


def dates_as_text(spec, rows, h, cols, fmt):
    """Every date typed as text with a time of day."""
    for n, (col, i) in enumerate(_columns(spec, cols, ("date",))):
        for r in _cells(rows, h):
            value = rows[r][i] if i < len(rows[r]) else None
            if isinstance(value, (dt.date, dt.datetime)):
                rows[r][i] = _WHEN[(r + n) % len(_WHEN)].format(d=value)
    return rows


_NAMES = ("名称", "编号", "乡镇", "所属县", "所属市", "村组", "三级指标", "资金来源")


def invisible_characters(spec, rows, h, cols, fmt):
    """Zero-width space, joiner, BOM and word joiner in the keys and names, and a BOM before the header."""
    marks = ("\u200b", "\u200d", "\ufeff", "\u2060")
    for col, i in _columns(spec, cols, ("text",)):
        if not col.name.endswith(_NAMES):
            continue
        for r in _cells(rows, h):
            value = rows[r][i] if i < len(rows[r]) else None
            if isinstance(value, str) and value.strip() and not is_total(rows[r]):
                mark = marks[r % len(marks)]
                rows[r][i] = value[:1] + mark + value[1:] if r % 2 else value + mark
    first = min(cols.values())
    rows[h][first] = "\ufeff" + str(rows[h][first])
    return rows


def empty_optional_sheets(policy: str, sheets: dict) -> dict:
    """Every optional sheet the sample lacks, as the template writes it: a header and no rows."""
    for spec in [*specs(policy).values(), ALIASES]:
        if not spec.required and spec.name not in sheets:
            sheets[spec.name] = [[c.name for c in spec.columns]]
    return sheets


REWRITES = [money_text, in_unit("money", "万元", "10000", False), in_unit("money", "万元", "10000", True),
            in_unit("money", "万", "10000", False), in_unit("money", "万", "10000", True),
            in_unit("money", "千元", "1000", False), in_unit("money", "千元", "1000", True),
            in_unit("area", "公顷", "15", True), _percent("header"), _percent("text"), _percent("format"),
            full_width, spaced, shuffled, extra_columns, title_rows, header_on_row_30, blank_rows, totals_rows,
            prefixed_xml, dates_1904_streamed,
            unit_in_title_row, two_row_header, footer_rows, dates_as_text, invisible_characters, empty_optional_sheets]


def rewrite(policy: str, how, tmp: Path) -> Path:
    sample, _ = SAMPLES[policy]
    sheets, formats, merges = load(sample), {}, {}
    if how is empty_optional_sheets:  # a rewrite of the workbook, not of each sheet
        return save(how(policy, sheets), tmp / f"{policy}-{how.__name__}.xlsx")
    for name, spec in specs(policy).items():
        if name not in sheets:
            continue
        rows = [list(r) for r in sheets[name]]
        h, cols = locate(rows, spec)
        fmt: dict = {}
        if getattr(how, "merges", False):
            sheets[name] = how(spec, rows, h, cols, fmt, merges.setdefault(name, []))
        else:
            sheets[name] = how(spec, rows, h, cols, fmt)
        formats.update({(name, r, c): f for (r, c), f in fmt.items()})
    path = save(sheets, tmp / f"{policy}-{how.__name__}.xlsx", formats, merges=merges, **getattr(how, "save", {}))
    return how.package(path) if hasattr(how, "package") else path
