"""The result sheets, written with xlsxwriter; `filled.py` puts them in front of the ledger's own package.

Written with xlsxwriter in constant-memory mode: every sheet is written row by row
and streamed to disk, so a million-row 图斑 sheet costs little memory. Every text cell is
written with `write_string`, so ledger text starting with = + - @ stays text.
Document properties are fixed so the same settlement gives the same workbook.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from farmcli.model.findings import SEVERITY_ZH, severity_summary, sorted_findings
from farmcli.model.progress import BIG_SHEET, STEP, Progress
from farmcli.model.result import COUNT, MONEY, POINTS, TEXT, Col, Measure, ResultTable, body as with_total_row
from farmcli.outputs.reports import paper
from farmcli.outputs.workbook.approval import write_approval
from farmcli.outputs.workbook.charts import add_charts
from farmcli.outputs.workbook.sheetprint import FONT, SIZE, Formats, Typed, display_width, fit, page_setup, row_height, shared_note, unbroken, widths_for
from farmcli.scoring.score import AUDITED_GRADE, CLAIMED_GRADE, SCORE_SHEET
from farmcli.outputs.values import FIGURES, FIXED_TIME, PENDING, show, shown_text
from farmcli.settlement.build import Settlement


class Writer:
    def __init__(self, path: Path):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "constant_memory": True, "default_date_format": "yyyy-mm-dd",
        })
        self.book.set_properties({"created": FIXED_TIME, "author": "farmcli", "comments": "farmcli 生成"})
        self.paper = Formats(self.book)  # result sheets: borders, wrapping, Chinese font

    def cell(self, ws, r: int, c: int, value, kind: str = "text", bold: bool = False) -> str:
        """Write one typed value; returns the text it shows, for column widths."""
        if isinstance(value, Typed):
            value, kind = value.value, value.kind
        fmt = self.paper.of(kind, bold)
        if value is None and kind in FIGURES:  # a pending figure says so (SPEC §1), never a blank cell
            ws.write_string(r, c, PENDING, self.paper.of("text", bold))
            return PENDING
        if value is None or value == "":
            ws.write_blank(r, c, None, fmt)
            return ""
        if isinstance(value, bool):
            ws.write_string(r, c, show(value), fmt)
            return show(value)
        if isinstance(value, (Decimal, int, float)):
            ws.write_number(r, c, float(value), fmt)
            return shown_text(value)
        if isinstance(value, (dt.datetime, dt.date)):
            moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
            ws.write_datetime(r, c, moment, self.paper.of("date", bold))
            return shown_text(value)
        text = show(value) if isinstance(value, Measure) else str(value)
        ws.write_string(r, c, text, fmt)
        return text

    def table(self, name: str, columns: list[Col], rows: list[dict], total: dict | None = None,
              title: str = ""):
        """A result sheet, laid out for A4 (see sheetprint). Returns the worksheet, for charts."""
        ws = self.book.add_worksheet(name)
        columns, note = shared_note(columns, rows)
        body = with_total_row(rows, total)
        natural = [max([0] + [display_width(shown_text(row.get(col.name))) for row in body]) for col in columns]
        least = [max([0] + [unbroken(row.get(col.name)) for row in body]) if col.kind == TEXT else width + 2
                 for col, width in zip(columns, natural)]
        widths = widths_for([c.name for c in columns], natural, least)
        # constant-memory mode: column widths before the first row is written
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        page_setup(ws, title or name, widths)
        ws.set_row(0, row_height([c.name for c in columns], widths))
        for c, col in enumerate(columns):
            ws.write_string(0, c, col.name, self.paper.header)
        for r, row in enumerate(body, start=1):
            bold = total is not None and r == len(body)
            # wrapped text: the height set before the row's cells (constant-memory mode)
            ws.set_row(r, row_height([shown_text(row.get(c.name)) for c in columns], widths))
            for c, col in enumerate(columns):
                self.cell(ws, r, c, row[col.name] if col.name in row else "", col.kind, bold)
        if note:  # after a blank row, across the table
            ws.set_row(len(body) + 2, row_height([note], [sum(widths)]))
            ws.merge_range(len(body) + 2, 0, len(body) + 2, len(columns) - 1, note, self.paper.note)
        ws.freeze_panes(1, 0)
        if body:
            ws.autofilter(0, 0, len(body), len(columns) - 1)
        return ws

    def score_sheet(self, table: ResultTable, claimed_grade: str, audited_grade: str, title: str = "", name: str | None = None) -> None:
        """绩效评分 laid out like 附件2: 一级/二级/三级 and 指标内容 merged over their items."""
        book = self.book
        ws = book.add_worksheet(name or table.name)
        font = {"font_name": FONT, "font_size": SIZE}
        wrap = book.add_format({"text_wrap": True, "valign": "vcenter", "border": 1, **font})
        score = book.add_format({"num_format": "0.00", "valign": "vcenter", "border": 1, **font})
        bold = book.add_format({"bold": True, "border": 1, "align": "center", "num_format": "0.00", **font})
        layout = SCORE_SHEET  # declared by scoring: which columns merge, which are scores (附件2)
        headers = layout.columns
        first_score = len(layout.headings) + 1
        last_score = first_score + len(layout.scores) - 1
        # the text wraps to fit the page at 85% or more (SPEC §6); the scores keep their width
        keep = [w if first_score <= c <= last_score else 0 for c, w in enumerate(layout.widths)]
        widths = fit(headers, list(layout.widths), keep)
        page_setup(ws, title or table.name, widths)
        ws.write_row(0, 0, headers, self.paper.header)
        rows = table.rows
        cells: dict[tuple[int, int], object] = {}
        for r, row in enumerate(rows, start=1):
            siblings = [x for x in rows if x[layout.group] == row[layout.group]]
            text = row[layout.item]
            cells[(r, first_score - 1)] = f"{row[layout.number]}、{text}" if len(siblings) > 1 else text
            for c, key in enumerate(layout.scores, start=first_score):
                cells[(r, c)] = row[key]
            cells[(r, last_score + 1)] = row[layout.basis]
        # Merged cells span rows, and constant-memory mode writes rows in order only: the first cell of
        # each merge gets its value, the others a formatted blank, all in row order; the ranges are
        # registered afterwards, as xlsxwriter's own merge_range would (its `merge` list).
        merges = []
        for c, heading in enumerate(layout.headings):
            for first, last in _runs(rows, heading.merge_by):
                row = rows[first]
                value = row[heading.column]
                cells[(first + 1, c)] = value if heading.points is None else f"{value}（{_points(row[heading.points])}分）"
                cells.update({(r + 1, c): None for r in range(first + 1, last + 1)})
                if last > first:
                    merges.append([first + 1, c, last + 1, c])
        heights = _row_heights(cells, merges, widths)
        current = None
        for (r, c) in sorted(cells):
            if r != current:  # constant-memory mode: a row's height is set before its cells
                current = r
                ws.set_row(r, heights.get(r))
            value, fmt = cells[(r, c)], (score if first_score <= c <= last_score else wrap)
            if value is None:
                ws.write_blank(r, c, None, fmt)
            elif isinstance(value, Decimal):
                ws.write_number(r, c, float(value), fmt)
            else:
                ws.write_string(r, c, str(value), fmt)
        end = len(rows) + 1
        ws.merge_range(end, 0, end, first_score - 1, "总分", bold)
        for c, key in enumerate(layout.scores, start=first_score):
            ws.write_number(end, c, float(table.total[key]), bold)
        ws.merge_range(end + 1, 0, end + 1, first_score - 1, "评价等级", bold)
        ws.write_string(end + 1, last_score - 1, claimed_grade, bold)
        ws.write_string(end + 1, last_score, audited_grade, bold)
        ws.merge.extend(merges)
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        ws.freeze_panes(1, 0)

    def copy_sheet(self, name: str, rows: list[list], progress: Progress | None = None) -> None:
        """A ledger sheet, cell for cell, values as read (formats are not carried over). Text is
        written as text (strings_to_formulas is off); dates take the workbook's date format."""
        ws = self.book.add_worksheet(name)
        report = progress if progress is not None and len(rows) > BIG_SHEET else None
        for r, row in enumerate(rows):
            if any(isinstance(v, (dt.time, dt.timedelta)) for v in row):
                row = [v.isoformat() if isinstance(v, dt.time) else str(v) if isinstance(v, dt.timedelta) else v
                       for v in row]
            ws.write_row(r, 0, row)
            if report is not None and r % STEP == 0:
                report(f"写出「{name}」", r, len(rows))
        if report is not None:
            report(f"写出「{name}」", len(rows), len(rows))


def _runs(rows: list[dict], key: tuple[str, ...]) -> list[tuple[int, int]]:
    """(first, last) index of each run of consecutive rows sharing `key`."""
    runs: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        if runs and all(rows[runs[-1][0]][k] == row[k] for k in key):
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _row_heights(cells: dict, merges: list, widths: tuple) -> dict[int, float]:
    """Row heights so wrapped text shows whole (xlsxwriter cannot measure text): 15 points a line,
    lines estimated from the text's display width; merged cells share their rows' height."""
    import math

    merged = {(r, c) for first, c, last, _ in merges for r in range(first, last + 1)}
    lines: dict[int, int] = {}
    for (r, c), value in cells.items():
        if isinstance(value, str) and (r, c) not in merged:
            need = math.ceil(display_width(value) / max(widths[c] - 2, 1))
            lines[r] = max(lines.get(r, 1), need)
    for first, c, last, _ in merges:
        text = cells.get((first, c))
        if isinstance(text, str):
            need = math.ceil(display_width(text) / max(widths[c] - 2, 1))
            have = sum(lines.get(r, 1) for r in range(first, last + 1))
            if need > have:
                lines[last] = lines.get(last, 1) + need - have
    return {r: 15.0 * n for r, n in lines.items() if n > 1}


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}"


def write_results(w: Writer, s: Settlement, names: dict[str, str], form) -> None:
    """The result sheets; `form` is the settlement's 审批表 (`approval.approval_of`), or None."""
    overview = w.table(names["结算总览"], OVERVIEW_COLUMNS, _overview_rows(s), title=paper.title(s, "结算总览"))
    overview.activate()  # the clerk sees the results first
    totals = {t.name: t.value for t in s.totals}
    placed = {}
    for table in s.tables:
        if table.role(POINTS):  # the scoring table: laid out like 附件2
            w.score_sheet(table, totals.get(CLAIMED_GRADE, ""), totals.get(AUDITED_GRADE, ""),
                          paper.title(s, table.name), names[table.name])
        else:
            printed = paper.print_table(table)
            w.table(names[table.name], printed.columns, printed.rows, printed.total, paper.title(s, table.name))
            placed[table.name] = printed
    approval = write_approval(w, form, s, names)
    add_charts(w, s, placed, names["图表"], approval)
    if s.changes is not None:
        w.table(names["变更"], paper.CHANGE_COLUMNS, change_rows(s), title=paper.title(s, "变更"))
    w.table(names["发现问题"], FINDING_COLUMNS, finding_rows(s), title=paper.title(s, "发现问题"))
    w.table(names["参数"], PARAM_COLUMNS, _typed_params(s), title=paper.title(s, "参数"))


def _typed_params(s: Settlement) -> list[dict]:
    """参数 with values as numbers (formatted), not as text."""
    from farmcli.outputs.values import param_kind

    rows = param_rows(s)
    for row, p in zip(rows, s.params.values()):
        kind = param_kind(p.type)
        if isinstance(p.value, (Decimal, int, dt.date)) and not isinstance(p.value, bool):
            row["值"] = Typed(p.value, "number" if kind == "number" else kind)
    return rows


OVERVIEW_COLUMNS = [Col("项目"), Col("值"), Col("大写金额"), Col("依据")]


def _overview_rows(s: Settlement) -> list[dict]:
    from farmcli.outputs.reports.document import banner

    warning = banner(s)
    rows = [{"项目": "注意", "值": warning}] if warning else []
    rows += [{"项目": "政策", "值": f"{s.policy.id}（{s.policy.title}）", "依据": s.policy.document},
            {"项目": "年度", "值": Typed(s.year, "number")}, {"项目": "台账文件", "值": s.ledger.name}]
    rows += [{"项目": k, "值": v} for k, v in s.meta.items() if k not in ("政策", "年度")]
    spelled = {name: (label, text) for name, _, label, text in paper.total_amounts(s)}
    for t in s.totals:
        label, text = spelled.get(t.name, ("", ""))
        rows.append({"项目": t.name, "值": Typed(t.value, t.kind),
                     "大写金额": f"{label}：{text}" if paper.is_recover(t) else text})
    rows.append({"项目": "发现问题", "值": severity_summary(s.findings)})
    return rows


FINDING_COLUMNS = [Col("序号", COUNT), Col("级别"), Col("代码"), Col("说明"), Col("位置"), Col("依据")]
PARAM_COLUMNS = [Col("参数"), Col("值"), Col("单位"), Col("来源"), Col("适用期"), Col("依据")]


def change_rows(s: Settlement) -> list[dict]:
    if s.changes.previous is None:
        return [{"表": "首次结算：没有可比较的上次结果"}]
    if not s.changes.items and s.changes.earlier_items:
        return [{"表": f"与上次结算相比没有变化；{s.changes.earlier_date} 的变化如下"}] + s.changes.earlier_items
    if not s.changes.items:
        return [{"表": "与上次结算相比，金额和状态没有变化"}]
    return paper.change_rows(s.changes.items)


def finding_rows(s: Settlement) -> list[dict]:
    return [{"序号": n, "级别": SEVERITY_ZH[f.severity], "代码": f.code, "说明": f.message,
             "位置": f.location, "依据": f.citation} for n, f in enumerate(sorted_findings(s.findings), start=1)]


def param_rows(s: Settlement) -> list[dict]:
    from farmcli.outputs.values import param_kind, show

    source_zh = {"default": "默认值（政策文件）", "--set": "命令行 --set", "未设置": "未设置（文件未定数值，设置后才适用）"}
    rows = []
    for p in s.params.values():
        rows.append({"参数": p.name, "值": show(p.value, param_kind(p.type)), "单位": p.unit,
                     "来源": source_zh.get(p.source, f"「设置」表 {p.source}"),
                     "适用期": f"{p.start or '…'} 至 {p.end or '…'}", "依据": p.citation})
    return rows
