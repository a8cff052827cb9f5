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


def test_an_unknown_policy_lists_each_id_with_its_chinese_name():
    from farmcli.policies import POLICY_IDS, all_policy_data

    result = run_cli("template", "no-such-policy")
    assert result.returncode == 2
    for data in all_policy_data():
        assert f"{data.id}（{data.title}）" in result.stderr
    assert len(all_policy_data()) == len(POLICY_IDS)


@pytest.mark.parametrize("kind", ["乡镇", "市"])
def test_an_unmatched_name_says_either_list_may_be_misspelt(kind):
    from farmcli.model.names import NameIndex, name_key

    index = NameIndex(canonical={name_key("修山镇"): "修山镇"}, aliases={})
    message = index.unmatched_message("马迹镇", kind)
    assert "这里的名称写错了" in message and f"「{kind}」表中的名称写错了" in message
    assert "「别名」" in message  # the alias stays the fix for a second spelling


def _many_findings(ledger):
    from conftest import TOWN_HEADER

    rows = [[f"镇{chr(0x7532 + i)}", 100, 100, "abc", None, None, None] for i in range(14)]
    return ledger(设置=[["项目", "值"], ["政策", "taojiang"]], 乡镇=[TOWN_HEADER, *rows])


def test_check_and_settle_show_ten_findings_and_say_where_the_rest_are(ledger, tmp_path):
    path = _many_findings(ledger)
    settled = run_cli("settle", "2022", str(path), "--out", str(tmp_path / "out"))
    checked = run_cli("check", str(path), "--year", "2022")
    for result, where in ((settled, "见工作簿「发现问题」表"), (checked, "用 farmcli check --json 查看")):
        lines = [l for l in result.stdout.splitlines() if l.startswith("  [")]
        assert len(lines) == 10, result.stdout
        more = re.search(r"其余 (\d+) 项(\S+)", result.stdout)
        assert more and where.startswith(more.group(2)[:6]), result.stdout
        assert result.stdout.count("发现问题：") == 1
    # one function: the same findings are listed the same way by both commands
    assert [l for l in settled.stdout.splitlines() if l.startswith("  [")] == \
        [l for l in checked.stdout.splitlines() if l.startswith("  [")]


def test_quiet_points_at_the_workbook(ledger, tmp_path):
    result = run_cli("settle", "2022", str(_many_findings(ledger)), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 1
    assert ".xlsx 的「发现问题」表" in result.stderr and ".md" not in result.stderr
