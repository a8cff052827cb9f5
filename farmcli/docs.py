"""README sections generated from the code, so the docs cannot drift from it:
the command synopses (from the CLI itself) and each policy's parameter table (from its
TOML file). `python -m farmcli.docs README.md` rewrites them in place; `tests/test_docs.py`
fails when the README differs from what this module generates."""

from __future__ import annotations

import re
import sys
from pathlib import Path

# How a synopsis names an option's value; an option not listed shows its own name in capitals.
METAVARS = {"--policy": "ID", "--out": "DIR", "--set": "参数=值", "--as-of": "DATE", "--framework": "FILE",
            "--year": "YEAR", "template --out": "FILE", "--main": "FILE", "--per-unit": "DIR", "--for": "单位",
            "--for-units": "FILE"}
_SECTION = re.compile(r"(<!-- (?P<name>[^ ]+) -->\n)(?P<body>.*?)(<!-- /(?P=name) -->)", re.S)


def synopses() -> str:
    import typer.main

    from farmcli.cli import app

    group = typer.main.get_command(app)
    lines = []
    for name, command in group.commands.items():
        words = [f"farmcli {name}"]
        for p in command.params:
            if not p.opts[0].startswith("-"):
                words.append(p.name.upper().rstrip("_"))
            elif getattr(p, "is_flag", False):
                words.append(f"[{p.opts[0]}]")
            else:
                metavar = METAVARS.get(f"{name} {p.opts[0]}") or METAVARS.get(p.opts[0], p.opts[0].lstrip("-").upper())
                words.append(f"[{p.opts[0]} {metavar}]" + ("..." if getattr(p, "multiple", False) else ""))
        lines.append("    " + " ".join(words))
    lines.append("    farmcli --version          （也可以 python -m farmcli …）")
    return "\n".join(lines) + "\n"


def parameter_table(policy_id: str) -> str:
    from farmcli.model.params import describe_range, load_param_file, no_default_label
    from farmcli.outputs.values import param_kind, show
    from farmcli.policies import all_policy_data

    data = next((d for d in all_policy_data() if d.id == policy_id), None) or load_param_file(
        f"farmcli.{policy_id}", f"{policy_id}.toml")
    rows = ["| 参数 | 默认值 | 单位 | 有效范围 | 适用期 | 依据 |", "|---|---|---|---|---|---|"]
    for p in data.parameters:
        if p.value is not None:
            value = show(p.value, param_kind(p.type))
        else:
            value = no_default_label(p) if p.optional else f"**{no_default_label(p)}**"
        valid = describe_range(p) if p.low is not None or p.high is not None else ""
        rows.append(f"| {p.name} | {value} | {p.unit} | {valid} | {p.start or '…'} 至 {p.end or '…'} | {p.citation} |")
    return "\n".join(rows) + "\n"


def generate(name: str) -> str:
    if name == "命令":
        return synopses()
    if name.startswith("参数表:"):
        return parameter_table(name.split(":", 1)[1])
    raise ValueError(f"unknown generated section {name!r}")


def regenerate(text: str) -> str:
    # Blank lines around the body, so Markdown sees the table or code block on its own.
    return _SECTION.sub(lambda m: m.group(1) + "\n" + generate(m.group("name")) + "\n" + m.group(4), text)


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(regenerate(path.read_text("utf-8")), encoding="utf-8")
