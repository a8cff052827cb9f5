"""The README's generated sections match the code: command synopses (from the CLI) and every
policy's parameter table (from its TOML file). Regenerate with `python -m farmcli.docs README.md`."""

from __future__ import annotations

import re

from conftest import ROOT

from farmcli.docs import regenerate, synopses
from farmcli.policies import POLICY_IDS

README = (ROOT / "README.md").read_text("utf-8")


def test_readme_generated_sections_are_current():
    assert README == regenerate(README), "README is stale: run `python -m farmcli.docs README.md`"


def test_every_policy_and_the_scoring_rules_have_a_parameter_table():
    tables = set(re.findall(r"<!-- 参数表:([^ ]+) -->", README))
    assert tables == set(POLICY_IDS) | {"scoring"}


def test_synopses_list_every_option_of_every_command():
    import typer.main

    from farmcli.cli import app

    text = synopses()
    for name, command in typer.main.get_command(app).commands.items():
        line = next(l for l in text.splitlines() if l.strip().startswith(f"farmcli {name} ") or l.strip() == f"farmcli {name}")
        for p in command.params:
            shown = p.opts[0] if p.opts[0].startswith("-") else p.name.upper().rstrip("_")
            assert shown in line, (name, shown)
    assert "<!-- 命令 -->" in README
