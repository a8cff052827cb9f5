"""Outputs: the settlement rendered — the filled workbook, the reports, the JSON, the blank
template — and written atomically under a lock. Cells are formatted here and only here.

May import: `farmcli.model`, `farmcli.ooxml` (the ledger's package, as the reader opened it), `farmcli.settlement` (and the policy registry for templates).
"""
