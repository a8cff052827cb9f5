"""Every finding code used in farmcli/ is registered with the severity it is raised at, and
every registered code is documented (docs/findings.md is generated from the registry)."""

from __future__ import annotations

import ast
from pathlib import Path

from farmcli.model.codes import CODES, markdown
from farmcli.model.findings import Where, error, where

ROOT = Path(__file__).resolve().parent.parent
RAISERS = {"error": "error", "warning": "warning", "info": "info", "unique_records": "error"}


def used_codes() -> dict[str, set[str]]:
    """code → severities it is raised at, from every call of error/warning/info (first argument)
    and of Table.unique_records (its `code` argument) in the package."""
    used: dict[str, set[str]] = {}
    for path in (ROOT / "farmcli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in RAISERS:
                continue
            position = 1 if name == "unique_records" else 0
            arg = node.args[position] if len(node.args) > position else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                used.setdefault(arg.value, set()).add(RAISERS[name])
    return used


def test_every_code_used_is_registered_with_its_severity():
    used = used_codes()
    assert len(used) >= 50  # the scan itself works: it finds the codes there are
    unregistered = sorted(set(used) - set(CODES))
    assert unregistered == [], f"register these in farmcli/model/codes.py: {unregistered}"
    wrong = {c: (s, CODES[c][0]) for c, s in used.items() if s != {CODES[c][0]}}
    assert wrong == {}, f"raised at another severity than registered: {wrong}"


def test_every_registered_code_is_used():
    assert sorted(set(CODES) - set(used_codes())) == []


def test_every_registered_code_is_documented():
    docs = (ROOT / "docs" / "findings.md").read_text("utf-8")
    assert docs == markdown(), "docs/findings.md is stale: run `python -m farmcli.model.codes > docs/findings.md`"
    text = docs + (ROOT / "README.md").read_text("utf-8")
    assert [c for c in CODES if f"`{c}`" not in text] == []


def test_findings_carry_sheet_row_and_column():
    # Locations are values (issue 23 item 3): text is a label, never parsed back (tests/test_locations.py).
    cell = error("CELL_INVALID", "…", Where("乡镇", 12, "G"))
    assert (cell.sheet, cell.row, cell.column, cell.location) == ("乡镇", 12, "G", "乡镇!G12")
    row = error("DUPLICATE_YEAR", "…", Where("年度", 7))
    assert (row.sheet, row.row, row.column, row.location) == ("年度", 7, None, "年度 第7行")
    sheet = error("MISSING_VALUE", "…", Where("市"))
    assert (sheet.sheet, sheet.row, sheet.column, sheet.location) == ("市", None, None, "市")
    cmdline = error("MISSING_VALUE", "…", "--set 补助标准")
    assert (cmdline.sheet, cmdline.row, cmdline.location) == (None, None, "--set 补助标准")
    assert where(Where("资金", 3, "AB")).column == "AB" and where("资金!AB3").column is None
    assert list(cell.as_dict()) == ["severity", "code", "message", "location", "sheet", "row", "column", "citation",
                                    "file"]
    assert cell.as_dict()["file"] is None
    # A folder settled as one (SPEC §8): the file is a field and leads the location.
    inside = cell.in_file("修山镇.xlsx")
    assert (inside.file, inside.location, inside.as_dict()["file"]) == ("修山镇.xlsx", "修山镇.xlsx!乡镇!G12", "修山镇.xlsx")
    assert str(Where("图斑", 7, "C", file="a.xlsx")) == "a.xlsx!图斑!C7"
