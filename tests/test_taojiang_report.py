"""The Taojiang report's own tables (sample_data/taojiang-2022.xlsx) are reproduced.

Figures from seed 004: 四、6 (completion per township, 6900 / 6389.38 / 92.60%) and
二(二) (payments per township government, 11,807,238.00 元).
"""

from decimal import Decimal as D

import pytest

from farmcli.settlement.build import settle_ledger

from conftest import SAMPLE

# 四、6 as printed (standard names; the report prints 鲂埠回族乡 and 马迹塘塘镇).
REPORT_RATIOS = {
    "鲇埠回族乡": "93.58%", "桃花江镇": "99.91%", "牛田镇": "93.60%", "修山镇": "116.98%", "大栗港镇": "98.06%",
    "高桥镇": "105.52%", "鸬鹚渡镇": "97.93%", "松木塘镇": "82.00%", "沾溪镇": "101.37%", "马迹塘镇": "75.06%",
    "石牛江镇": "105.56%", "灰山港镇": "79.65%", "武潭镇": "89.83%", "浮邱山乡": "90.99%", "三堂街镇": "103.06%",
}
# 二(二) as printed.
REPORT_PAYMENTS = {
    "修山镇": "671,242.00", "石牛江镇": "593,618.00", "高桥镇": "509,499.00", "三堂街镇": "841,226.00",
    "沾溪镇": "345,116.00", "桃花江镇": "1,250,227.00", "大栗港镇": "888,382.00", "鸬鹚渡镇": "402,956.00",
    "牛田镇": "470,423.00", "鲇埠回族乡": "289,450.00", "浮邱山乡": "683,508.00", "武潭镇": "1,493,362.00",
    "松木塘镇": "636,797.00", "灰山港镇": "2,251,207.00", "马迹塘镇": "480,225.00",
}


@pytest.fixture(scope="module")
def sample():
    s = settle_ledger(SAMPLE, 2022)
    tables = {t.name: t for t in s.tables}
    return s, tables["乡镇汇总"], {t.name: t.value for t in s.totals}


def test_sample_settles_without_findings_on_the_money(sample):
    s, _, _ = sample
    assert [f for f in s.findings if f.severity == "error"] == []
    money = [f for f in s.findings if f.severity == "warning" and not f.code.startswith(("PERF_", "CROSS_"))]
    assert money == []
    # The report contradicts itself where an auditor would look (issue 27 §2): each a warning with both figures.
    cross = {f.code: f.message for f in s.findings if f.code.startswith("CROSS_")}
    assert "630,000.00" in cross["CROSS_BUDGET"] and "13,800,000.00" in cross["CROSS_BUDGET"]
    assert "1,651,240.00" in cross["CROSS_FUNDS_IDLE"] and "971,522.00" in cross["CROSS_FUNDS_IDLE"]
    assert "671,242.00" in cross["CROSS_PAID_OVER_CONTRACT"] and "670,000.00" in cross["CROSS_PAID_OVER_CONTRACT"]
    assert s.policy.id == "taojiang" and s.year == 2022


def test_fifteen_completion_ratios(sample):
    from farmcli.outputs.values import show

    _, summary, _ = sample
    assert {r["乡镇名称"]: show(r["完成比例"], "ratio") for r in summary.rows} == REPORT_RATIOS


def test_report_totals(sample):
    _, summary, totals = sample
    assert totals["下达任务(亩)"] == D(6900)
    assert totals["实施恢复面积(亩)"] == D("6389.38")
    assert totals["完成比例"].quantize(D("0.0001")) == D("0.9260")
    assert summary.total["完成比例"] == totals["完成比例"]


def test_report_payments(sample):
    _, summary, totals = sample
    assert {r["乡镇名称"]: f"{r['已拨付(元)']:,.2f}" for r in summary.rows} == REPORT_PAYMENTS
    assert totals["已拨付(元)"] == D("11807238.00")
    assert totals["未匹配拨付(元)"] == D(0)


def test_subsidy_and_balance(sample):
    # 6389.38 亩 × 2000 元/亩 (六(二)一)6) = 12,778,760.00; minus 11,807,238.00 paid.
    _, _, totals = sample
    assert totals["补助金额(元)"] == D("12778760.00")
    assert totals["待拨付(元)"] == D("971522.00")
