"""The ledger validators (issue 23 §7): one explicit list, `settlement.validate.VALIDATORS`, that runs
on a ledger as read without its policy (`farmcli.validate`), and whose findings open every settlement's
findings, in the same order, followed by the policy's."""

from __future__ import annotations

from pathlib import Path

import pytest

import farmcli
from conftest import ROOT, TOWN_HEADER, write_ledger
from farmcli.model.findings import LedgerError
from farmcli.settlement.build import read_ledger, settle_ledger
from farmcli.settlement.validate import VALIDATORS, validate

SAMPLES = sorted((ROOT / "sample_data").glob("*.xlsx"))
SETTINGS = [["项目", "值"], ["政策", "taojiang"], ["年度", 2022], ["不知道的项", "x"]]


def year_of(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[1])


def faulty(tmp_path: Path) -> Path:
    """A ledger every ledger-level validator has something to say about: an unknown 设置 key, a formula
    without its value, a 合计 row that disagrees, an alias given twice."""
    return write_ledger(tmp_path / "faulty.xlsx", {
        "设置": SETTINGS,
        "乡镇": [TOWN_HEADER, ["甲镇", 100, "=A1", None, None, None, 0], ["乙镇", 100, 50, None, None, None, 0],
                 ["合计", 300, 60, None, None, None, 0]],
        "别名": [["别名", "标准名称"], ["甲", "甲镇"], ["甲", "乙镇"]],
    })


def codes(findings) -> list[str]:
    return [f.code for f in findings]


@pytest.mark.parametrize("path", SAMPLES + ["faulty"], ids=lambda p: getattr(p, "stem", p))
def test_a_settlements_findings_open_with_the_validators_in_order(path, tmp_path):
    path = faulty(tmp_path) if path == "faulty" else path
    year = year_of(path) if path.name != "faulty.xlsx" else 2022
    found = validate(read_ledger(path, year))
    settled = settle_ledger(path, year).findings
    assert settled[:len(found)] == found
    if path.name == "faulty.xlsx":  # and the policy's own findings come after them
        assert {"SETTING_UNKNOWN", "FORMULA_NO_VALUE", "TOTAL_MISMATCH", "DUPLICATE_ALIAS"} <= set(codes(found))
        assert len(settled) > len(found)


def test_each_validator_runs_alone(tmp_path):
    read = read_ledger(faulty(tmp_path), 2022)
    by_name = {v.name: codes(validate(read, (v,))) for v in VALIDATORS}
    assert "FORMULA_NO_VALUE" in by_name["公式"] and "TOTAL_MISMATCH" in by_name["各表"]
    assert by_name["设置项"] == ["SETTING_UNKNOWN"] and by_name["别名"] == ["DUPLICATE_ALIAS"]
    assert by_name["格式"] == [] and by_name["年度"] == []
    assert sum(map(len, by_name.values())) == len(validate(read))


def test_validate_does_not_apply_the_policy(tmp_path, monkeypatch):
    from farmcli.policies import taojiang

    def settle(inputs):
        raise AssertionError("the policy ran")

    monkeypatch.setattr(taojiang, "settle", settle)
    path = faulty(tmp_path)
    found = farmcli.validate(path)
    assert (found.policy, found.year) == ("taojiang", 2022)
    assert codes(found)[0] in ("FORMULA_NO_VALUE", "TOTAL_MISMATCH", "DUPLICATE_ALIAS")  # errors first
    assert set(codes(found)) == set(codes(validate(read_ledger(path, 2022))))
    with pytest.raises(AssertionError, match="the policy ran"):
        farmcli.check(path)


def test_validate_takes_one_ledger_file(tmp_path):
    with pytest.raises(LedgerError, match="文件夹"):
        farmcli.validate(tmp_path)
    with pytest.raises(LedgerError, match="没有参数“as_of”。可用：policy、year、settings"):
        farmcli.validate(SAMPLES[0], as_of="2024-01-01")


def test_the_validators_are_listed_in_the_developers_guide():
    names = [v.name for v in VALIDATORS]
    assert len(names) == len(set(names))
    guide = (ROOT / "docs" / "developing.md").read_text("utf-8")
    assert [n for n in names if f"`{n}`" not in guide] == []


def test_a_folders_files_are_each_checked_by_the_file_validators(tmp_path):
    """A folder (SPEC §8) runs the validators that speak of one file on each file (公式, 各表, 别名), their
    findings located in that file; 设置, year and terms are checked once, on the combined 设置."""
    from farmcli.settlement.folder import FILE_VALIDATORS, FOLDER_VALIDATORS

    assert [v.name for v in FILE_VALIDATORS] == ["公式", "各表", "别名"]  # a renamed validator fails here
    assert [v.name for v in FOLDER_VALIDATORS] == ["年度", "适用期", "设置项"]
    root = tmp_path / "台账"
    root.mkdir()
    faulty(root)  # the county's own workbook: every file validator has something to say
    found = farmcli.check(root, year=2022)
    mine = {f.code for f in found if f.file == "faulty.xlsx"}
    assert {"FORMULA_NO_VALUE", "TOTAL_MISMATCH", "DUPLICATE_ALIAS"} <= mine
    assert [f.code for f in found].count("SETTING_UNKNOWN") == 1


def test_check_ledger_only_runs_the_validators_alone(tmp_path):
    """`farmcli check --ledger-only`: the validators' findings, and none of the policy's (issue 23 §7)."""
    import json

    from conftest import run_cli

    path = faulty(tmp_path)
    alone = run_cli("check", str(path), "--year", "2022", "--ledger-only", "--json")
    full = run_cli("check", str(path), "--year", "2022", "--json")
    assert alone.returncode == full.returncode == 1, alone.stderr
    assert json.loads(alone.stdout)["ledger_only"] is True and "ledger_only" not in json.loads(full.stdout)
    alone_codes = [f["code"] for f in json.loads(alone.stdout)["findings"]]
    full_codes = [f["code"] for f in json.loads(full.stdout)["findings"]]
    assert {"SETTING_UNKNOWN", "FORMULA_NO_VALUE", "TOTAL_MISMATCH", "DUPLICATE_ALIAS"} <= set(alone_codes)
    assert sorted(alone_codes) == sorted(codes(farmcli.validate(path, year=2022)))
    assert set(alone_codes) < set(full_codes)  # the policy's own findings only in the full check
    console = run_cli("check", str(path), "--year", "2022", "--ledger-only")
    assert "只做了台账校验" in console.stdout and "去掉 --ledger-only" in console.stdout
    assert "只做了台账校验" not in run_cli("check", str(path), "--year", "2022").stdout
    folder = run_cli("check", str(tmp_path), "--ledger-only")
    assert folder.returncode == 2 and "文件夹" in folder.stderr and "Traceback" not in folder.stderr
