"""Outputs: the settlement rendered — the filled workbook, the reports, the JSON, the blank
template — and written atomically under a lock. Cells are formatted here and only here.

Grouped by what they make, each folder importing only the ones before it:

    values.py     how a value of each kind is shown and serialised (the one formatting module)
    reports/      the document model, the Markdown and Word reports, 大写, the 结算通知
    workbook/     the filled workbook: result sheets, print layout, charts, 审批表, the record,
                  fingerprints, the ledger's package edited in place; the blank template
    files/        file safety: all outputs replaced together, the folder lock, the edited-output
                  guard, the operating system's refusals in words a clerk reads
    write.py      a settlement written: lock, guard, the three outputs, compare with the last run
    jsonout.py    the `--json` document

May import: `farmcli.model`, `farmcli.ooxml` (the ledger's package, as the reader opened it), `farmcli.settlement` (and the policy registry for templates).
Inside outputs: values ← reports ← workbook ← files ← write, jsonout (tests/test_layers.py).
"""
