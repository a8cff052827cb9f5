"""The filled workbook: the result sheets (`sheets.py`, written with xlsxwriter) laid out for paper
(`sheetprint.py`), the 图表 sheet (`charts.py`), the 资金拨付审批表 (`approval.py`), transplanted
in front of the clerk's own ledger package (`filled.py`, `package.py`, `stylemerge.py`, `bookxml.py`;
`valuesheets.py` for a ledger copied as values), with the settlement's record (`record.py`) and
what each output says (`fingerprint.py`). Also the blank ledger (`template.py`) and one per
reporting unit (`distribute.py`).

May import: `farmcli.model`, `farmcli.ooxml`, `farmcli.read` (to read an earlier workbook back),
`farmcli.settlement`, `farmcli.policies`, `farmcli.scoring`, and of outputs `values.py` and
`reports/` (the document model: the 审批表's rows, the banner; `paper`'s totals and 大写). Never
`files/` or `write.py`.
"""
