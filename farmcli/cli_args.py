"""Slips at the command line, turned into Chinese messages with the fix (SPEC §6).

Pure functions for `farmcli/cli.py`: they read the arguments and the file system, and return
or raise; the command line prints.
"""

from __future__ import annotations

import re
from pathlib import Path

from farmcli.model.findings import LedgerError

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")
_YEAR = re.compile(r"\s*(\d{4})\s*(年度?)?\s*")


def _looks_like_file(text: str) -> bool:
    return text.lower().endswith(LEDGER_SUFFIXES) or Path(text).is_file()


def check_year(text: str) -> int:
    """check's --year: `2022`; `2022年` gets its fix."""
    import unicodedata

    plain = unicodedata.normalize("NFKC", text).strip()
    if plain.isdigit() and len(plain) == 4:
        return int(plain)
    match = _YEAR.fullmatch(plain)
    fix = f"请写成 --year {match.group(1)}（不带“年”字）" if match else "请写成如 --year 2022"
    raise LedgerError(f"--year “{text}” 不是四位数字的年份。{fix}。")


def parse_year(text: str, ledger: str) -> int:
    """The settle command's YEAR: `2022`; `2022年`, a swapped year and ledger get their fix."""
    import unicodedata

    plain = unicodedata.normalize("NFKC", text).strip()
    if plain.isdigit() and len(plain) == 4:
        return int(plain)
    if _looks_like_file(text) and _YEAR.fullmatch(ledger or ""):
        raise LedgerError(f"年度和台账文件的顺序反了。请先写年度、再写台账：farmcli settle {_YEAR.fullmatch(ledger).group(1)} "
                          f"{_quoted(text)}")
    match = _YEAR.fullmatch(plain)
    if match:
        raise LedgerError(f"年度“{text}”请只写四位数字，不要带“年”字：farmcli settle {match.group(1)} {_quoted(ledger)}")
    raise LedgerError(f"年度“{text}”不是四位数字的年份。请写成如：farmcli settle 2022 {_quoted(ledger or '台账.xlsx')}")


def find_ledger(path: Path) -> Path:
    """The ledger as typed; when it is missing, the file the clerk meant (Windows hides extensions)."""
    if path.exists() or path.suffix.lower() in LEDGER_SUFFIXES:
        return path
    found = [path.with_name(path.name + s) for s in LEDGER_SUFFIXES if path.with_name(path.name + s).is_file()]
    if len(found) == 1:
        raise LedgerError(f"找不到台账文件 {path}，但同一文件夹中有 {found[0].name}。Windows 常隐藏文件扩展名，"
                          f"请把扩展名一起写上：{_quoted(str(found[0]))}")
    if found:
        names = "、".join(f.name for f in found)
        raise LedgerError(f"找不到台账文件 {path}。同一文件夹中有 {names}，请写出完整的文件名（含扩展名）。")
    raise LedgerError(f"找不到台账文件 {path}。请检查文件路径，并写上扩展名（如 .xlsx）。")


def extra_arguments_message(argv: list[str]) -> str | None:
    """`farmcli settle 2022 D:\\台账 2022\\桃江.xlsx` (a path with spaces, unquoted): the fix."""
    if len(argv) < 2 or argv[0] not in ("settle", "check"):
        return None
    words = [a for a in argv[1:] if not a.startswith("-")]
    start = 1 if argv[0] == "settle" and words and _YEAR.fullmatch(words[0]) else 0
    rest = words[start:]
    if len(rest) < 2:
        return None
    for end in range(len(rest), 1, -1):  # the longest run of words that names a file
        joined = " ".join(rest[:end])
        if Path(joined).exists() or joined.lower().endswith(LEDGER_SUFFIXES):
            example = f"farmcli {argv[0]} {words[0] + ' ' if start else ''}{_quoted(joined, always=True)}"
            return f"文件路径中有空格，请用英文双引号把整个路径括起来：{example}"
    return (f"命令行多出了参数（{' '.join(rest[1:])}）。如果文件路径中有空格，请用英文双引号把整个路径括起来，"
            f"例如 farmcli {argv[0]} {words[0] + ' ' if start else ''}\"{' '.join(rest)}\"")


def _quoted(text: str, always: bool = False) -> str:
    return f'"{text}"' if always or " " in text else text
