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


# --- typed rows, statuses as data, sum_or_pending (issue 23 item 7) ---------------------------

def private_keys(source: str) -> list[str]:
    """String keys starting with "_" written into or read from a dict (`{"_i": i}`, `r["_flag"]`,
    `r.pop("_净收益")`, `r.get("_i")`): row data that must not ride along in a result row."""
    out = []
    for node in ast.walk(ast.parse(source)):
        keys = []
        if isinstance(node, ast.Dict):
            keys = [k for k in node.keys if k is not None]
        elif isinstance(node, ast.Subscript):
            keys = [node.slice]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("pop", "get", "setdefault"):
            keys = node.args[:1]
        out += [f"{k.lineno}:{k.value}" for k in keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
                and k.value.startswith("_")]
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                and str(node.values[0].value).startswith("_"):
            out.append(f"{node.lineno}:f-string {node.values[0].value}…")
    return out


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_no_private_keys_in_rows(path):
    # The source row index, flags and figures the totals need travel in a typed row beside the
    # output dict (jinning.Project, anhui_incentive.Town, anhui_assessment.YearRow, taojiang.SettledTown),
    # never as `_i` / `_flag` / `_净收益` keys popped at the end.
    assert private_keys(path.read_text("utf-8")) == []


def test_the_private_key_scan_can_fail():
    assert len(private_keys('row = {"a": 1, "_i": i}\nrow.pop("_flag", None)\nx = r["_净收益"]\ny = r[f"_{paid}"]\n')) == 4
    assert private_keys('row = {"a": 1}\nx = r["乡镇"]\n') == []


def status_reads(source: str) -> list[str]:
    """`r["备注"]` read back: a status taken from the text shown, not from a value the code tests."""
    return [f"{n.lineno}" for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Subscript)
            and isinstance(n.ctx, ast.Load) and isinstance(n.slice, ast.Constant) and n.slice.value in ("备注", "说明", "原因")]


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_statuses_are_data_not_notes(path):
    assert status_reads(path.read_text("utf-8")) == []


def test_the_status_scan_can_fail():
    assert status_reads('x = [r for r in rows if r["备注"].startswith("预计")]\n') == ["1"]


# Sums in policies/ go through `sum_or_pending` (a pending figure makes its total pending), or count
# rows (`sum(r[...] == X for ...)`, `sum(1 for ...)`). The sums left, and why:
BARE_SUMS = {
    # 应拨 is the instalments known to be due; an undecided one is left out by design and the town is
    # INSTALMENT_PENDING (its 待拨付 may be pending), so the known ones still add up.
    ("taojiang.py", "_settle_town"),
    # 验收入库面积 blank is "not yet accepted" (0 towards the total), not pending (SPEC §2.1).
    ("taojiang.py", "total"),  # _total_row's total(column)
}


def bare_sums(source: str, name: str) -> list[tuple[str, str]]:
    """(module, function) of each builtin `sum(...)` that is not a count, and of each hand-made
    `None if None in xs else sum(xs)` / `None if a is None or b is None else a + b`."""
    out = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            here = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "sum" and not _counts(child):
                out.append((name, here))
            if isinstance(child, ast.IfExp) and isinstance(child.body, ast.Constant) and child.body.value is None \
                    and _adds(child.orelse) and _tests_none(child.test):
                out.append((name, here))
            visit(child, here)

    visit(ast.parse(source), "")
    return out


def _counts(call: ast.Call) -> bool:
    arg = call.args[0] if call.args else None
    elt = arg.elt if isinstance(arg, ast.GeneratorExp) else None
    return (isinstance(elt, ast.Compare) and isinstance(elt.ops[0], (ast.Eq, ast.NotEq, ast.Is, ast.IsNot))) \
        or (isinstance(elt, ast.Constant) and elt.value == 1)


def _adds(node) -> bool:
    return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)) or \
        (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sum")


def _tests_none(test) -> bool:
    return any(isinstance(n, ast.Compare) and any(isinstance(c, ast.Constant) and c.value is None for c in n.comparators)
               for n in ast.walk(test))


def test_totals_of_figures_go_through_sum_or_pending():
    found = {s for path in POLICIES for s in bare_sums(path.read_text("utf-8"), path.name)}
    assert found - BARE_SUMS == set()
    assert BARE_SUMS <= found  # an entry no longer needed leaves the list


def test_the_sum_scan_can_fail():
    assert bare_sums("def f(rows):\n    return sum((r['x'] for r in rows), ZERO)\n", "m.py") == [("m.py", "f")]
    assert bare_sums("def f(xs):\n    return None if None in xs else sum(xs, ZERO)\n", "m.py")
    assert bare_sums("def f(a, b):\n    return None if a is None or b is None else a + b\n", "m.py") == [("m.py", "f")]
    assert bare_sums("def f(rows):\n    return sum(r['结果'] == 'x' for r in rows) + sum(1 for r in rows)\n", "m.py") == []


def test_result_rows_carry_only_their_tables_columns():
    # What a policy keeps beside a row (its source row, flags, figures for the totals) never leaks into
    # the JSON, the record or the DataFrames: every key of every row is one of its table's columns.
    from farmcli.settlement.build import settle_ledger

    samples = sorted((Path(__file__).resolve().parent.parent / "sample_data").glob("*.xlsx"))
    assert len(samples) == 5
    for path in samples:
        s = settle_ledger(path, int(path.stem.rsplit("-", 1)[1]))
        for table in s.tables:
            names = {c.name for c in table.columns}
            assert [k for row in table.body() for k in row if k not in names] == [], (path.name, table.name)


# --- a context object, not long positional lists (issue 23 item 7) ------------------------------

MAX_PARAMETERS = 5  # self/ctx counted: what a helper needs beyond that travels in its policy's context


def long_signatures(source: str, name: str) -> list[str]:
    """`module:line function(n)` for each function (nested ones and lambdas too) taking more than
    MAX_PARAMETERS parameters, counting positional-only, keyword-only, *args and **kwargs."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            count = len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs) + (a.vararg is not None) + (a.kwarg is not None)
            if count > MAX_PARAMETERS:
                out.append((node.lineno, f"{name}:{node.lineno} {getattr(node, 'name', 'lambda')}({count})"))
    return [text for _, text in sorted(out)]


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_policy_functions_take_a_context_not_long_argument_lists(path):
    # Each policy builds one frozen context in `settle` (its tables, parameters, citations, year,
    # names, findings) and passes it, instead of threading 7–10 positional arguments through helpers.
    assert long_signatures(path.read_text("utf-8"), path.name) == []


def test_the_signature_scan_can_fail():
    planted = ("def settle(inputs):\n    def done(status, reason, article, recover=0, local=0, balance=None):\n        pass\n"
               "def _gap(name, key, city, rows, p, cite, year, sheets, findings):\n    pass\n"
               "def _ok(ctx, city, row, done, *, note=''):\n    pass\n"
               "def _star(ctx, a, b, c, *rest, **more):\n    pass\n")
    assert long_signatures(planted, "m.py") == ["m.py:2 done(6)", "m.py:4 _gap(9)", "m.py:8 _star(6)"]
