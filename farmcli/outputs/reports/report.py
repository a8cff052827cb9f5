"""The Markdown report: the document model (`document.py`) rendered by `templates/base.md.j2`."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

from farmcli.outputs.reports.document import Document, build
from farmcli.outputs.values import show


def cell(text: object) -> str:
    """Markdown table cell: pipes escaped, line breaks flattened."""
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def render_markdown(doc: Document) -> str:
    import jinja2

    from farmcli.outputs.reports.word import chinese_date

    root = resources.files("farmcli_templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["cell"] = cell
    text = env.get_template("base.md.j2").render(doc=doc, show=show, chinese_date=chinese_date)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def render_report(s, outputs: dict[str, str] | None = None, today: dt.date | None = None) -> str:
    from farmcli.outputs.reports.word import report_date

    return render_markdown(build(s, report_date(today)))


def write_report(s, outputs: dict[str, str], path: Path) -> None:
    path.write_text(render_report(s, outputs), encoding="utf-8")
