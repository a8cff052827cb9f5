"""Policies declare what the outputs need (issue 23 item 1): no policy id, result table name or
result column name appears as a string literal outside `policies/` and `scoring/`. A sixth policy
then touches only its own files. Generated from the five samples' settlements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from farmcli.policies import POLICY_IDS
from farmcli.settlement.build import settle_ledger

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "farmcli"
OWNERS = ("policies", "scoring")  # where the names are declared
# Words that are also the outputs' own vocabulary (their own sheets' and forms' columns: 发现问题,
# 参数, the 资金拨付审批表), not a policy's: a column of that name in a result table is a coincidence.
# 年度, 项目名称 and 乡镇 are the ledger's own words (设置 keys, a sheet), declared in settlement/model.
OWN_WORDS = {"序号", "依据", "备注", "说明", "原因", "项目", "值", "单位", "已拨付", "状态", "合计", "年度", "乡镇", "项目名称"}


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    found: dict[str, str] = {pid: "policy id" for pid in POLICY_IDS}
    for path in sorted((ROOT / "sample_data").glob("*.xlsx")):
        s = settle_ledger(path, int(path.stem[-4:]))
        for table in s.tables:
            found.setdefault(table.name, f"table of {s.policy.id}")
            for col in table.columns:  # scoring's too: scoring declares its sheet's layout (SCORE_SHEET)
                found.setdefault(col.name, f"column of {s.policy.id} {table.name}")
    return {k: v for k, v in found.items() if k not in OWN_WORDS}


def literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def sources() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p.relative_to(PACKAGE).parts[0] not in OWNERS]


def test_the_scan_sees_the_names(names):
    """The scan can fail: the names it looks for include the ones the outputs used to key on."""
    assert {"taojiang", "乡镇汇总", "绩效评分", "待拨付(元)", "应收回(元)", "结果", "一级指标", "自评得分"} <= set(names)
    planted = [(1, "乡镇汇总")]
    assert [v for _, v in planted if v in names]


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_policy_table_or_column_name_outside_the_policies(names, path):
    hits = [f"{path.name}:{line} “{value}” ({names[value]})" for line, value in literals(path) if value in names]
    assert not hits, "\n".join(hits)
