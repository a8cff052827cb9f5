"""`settle FOLDER --per-unit DIR` (SPEC §8 反馈): a one-page 结算通知 (.docx) per unit — its
figures, what is due now in 大写, and the findings about its own workbook with sheet and cell,
so the unit knows what to fix."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from farmcli.model.result import PAY
from farmcli.model.findings import SEVERITY_ZH, sorted_findings
from farmcli.model.names import name_key
from farmcli.outputs.reports.daxie import daxie
from farmcli.outputs.values import show
from farmcli.outputs.reports.word import BODY_FONT as FONT, chinese_date, report_date
from farmcli.settlement.build import Settlement

MAX_FINDINGS = 12  # one page: the rest are in the settlement workbook's 发现问题


def notice_rows(s: Settlement, column: str) -> tuple[object, dict[str, list[dict]]]:
    """The result table that has one row per unit, and its rows by unit key."""
    for table in s.tables:
        if any(c.name == column for c in table.columns) and table.name != "上报情况":
            rows: dict[str, list[dict]] = {}
            for row in table.rows:
                if row.get(column) is not None:
                    rows.setdefault(name_key(row[column]), []).append(row)
            return table, rows
    return None, {}


def due_column(s: Settlement, table) -> str | None:
    """What the unit is paid now: the table's 应拨 column, else its first amount to pay."""
    names = [c.name for c in table.columns]
    return next((n for n in names if n.startswith("应拨")), None) or \
        next((c.name for c in table.role(PAY)), None)


def write_notices(s: Settlement, folder: Path, unit_column: str) -> list[Path]:
    """One 结算通知 per unit of the settlement's unit table, into `folder` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    table, by_unit = notice_rows(s, unit_column)
    if table is None:
        return []
    files: dict[str, list[str]] = {}
    for sub in s.submissions:
        if sub.unit and sub.role != "汇总单位":
            files.setdefault(name_key(sub.unit), []).append(sub.file)
    paths = []
    for key, rows in by_unit.items():
        unit = str(rows[0][unit_column])
        path = folder / f"{unit}-{s.year}年度结算通知.docx"
        temp = path.with_name(f".{path.name}.tmp")
        _write_notice(s, table, unit, rows, files.get(key, []), temp)
        os.replace(temp, path)
        paths.append(path)
    return paths


def _write_notice(s: Settlement, table, unit: str, rows: list[dict], files: list[str], path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(11)
    from docx.oxml.ns import qn

    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    region = s.meta.get("地区", "")
    doc.add_heading(f"{region}{s.year}年度{s.policy.title}结算通知", level=1)
    doc.add_paragraph(f"{unit}：")
    sent = "、".join(files) if files else "（未收到你单位上报的台账）"
    doc.add_paragraph(f"根据你单位上报的台账 {sent} 和县级台账，{s.year}年度结算结果如下（依据：{s.policy.document}）。")
    figures = [c for c in table.columns if c.name != "依据"]
    grid = doc.add_table(rows=1, cols=2)
    grid.style = "Table Grid"
    grid.rows[0].cells[0].text, grid.rows[0].cells[1].text = "项目", "金额或数量"
    for row in rows:
        for col in figures:
            value = row.get(col.name)
            cells = grid.add_row().cells
            cells[0].text = col.name
            cells[1].text = "待定" if value is None and col.kind in ("money", "area", "ratio") else show(value, col.kind)
    due = due_column(s, table)
    if due is not None:
        amounts = [r.get(due) for r in rows]
        if any(a is None for a in amounts):
            doc.add_paragraph(f"本次{due.removesuffix('(元)')}：待定（相关数据待补正，不得据此拨付）。")
        else:
            total = sum(amounts, Decimal(0))
            doc.add_paragraph(f"本次{due.removesuffix('(元)')}：{show(total, 'money')} 元（大写：{daxie(total)}）。")
    own = [f for f in sorted_findings(s.findings) if f.file in files and f.severity != "info"]
    if own:
        doc.add_paragraph(f"你单位台账中发现的问题（{len(own)} 项），请改正后重新上报：")
        for f in own[:MAX_FINDINGS]:
            place = f.location.removeprefix(f"{f.file}!") if f.file else f.location
            doc.add_paragraph(f"[{SEVERITY_ZH[f.severity]}] {place}：{f.message}", style="List Bullet")
        if len(own) > MAX_FINDINGS:
            doc.add_paragraph(f"其余 {len(own) - MAX_FINDINGS} 项见结算工作簿「发现问题」表。")
    elif files:
        doc.add_paragraph("你单位上报的台账审核通过。")
    signer = s.meta.get("填报单位") or f"{region}自然资源局"
    doc.add_paragraph(f"{signer}（盖章）　　{chinese_date(report_date())}")
    props = doc.core_properties
    props.author = props.last_modified_by = "farmcli"
    doc.save(str(path))
