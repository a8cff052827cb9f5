"""OOXML: the one reader of a ledger's zip package — parts, relationships, content types, which
part holds which sheet, and the checks (zip bomb, DTDs) made before any parser sees a part.

The ledger's zip is opened once per run (`open_package`); `read/` surveys and streams its sheets
through the `Package`, and `outputs/` copies its parts into the filled workbook from the same one.
Every XML part is parsed with defusedxml or expat (no DTDs, no entities).

May import: `farmcli.model` only.
"""
