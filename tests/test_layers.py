"""Layers read top-down: no module imports a layer after its own (SPEC §7, farmcli/__init__.py).

ooxml, read → model → policies, scoring → settlement → outputs → cli; `model` is the vocabulary all
share, and `ooxml` (the one reader of a zip package) sits at the bottom beside it, under `read` and
`outputs`, which both open packages through it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "farmcli"
# layer → the layers it may import (besides itself)
ALLOWED = {
    "model": set(),
    "ooxml": {"model"},
    "read": {"model", "ooxml"},
    "policies": {"model"},
    "scoring": {"model"},
    "settlement": {"model", "ooxml", "read", "policies", "scoring"},
    "outputs": {"model", "ooxml", "settlement", "policies", "scoring", "read"},
    "api": {"model", "ooxml", "read", "policies", "scoring", "settlement", "outputs"},
    "cli": {"model", "ooxml", "read", "policies", "scoring", "settlement", "outputs", "api"},
    "docs": {"model", "policies", "outputs", "cli"},  # farmcli/docs.py: README sections generated from the code
}


def layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "farmcli":
        return None
    if len(parts) == 1:
        return "api"  # the package itself: `farmcli.settle()` and friends
    return {"__main__": "cli", "cli_args": "cli", "cli_console": "cli", "cli_words": "cli"}.get(parts[1], parts[1])


def imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [node.module] + [f"{node.module}.{a.name}" for a in node.names if node.module == "farmcli"]
    return out


def test_no_module_imports_a_later_layer():
    wrong = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        mine = layer(".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts))
        for name in imports(path):
            theirs = layer(name)
            if theirs and theirs != mine and theirs not in ALLOWED[mine] and name != "farmcli.__version__":
                wrong.append(f"{rel} ({mine}) imports {name} ({theirs})")
    assert wrong == []


def test_every_folder_says_what_it_may_import():
    for folder in ("model", "ooxml", "read", "policies", "scoring", "settlement", "outputs"):
        doc = ast.get_docstring(ast.parse((ROOT / folder / "__init__.py").read_text("utf-8"))) or ""
        assert "May import" in doc, folder


def test_the_command_line_is_a_thin_layer_over_the_library():
    """cli.py settles and checks through farmcli.api (SPEC §7), never around it."""
    names = set(imports(ROOT / "cli.py"))
    assert "farmcli.api" in names or "farmcli.api" in {n.rsplit(".", 1)[0] for n in names}
    around = {"farmcli.settlement.build", "farmcli.outputs.write.write_settlement", "farmcli.outputs.jsonout.settlement_json"}
    text = (ROOT / "cli.py").read_text("utf-8")
    assert [n for n in ("settle_ledger", "write_settlement", "settlement_json") if n in text] == []
    assert not names & around



# Inside outputs/, folders by what they make, each importing only the ones before it
# (farmcli/outputs/__init__.py): values ← reports ← workbook ← files ← write, jsonout.
OUTPUT_ORDER = ["values", "reports", "workbook", "files", "top"]


def output_part(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["farmcli", "outputs"] or len(parts) < 3:
        return None
    return parts[2] if parts[2] in OUTPUT_ORDER else "top"


def outputs_violations(module: str, source: str) -> list[str]:
    """What `module` (in outputs/) imports from a folder after its own; `from farmcli.outputs.reports
    import paper` counts as importing `reports.paper`, lazy imports inside functions too."""
    mine = output_part(module)
    wrong = []
    for node in ast.walk(ast.parse(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [f"{node.module}.{a.name}" for a in node.names] if isinstance(node, ast.ImportFrom) and node.module else []
        for name in names:
            theirs = output_part(name)
            if mine and theirs and OUTPUT_ORDER.index(theirs) > OUTPUT_ORDER.index(mine):
                wrong.append(f"{module} ({mine}) imports {name} ({theirs})")
    return wrong


def test_outputs_folders_import_only_the_ones_before_them():
    wrong = []
    for path in (ROOT / "outputs").rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        wrong += outputs_violations(".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts), path.read_text("utf-8"))
    assert wrong == []


def test_the_outputs_rule_can_fail():
    assert outputs_violations("farmcli.outputs.reports.word", "def f():\n    from farmcli.outputs.workbook import sheets\n")
    assert outputs_violations("farmcli.outputs.workbook.record", "import farmcli.outputs.files.guard\n")
    assert outputs_violations("farmcli.outputs.values", "from farmcli.outputs.write import write_settlement\n")
    assert not outputs_violations("farmcli.outputs.files.guard", "from farmcli.outputs.workbook.record import RECORD_SHEET\n")


def test_every_outputs_folder_says_what_it_makes_and_may_import():
    folders = {p.name for p in (ROOT / "outputs").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {"reports", "workbook", "files"}
    for folder in folders:
        doc = ast.get_docstring(ast.parse((ROOT / "outputs" / folder / "__init__.py").read_text("utf-8"))) or ""
        assert "May import" in doc, folder


def test_a_result_tables_body_is_its_rows_then_its_total():
    from farmcli.model.result import Col, ResultTable

    rows = [{"乡镇": "甲"}, {"乡镇": "乙"}]
    assert ResultTable("t", [Col("乡镇")], rows, {"乡镇": "合计"}).body() == rows + [{"乡镇": "合计"}]
    table = ResultTable("t", [Col("乡镇")], rows)
    assert table.body() == rows and table.body() is not table.rows  # a copy: appending to it leaves the table alone
