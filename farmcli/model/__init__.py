"""Model: the vocabulary every layer shares — cells, tables, findings and their codes,
money, names, parameters, sheet schemas and result tables. Pure values, no I/O
beyond the package's own parameter files.

May import: nothing of farmcli outside `farmcli.model`.
"""
