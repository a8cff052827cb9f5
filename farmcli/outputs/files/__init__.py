"""File safety: every output replaced together or not at all (`atomic.py`), one run at a time in a
folder (`lock.py`), an output the clerk edited never overwritten (`guard.py`), and what the
operating system refused, in words a clerk reads (`oserrors.py`).

May import: `farmcli.model`, and of outputs `values.py`, `reports/` and `workbook/` (the guard reads
the record and the fingerprints the workbook keeps). Never `write.py`.
"""
