"""Issue 26 §4: click's own words in Chinese; the hint names the command that was typed."""

import re

import pytest

from conftest import run_cli

ENGLISH = ("Usage:", "Options", "Arguments", "Show this message", "Try '", "Error:", "Missing argument",
           "No such", "[required]", "OPTIONS", "Did you mean")


@pytest.mark.parametrize("args", [["--help"], ["settle", "--help"], ["check", "--help"], ["template", "--help"],
                                  ["policies", "--help"]])
def test_help_pages_are_chinese_and_name_no_python_types(args):
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert "用法：" in result.stdout and "显示本帮助并退出。" in result.stdout
    assert [w for w in ENGLISH if w in result.stdout] == []
    assert re.findall(r"<(?:list\[)?(?:str|path|int)\]?>", result.stdout) == []


SLIPS = [
    (["settle"], "缺少参数 YEAR", "farmcli settle --help"),
    (["settle", "2022"], "缺少参数 LEDGER", "farmcli settle --help"),
    (["sette", "2022", "x.xlsx"], "没有命令 sette。是不是要写 settle？", "farmcli --help"),
    (["check", "x.xlsx", "--bogus"], "没有选项 --bogus", "farmcli check --help"),
    (["check", "x.xlsx", "--policy"], "--policy 后面要写一个值", "farmcli check --help"),
    (["template", "--for"], "--for 后面要写一个值", "farmcli template --help"),
]


@pytest.mark.parametrize("args, what, hint", SLIPS, ids=[" ".join(s[0]) for s in SLIPS])
def test_usage_slips_are_chinese_and_point_at_the_typed_command(args, what, hint):
    result = run_cli(*args)
    assert result.returncode == 2
    assert what in result.stderr and f"用 {hint} 查看用法。" in result.stderr
    assert [w for w in ENGLISH if w in result.stderr] == [], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
