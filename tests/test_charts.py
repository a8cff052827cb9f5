"""The charts' XML (issue 23 item 8, issue 26 §3): data labels carry their number format (lost once
when a comment swallowed the `num_format` key), show the value only, every series has an explicit
colour (no theme needed: a ledger saved by LibreOffice has none), and the payee chart is there."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from farmcli.outputs.workbook.charts import COLOURS
from farmcli.outputs.write import write_settlement
from farmcli.settlement.build import settle_ledger

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {"taojiang": ("taojiang-2022", 2022, ["0.0%"]), "jinning": ("jinning-2023", 2023, ["#,##0"]),
           "anhui-assessment": ("anhui-assessment-2025", 2025, ["#,##0"])}


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    out = {}
    for policy, (stem, year, _) in SAMPLES.items():
        s = settle_ledger(ROOT / "sample_data" / f"{stem}.xlsx", year)
        paths, _ = write_settlement(s, tmp_path_factory.mktemp(policy))
        with zipfile.ZipFile(paths["workbook"]) as z:
            out[policy] = [z.read(n).decode("utf-8") for n in sorted(z.namelist()) if re.match(r"xl/charts/chart\d+\.xml", n)]
    return out


def series(xml: str) -> list[str]:
    return re.findall(r"<c:ser>.*?</c:ser>", xml, re.S)


@pytest.mark.parametrize("policy", SAMPLES)
def test_data_labels_keep_their_number_format_and_show_the_value_only(charts, policy):
    first = charts[policy][0]
    formats = [re.search(r'<c:dLbls>.*?<c:numFmt formatCode="([^"]+)"', s, re.S) for s in series(first)]
    assert [f.group(1) for f in formats if f] == SAMPLES[policy][2] * len(series(first)), first[:2000]
    for s in series(first):
        labels = re.search(r"<c:dLbls>(.*?)</c:dLbls>", s, re.S).group(1)
        assert '<c:showVal val="1"/>' in labels
        assert '<c:showSerName val="1"/>' not in labels and '<c:showCatName val="1"/>' not in labels


@pytest.mark.parametrize("policy", SAMPLES)
def test_every_series_has_an_explicit_colour(charts, policy):
    for xml in charts[policy]:
        for n, s in enumerate(series(xml)):
            fill = re.search(r"<c:spPr>.*?<a:solidFill><a:srgbClr val=\"([0-9A-F]{6})\"", s, re.S)
            assert fill and "#" + fill.group(1) == COLOURS[n % len(COLOURS)], s[:500]


def test_a_second_chart_shows_money_per_payee(charts):
    payee = charts["taojiang"][-1]
    assert len(charts["taojiang"]) == 2 and len(series(payee)) == 3
    assert "补助、已拨付、待拨付" in payee
