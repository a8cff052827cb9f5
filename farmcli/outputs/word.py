"""The Word report (.docx) the bureau files and prints (SPEC §3): title, 编制单位, date, the
Markdown report's sections and tables (with the 合计 rows the workbook adds, from the same figures), 大写金额
for every total to pay or recover, and lines to sign. A4, page numbers, 宋体.

Built with python-docx from the rendered Markdown report, so the two reports cannot drift
apart (docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from farmcli.outputs import paper
from farmcli.outputs.markdown_blocks import Block, blocks, runs
from farmcli.model.result import MONEY
from farmcli.outputs.values import show

FONT, HEAD_FONT = "宋体", "黑体"
DATE_ENV = "FARMCLI_REPORT_DATE"  # YYYY-MM-DD: fixes the report's date (tests, re-issuing a report)
WIDE_TABLE = 8  # columns from which a table gets a landscape page
SERIAL = "序号"  # a numbering column a report template puts before a result table's rows
SCORE_TABLE = "绩效评分"  # printed as a scoring sheet (workbook.Writer.score_sheet), with its own 总分 row
FIXED_TIME = dt.datetime(2000, 1, 1)


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
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from farmcli.outputs.report import render_report

    doc = Document()
    _page(doc.sections[0])
    _footer(doc.sections[0].footer)
    _fonts(doc)
    props = doc.core_properties  # fixed, so the same settlement gives the same file
    props.author, props.last_modified_by, props.created, props.modified = "farmcli", "farmcli", FIXED_TIME, FIXED_TIME
    props.revision, props.comments = 1, ""
    day = report_date(today)
    parts = blocks(render_report(s, outputs))
    for block in parts:
        if block.kind == "title":
            props.title = block.text
            _para(doc, block.text, size=16, bold=True, center=True, font=HEAD_FONT)
            _para(doc, f"编制单位：{s.meta.get('填报单位') or '（台账「设置」表未填 填报单位）'}", center=True)
            _para(doc, f"编制日期：{chinese_date(day)}", center=True)
        elif block.kind == "heading":
            _para(doc, block.text, size=14, bold=True, font=HEAD_FONT, before=12)
        elif block.kind == "subheading":
            _para(doc, block.text, size=12, bold=True, font=HEAD_FONT, before=6)
        elif block.kind == "item":
            _para(doc, block.text, style="List Bullet")
        elif block.kind == "quote":
            _para(doc, block.text, size=9)
        elif block.kind == "table":
            _table(doc, with_total(block, s.tables, s.policy.id))
        else:
            _para(doc, block.text)
    _amounts(doc, s)
    _para(doc, "")
    sign = _para(doc, "编制人：____________    审核人：____________    负责人：____________", before=18)
    sign.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, f"{s.meta.get('填报单位', '')}（盖章）    {chinese_date(day)}", before=18).alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    _valid_zoom(doc)
    doc.save(str(path))


def _valid_zoom(doc) -> None:
    """python-docx's template says <w:zoom w:val="bestFit"/>; ECMA-376 requires w:percent too."""
    from docx.oxml.ns import qn

    zoom = doc.settings.element.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:
        zoom.set(qn("w:percent"), "100")


def with_total(block: Block, tables=(), policy: str = "") -> Block:
    """The table with the 合计 row the workbook adds to it (`paper.with_total`), from the same typed
    figures — never summed from the shown text. Only a result table the workbook prints through
    `paper.print_table` gets one (shown whole, or as the rows its 合计 counts), and only where the
    policy gives no 合计 and the table has no 小计/合计 rows of its own; a money column with a
    pending amount has a blank 合计 cell. Other tables (the scoring table, findings, parameters)
    are kept as they are."""
    table = _source(block, tables, policy)
    if table is None:
        return block
    total = paper.with_total(table, policy)
    if total is None:
        return block
    kinds = {c.name: c.kind for c in table.columns}
    cells = [show(total.get(name), kinds[name]) if name in kinds else "" for name in block.header]
    if not cells[0]:  # the label in the first column, as in the Markdown report's own 合计 rows
        cells = ["合计"] + ["" if c == "合计" else c for c in cells[1:]]
    row = [f"**{c}**" if c else c for c in cells]
    return Block("table", header=block.header, align=block.align, rows=block.rows + [row])


def _source(block: Block, tables, policy: str):
    """The result table (printed by `paper.print_table`, without a 合计 of its own) this Markdown
    table shows, whole or as the rows its 合计 counts, in any order and with a leading 序号; or None."""
    from farmcli.outputs.report import _cell

    numbered = block.header[:1] == [SERIAL]
    header = block.header[1:] if numbered else block.header
    shown = sorted(tuple(r[1:] if numbered else r) for r in block.rows)
    for table in tables:
        kinds = {c.name: c.kind for c in table.columns}
        if table.name == SCORE_TABLE or table.total is not None or not header \
                or any(h not in kinds for h in header) or (numbered and SERIAL in kinds):
            continue
        if not any(kinds[h] == MONEY for h in header):
            continue
        for rows in (table.rows, paper.counted_rows(policy, table)):
            if len(rows) == len(shown) and \
                    sorted(tuple(_cell(show(r.get(h), kinds[h])) for h in header) for r in rows) == shown:
                return table
    return None


def _amounts(doc, s) -> None:
    """金额大写: every settlement total to pay or recover, in figures and in words."""
    amounts = paper.total_amounts(s)
    if not amounts:
        return
    _para(doc, "金额大写", size=14, bold=True, font=HEAD_FONT, before=12)
    rows = [[name, show(value, "money"), f"{label}：{text}" if label == paper.RECOVER_DAXIE else text]
            for name, value, label, text in amounts]
    _table(doc, Block("table", header=["项目", "金额(元)", "大写金额"], align=["left", "right", "left"], rows=rows))


def _para(doc, text: str, size: float = 10.5, bold: bool = False, center: bool = False, font: str = FONT,
          style: str | None = None, before: float = 0):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph(style=style)
    for body, strong in runs(text):
        run = p.add_run(body)
        run.bold = bold or strong
        run.font.size = Pt(size)
        _east_asia(run, font)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(before)
    return p


def _table(doc, block: Block) -> None:
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    wide = len(block.header) >= WIDE_TABLE
    if wide:  # a landscape page for a wide table, then back to portrait
        _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.autofit = False
    widths = _widths(block, Mm(257 if wide else 170))
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid, which LibreOffice reads; Word reads the cells' widths
    size = Pt(8 if wide else 9)
    for row_cells, values, header in [(table.rows[0].cells, block.header, True)] + \
            [(None, r, False) for r in block.rows]:
        cells = row_cells or table.add_row().cells
        for i, cell in enumerate(cells):
            text = values[i] if i < len(values) else ""
            cell.width = widths[i]
            p = cell.paragraphs[0]
            for body, strong in runs(text):
                run = p.add_run(body)
                run.bold = header or strong
                run.font.size = size
                _east_asia(run, FONT)
            if header:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _repeat_header(table.rows[0])
            elif block.align[i] == "right":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if wide:
        _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    else:
        doc.add_paragraph()


def _widths(block: Block, page: int) -> list[int]:
    """Column widths in proportion to their longest text (long text wraps at 40 columns)."""
    from farmcli.outputs.sheetprint import display_width

    need = [max([display_width(h) // 2 + 2] + [min(display_width(r[i].strip("*")), 40) + 2
                                               for r in block.rows if i < len(r)]) for i, h in enumerate(block.header)]
    return [int(page * n / sum(need)) for n in need]


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _east_asia(run, font: str) -> None:
    """The Chinese font is the eastAsia font of the run (Word ignores w:ascii for 汉字)."""
    from docx.oxml.ns import qn

    run.font.name = font
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)


def _fonts(doc) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "List Bullet"):
        style = doc.styles[name]
        style.font.name, style.font.size = FONT, Pt(10.5)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _page(section, landscape: bool = False) -> None:
    """A4, portrait or landscape. Later sections keep the first one's footer (linked)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    short, long = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(20)


def _footer(footer) -> None:
    """第 X 页 共 Y 页: PAGE and NUMPAGES fields, which Word and LibreOffice fill in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"):
        if piece in ("PAGE", "NUMPAGES"):
            _field(p, piece)
        else:
            run = p.add_run(piece)
            run.font.size = Pt(9)
            _east_asia(run, FONT)


def _field(paragraph, code: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        run = OxmlElement("w:r")
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run.append(element)
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
        paragraph._p.append(element)
