"""Each policy declares what the outputs need, next to its SHEETS (issue 23 item 1)."""

from __future__ import annotations

import pytest

from farmcli.model.result import UnitKey
from farmcli.policies import POLICY_IDS, policy_module


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_units_name_a_sheet_and_column_of_the_policy(policy_id):
    module = policy_module(policy_id)
    units = module.UNITS
    assert isinstance(units, UnitKey)
    sheets = {spec.name: spec for spec in module.SHEETS}
    assert units.sheet in sheets, f"{policy_id}: UNITS names sheet {units.sheet} not in SHEETS"
    columns = {col.name for col in sheets[units.sheet].columns}
    assert units.column in columns, f"{policy_id}: UNITS names column {units.column} not in {units.sheet}"
    assert next(c for c in sheets[units.sheet].columns if c.name == units.column).required
