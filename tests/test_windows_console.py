"""Windows on Linux (issue 17, SPEC §6): no fcntl, GBK and ASCII consoles, closed pipes, full
disks, and command-line slips answered in Chinese with the fix."""

import ast
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE

SHIMS = ROOT / "tests" / "shims"
POSIX_ONLY = {"fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "posix", "syslog", "crypt"}
OUTPUTS = sorted(["taojiang-2022-2022年度结算.xlsx", "taojiang-2022-2022年度结算报告.docx", "taojiang-2022-2022年度结算报告.md"])


def farmcli(*args, env=None, stdout=subprocess.PIPE, cwd=None):
    """farmcli as a separate process; stdout and stderr as bytes, so nothing is decoded for us."""
    full = {k: v for k, v in os.environ.items() if k not in ("FARMCLI_DEBUG", "PYTHONIOENCODING")}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "farmcli", *args], stdout=stdout, stderr=subprocess.PIPE,
                          env=full, timeout=120, cwd=cwd)


def test_no_posix_only_module_in_the_package_or_the_tests():
    found = []
    for folder in ("farmcli", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in POSIX_ONLY]
    assert found == []


def test_settle_check_and_template_run_where_fcntl_cannot_be_imported(tmp_path):
    env = {"PYTHONPATH": str(SHIMS), "FARMCLI_TEST_NO_FCNTL": "1"}
    probe = subprocess.run([sys.executable, "-c", "import fcntl"], env={**os.environ, **env}, capture_output=True)
    assert probe.returncode == 1 and b"import of fcntl halted" in probe.stderr  # the shim works
    out = tmp_path / "out"
    for _ in range(2):  # the second run goes through the lock and the change report again
        result = farmcli("settle", "2022", str(SAMPLE), "--out", str(out), "--json", env=env)
        assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
        assert b"Warning" not in result.stderr  # filelock's "only soft file lock" stays out of the clerk's way
        assert json.loads(result.stdout.decode("utf-8"))["totals"]["补助金额(元)"] == 12778760.0
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS  # no lock, record or temporary left
    assert farmcli("check", str(SAMPLE), "--json", env=env).returncode == 0
    made = farmcli("template", "taojiang", "--out", str(tmp_path / "t.xlsx"), env=env)
    assert made.returncode == 0 and (tmp_path / "t.xlsx").exists()


def _generated_strings():
    """Every string literal farmcli can print or write, with where it stands."""
    reading_vocabulary = {"cells.py"}  # what clerks type (✓, ¥): read, never shown
    for path in (ROOT / "farmcli").rglob("*.py"):
        if path.name in reading_vocabulary:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.value
    for path in (ROOT / "farmcli").rglob("*.toml"):
        def walk(value, where):
            if isinstance(value, dict):
                for k, v in value.items():
                    yield from walk(v, f"{where}.{k}")
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    yield from walk(v, f"{where}[{i}]")
            elif isinstance(value, str):
                yield where, value
        yield from walk(tomllib.loads(path.read_text(encoding="utf-8")), path.name)
    for path in (ROOT / "templates").glob("*.j2"):
        yield path.name, path.read_text(encoding="utf-8")


def test_every_text_farmcli_generates_shows_on_a_gbk_console():
    bad = []
    for where, text in _generated_strings():
        try:
            text.encode("gbk")
        except UnicodeEncodeError as exc:
            bad.append(f"{where}: {text[exc.start]!r} (U+{ord(text[exc.start]):04X})")
    assert bad == []


COMMANDS = {  # label → arguments; {out} is a fresh folder or file
    "settle --json": ["settle", "2022", str(SAMPLE), "--out", "{out}", "--json"],
    "settle": ["settle", "2022", str(SAMPLE), "--out", "{out}"],
    "settle --quiet": ["settle", "2022", str(SAMPLE), "--out", "{out}", "--quiet"],
    "check --json": ["check", str(SAMPLE), "--json"],
    "check": ["check", str(SAMPLE)],
    "policies --json": ["policies", "--json"],
    "policies": ["policies"],
    "template": ["template", "jinning", "--out", "{out}.xlsx"],
    "missing ledger": ["settle", "2022", "{out}/无此台账.xlsx"],
    "--help": ["settle", "--help"],
}


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
@pytest.mark.parametrize("label", list(COMMANDS))
def test_every_command_on_a_gbk_or_ascii_console(tmp_path, encoding, label):
    args = [a.replace("{out}", str(tmp_path / "out")) for a in COMMANDS[label]]
    result = farmcli(*args, env={"PYTHONIOENCODING": encoding})
    expected = 2 if label == "missing ledger" else 0
    stderr = result.stderr.decode(encoding)  # what the console shows: no byte it cannot show
    assert result.returncode == expected, stderr
    assert "内部错误" not in stderr and "Traceback" not in stderr and "\\u" not in stderr
    if "--json" in args:
        json.loads(result.stdout.decode("utf-8"))  # UTF-8 JSON whatever the console
    elif label == "--help" and encoding == "ascii":
        result.stdout.decode("utf-8")  # click's own help: it writes UTF-8 to a console it deems misconfigured
    else:
        shown = result.stdout.decode(encoding)
        assert "\\u" not in shown
        if encoding == "gbk" and label in ("settle", "policies", "check"):
            assert "依据" in shown or "结算完成" in shown or "检查" in shown  # Chinese, readable


def test_a_closed_pipe_is_not_an_error(tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head -0`: the reader is gone before farmcli writes
    try:
        for args in (["settle", "2022", str(SAMPLE), "--out", str(tmp_path / "o")], ["policies", "--json"]):
            result = farmcli(*args, stdout=write_end)
            assert result.returncode == 0, result.stderr.decode("utf-8")
            assert result.stderr.decode("utf-8") in ("", "与上次结算相比：金额和状态没有变化\n")
    finally:
        os.close(write_end)
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == OUTPUTS


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_stdout_on_a_full_disk_after_the_outputs_are_written(tmp_path, json_flag):
    with open("/dev/full", "wb") as full:
        result = farmcli("settle", "2022", str(SAMPLE), "--out", str(tmp_path), *json_flag, stdout=full)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 0, stderr  # the settlement's own exit code
    assert "磁盘已满" in stderr and "结算结果已完整写入" in stderr and "未写出任何文件" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == OUTPUTS


def _slip(tmp_path, *args):
    result = farmcli(*args, cwd=tmp_path)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2 and "Traceback" not in stderr and "Error:" not in stderr, stderr
    return stderr


def test_an_unquoted_path_with_spaces(tmp_path):
    ledger = tmp_path / "2022 台账" / "桃江 台账.xlsx"
    ledger.parent.mkdir()
    ledger.write_bytes(SAMPLE.read_bytes())
    stderr = _slip(tmp_path, "settle", "2022", *str(ledger).split(" "))
    assert "英文双引号" in stderr and f'"{ledger}"' in stderr


def test_a_year_written_with_nian(tmp_path):
    stderr = _slip(tmp_path, "settle", "2022年", str(SAMPLE))
    assert "不要带“年”字" in stderr and f"farmcli settle 2022 {SAMPLE}" in stderr


def test_checks_year_written_with_nian(tmp_path):
    stderr = _slip(tmp_path, "check", str(SAMPLE), "--year", "2022年")
    assert "--year 2022" in stderr and "不带“年”字" in stderr


def test_the_year_and_the_ledger_swapped(tmp_path):
    stderr = _slip(tmp_path, "settle", str(SAMPLE), "2022")
    assert "顺序反了" in stderr and f"farmcli settle 2022 {SAMPLE}" in stderr


def test_a_ledger_named_without_its_extension(tmp_path):
    (tmp_path / "桃江台账.xlsx").write_bytes(SAMPLE.read_bytes())
    stderr = _slip(tmp_path, "settle", "2022", "桃江台账")
    assert "桃江台账.xlsx" in stderr and "扩展名" in stderr
    assert "扩展名" in _slip(tmp_path, "check", "桃江台账")


def test_template_into_a_folder_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for target in (tmp_path / "missing" / "t.xlsx", blocker / "t.xlsx"):
        stderr = _slip(tmp_path, "template", "taojiang", "--out", str(target))
        assert "无法写入" in stderr and "--out" in stderr and "内部错误" not in stderr
