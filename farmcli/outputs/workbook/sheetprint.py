"""Result sheets ready for paper: A4, one page wide, header row repeated, a printed title,
第 &P 页 共 &N 页, borders, wrapped long text and a Chinese font (SPEC §6 Paper).

Only the result sheets written by xlsxwriter use this; the ledger's own sheets keep theirs.
"""

from __future__ import annotations

from farmcli.model.result import AREA, COUNT, DATE, MONEY, RATIO, SCORE
from farmcli.outputs.values import Typed, display_width, show, shown_text  # noqa: F401 (re-exported)

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
# SPEC §6: one page wide at no less than 85%. Fitting aims a little higher, as clients round the
# scale down to a whole percent and measure a column a pixel or two differently.
MIN_SCALE, AIM_SCALE = 0.85, 0.88
MARGIN_INCHES = 0.5  # left and right
PAGE_INCHES = {False: 210 / 25.4, True: 297 / 25.4}  # A4 width: portrait, landscape
# How narrow a text column may wrap to fit the page: in portrait no narrower than 8 characters a
# line (a wide table goes landscape instead), in landscape 5.
TEXT_FLOOR = {False: 16, True: 10}


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
        self.note = book.add_format({"font_name": FONT, "font_size": SIZE, "text_wrap": True, "valign": "top"})

    def of(self, kind: str, bold: bool = False):
        return (self.bold_kinds if bold else self.kinds).get(kind) or (self.bold_text if bold else self.text)


def widths_for(names: list[str], natural: list[int], least: list[int] | None = None) -> list[int]:
    """Column widths: free-text columns wrap at WRAP_WIDTH, other text at NARROW_WIDTH; then text
    wraps narrower where the page needs it (`fit`), never below `least` (the widest number,
    date or short word a column holds: those never break)."""
    out = []
    for name, width in zip(names, natural):
        cap = CAPS.get(name) or (DAXIE_WIDTH if "大写" in name else WRAP_WIDTH if width > NARROW_WIDTH
                                 else NARROW_WIDTH)
        out.append(max(min(width + 2, cap), header_floor(name)))
    return fit(names, out, least or [0] * len(out))


# A column that says the same on every row (the one citation a whole table rests on) is printed
# once, as a line under the table, instead of wrapping down every row (issue 26 §3).
NOTE_COLUMNS = ("依据",)


def shared_note(columns: list, rows: list[dict]) -> tuple[list, str | None]:
    """The columns to print and the note under the table ("依据：…"), or None."""
    for col in columns:
        values = {str(r.get(col.name) or "") for r in rows}
        if col.name in NOTE_COLUMNS and len(values) == 1 and "" not in values and len(columns) > 1:
            return [c for c in columns if c is not col], f"{col.name}：{values.pop()}"
    return columns, None


def header_floor(name: str) -> int:
    """The narrowest a column may be: its header in two lines."""
    return max(display_width(name) // 2 + 3, 6)


def column_pixels(width: float) -> int:
    """A column's width on screen and paper, as Excel counts it (7 px a digit, 5 px padding)."""
    return int(width * 7 + 0.5) + 5


def scale(widths: list[float], landscape: bool) -> float:
    """The print scale that fits these columns one page wide on A4 (1: no shrinking)."""
    printable = (PAGE_INCHES[landscape] - 2 * MARGIN_INCHES) * 96
    return min(1.0, printable / max(1, sum(column_pixels(w) for w in widths)))


def landscape_for(widths: list[float]) -> bool:
    return scale(widths, False) < MIN_SCALE


def fit(names: list[str], widths: list[int], least: list[int]) -> list[int]:
    """Widths that print one page wide at AIM_SCALE or more: portrait if the text can wrap to fit it
    (no narrower than TEXT_FLOOR), else landscape. The widest columns wrap first (a common cap);
    a column never goes below `least`."""
    for landscape in (False, True):
        floors = [min(w, max(TEXT_FLOOR[landscape], header_floor(n), low)) for n, w, low in zip(names, widths, least)]
        for cap in range(max(widths, default=0), min(floors, default=0) - 1, -1):
            fitted = [max(min(w, cap), f) for w, f in zip(widths, floors)]
            if scale(fitted, landscape) >= AIM_SCALE:
                return fitted
    return floors  # wider than landscape A4 allows even wrapped: the narrowest it can be


def page_setup(ws, title: str, widths: list[int], header_rows: int = 1) -> None:
    """A4, landscape when wide, one page wide, header rows repeated, title and page numbers."""
    ws.set_paper(9)
    if landscape_for(widths):
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=MARGIN_INCHES, right=MARGIN_INCHES, top=0.75, bottom=0.6)
    ws.center_horizontally()
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    ws.set_header(f'&C&"{FONT},Bold"&14{escape(title)}', {"margin": 0.3})
    ws.set_footer(f'&C&"{FONT},Regular"&9第 &P 页 共 &N 页', {"margin": 0.3})


def escape(text: str) -> str:
    """Header text: a literal & is written &&."""
    return text.replace("&", "&&")


def unbroken(value) -> int:
    """The width a cell needs on one line: a number, date or short word (≤ 4 characters, 是/否,
    待定) never breaks; longer text may wrap."""
    text = shown_text(value)
    if isinstance(value, str) and display_width(text) > 8:
        return 0
    return display_width(text) + 2


LINE_HEIGHT = 13.5  # points per line of 10-point 宋体


def row_height(texts: list[str], widths: list[int]) -> float | None:
    """Height for a row whose cells wrap (no client measures the text when it opens the file);
    None keeps the default for a one-line row."""
    import math

    # Excel: a column w wide is about 7w + 5 pixels; 10-point 宋体 is 13.3 px a CJK character (2 units)
    lines = max([1] + [math.ceil(display_width(t) / max(1.05 * w - 1, 1)) for t, w in zip(texts, widths) if t])
    return None if lines == 1 else LINE_HEIGHT * lines + 3
