"""Read: the Excel adapter. Opens a ledger file and turns its sheets into `model.Table`s.

May import: `farmcli.model` and `farmcli.ooxml` (the ledger's zip package, opened once) only.
"""
