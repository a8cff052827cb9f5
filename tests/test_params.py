"""Parameters as dated data: defaults, 设置, --set, and the exit-2 cases."""

import datetime as dt
from decimal import Decimal

import pytest

from farmcli.model.findings import LedgerError
from farmcli.model.params import load_policy_data, resolve
from farmcli.policies import POLICY_IDS
from farmcli.settlement.build import settle_ledger

TOWNS = [["乡镇名称", "下达任务(亩)", "实施恢复面积(亩)", "验收入库面积(亩)"], ["修山镇", 100, 100, 100]]


def test_every_parameter_has_unit_period_and_citation():
    for pid in POLICY_IDS:
        for p in load_policy_data(pid).parameters:
            assert p.unit and p.citation and p.start, p  # an open end means "until replaced"


def test_taojiang_defaults_come_from_the_report():
    data = load_policy_data("taojiang")
    params = resolve(data, 2022, {}, {})
    assert params["补助标准"].value == Decimal(2000)
    assert params["验收截止日期"].value == dt.date(2022, 11, 30)
    assert params["首笔拨付比例"].value == Decimal("0.30")
    assert params["首笔拨付进度"].value == Decimal("0.60")
    assert all(p.source == "default" for p in params.values())
    assert params["补助标准"].citation == "桃江以奖代补自评报告 六(二)一)6"


def test_precedence_set_over_settings_over_default(ledger):
    path = ledger(设置=[["项目", "值"], ["政策", "taojiang"], ["补助标准", "1500"], ["首笔拨付比例", "40%"]], 乡镇=TOWNS)
    s = settle_ledger(path, 2022, overrides={"补助标准": "1000"})
    assert s.params["补助标准"].value == Decimal(1000) and s.params["补助标准"].source == "--set"
    assert s.params["首笔拨付比例"].value == Decimal("0.40") and s.params["首笔拨付比例"].source == "设置!B4"
    assert s.params["首笔拨付进度"].source == "default"
    summary = s.tables[0].rows[0]
    assert summary["补助金额(元)"] == Decimal("100000.00")  # 100 亩 × 1000 元/亩


@pytest.mark.parametrize("overrides, settings, message", [
    ({"补助标准x": "1"}, [], "不是政策 taojiang 的参数"),
    ({"补助标准": "两千"}, [], "无法识别"),
    ({}, [["首笔拨付比例", "三成"]], "设置!B3"),
    ({}, [["验收截止日期", "明年"]], "无法识别"),
])
def test_unknown_or_malformed_values_stop_the_run(ledger, overrides, settings, message):
    path = ledger(设置=[["项目", "值"], ["政策", "taojiang"], *settings], 乡镇=TOWNS)
    with pytest.raises(LedgerError, match=message):
        settle_ledger(path, 2022, overrides=overrides)


def test_year_outside_the_period_in_force_stops_and_says_how_to_fix(ledger):
    # Issue 27 §3: the message states the term once, names the parameters still missing and both
    # ways to give them (设置 and --set), and the year the document covers.
    path = ledger(设置=[["项目", "值"], ["政策", "taojiang"], ["补助标准", 2000]], 乡镇=TOWNS)
    with pytest.raises(LedgerError) as exc:
        settle_ledger(path, 2023)
    text = str(exc.value)
    assert "2023" in text and text.count("2022-01-01 至 2022-12-31") == 1 and "2022-12-31" in text
    missing = text.split("还缺：")[1].split("。")[0].split("、")
    assert missing == ["验收截止日期", "首笔拨付进度", "首笔拨付比例"]  # 补助标准 is given in 设置
    assert "「设置」" in text and "--set" in text and "farmcli settle 2022" in text


def test_year_outside_the_term_settles_on_explicit_parameters_with_a_warning(ledger):
    path = ledger(设置=[["项目", "值"], ["政策", "taojiang"], ["补助标准", 2100]], 乡镇=TOWNS)
    s = settle_ledger(path, 2023, overrides={"验收截止日期": "2023-11-30", "首笔拨付进度": "60%", "首笔拨付比例": "30%"})
    (warned,) = [f for f in s.findings if f.code == "OUTSIDE_TERM"]
    assert warned.severity == "warning" and warned.citation == load_policy_data("taojiang").term_citation != ""
    assert "2022-01-01 至 2022-12-31" in warned.message and s.params["补助标准"].value == 2100


def test_unknown_setting_is_a_warning_not_a_stop(ledger):
    path = ledger(设置=[["项目", "值"], ["政策", "taojiang"], ["补助标注", "1"]], 乡镇=TOWNS)
    s = settle_ledger(path, 2022)
    assert [f.location for f in s.findings if f.code == "SETTING_UNKNOWN"] == ["设置!B3"]
    assert not any(f.severity == "error" for f in s.findings)


def test_policy_from_chinese_title(ledger):
    path = ledger(设置=[["项目", "值"], ["政策", "恢复耕地以奖代补"]], 乡镇=TOWNS)
    assert settle_ledger(path, 2022).policy.id == "taojiang"


def test_no_policy_names_both_ways(ledger):
    path = ledger(乡镇=TOWNS)
    with pytest.raises(LedgerError) as exc:
        settle_ledger(path, 2022)
    assert "--policy" in str(exc.value) and "「设置」" in str(exc.value)
