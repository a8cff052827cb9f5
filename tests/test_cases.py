"""Hand-worked policy cases kept as data: every tests/cases/**/*.toml is one test.

Each case is a small ledger and what a clerk, working it by hand, expects farmcli to say
(see tests/cases/README.md). The ledger is written to a real .xlsx and settled through
farmcli.cli with --json, exactly as a clerk's run would be read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import write_ledger
from farmcli.model.codes import CODES

CASES = Path(__file__).resolve().parent / "cases"
CASE_FILES = sorted(CASES.rglob("*.toml"))

TOP_KEYS = {"title", "article", "note", "year", "policy", "as_of", "settings", "sheets", "expect", "xfail"}
REQUIRED_TOP = {"title", "article", "year", "sheets", "expect"}
EXPECT_KEYS = {"exit", "totals", "cells", "codes", "absent_codes", "only_codes", "findings", "message_contains"}
CHECK_KEYS = EXPECT_KEYS - {"exit"}
CELL_KEYS = {"table", "where", "column", "value", "values"}
FINDING_KEYS = {"code", "location", "severity", "message_contains", "citation_contains"}


def _unknown(keys, allowed, where: str) -> None:
    extra = sorted(set(keys) - allowed)
    assert not extra, f"{where}: unknown key(s) {extra}; allowed: {sorted(allowed)} (a typo would make the case vacuous)"


def load_case(path: Path) -> dict:
    """Read a case and refuse anything that could make it check less than it seems to."""
    with path.open("rb") as fh:
        case = tomllib.load(fh)
    name = path.relative_to(CASES).as_posix() if path.is_relative_to(CASES) else path.name
    _unknown(case, TOP_KEYS, name)
    missing = sorted(REQUIRED_TOP - set(case))
    assert not missing, f"{name}: missing key(s) {missing}"
    assert isinstance(case["sheets"], dict) and case["sheets"], f"{name}: [sheets] holds no sheet"
    for sheet, rows in case["sheets"].items():
        assert isinstance(rows, list) and all(isinstance(r, list) for r in rows), \
            f"{name}: sheet {sheet} must be a list of rows, each a list of cells"
    expect = case["expect"]
    _unknown(expect, EXPECT_KEYS, f"{name} [expect]")
    assert expect.get("exit") in (0, 1, 2), f"{name}: [expect] exit must be 0, 1 or 2"
    assert (expect["exit"] == 2) == ("message_contains" in expect), \
        f"{name}: message_contains goes with exit = 2, and exit = 2 needs message_contains"
    assert any(expect.get(k) for k in CHECK_KEYS), f"{name}: [expect] has no expectation besides exit"
    for n, cell in enumerate(expect.get("cells", []), 1):
        _unknown(cell, CELL_KEYS, f"{name} cells #{n}")
        assert {"table", "where"} <= set(cell), f"{name} cells #{n}: needs table and where"
        assert ("column" in cell and "value" in cell) != ("values" in cell), \
            f"{name} cells #{n}: give either column + value, or values = {{column = value, …}}"
    for n, finding in enumerate(expect.get("findings", []), 1):
        _unknown(finding, FINDING_KEYS, f"{name} findings #{n}")
        assert "code" in finding, f"{name} findings #{n}: needs code"
    # A misspelt code would make `absent_codes` pass vacuously and the others fail for the wrong reason.
    named = [*expect.get("codes", []), *expect.get("absent_codes", []), *(f["code"] for f in expect.get("findings", []))]
    unregistered = sorted(set(named) - set(CODES))
    assert not unregistered, f"{name}: finding code(s) {unregistered} are not registered in farmcli/model/codes.py"
    return case


def write_sheets(path: Path, sheets: dict) -> Path:
    """One worksheet per [sheets] entry; "" is a blank cell, [] a blank row, TOML dates Excel dates."""
    return write_ledger(path, sheets)


def run_farmcli(args: list[str]) -> tuple[int, str, str]:
    """farmcli.cli.main in-process (the real entry point: exit codes, stderr messages)."""
    from farmcli import cli

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["farmcli", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def _text(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def same(actual, expected) -> bool:
    """Numbers exactly as JSON gives them (money to the 分); "" is blank; dates as ISO text."""
    if expected == "":
        return actual is None or actual == ""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float)) and Decimal(str(actual)) == Decimal(str(expected))
    return actual is not None and _text(actual) == _text(expected)


def check_cells(doc: dict, cells: list[dict], failures: list[str]) -> None:
    for cell in cells:
        table = doc["tables"].get(cell["table"])
        if table is None:
            failures.append(f"no table {cell['table']}; tables: {sorted(doc['tables'])}")
            continue
        rows = [r for r in table if all(k in r and same(r[k], v) for k, v in cell["where"].items())]
        if len(rows) != 1:
            failures.append(f"{cell['table']} where {cell['where']}: {len(rows)} rows match, expected exactly 1")
            continue
        wanted = cell.get("values") or {cell.get("column"): cell.get("value")}
        for column, value in wanted.items():
            if column not in rows[0]:
                failures.append(f"{cell['table']} has no column {column}; columns: {list(rows[0])}")
            elif not same(rows[0][column], value):
                failures.append(f"{cell['table']} {cell['where']} {column}: expected {value!r}, "
                                f"farmcli gives {rows[0][column]!r}")


def check_findings(doc: dict, expect: dict, failures: list[str]) -> None:
    findings = doc["findings"]
    seen = [f["code"] for f in findings]
    for code in expect.get("codes", []):
        if code not in seen:
            failures.append(f"finding {code} expected; farmcli gives {seen}")
    for code in expect.get("absent_codes", []):
        if code in seen:
            failures.append(f"finding {code} must not appear: {[f['message'] for f in findings if f['code'] == code]}")
    if expect.get("only_codes"):
        # Every error and warning must be listed in codes (info findings may come on top).
        others = sorted(f["code"] for f in findings if f["severity"] != "info" and f["code"] not in expect.get("codes", []))
        if others:
            failures.append(f"only_codes: unexpected error/warning findings {others}")
    for want in expect.get("findings", []):
        matches = [f for f in findings if f["code"] == want["code"]
                   and ("location" not in want or f.get("location") == want["location"])
                   and ("severity" not in want or f["severity"] == want["severity"])
                   and want.get("message_contains", "") in f["message"]
                   and want.get("citation_contains", "") in (f.get("citation") or "")]
        if not matches:
            failures.append(f"no finding matches {want}; farmcli gives "
                            f"{[(f['code'], f.get('location'), f['severity']) for f in findings]}")


def check(case: dict, code: int, stdout: str, stderr: str) -> list[str]:
    expect = case["expect"]
    failures: list[str] = []
    if code != expect["exit"]:
        failures.append(f"exit {code}, expected {expect['exit']}; stderr: {stderr.strip()[:500]}")
    if expect["exit"] == 2:
        wanted = expect["message_contains"]
        for text in [wanted] if isinstance(wanted, str) else wanted:
            if text not in stderr:
                failures.append(f"stderr lacks {text!r}: {stderr.strip()[:500]}")
        if "Traceback" in stderr:
            failures.append("a traceback reached the user")
        return failures
    if code == 2:
        return failures
    doc = json.loads(stdout)  # --json: exactly one document on stdout
    for name, value in expect.get("totals", {}).items():
        if name not in doc["totals"]:
            failures.append(f"no total {name}; totals: {sorted(doc['totals'])}")
        elif not same(doc["totals"][name], value):
            failures.append(f"total {name}: expected {value!r}, farmcli gives {doc['totals'][name]!r}")
    check_cells(doc, expect.get("cells", []), failures)
    check_findings(doc, expect, failures)
    return failures


def settle_case(path: Path, case: dict, tmp_path: Path) -> tuple[int, str, str]:
    ledger = write_sheets(tmp_path / "台账.xlsx", case["sheets"])
    args = ["settle", str(case["year"]), str(ledger), "--policy", case.get("policy", path.parent.name),
            "--out", str(tmp_path / "结算"), "--json"]
    if "as_of" in case:
        args += ["--as-of", _text(case["as_of"])]
    for name, value in case.get("settings", {}).items():
        args += ["--set", f"{name}={_text(value)}"]
    return run_farmcli(args)


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.relative_to(CASES).as_posix() for p in CASE_FILES])
def test_case(path, tmp_path, monkeypatch):
    monkeypatch.delenv("FARMCLI_DEBUG", raising=False)
    case = load_case(path)
    failures = check(case, *settle_case(path, case, tmp_path))
    report = f"{case['title']}（{case['article']}）\n  " + "\n  ".join(failures)
    if "xfail" in case:  # strict: a known farmcli bug; once fixed, the mark must go
        if failures:
            pytest.xfail(f"{case['xfail']} — {report}")
        pytest.fail(f"xfail case now passes; remove xfail ({case['xfail']})")
    assert not failures, report


def test_there_are_cases_for_every_policy_and_the_scoring_table():
    for policy in ("taojiang", "jinning", "anhui-assessment", "anhui-incentive", "jiangsu-fund", "scoring"):
        assert sum(p.parent.name == policy for p in CASE_FILES) >= 8, f"fewer than 8 cases for {policy}"


# The runner itself: a case file with a typo or nothing to check must fail, never pass vacuously.
MINIMAL = '''title = "t"
article = "a"
year = 2022
[sheets]
"乡镇" = [["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)"], ["甲镇", 100, 60]]
[expect]
exit = 0
'''


@pytest.mark.parametrize("text, message", [
    (MINIMAL + 'total = { "补助金额(元)" = 1 }\n', "unknown key(s) ['total']"),
    (MINIMAL.replace("year = 2022", 'year = 2022\ntittle = "x"'), "unknown key(s) ['tittle']"),
    (MINIMAL + 'cells = [{ table = "乡镇汇总", where = {}, colum = "x", value = 1 }]\n', "unknown key(s) ['colum']"),
    (MINIMAL + 'findings = [{ cod = "X" }]\n', "unknown key(s) ['cod']"),
    (MINIMAL, "no expectation besides exit"),
    (MINIMAL + "codes = []\n", "no expectation besides exit"),
    (MINIMAL.replace("exit = 0", "exit = 2"), "exit = 2 needs message_contains"),
    (MINIMAL.replace('year = 2022\n', ''), "missing key(s) ['year']"),
    (MINIMAL + 'absent_codes = ["OVERPAYED"]\n', "finding code(s) ['OVERPAYED'] are not registered"),
    (MINIMAL + 'codes = ["ESTIMATE", "NOT_A_CODE"]\n', "finding code(s) ['NOT_A_CODE'] are not registered"),
    (MINIMAL + 'findings = [{ code = "OVERPAIDD" }]\n', "finding code(s) ['OVERPAIDD'] are not registered"),
])
def test_runner_refuses_vacuous_or_mistyped_cases(tmp_path, text, message):
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssertionError, match=re.escape(message)):
        load_case(path)


@pytest.mark.parametrize("actual, expected, equal", [
    (300000.0, 300000, True), (100.01, 100.01, True), (100.0, 100.01, False), (None, "", True), (0.0, "", False),
    ("2025-08-31", dt.date(2025, 8, 31), True), (True, 1, False), (1, True, False), ("推荐", "推荐", True),
    (0.5333333333333333, 0.5333, False),
])
def test_values_compare_exactly(actual, expected, equal):
    assert same(actual, expected) is equal


def test_a_wrong_figure_fails_with_the_case_title(tmp_path):
    case = load_case(CASES / "taojiang" / "first-due-at-60.toml")
    case["expect"]["totals"] = {"补助金额(元)": 120000.01}
    failures = check(case, *settle_case(CASES / "taojiang" / "first-due-at-60.toml", case, tmp_path))
    assert failures == ["total 补助金额(元): expected 120000.01, farmcli gives 120000.0"]
