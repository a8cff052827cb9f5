"""`farmcli template POLICY --for 修山镇 … --out 下发/` (SPEC §8 下发): one workbook per reporting
unit — the policy's template with 设置 填报单位 filled in, the unit column offering only the unit's
name, and a 说明 saying which sheets the unit fills and which the county keeps."""

from __future__ import annotations

import os
import re
from pathlib import Path

from farmcli.model.names import name_key
from farmcli.model.params import load_policy_data
from farmcli.outputs.workbook.template import ForUnit, write_template
from farmcli.policies import policy_module
from farmcli.settlement.cycle import unit_sheets

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')  # not allowed in a Windows file name


def unit_template_name(unit: str, title: str) -> str:
    return f"{_UNSAFE.sub('_', unit.strip())}-{title}台账.xlsx"


def write_unit_templates(policy_id: str, units: list[str], folder: Path) -> list[Path]:
    """One template per unit (named alike once: 修山镇 and 修山镇人民政府 are one unit) into `folder`."""
    module, data = policy_module(policy_id), load_policy_data(policy_id)
    fills, listing = unit_sheets(module)
    key = module.UNITS
    list_spec = next((s for s in module.SHEETS if s.name == key.sheet), None)
    own_row = key.sheet if listing is None and list_spec is not None and list_spec.key == key.column else None
    folder.mkdir(parents=True, exist_ok=True)
    paths, seen = [], set()
    for unit in units:
        if not unit.strip() or name_key(unit) in seen:
            continue
        seen.add(name_key(unit))
        path = folder / unit_template_name(unit, data.title)
        temp = path.with_name(f".{path.name}.tmp")
        write_template(policy_id, temp, ForUnit(unit.strip(), tuple(fills), key.column, own_row))
        os.replace(temp, path)
        paths.append(path)
    return paths
