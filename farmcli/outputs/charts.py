"""Native Excel charts on a 图表 sheet, where a picture says more than the table (SPEC §6):
completion per township, incentive per township, money per project status, compensation and
reward per city, incentive per recommended township.

Each chart's figures are written beside it on the 图表 sheet (rows in table order, so the
same settlement gives the same chart), and the chart reads those cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from farmcli.model.result import MONEY, RATIO

BLOCK_ROWS = 24  # rows a chart takes (about 460 px)


@dataclass
class Chart:
    title: str
    category: str  # header of the category column
    series: list[tuple[str, str]]  # (header, kind) of each value column
    rows: list[tuple]  # (category, value, ...) in table order
    kind: str = "column"  # xlsxwriter chart type
    stacked: bool = False


def charts_for(s, placed: dict) -> list[Chart]:
    """The charts that fit this settlement's tables (none when a table is missing or empty)."""
    pid, out = s.policy.id, []
    rows = {name: t.rows for name, t in placed.items()}
    if pid == "taojiang" and rows.get("乡镇汇总"):
        out.append(Chart("各乡镇完成比例（实施恢复面积 ÷ 下达任务）", "乡镇名称", [("完成比例", RATIO)],
                         [(r["乡镇名称"], r["完成比例"]) for r in rows["乡镇汇总"]]))
    if pid == "jinning" and rows.get("乡镇汇总"):
        out.append(Chart("各乡镇（街道）激励金额（元）", "乡镇", [("乡镇激励(元)", MONEY)],
                         [(r["乡镇"], r["乡镇激励(元)"]) for r in rows["乡镇汇总"]], "bar"))
    if pid == "jiangsu-fund" and rows.get("项目结算"):
        out.append(Chart("各状态项目资金（元）", "状态", [("应收回(元)", MONEY), ("地方统筹(元)", MONEY)],
                         _by(rows["项目结算"], "状态", ("应收回(元)", "地方统筹(元)")), stacked=True))
    if pid == "anhui-assessment" and rows.get("缺口市考核"):
        this_year = [r for r in rows["缺口市考核"] if str(r.get("年度")) == str(s.year)]
        out.append(Chart(f"{s.year}年度缺口市经济补偿（元）", "市名称", [("经济补偿(元)", MONEY)],
                         _by(this_year, "市名称", ("经济补偿(元)",)), "bar"))
    if pid == "anhui-assessment" and rows.get("超额市奖励"):
        out.append(Chart("超额市经济奖励（元）", "市名称", [("经济奖励(元)", MONEY)],
                         [(r["市名称"], r["经济奖励(元)"]) for r in rows["超额市奖励"]], "bar"))
    if pid == "anhui-incentive" and rows.get("乡镇推荐"):
        chosen = [r for r in rows["乡镇推荐"] if r.get("结果") == "推荐"]
        out.append(Chart("推荐乡镇激励金额（元）", "乡镇名称", [("激励金额(元)", MONEY)],
                         [(f"{r['乡镇名称']}（{r['所属县']}）", r["激励金额(元)"]) for r in chosen], "bar"))
    return [c for c in out if c.rows]


def _by(rows: list[dict], key: str, columns: tuple[str, ...]) -> list[tuple]:
    """Sums of `columns` per value of `key`, in order of first appearance."""
    sums: dict[str, list[Decimal]] = {}
    for r in rows:
        acc = sums.setdefault(str(r.get(key) or ""), [Decimal(0)] * len(columns))
        for i, c in enumerate(columns):
            if isinstance(r.get(c), Decimal):
                acc[i] += r[c]
    return [(k, *v) for k, v in sums.items()]


def add_charts(w, s, placed: dict, sheet: str = "图表") -> None:
    """A 图表 sheet (named `sheet`) with every chart that fits; nothing when none does."""
    from farmcli.outputs.paper import title
    from farmcli.outputs.sheetprint import FONT, page_setup

    charts = charts_for(s, placed)
    if not charts:
        return
    ws = w.book.add_worksheet(sheet)
    widths = [22, 16, 16]
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
            native.add_series({
                "name": [sheet, top, j], "categories": [sheet, top + 1, 0, last, 0],
                "values": [sheet, top + 1, j, last, j],
                "data_labels": {"value": not chart.stacked,  # stacked zeros would clutter the bars "num_format": "0.0%" if kind == RATIO else "#,##0",
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
        native.set_size({"width": 620, "height": 440})
        ws.insert_chart(top, 4, native)
        top += max(len(chart.rows) + 2, BLOCK_ROWS)
