"""The Word report (.docx) the bureau files and prints: the document model (`document.py`) laid out
the way county bureaus lay out their documents (GB/T 9704-2012): A4, margins 37/35/28/26 mm, title
in 2号 小标宋, body in 3号 仿宋, 一、 headings in 黑体, （一） in 楷体, tables in 五号 宋体 with
captions and units above, page numbers "— 1 —" in 4号 宋体, the 编制单位 and signature lines, and
the 资金拨付审批表 as the last page (landscape). The layout lives here only.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from farmcli.outputs.reports.document import Approval, Document, Para, Table, build
from farmcli.outputs.values import NUMERIC, display_width, show

TITLE_FONT, BODY_FONT, HEAD_FONT, KAI_FONT, TABLE_FONT = "方正小标宋简体", "仿宋", "黑体", "楷体", "宋体"
TITLE_SIZE, BODY_SIZE, NOTE_SIZE, TABLE_SIZE, FOOTER_SIZE = 22, 16, 14, 10.5, 14  # 2号, 3号, 4号, 五号, 4号
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # mm, GB/T 9704-2012 7.2
LINE = 28  # points: 22 lines of 3号 on a type area of 225 mm
APPROVAL_MARGIN = 15  # mm on the landscape 审批表 page: 20 payees and both approval blocks on one page
DATE_ENV = "FARMCLI_REPORT_DATE"  # YYYY-MM-DD: fixes the report's date (tests, re-issuing a report)
FIXED_TIME = dt.datetime(2000, 1, 1)
MM_PER_PT = 25.4 / 72
FREE_TEXT_MM = 45  # a free-text column is never narrower than this (about 12 characters)
CELL_PAD = 4.4  # mm of cell margins (1.9 mm each side in Word and LibreOffice) and a little air


def report_date(today: dt.date | None = None) -> dt.date:
    if today is not None:
        return today
    fixed = os.environ.get(DATE_ENV)
    if fixed:
        try:
            return dt.date.fromisoformat(fixed.strip())
        except ValueError:
            from farmcli.model.findings import LedgerError

            raise LedgerError(f"环境变量 {DATE_ENV}=“{fixed}” 不是日期。请写成如 2023-07-08，或删除该变量。") from None
    return dt.date.today()


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write_word(s, outputs: dict[str, str], path: Path, today: dt.date | None = None) -> None:
    render_word(build(s, report_date(today)), path)


def render_word(model: Document, path: Path) -> None:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Docx()
    _page(doc.sections[0])
    _footer(doc.sections[0].footer)
    _styles(doc)
    props = doc.core_properties  # fixed, so the same settlement gives the same file
    props.author, props.last_modified_by, props.created, props.modified = "", "", FIXED_TIME, FIXED_TIME
    props.revision, props.comments, props.title = 1, "", model.title
    _text(doc, model.title, TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, line=36, after=LINE)
    if model.subtitle:
        _text(doc, model.subtitle, KAI_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    if model.banner:
        _banner(doc, model.banner)
    for section in model.sections:
        if section.title:
            font, bold = {1: (HEAD_FONT, False), 2: (KAI_FONT, False), 0: (HEAD_FONT, False)}.get(section.level,
                                                                                              (BODY_FONT, True))
            _text(doc, section.title, font, BODY_SIZE, bold=bold, indent=section.level != 0, keep=True)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(doc, block)
            else:
                _para(doc, block)
    _closing(doc, model)
    if model.approval is not None:
        _approval(doc, model.approval)
    _valid_zoom(doc)
    doc.save(str(path))


def _valid_zoom(doc) -> None:
    """python-docx's template says <w:zoom w:val="bestFit"/>; ECMA-376 requires w:percent too."""
    from docx.oxml.ns import qn

    zoom = doc.settings.element.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:
        zoom.set(qn("w:percent"), "100")


# -- paragraphs --------------------------------------------------------------------------------
def _text(doc, text: str, font: str, size: float, bold: bool = False, align=None, indent: bool = False,
          line: float = LINE, before: float = 0, after: float = 0, keep: bool = False, container=None):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    p = (container or doc).add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    _east_asia(run, font)
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep
    return p


def _para(doc, block: Para):
    if block.style == "note":
        return _text(doc, block.text, BODY_FONT, NOTE_SIZE, indent=True, line=22)
    return _text(doc, block.text, BODY_FONT, BODY_SIZE, indent=True)


def _banner(doc, text: str) -> None:
    """The warning on the first page, in a bordered box so it cannot be missed."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = _text(doc, text, HEAD_FONT, BODY_SIZE, after=LINE / 2)
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "12"), ("space", "4"), ("color", "C00000")):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    p._p.get_or_add_pPr().append(borders)


def _closing(doc, model: Document) -> None:
    """编制单位 and date (落款), then the signature lines."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _text(doc, "", BODY_FONT, BODY_SIZE)
    _text(doc, model.issuer, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, keep=True)
    _text(doc, chinese_date(model.day), BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, keep=True)
    _text(doc, "编制人：＿＿＿＿　审核人：＿＿＿＿　负责人：＿＿＿＿", BODY_FONT, BODY_SIZE, before=LINE / 2,
          align=WD_ALIGN_PARAGRAPH.CENTER)


# -- tables ------------------------------------------------------------------------------------
def _caption(doc, table: Table, width_mm: float) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    caption = f"{table.label}　{table.caption}" if table.label else table.caption
    _text(doc, caption, HEAD_FONT, NOTE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, line=22, before=6, keep=True)
    if table.unit:
        _text(doc, table.unit, TABLE_FONT, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, line=16, keep=True)


def text_mm(text: str, size: float = TABLE_SIZE) -> float:
    """Width of a text in mm at `size` points: a CJK character is one em, a digit or Latin letter
    0.66 em, bold included (宋体's digits are half an em; the CJK fonts LibreOffice falls back to draw them wider)."""
    wide = display_width(text) - len(text)
    return (wide + 0.66 * (len(text) - wide)) * size * MM_PER_PT


def column_widths(header: list[str], rows: list[list[str]], fixed: list[bool], page_mm: float,
                  size: float = TABLE_SIZE, numeric: list[bool] | None = None) -> list[float]:
    """Widths from content: a number, percent, date or short word never wraps (its column is as wide as
    its widest cell); long text columns get at least FREE_TEXT_MM and share what is left. Only when
    that does not fit do short words wrap (never below 4 characters); numbers never do."""
    numeric = numeric or [False] * len(header)
    need = []
    for i, name in enumerate(header):
        widest = max([0.0] + [text_mm(r[i], size) for r in rows if i < len(r)])
        need.append(max(widest, text_mm(name[:4], size)) + CELL_PAD)
    width = [n if fixed[i] else min(n, FREE_TEXT_MM) for i, n in enumerate(need)]
    over = sum(width) - page_mm
    if over > 0:  # short words wrap, from the widest, down to 4 characters
        room = [max(0.0, w - (text_mm("汉" * 4, size) + CELL_PAD)) if fixed[i] and not numeric[i] else 0.0
                for i, w in enumerate(width)]
        if sum(room) > 0:
            cut = min(over, sum(room))
            width = [w - cut * r / sum(room) for w, r in zip(width, room)]
    spare = page_mm - sum(width)
    if spare < 0:
        return [w * page_mm / sum(width) for w in width]
    want = [n - w for n, w in zip(need, width)]
    if sum(want) > 0:
        give = min(spare, sum(want))
        width = [w + give * x / sum(want) for w, x in zip(width, want)]
        spare -= give
    if spare > 0 and sum(width) > page_mm * 0.6:  # a wide table fills the line; a narrow one stays narrow
        width = [w + spare * w / sum(width) for w in width]
    return width


def _short(cells: list[str]) -> bool:
    """A column that must not wrap: numbers, dates, percents, and words of up to 8 characters."""
    return all(len(c) <= 8 or c.replace(",", "").replace(".", "").replace("%", "").replace("-", "").isdigit()
               for c in cells)


def _table(doc, table: Table, page_mm: float | None = None) -> None:
    header = [c.name for c in table.columns]
    body = [[table.text(r, c) for c in table.columns] for r in table.body()]
    numeric = [c.kind in NUMERIC for c in table.columns]
    fixed = [numeric[i] or _short([r[i] for r in body]) for i in range(len(header))]
    page = page_mm or 210 - MARGINS["left"] - MARGINS["right"]
    widths = column_widths(header, body, fixed, page, numeric=numeric)
    _caption(doc, table, page)
    _grid(doc, header, body, widths, numeric, bold_from=len(table.rows))


def _grid(doc, header: list[str], body: list[list[str]], widths: list[float], numeric: list[bool],
          bold_from: int, size: float = TABLE_SIZE, height_mm: float | None = None) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    grid.autofit = False
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(grid.columns, widths):
        column.width = Mm(width)  # the grid, which LibreOffice reads; Word reads the cells' widths
    for r, values in enumerate([header] + body):
        row = grid.rows[0] if r == 0 else grid.add_row()
        if r == 0:
            _repeat_header(row)
        if height_mm is not None:
            row.height = Mm(height_mm)
        for i, cell in enumerate(row.cells):
            cell.width = Mm(widths[i])
            p = cell.paragraphs[0]
            run = p.add_run(values[i] if i < len(values) else "")
            run.font.size = Pt(size)
            run.bold = r == 0 or r - 1 >= bold_from
            _east_asia(run, TABLE_FONT)
            fmt = p.paragraph_format
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(size * 1.45)
            if r == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif numeric[i]:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _cant_split(grid)
    _text(doc, "", BODY_FONT, NOTE_SIZE, line=8 if height_mm else 14)


def _approval(doc, a: Approval) -> None:
    """资金拨付审批表: its own landscape page, the last of the report."""
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True, margin=APPROVAL_MARGIN)
    _text(doc, a.title, TITLE_FONT, 18, align=WD_ALIGN_PARAGRAPH.CENTER, line=24)
    _text(doc, "单位：元", TABLE_FONT, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, line=14)
    header = [c.name for c in a.columns]
    body = [[show(r[c.name], c.kind) if c.name in r else "" for c in a.columns] for r in a.body()]
    numeric = [c.kind in NUMERIC for c in a.columns]
    page = 297 - 2 * APPROVAL_MARGIN
    widths = column_widths(header, body, [True] * len(header), page)
    _grid(doc, header, body, widths, numeric, bold_from=len(a.rows), height_mm=5.4)
    blocks = doc.add_table(rows=1, cols=len(a.bureaus))
    blocks.style = "Table Grid"
    for cell, bureau in zip(blocks.rows[0].cells, a.bureaus):
        cell.paragraphs[0].text = ""
        _fill(cell.paragraphs[0], f"{bureau}意见：", bold=True)
        for role in a.roles:
            _fill(cell.add_paragraph(), f"{role}：＿＿＿＿＿＿＿＿")
        _fill(cell.add_paragraph(), "签字（盖章）　　　　　日期：　　年　　月　　日")
    _cant_split(blocks)


def _fill(p, text: str, bold: bool = False) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(TABLE_SIZE)
    _east_asia(run, TABLE_FONT)
    p.paragraph_format.line_spacing_rule, p.paragraph_format.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(15)


def _cant_split(grid) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for row in grid.rows:
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.append(OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.append(OxmlElement("w:tblHeader"))


# -- page --------------------------------------------------------------------------------------
def _east_asia(run, font: str) -> None:
    """The Chinese font is the eastAsia font of the run (Word ignores w:ascii for 汉字)."""
    from docx.oxml.ns import qn

    run.font.name = font
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)


def _styles(doc) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = doc.styles["Normal"]
    style.font.name, style.font.size = BODY_FONT, Pt(BODY_SIZE)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    style.paragraph_format.space_after = Pt(0)


def _page(section, landscape: bool = False, margin: float | None = None) -> None:
    """A4 with GB/T 9704 margins; a landscape page (the 审批表) takes narrower ones."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    short, long = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side, mm in MARGINS.items():
        setattr(section, f"{side}_margin", Mm(margin if margin is not None else mm))
    section.footer_distance = Mm(margin / 2 if margin is not None else 25)


def _footer(footer) -> None:
    """— 1 —: the PAGE field between dashes, 4号 半角 宋体 (GB/T 9704-2012 7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("— ", "PAGE", " —"):
        if piece == "PAGE":
            _field(p, piece)
        else:
            run = p.add_run(piece)
            run.font.size = Pt(FOOTER_SIZE)
            _east_asia(run, TABLE_FONT)


def _field(paragraph, code: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        run = OxmlElement("w:r")
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run.append(element)
        return run

    def sized(run):
        rpr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for key in ("ascii", "hAnsi", "eastAsia"):
            fonts.set(qn(f"w:{key}"), TABLE_FONT)
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), str(FOOTER_SIZE * 2))
        rpr.append(fonts)
        rpr.append(size)
        run.insert(0, rpr)
        return run

    instr_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    instr_run.append(instr)
    shown = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    shown.append(text)
    for element in (char("begin"), instr_run, char("separate"), shown, char("end")):
        paragraph._p.append(sized(element))
