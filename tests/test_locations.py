"""Locations are values from the reader on (issue 23 item 3): a `Where` (file, sheet, row, column)
travels from the cell read to the finding; text is a label, never parsed back into a place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from farmcli.model.findings import Where, error, where

ROOT = Path(__file__).resolve().parent.parent / "farmcli"
FINDING_MAKERS = {"error": 2, "warning": 2, "info": 2, "make": 3}


@pytest.mark.parametrize("at, text", [
    (Where("乡镇", 7, "C"), "乡镇!C7"), (Where("乡镇", 7), "乡镇 第7行"), (Where("市"), "市"),
    (Where("图斑", 7, "C", file="修山镇.xlsx"), "修山镇.xlsx!图斑!C7"), (Where(label="命令行 --set 补助标准=2000"), "命令行 --set 补助标准=2000"),
])
def test_a_finding_keeps_its_place_as_fields(at, text):
    f = error("CELL_INVALID", "…", at)
    assert f.location == text and (f.file, f.sheet, f.row, f.column) == (at.file, at.sheet, at.row, at.column)


@pytest.mark.parametrize("text", ["乡镇!C7", "乡镇 第7行", "修山镇.xlsx!设置!B3", "市"])
def test_text_is_a_label_never_parsed_back_into_a_place(text):
    at = where(text)
    assert (at.file, at.sheet, at.row, at.column, at.label) == (None, None, None, None, text)


def _location(call: ast.Call):
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    if name not in FINDING_MAKERS:
        return None
    index = FINDING_MAKERS[name]
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == "location"), None)


def _texts(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)]
    return []


def test_no_finding_is_located_by_text_that_names_a_sheet():
    """A location written as text (`f"{sheet}!{letter}{row}"`, `"年度"`) would be a label: its sheet,
    row and column lost to the JSON and the workbook. Only labels of what is not in the ledger
    (empty, or words with a space: `命令行 --set …`) may be text."""
    wrong = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and (loc := _location(node)) is not None:
                for text in _texts(loc):
                    if text and ("!" in text or " " not in text):
                        wrong.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: {text!r}")
    assert wrong == []
