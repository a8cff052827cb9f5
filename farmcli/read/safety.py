"""Refuse workbooks that are not what they claim to be, before any parser sees them.

The checks themselves (a zip holding an Office workbook, no zip bomb, no DTD or entities in any
XML part) are made where the package is opened, once: `farmcli.ooxml.open_package`.
"""

from __future__ import annotations

from pathlib import Path



def check_xlsx(path: Path) -> None:
    """LedgerError unless `path` is a zip package farmcli may read."""
    from farmcli.ooxml.package import open_package

    open_package(path).close()
