"""大写金额 against a table worked out by hand (tests/cases/daxie.csv)."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from farmcli.outputs.reports.daxie import daxie

CASES = list(csv.DictReader((Path(__file__).parent / "cases" / "daxie.csv").open(encoding="utf-8")))


def test_the_table_is_big_enough():
    assert len(CASES) >= 30
    assert len({c["amount"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["amount"] for c in CASES])
def test_daxie(case):
    assert daxie(Decimal(case["amount"])) == case["daxie"], case["why"]


def test_integers_are_amounts_in_yuan():
    assert daxie(100800) == "壹拾万零捌佰元整"


def test_a_negative_amount_is_the_callers_business():
    with pytest.raises(ValueError):
        daxie(Decimal("-0.01"))
    assert daxie(abs(Decimal("-12.30"))) == "壹拾贰元叁角整"
