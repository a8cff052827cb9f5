"""资金拨付审批表 as a result sheet of the workbook: the same rows as the Word report's last page
(the document model's `Approval`), on one A4 page, with the two bureaus' approval blocks below.
A recovery form (the money flows back) is the sheet 资金收回审批表."""

from __future__ import annotations

import datetime as dt

from farmcli.outputs.workbook.sheetprint import FONT, SIZE, page_setup
from farmcli.outputs.values import display_width, show

WIDTHS = {"序号": 5, "单位": 14, "补助总额": 14, "已拨付": 14, "本次拨付": 14, "本次拨付（大写）": 30,
          "本次收回": 14, "本次收回（大写）": 30, "备注": 16}


APPROVAL_SHEET = "资金拨付审批表"  # the sheet of the form, when the policy pays someone
RECOVERY_SHEET = "资金收回审批表"  # …and when the money flows back (a recovery form: jiangsu-fund)


def approval_of(s):
    """The settlement's 资金拨付审批表, or None when the policy pays no one."""
    from farmcli.outputs.reports.document import build

    return build(s, dt.date(2000, 1, 1)).approval


def form_sheet(form) -> str:
    """The sheet's name says what the form is: a 资金收回审批表 is not filed as a 拨付 one."""
    return RECOVERY_SHEET if form is not None and form.recover else APPROVAL_SHEET


def write_approval(w, a, s, names: dict[str, str]):
    """The 审批表 `a` (`approval_of(s)`) as its sheet; returns it (for the payee chart), or None."""
    from farmcli.outputs.reports.paper import title

    if a is None:
        return None
    ws = w.book.add_worksheet(names[form_sheet(a)])
    widths = [max(WIDTHS.get(c.name, 12), max([display_width(show(r.get(c.name), c.kind)) + 2 for r in a.body()]))
              for c in a.columns]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    page_setup(ws, title(s, form_sheet(a)), widths, header_rows=1)
    ws.set_landscape()
    ws.fit_to_pages(1, 1)  # the form is one page: up to 20 payees at full size
    for c, col in enumerate(a.columns):
        ws.write_string(0, c, col.name, w.paper.header)
    for r, row in enumerate(a.body(), start=1):
        bold = row is a.total
        for c, col in enumerate(a.columns):
            w.cell(ws, r, c, row[col.name] if col.name in row else "", col.kind, bold)
    top = len(a.body()) + 2
    sign = w.book.add_format({"font_name": FONT, "font_size": SIZE, "text_wrap": True, "valign": "top", "border": 1})
    half = len(a.columns) // 2
    spans = [(0, half), (half + 1, len(a.columns) - 1)]
    ws.set_row(top, 15 * (len(a.roles) + 2))
    for bureau, (first, last) in zip(a.bureaus, spans):
        lines = [f"{bureau}意见："] + [f"{role}：＿＿＿＿＿＿" for role in a.roles] + ["签字（盖章）　　日期：　　年　　月　　日"]
        ws.merge_range(top, first, top, last, "\n".join(lines), sign)
    return a
