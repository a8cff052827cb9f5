"""Guards on what the clerk types (issue 16, SPEC §1 Parameters and Year): every parameter has
a valid range, a share is never guessed, a full-width ＝ works, the year asked for is settled
with an error naming both years, and a year before the policy says the policy starts later."""

import json

import pytest

from conftest import ROOT, TOWN_HEADER, run_cli
from farmcli.model.findings import LedgerError
from farmcli.model.params import check_in_force, load_policy_data, parse_value, resolve
from farmcli.policies import all_policy_data
from farmcli.scoring.pipeline import scoring_parameters

TOWN = ["修山镇", 500, 400, 0, "80%", 1000000, 0]


def taojiang(ledger, *extra):
    return ledger(设置=[["项目", "值"], ["政策", "taojiang"], *extra], 乡镇=[TOWN_HEADER, TOWN])


def test_every_parameter_has_a_range_that_holds_its_default():
    for data in all_policy_data() + [scoring_parameters()]:
        for p in data.parameters:
            if p.type in ("rate", "money", "area", "number", "int", "date"):
                assert p.low is not None or p.high is not None, f"{data.id} {p.name}"
            if p.type == "rate":
                assert (p.low, p.high) == (0, 1), f"{data.id} {p.name}: a share lies in 0–100%"
            if p.type == "date" and data.start:
                assert data.start <= p.low and (data.end is None or p.high <= data.end), f"{data.id} {p.name}"


@pytest.mark.parametrize("text, value", [("30%", "0.3"), ("0.3", "0.3"), ("1", "1"), ("100%", "1"), ("0", "0"),
                                         ("３０％", "0.3")])
def test_a_share_is_a_fraction_or_a_percent(text, value):
    parsed, problem = parse_value("rate", text)
    assert problem is None and str(parsed.normalize()) == str(__import__("decimal").Decimal(value).normalize())


@pytest.mark.parametrize("text", ["30", "1.5", 30, "59"])
def test_a_bare_share_above_1_is_refused_with_both_spellings(text):
    parsed, problem = parse_value("rate", text)
    assert parsed is None and f"{text}%" in problem and "0." in problem and "不作猜测" in problem


@pytest.mark.parametrize("pair, hint", [
    ("首笔拨付比例=30", "30% 或 0.3"),
    ("首笔拨付比例=1.5", "1.5% 或 0.015"),
    ("首笔拨付比例=150%", "0% 至 100%"),
    ("补助标准=-2000", "不小于 0"),
])
def test_a_value_outside_the_range_stops_with_exit_2(ledger, tmp_path, pair, hint):
    result = run_cli("settle", "2022", str(taojiang(ledger)), "--set", pair, "--out", str(tmp_path / "o"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert hint in result.stderr and pair.split("=")[0] in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_the_same_guard_applies_to_a_settings_cell(ledger, tmp_path):
    path = taojiang(ledger, ["首笔拨付比例", 30])
    result = run_cli("settle", "2022", str(path), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "设置" in result.stderr and "30% 或 0.3" in result.stderr


def test_full_width_equals_sign_is_accepted(ledger, tmp_path):
    result = run_cli("settle", "2022", str(taojiang(ledger)), "--set", "补助标准＝2100", "--json",
                     "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["parameters"]["补助标准"]["value"] == 2100


def test_scoring_inputs_can_be_set_on_the_command_line(ledger, tmp_path):
    # 满意度 is a 设置 scalar of the scoring table (SPEC §4); --set gives it too (SPEC §1 设置).
    path = ledger(设置=[["项目", "值"], ["政策", "taojiang"], ["满意度", "50%"]], 乡镇=[TOWN_HEADER, TOWN],
                  绩效=[["三级指标", "序号", "自评得分"], ["社会公众或服务对象满意度", 1, 3]])
    result = run_cli("settle", "2022", str(path), "--set", "满意度=96%", "--json", "--out", str(tmp_path / "o"))
    assert result.returncode in (0, 1), result.stderr
    rows = json.loads(result.stdout)["tables"]["绩效评分"]
    row = next(r for r in rows if r.get("三级指标") == "社会公众或服务对象满意度")
    assert row["审核得分"] == 5.0 and "96" in row["依据或公式"], row  # 96% ≥ 95%: full points, not 设置's 50%


def test_the_year_asked_for_is_settled_with_an_error_naming_both_years(tmp_path):
    sample = ROOT / "sample_data" / "jinning-2023.xlsx"
    result = run_cli("settle", "2022", str(sample), "--quiet", "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert "1 项错误" in result.stderr or "错误" in result.stderr
    result = run_cli("settle", "2022", str(sample), "--json", "--out", str(tmp_path / "o"))
    doc = json.loads(result.stdout)
    assert doc["year"] == 2022 and result.returncode == 1
    found = [f for f in doc["findings"] if f["code"] == "YEAR_DIFFERS"]
    assert len(found) == 1 and found[0]["severity"] == "error"
    assert "2022" in found[0]["message"] and "2023" in found[0]["message"]


def test_a_year_before_the_policy_says_when_it_starts():
    with pytest.raises(LedgerError, match="本政策自 2023 年起施行"):
        check_in_force(load_policy_data("anhui-assessment"), 2022)
    check_in_force(load_policy_data("anhui-assessment"), 2023)


def test_sample_before_the_policy_starts_says_so(tmp_path):
    result = run_cli("settle", "2022", str(ROOT / "sample_data" / "anhui-assessment-2025.xlsx"),
                     "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and result.stderr.count("本政策自 2023 年起施行") == 1  # the term, stated once
    # outside the term every parameter must be explicit (SPEC §1 Year): the message names what is missing
    assert "还缺：分解起始年" in result.stderr and "--set" in result.stderr


def test_the_hint_comes_from_the_parameters_own_default():
    data = load_policy_data("anhui-incentive")
    with pytest.raises(LedgerError) as caught:
        resolve(data, 2024, {"村级最低比例": ("abc", "B3")}, {})
    assert "例如 50%" in str(caught.value)
