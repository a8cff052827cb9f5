"""SPEC §1 Reading cells: one case per convention."""

import datetime as dt
from decimal import Decimal

import pytest

from farmcli.model.cells import column_letter, parse_bool, parse_date, parse_number, parse_percent, parse_text


@pytest.mark.parametrize("raw, expected", [
    (671242, Decimal(671242)),
    (671242.0, Decimal("671242")),
    (391.87, Decimal("391.87")),
    (0.1 + 0.2, Decimal("0.3")),  # Excel keeps 15 significant digits
    ("671,242.00", Decimal("671242.00")),
    ("６７１，２４２．００", Decimal("671242.00")),  # full-width digits and comma
    (" 1.2万 ", Decimal("12000")),
    ("1.2万元", Decimal("12000")),
    ("93.58%", Decimal("0.9358")),
    ("2000元", Decimal("2000")),
    ("(1,000.00)", Decimal("-1000.00")),
    ("-5", Decimal("-5")),
    ("", None),
    ("-", None),
    (None, None),
])
def test_parse_number_accepts_what_clerks_type(raw, expected):
    assert parse_number(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["abc", "12.3.4", "1,2x", True, dt.date(2022, 1, 1), float("nan"), "1e400"])
def test_parse_number_rejects_with_a_reason(raw):
    value, problem = parse_number(raw)
    assert value is None and problem


@pytest.mark.parametrize("raw, in_percent, expected", [
    (0.9358, False, Decimal("0.9358")),  # a %-formatted cell stores the fraction
    ("93.58%", False, Decimal("0.9358")),
    (93.58, True, Decimal("0.9358")),  # header `工程进度(%)`
    ("93.58%", True, Decimal("0.9358")),  # an explicit % is never divided twice
    ("1.1698", False, Decimal("1.1698")),
])
def test_parse_percent(raw, in_percent, expected):
    assert parse_percent(raw, header_in_percent=in_percent) == (expected, None)


@pytest.mark.parametrize("raw, expected", [
    ("是", True), ("否", False), ("Y", True), ("n", False), ("√", True), ("×", False),
    ("TRUE", True), ("false", False), (1, True), (0, False), ("1", True), ("0", False), (True, True), ("", None),
])
def test_parse_bool(raw, expected):
    assert parse_bool(raw) == (expected, None)


def test_parse_bool_rejects_other_text():
    assert parse_bool("也许")[0] is None and parse_bool("也许")[1]


@pytest.mark.parametrize("raw", [
    dt.datetime(2022, 11, 30, 0, 0), dt.date(2022, 11, 30), 44895, 44895.0,
    "2022-11-30", "2022/11/30", "2022年11月30日", "２０２２年１１月３０日", "2022.11.30", "2022-11-30 00:00:00",
])
def test_parse_date_forms(raw):
    assert parse_date(raw) == (dt.date(2022, 11, 30), None)


@pytest.mark.parametrize("raw", ["2022-02-30", "明年", 12, True, "30/11/2022"])
def test_parse_date_rejects(raw):
    value, problem = parse_date(raw)
    assert value is None and problem


def test_parse_text_keeps_codes_typed_as_numbers():
    assert parse_text(1001.0) == ("1001", None)
    assert parse_text("  修山镇 ") == ("修山镇", None)
    assert parse_text("=1+1") == ("=1+1", None)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
