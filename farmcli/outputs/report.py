"""The Markdown report, rendered from the Jinja2 templates in `templates/`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from farmcli.settlement.changes import describe
from farmcli.model.findings import SEVERITY_ZH, count_by_severity, sorted_findings
from farmcli.outputs.values import show
from farmcli.outputs.workbook import param_rows
from farmcli.model.result import ResultTable
from farmcli.settlement.build import Settlement


def _cell(text: object) -> str:
    """Markdown table cell: pipes escaped, line breaks flattened."""
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown_table(table: ResultTable, columns: list[str] | None = None) -> str:
    names = columns or [c.name for c in table.columns]
    kinds = {c.name: c.kind for c in table.columns}
    lines = ["| " + " | ".join(names) + " |",
             "|" + "|".join("---:" if kinds[n] in ("money", "area", "ratio", "count", "score") else "---"
                            for n in names) + "|"]
    body = table.rows + ([table.total] if table.total else [])
    for row in body:
        cells = [_cell(show(row.get(n), kinds[n])) for n in names]
        if row is table.total:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_report(s: Settlement, outputs: dict[str, str]) -> str:
    import jinja2

    root = resources.files("farmcli_templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["show"] = show
    env.filters["cell"] = _cell
    env.filters["filename"] = lambda path: Path(path).name  # the outputs sit side by side: name, not path
    template = env.get_template(f"{s.policy.id}.md.j2")
    return template.render(
        s=s, tables={t.name: t for t in s.tables}, totals={t.name: t for t in s.totals},
        findings=sorted_findings(s.findings), severity_zh=SEVERITY_ZH, params=param_rows(s),
        table=markdown_table, outputs=outputs, describe=describe,
        counts=count_by_severity(s.findings),
    )


def write_report(s: Settlement, outputs: dict[str, str], path: Path) -> None:
    path.write_text(render_report(s, outputs), encoding="utf-8")
