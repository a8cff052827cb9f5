"""The reports' one document model: a settlement as sections, paragraphs and typed tables with
captions, closed by the 资金拨付审批表. The Markdown report (`report.py`, through
`templates/base.md.j2`) and the Word report (`word.py`) each render this model; neither parses the
other. The layout (fonts, margins, widths, landscape pages) lives in the Word renderer only.

The frame (一、基本情况 … 五、拨付建议, 附表) follows the county bureaus' documents (GB/T 9704-2012
and the Taojiang self-evaluation report): each policy's template (`templates/<id>.md.j2`) fills
the policy's own paragraphs and tables into it through the `Builder` below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from farmcli.model.findings import ERROR, SEVERITY_ZH, count_by_severity, sorted_findings
from farmcli.model.result import COUNT, MONEY, TEXT, Col, ResultTable
from farmcli.outputs.values import NUMERIC, PENDING, cell_text, show

NUMERALS = "一二三四五六七八九十"
# Findings that are about the ledger's form, not its figures: the workbook's 发现问题 keeps them.
FORM_ONLY = ("HEADERS_UNUSED",)


@dataclass
class Para:
    text: str
    style: str = "body"  # body, item (a list entry), note (small print under a table), formula


@dataclass
class Table:
    """A typed table: the values keep their kinds; each renderer formats them (values.show)."""

    caption: str
    columns: list[Col]
    rows: list[dict]
    totals: list[dict] = field(default_factory=list)  # 合计 rows (the plan has 应拨 and 暂不拨付)
    unit: str = ""  # 单位：元、亩 — printed above the table
    label: str = ""  # 表1 / 附表1, given by the builder

    def body(self) -> list[dict]:
        return self.rows + self.totals

    def text(self, row: dict, col: Col) -> str:
        return cell_text(row, col.name, col.kind)

    def numeric(self, col: Col) -> bool:
        return col.kind in NUMERIC


@dataclass
class Section:
    title: str
    level: int = 1  # 1: 一、  2: （一）  3: 1.
    blocks: list = field(default_factory=list)


APPROVAL_COLUMNS = [Col("序号", COUNT), Col("单位"), Col("补助总额", MONEY), Col("已拨付", MONEY),
                    Col("本次拨付", MONEY), Col("本次拨付（大写）"), Col("备注")]
BUREAUS = ("自然资源局", "财政局")
APPROVAL_ROLES = ("经办人", "审核人", "负责人")


@dataclass
class Approval:
    """资金拨付审批表: the form the money moves on, one row per payee."""

    title: str
    rows: list[dict]
    total: dict
    total_words: str
    bureaus: tuple[str, ...] = BUREAUS
    roles: tuple[str, ...] = APPROVAL_ROLES
    columns: list[Col] = field(default_factory=lambda: list(APPROVAL_COLUMNS))
    recover: bool = False  # a 资金收回审批表: the amounts flow back, written positive under 本次收回

    def body(self) -> list[dict]:
        return self.rows + [self.total]

    @property
    def amount(self) -> str:
        """The column of the amount the form moves (本次拨付 or 本次收回)."""
        return self.columns[-3].name


@dataclass
class Document:
    title: str
    issuer: str
    day: dt.date
    banner: str | None
    sections: list[Section]
    approval: Approval | None = None
    subtitle: str = ""  # the title page's second line (a mismatched year names both years)

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


def banner(s) -> str | None:
    """The warning on the first page when the figures cannot be used for payment: an error
    finding, a pending total, or a year that differs from 设置 (SPEC §1)."""
    errors = count_by_severity(s.findings)[ERROR]
    pending = [t.name for t in s.totals if t.value is None and t.kind == MONEY]
    if not errors and not pending:
        return None
    parts = [f"本结算有 {errors} 项错误" if errors else "本结算有金额待定"]
    if pending:
        parts.append(f"{'、'.join(n.removesuffix('(元)') for n in pending[:3])}{'等' if len(pending) > 3 else ''}待定")
    return "，".join(parts) + "，标为“待定”的金额不能作为拨付依据，改正后重新结算。"


def ledger_year(s) -> int | None:
    from decimal import InvalidOperation

    try:
        year = int(Decimal(str(s.meta.get("年度", "")).strip().removesuffix("年")))
    except (InvalidOperation, ValueError):
        return None
    return year if year != s.year else None


class Builder:
    """What a policy's template calls to fill the document: sections, paragraphs, tables."""

    def __init__(self, s):
        self.s = s
        self.sections: list[Section] = []
        self.tables = 0
        self.annexes = 0
        self.approval: Approval | None = None

    # -- structure -----------------------------------------------------------------------
    def section(self, title: str) -> str:
        self.sections.append(Section(f"{NUMERALS[len([x for x in self.sections if x.level == 1])]}、{title}"))
        return ""

    def sub(self, title: str) -> str:
        n = 0
        for x in reversed(self.sections):
            if x.level == 1:
                break
            n += x.level == 2
        self.sections.append(Section(f"（{NUMERALS[n]}）{title}", 2))
        return ""

    def annex(self, title: str) -> str:
        self.annexes += 1
        self.sections.append(Section(f"附表{self.annexes}　{title}", 0))
        return ""

    def _add(self, block) -> str:
        if not self.sections:
            self.sections.append(Section("", 1))
        self.sections[-1].blocks.append(block)
        return ""

    # -- prose (`{% call doc.para() %}…{% endcall %}` in a template) -------------------------
    def para(self, text: str = "", caller=None) -> str:
        return self._add(Para(_flat(caller() if caller else text)))

    def item(self, text: str = "", caller=None) -> str:
        return self._add(Para(_flat(caller() if caller else text), "item"))

    def note(self, text: str = "", caller=None) -> str:
        return self._add(Para(_flat(caller() if caller else text), "note"))

    # -- tables --------------------------------------------------------------------------
    def table(self, source, columns: list[str] | None = None, caption: str = "", rows: list[dict] | None = None,
              total: dict | None | bool = True, unit: str | None = None, numbered: bool = False) -> str:
        """A result table (or rows of it), in the order of `columns`, with its 合计 row (the
        policy's, or the printed one `paper.with_total` adds) unless `total` is False."""
        from farmcli.outputs.reports import paper

        table = source if isinstance(source, ResultTable) else None
        cols = list(table.columns if table else source)
        if columns:
            kinds = {c.name: c for c in cols}
            cols = [kinds.get(name, Col(name)) for name in columns]
        body = list(rows if rows is not None else paper.shown_rows(table))
        if total is True:
            total = paper.with_total(table) if table is not None and rows is None else None
        if numbered:
            cols = [Col("序号", COUNT)] + cols
            body = [{"序号": n, **r} for n, r in enumerate(body, start=1)]
        totals = [] if not total else total if isinstance(total, list) else [total]
        totals = [r if any(c.kind == TEXT and r.get(c.name) for c in cols) else {cols[0].name: "合计", **r}
                  for r in totals]
        self.tables += 1
        return self._add(Table(caption or (table.name if table else ""), cols, body, totals,
                               unit if unit is not None else _unit(cols), label=self._label()))

    # -- figures a template needs --------------------------------------------------------
    def sum(self, rows: list[dict], column: str, flag: str | None = None, value: bool = True):
        """The sum of `column` over `rows` (those whose `flag` is `value`: not met counts an unknown
        condition too); None (pending) when a counted amount is."""
        from farmcli.outputs.reports import paper

        if flag is not None:
            rows = [r for r in rows if (r.get(flag) is True) == value]
        return paper.amount_sum(rows, column)

    def sum_row(self, rows: list[dict], label_column: str, columns: list[str]) -> dict:
        return {label_column: "合计", **{c: self.sum(rows, c) for c in columns}}

    def plan_total(self, table: ResultTable) -> list[dict]:
        """A plan's totals: what is due (conditions met) and what is held back, never one sum."""
        from farmcli.outputs.reports import paper

        return paper.condition_totals(table) or []

    def count_rows(self, label: str, suffix: str) -> ResultTable:
        """The settlement's counts named `<x><suffix>` as a two-column table."""
        rows = [{label: t.name.removesuffix(suffix), suffix: t.value} for t in self.s.totals if t.name.endswith(suffix)]
        return ResultTable(label, [Col(label), Col(suffix, COUNT)], rows)

    def _label(self) -> str:
        """表1, 表2 … in the body; a table in an annex is named by the annex's heading."""
        last = self.sections[-1] if self.sections else None
        if last is not None and last.level == 0:
            self.tables -= 1
            return ""
        return f"表{self.tables}"

    def pay(self, source: ResultTable, unit: str, total: str | None, paid: str | None, due: str, title: str = "",
            rows: list[dict] | None = None, note: str = "", recover: bool = False) -> str:
        """The 资金拨付审批表 from a result table: one row per payee (`unit`, a column or a pattern
        like "{乡镇名称}（{所属县}）"), 补助总额 (`total`), 已拨付 (`paid`), 本次拨付 the amount due
        now (`due`: a negative one is paid over and to be recovered, a pending one 待定). A policy
        whose table has no grant total or payments leaves `total`/`paid` None: the form drops that
        column rather than print a 0 nobody counted. `recover`: the money flows back (应收回): the
        form is a 资金收回审批表 whose amounts are positive under 本次收回. `note` fills 备注
        ("{column}" patterns, figures shown as on paper)."""
        from farmcli.outputs.reports.daxie import daxie

        verb = "收回" if recover else "拨付"
        now_col, words_col = f"本次{verb}", f"本次{verb}（大写）"
        kinds = {c.name: c.kind for c in source.columns}
        rows_in = list(source.rows if rows is None else rows)
        form = []
        for n, r in enumerate(rows_in, start=1):
            owed = r.get(due)
            remark = _fill(note, r, kinds)
            if owed is None:
                now, words, remark = None, PENDING, _join("金额待定，暂不" + verb, remark)
            elif owed < 0:  # paid over (应追回), or recovered over (应退还): never a negative amount
                over = f"多收回 {show(-owed, MONEY)} 元，应退还" if recover else f"多拨 {show(-owed, MONEY)} 元，应追回"
                now, words, remark = Decimal("0.00"), "零元整", _join(over, remark)
            else:
                now, words = owed, daxie(owed)
            form.append({"序号": n, "单位": _fill(unit, r, kinds) if "{" in unit else r.get(unit),
                         "补助总额": r.get(total) if total else None, "已拨付": r.get(paid) if paid else None,
                         now_col: now, words_col: words, "备注": remark})
        figures = [r[now_col] for r in form]
        pending = any(v is None for v in figures)
        amount = None if pending else sum(figures, Decimal("0.00"))
        total_row = {"单位": "合计", now_col: amount, words_col: PENDING if pending else daxie(amount), "备注": ""}
        for name, column in (("补助总额", total), ("已拨付", paid)):
            cells = [r.get(column) for r in rows_in] if column else []
            total_row[name] = None if None in cells else sum(cells, Decimal("0.00"))
        columns = [c for c in APPROVAL_COLUMNS if (c.name, None) not in (("补助总额", total), ("已拨付", paid))]
        columns = [Col(now_col, MONEY) if c.name == "本次拨付" else Col(words_col) if c.name == "本次拨付（大写）" else c
                   for c in columns]
        place = f"{self.s.meta.get('地区', '')}{self.s.year}年度{self.s.policy.title}"
        fund = "" if place.endswith("资金") else "资金"
        self.approval = Approval(title or f"{place}{fund}{verb}审批表", form, total_row, total_row[words_col],
                                 columns=columns, recover=recover)
        return ""


def _fill(pattern: str, row: dict, kinds: dict[str, str]) -> str:
    """A "{column}" pattern filled from a row, each figure shown as on paper (待定 when pending)."""
    import string

    if not pattern:
        return ""
    names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name]
    return pattern.format_map({n: show(row.get(n), kinds.get(n, TEXT)) for n in names})


def _join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def _flat(text: str) -> str:
    """A paragraph as one line: the template's line breaks are only for reading it."""
    return "".join(line.strip() for line in str(text).splitlines()).strip()


def _unit(columns: list[Col]) -> str:
    units = [u for u, mark in (("元", "(元)"), ("亩", "(亩)")) if any(mark in c.name for c in columns)]
    return f"单位：{'、'.join(units)}" if units else ""


def build(s, today: dt.date) -> Document:
    """The settlement as a document: the policy's own sections, then 存在问题, 拨付建议 and 附表."""
    import jinja2
    from importlib import resources

    from farmcli.outputs.reports import paper

    doc = Builder(s)
    root = resources.files("farmcli_templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), autoescape=False,
                             undefined=jinja2.StrictUndefined)
    env.filters["show"] = show
    template = env.get_template(f"{s.policy.id}.md.j2")
    context = template.new_context({
        "s": s, "doc": doc, "tables": {t.name: t for t in s.tables}, "totals": {t.name: t for t in s.totals},
        "spelled": paper.spelled, "spelled_amount": paper.amount_words, "PENDING": PENDING,
    })
    for block in ("basics", "results", "payment"):
        "".join(template.blocks[block](context))
    _problems(doc, s)
    _advice(doc, s)
    if "annex" in template.blocks:
        "".join(template.blocks["annex"](context))
    shared = env.get_template("annex.md.j2")
    "".join(shared.blocks["scoring"](shared.new_context(context.get_all())))
    "".join(shared.blocks["collection"](shared.new_context(context.get_all())))
    _changes(doc, s)
    _params(doc, s)
    issuer = s.meta.get("填报单位") or "（台账「设置」表未填 填报单位）"
    other = ledger_year(s)
    subtitle = f"（按 {s.year} 年度结算；台账「设置」表的年度为 {other}）" if other else ""
    return Document(f"{s.meta.get('地区', '')}{s.year}年度{s.policy.title}结算报告", issuer, today,
                    banner(s), doc.sections, doc.approval, subtitle)


def finding_text(f) -> str:
    """A finding in plain Chinese for the report: where, what; no code."""
    text = f.message.replace(" farmcli ", "").replace("farmcli ", "").replace("farmcli", "")
    return f"{text}（{f.location}）" if f.location else text


def _problems(doc: Builder, s) -> None:
    doc.section("存在问题")
    shown = [f for f in sorted_findings(s.findings) if f.code not in FORM_ONLY]
    if not shown:
        doc.para("经核对，台账数据未发现影响结算的问题。")
        return
    counts = count_by_severity(shown)
    doc.para("经核对，" + "，".join(f"{SEVERITY_ZH[k]} {v} 项" for k, v in counts.items() if v) + "：")
    for n, f in enumerate(shown, start=1):
        doc.item(f"{SEVERITY_ZH[f.severity]}：{finding_text(f)}")


def _advice(doc: Builder, s) -> None:
    from farmcli.outputs.reports import paper

    doc.section("拨付建议")
    if banner(s):
        doc.para("上述错误改正前，标为“待定”的金额不能作为拨付依据。建议先按“存在问题”逐项改正台账，重新结算后再办理拨付。")
        return
    amounts = paper.total_amounts(s)
    due = [a for a in amounts if a[2] == paper.DAXIE and a[1] > 0]
    if doc.approval is not None:
        a = doc.approval
        verb = "收回" if a.recover else "拨付"
        doc.para(f"建议按附后的资金{verb}审批表办理{verb}，本次{verb}合计 {show(a.total[a.amount], MONEY)} 元"
                 f"（{a.total_words}）。")
    elif due:
        name, value, _, words = due[-1]
        doc.para(f"建议按本报告办理拨付：{name.removesuffix('(元)')} {show(value, MONEY)} 元（{words}）。")
    # the 收回审批表 already says what to recover, in figures and 大写
    recover = set() if doc.approval is not None and doc.approval.recover else \
        {t.name for t in s.totals if paper.is_recover(t)}
    for name, value, label, words in amounts:
        if name in recover:
            doc.para(f"{name.removesuffix('(元)')} {show(abs(value), MONEY)} 元（{words}），应予追回。")
        elif value < 0:
            doc.para(f"{name.removesuffix('(元)')}：{paper.amount_words(value)}。")


def _changes(doc: Builder, s) -> None:
    from farmcli.outputs.reports import paper

    if s.changes is None:
        return
    doc.annex("与上次结算相比")
    if s.changes.previous is None:
        doc.para("首次结算，没有可比较的上次结果。")
    elif not s.changes.items and getattr(s.changes, "earlier_items", None):
        # no change: the earlier list kept, with its date (issue 25 §2)
        doc.para(f"与上次结算相比没有变化；{s.changes.earlier_date} 的变化如下：")
        for item in paper.change_items(s.changes.earlier_items):
            doc.item(paper.change_text(item))
    elif not s.changes.items:
        doc.para("金额和状态都没有变化。")
    else:
        items = paper.change_items(s.changes.items)
        doc.para(f"共 {len(items)} 处变化：")
        for item in items:
            doc.item(paper.change_text(item))


def _params(doc: Builder, s) -> None:
    from farmcli.outputs.values import param_kind

    doc.annex("参数与依据")
    rows = [{"参数": p.name, "值": show(p.value, param_kind(p.type)), "单位": p.unit, "依据": p.citation}
            for p in s.params.values()]
    doc.table([Col("参数"), Col("值"), Col("单位"), Col("依据")], rows=rows, caption="结算参数", total=False, unit="")
