"""The policy registry. A policy is one module (`settle` + `SHEETS`), one parameter
file (`<id>.toml`) and one report template (`templates/<id>.md.j2`).

May import: `farmcli.model` only. A policy is a pure function of its `Inputs`: no I/O.
"""

from __future__ import annotations

import importlib
from importlib import resources

from farmcli.model.cells import normalise_text
from farmcli.model.findings import LedgerError
from farmcli.model.params import PolicyData, load_policy_data



def _discover() -> tuple[str, ...]:
    """Every policy that ships a parameter file; adding a policy needs no edit here."""
    files = resources.files("farmcli.policies").iterdir()
    return tuple(sorted(f.name[:-5].replace("_", "-") for f in files if f.name.endswith(".toml")))


POLICY_IDS = _discover()


def policy_module(policy_id: str):
    return importlib.import_module(f"farmcli.policies.{policy_id.replace('-', '_')}")


def all_policy_data() -> list[PolicyData]:
    return [load_policy_data(pid) for pid in POLICY_IDS]


def find_policy(text: str, where: str) -> str:
    """A policy id from an id or its Chinese title (as 设置.政策 may hold it)."""
    wanted = normalise_text(text).lower()
    for data in all_policy_data():
        if wanted in {data.id, normalise_text(data.title), normalise_text(data.document)}:
            return data.id
    known = "；".join(f"{data.id}（{data.title}）" for data in all_policy_data())
    raise LedgerError(f"未知的政策“{text}”（{where}）。可用的政策：{known}（用 farmcli policies 查看详情）。")
