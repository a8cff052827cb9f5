"""Rules every policy module keeps (issue 23 items 2 and 7), checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

POLICIES = sorted((Path(__file__).resolve().parent.parent / "farmcli" / "policies").glob("*.py"))


def calls(path: Path) -> list[tuple[str, int]]:
    """(name, line) of every call in the module: `f(...)` and `x.f(...)`."""
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if isinstance(func, ast.Name) and name == "NameIndex" and not node.args and not node.keywords:
                name = "NameIndex()"  # an index without 别名
            out.append((name, node.lineno))
    return out


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_policies_group_names_only_through_the_alias_aware_matcher(path):
    # One name matcher for every policy: `inputs.name_index(...)` / `inputs.names()` apply 别名.
    # Grouping by `name_key` (or an index built without 别名) ignored 别名 in jinning's 村组 and
    # anhui-incentive's 名额 (issue 23 item 2).
    bare = [f"{path.name}:{line} {name}" for name, line in calls(path) if name in ("name_key", "NameIndex()")]
    assert bare == []


def test_the_scan_sees_a_bare_grouping(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("groups = {name_key(r['乡镇']): r for r in rows}\nindex = NameIndex()\n", "utf-8")
    assert sorted(name for name, _ in calls(sample) if name in ("name_key", "NameIndex()")) == ["NameIndex()", "name_key"]
