"""Native Excel charts on a 图表 sheet, where a picture says more than the table (SPEC §6): the
charts each policy declares (`CHARTS`, next to its SHEETS), and money per payee (补助、已拨付、
本次拨付) from the 资金拨付审批表.

Each chart's figures are written beside it on the 图表 sheet (rows in table order, so the
same settlement gives the same chart), and the chart reads those cells. Series colours are
explicit and data labels show the value only, so the charts draw the same in Excel, WPS and
LibreOffice whatever the ledger's theme (a ledger saved by LibreOffice has none).
"""

from __future__ import annotations

from dataclasses import dataclass

from farmcli.model.result import MONEY, RATIO

BLOCK_ROWS = 24  # rows a chart takes (about 460 px)
COLOURS = ("#4472C4", "#ED7D31", "#70AD47", "#7F7F7F")  # one per series, in order
NUMBER_FORMATS = {RATIO: "0.0%", MONEY: "#,##0"}  # data labels and the value axis


@dataclass
class Chart:
    title: str
    category: str  # header of the category column
    series: list[tuple[str, str]]  # (header, kind) of each value column
    rows: list[tuple]  # (category, value, ...) in table order
    kind: str = "column"  # xlsxwriter chart type
    stacked: bool = False


def charts_for(s, placed: dict) -> list[Chart]:
    """The declared charts that fit this settlement's tables (none when a table is missing or empty)."""
    from farmcli.policies import policy_module

    out = []
    for spec in policy_module(s.policy.id).CHARTS:
        table = placed.get(spec.table)
        if table is None or not table.rows:
            continue
        kinds = {c.name: c.kind for c in table.columns}
        out.append(Chart(spec.title.format(year=s.year), spec.category, [(n, kinds.get(n, MONEY)) for n in spec.series],
                         spec.data(table.rows, s.year), spec.kind, spec.stacked))
    return [c for c in out if c.rows]


def payee_chart(approval) -> Chart | None:
    """Money per payee: 补助总额, 已拨付 and 本次拨付, from the 资金拨付审批表 (pending bars are left out)."""
    series = {"补助总额": "补助", "已拨付": "已拨付", "本次拨付": "待拨付"}  # the form's column → the bar's name
    if approval is None or not approval.rows or not set(series) <= {c.name for c in approval.columns}:
        return None  # no form, or one without grants and payments (the policy's own charts say more)
    rows = [(r["单位"], *(r.get(n) for n in series)) for r in approval.rows]
    unit = approval.columns[1].name
    return Chart(f"各{unit}补助、已拨付、待拨付（元）", unit, [(n, MONEY) for n in series.values()], rows, "bar")


def add_charts(w, s, placed: dict, sheet: str = "图表", approval=None) -> None:
    """A 图表 sheet (named `sheet`) with every chart that fits; nothing when none does."""
    from farmcli.outputs.reports.paper import title
    from farmcli.outputs.workbook.sheetprint import FONT, page_setup

    charts = charts_for(s, placed)
    extra = payee_chart(approval)
    if extra is not None:
        charts.append(extra)
    if not charts:
        return
    ws = w.book.add_worksheet(sheet)
    widths = [22, 16, 16, 16]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    page_setup(ws, title(s, "图表"), widths + [80], header_rows=0)
    ws.set_landscape()
    top = 0
    for chart in charts:
        header = [chart.category] + [name for name, _ in chart.series]
        ws.write_row(top, 0, header, w.paper.header)
        for i, row in enumerate(chart.rows, start=top + 1):
            ws.write_string(i, 0, str(row[0]), w.paper.text)
            for j, (value, (_, kind)) in enumerate(zip(row[1:], chart.series), start=1):
                w.cell(ws, i, j, value, kind)
        native = w.book.add_chart({"type": chart.kind, **({"subtype": "stacked"} if chart.stacked else {})})
        last = top + len(chart.rows)
        for j, (name, kind) in enumerate(chart.series, start=1):
            colour = COLOURS[(j - 1) % len(COLOURS)]
            native.add_series({
                "name": [sheet, top, j], "categories": [sheet, top + 1, 0, last, 0],
                "values": [sheet, top + 1, j, last, j],
                "fill": {"color": colour}, "border": {"color": colour},
                # the value only (no series or category name), in the column's own format;
                # stacked zeros would clutter the bars
                "data_labels": {"value": not chart.stacked, "series_name": False, "category": False,
                                "num_format": NUMBER_FORMATS.get(kind, "#,##0"),
                                "font": {"name": FONT, "size": 8}},
            })
        value_axis = {"num_format": "0%" if chart.series[0][1] == RATIO else "#,##0",
                      "num_font": {"name": FONT, "size": 9}, "major_gridlines": {"visible": True}}
        category_axis = {"num_font": {"name": FONT, "size": 9}}
        if chart.kind == "bar":  # categories read top-down in table order
            category_axis["reverse"] = True
        native.set_x_axis(value_axis if chart.kind == "bar" else category_axis)
        native.set_y_axis(category_axis if chart.kind == "bar" else value_axis)
        native.set_title({"name": chart.title, "name_font": {"name": FONT, "size": 12}})
        native.set_legend({"position": "bottom", "font": {"name": FONT, "size": 9}}
                          if len(chart.series) > 1 else {"none": True})
        native.set_size({"width": 620, "height": max(440, 18 * len(chart.rows) * len(chart.series) + 120)})
        ws.insert_chart(top, 5, native)
        top += max(len(chart.rows) + 2, BLOCK_ROWS, (18 * len(chart.rows) * len(chart.series) + 120) // 20 + 2)
