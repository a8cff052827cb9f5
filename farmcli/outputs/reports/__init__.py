"""The reports: the settlement as one document model (`document.py`: sections, paragraphs, typed
tables with captions, the 资金拨付审批表), rendered as Markdown (`report.py`, through the Jinja
templates) and as Word (`word.py`); what printed tables add (`paper.py`: 合计 rows, 大写 columns);
人民币大写 (`daxie.py`); the per-unit 结算通知 (`notices.py`).

May import: `farmcli.model`, `farmcli.settlement`, `farmcli.policies`, `farmcli.scoring`, and of
outputs only `values.py`. Never `workbook/` or `files/`: the workbook reads the document model, not
the other way round.
"""
