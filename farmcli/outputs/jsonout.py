"""The `--json` document of SPEC §3: one object, names and columns exactly as in §2."""

from __future__ import annotations

import json

from farmcli.model.findings import sorted_findings
from farmcli.outputs.values import to_json
from farmcli.settlement.build import Settlement


def settlement_json(s: Settlement, outputs: dict[str, str | None], changes=None) -> dict:
    """The JSON document; `changes` (since the previous run) when the outputs were written."""
    changes = changes if changes is not None else s.changes
    tables = {}
    for t in s.tables:
        rows = t.body()
        tables[t.name] = [{c.name: to_json(row.get(c.name), c.kind) for c in t.shown()} for row in rows]
    return {
        "policy": s.policy.id,
        "year": s.year,
        "outputs": outputs,
        "totals": {t.name: to_json(t.value, t.kind) for t in s.totals},
        "tables": tables,
        "findings": [f.as_dict() for f in sorted_findings(s.findings)],
        "parameters": {name: p.as_json() for name, p in s.params.items()},
        **({"changes": changes.as_json()} if changes is not None else {}),
        **({"submissions": [sub.as_dict() for sub in s.submissions]} if s.submissions else {}),
    }


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
