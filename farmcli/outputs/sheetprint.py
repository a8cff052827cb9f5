"""Result sheets ready for paper: A4, one page wide, header row repeated, a printed title,
第 &P 页 共 &N 页, borders, wrapped long text and a Chinese font (SPEC §6 Paper).

Only the result sheets written by xlsxwriter use this; the ledger's own sheets keep theirs.
"""

from __future__ import annotations

from farmcli.model.result import AREA, COUNT, DATE, MONEY, RATIO, SCORE
from farmcli.outputs.values import Typed, display_width, show  # noqa: F401 (re-exported)

FONT = "宋体"  # SimSun on every Chinese Windows; LibreOffice falls back to a CJK font
SIZE = 10
NUMBER_FORMATS = {MONEY: "#,##0.00", AREA: "#,##0.00##", RATIO: "0.00%", COUNT: "#,##0", SCORE: "0.00",
                  DATE: "yyyy-mm-dd", "number": "General"}
# Columns of free text (longer than NARROW_WIDTH) wrap at a readable width instead of stretching the page.
WRAP_WIDTH = 24
DAXIE_WIDTH = 34  # a 大写金额 up to 亿 on one line
# 依据 repeats long citations and 值 holds the ledger's 说明: wider, so rows stay few lines high
CAPS = {"依据": 36, "值": 40}
NARROW_WIDTH = 18  # other text columns wrap beyond this
LANDSCAPE_FROM = 150  # total column width above which portrait A4 would shrink the print below 2/3


class Formats:
    """The result sheets' cell formats, all bordered and in the Chinese font."""

    def __init__(self, book):
        base = {"font_name": FONT, "font_size": SIZE, "border": 1, "valign": "vcenter"}
        add = lambda **kw: book.add_format({**base, **kw})  # noqa: E731
        self.header = add(bold=True, bg_color="#DDEBF7", text_wrap=True, align="center")
        self.text = add(text_wrap=True)
        self.bold_text = add(text_wrap=True, bold=True)
        self.kinds = {k: add(num_format=f) for k, f in NUMBER_FORMATS.items()}
        self.bold_kinds = {k: add(num_format=f, bold=True) for k, f in NUMBER_FORMATS.items()}

    def of(self, kind: str, bold: bool = False):
        return (self.bold_kinds if bold else self.kinds).get(kind) or (self.bold_text if bold else self.text)


def widths_for(names: list[str], natural: list[int]) -> list[int]:
    """Column widths: free-text columns wrap at WRAP_WIDTH, other text at NARROW_WIDTH."""
    out = []
    for name, width in zip(names, natural):
        cap = CAPS.get(name) or (DAXIE_WIDTH if "大写" in name else WRAP_WIDTH if width > NARROW_WIDTH
                                 else NARROW_WIDTH)
        out.append(max(min(width + 2, cap), display_width(name) // 2 + 3, 6))
    return out


def page_setup(ws, title: str, widths: list[int], header_rows: int = 1) -> None:
    """A4, landscape when wide, one page wide, header rows repeated, title and page numbers."""
    ws.set_paper(9)
    if sum(widths) > LANDSCAPE_FROM:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.6)
    ws.center_horizontally()
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    ws.set_header(f'&C&"{FONT},Bold"&14{escape(title)}', {"margin": 0.3})
    ws.set_footer(f'&C&"{FONT},Regular"&9第 &P 页 共 &N 页', {"margin": 0.3})


def escape(text: str) -> str:
    """Header text: a literal & is written &&."""
    return text.replace("&", "&&")


def shown_text(value) -> str:
    """Roughly the text a cell shows, for its column's width (numbers at two decimals)."""
    import datetime as dt
    from decimal import Decimal

    if isinstance(value, Typed):
        value = value.value
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return f"{float(value):,.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return "2022-11-30"
    return show(value, MONEY if value is None else "")


LINE_HEIGHT = 13.5  # points per line of 10-point 宋体


def row_height(texts: list[str], widths: list[int]) -> float | None:
    """Height for a row whose cells wrap (no client measures the text when it opens the file);
    None keeps the default for a one-line row."""
    import math

    # Excel: a column w wide is about 7w + 5 pixels; 10-point 宋体 is 13.3 px a CJK character (2 units)
    lines = max([1] + [math.ceil(display_width(t) / max(1.05 * w - 1, 1)) for t, w in zip(texts, widths) if t])
    return None if lines == 1 else LINE_HEIGHT * lines + 3
