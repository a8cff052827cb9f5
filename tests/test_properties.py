"""Property tests (hypothesis): the cell parsers never raise, pools always add up, no 元 is lost."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from farmcli.model.cells import parse_bool, parse_date, parse_number, parse_percent, parse_text
from farmcli.model.table import Table
from farmcli.model.money import allocate_largest_remainder
from farmcli.policies import taojiang
from farmcli.model.result import Inputs

ANY_CELL = st.one_of(
    st.none(), st.text(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.dates(), st.datetimes(), st.times(), st.timedeltas(),
    st.from_regex(r"[-+(]?[0-9,，.]{0,12}(万元|万|%|元|亩)?\)?", fullmatch=True),
    st.from_regex(r"[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?", fullmatch=True),
)


@given(ANY_CELL)
@settings(max_examples=400)
def test_parsers_never_raise_and_return_a_value_or_a_reason(value):
    for parser in (parse_number, parse_bool, parse_date, parse_text, parse_percent):
        parsed, problem = parser(value)
        assert problem is None or (isinstance(problem, str) and problem)
        if problem:
            assert parsed is None
    number, problem = parse_number(value)
    assert number is None or (isinstance(number, Decimal) and number.is_finite())
    when, _ = parse_date(value)
    assert when is None or isinstance(when, dt.date)


FEN = st.integers(min_value=0, max_value=10**11).map(lambda n: Decimal(n) / 100)
WEIGHTS = st.lists(st.decimals(min_value=0, max_value=10**6, places=4), min_size=1, max_size=30)


@given(FEN, WEIGHTS)
def test_largest_remainder_sums_to_the_pool_and_each_share_is_within_a_fen(pool, weights):
    shares = allocate_largest_remainder(pool, weights)
    total = sum(weights, Decimal(0))
    if total == 0:
        assert shares is None
        return
    assert sum(shares) == pool
    for share, weight in zip(shares, weights):
        assert abs(share - pool * weight / total) < Decimal("0.01")
        assert share == share.quantize(Decimal("0.01"))


def table(spec, rows: list[dict]) -> Table:
    t = Table(sheet=spec.name, spec=spec, letters={c.name: chr(65 + i) for i, c in enumerate(spec.columns)})
    t.columns = {c.name: [r.get(c.name) for r in rows] for c in spec.columns}
    t.lines = list(range(2, len(rows) + 2))
    return t


TOWNS, _, PAYMENTS = taojiang.SHEETS
NAMES = st.sampled_from(["甲镇", "甲镇人民政府", "乙乡", "乙乡政府", "丙街道办事处", "丁镇", "戊镇人民政府", None])
AMOUNTS = st.one_of(st.none(), st.integers(min_value=0, max_value=10**9).map(lambda n: Decimal(n) / 100))


@given(st.lists(st.tuples(NAMES, AMOUNTS), max_size=40))
def test_paid_plus_unmatched_equals_the_payment_detail(payments):
    towns = table(TOWNS, [{"乡镇名称": n, "下达任务(亩)": Decimal(100), "实施恢复面积(亩)": Decimal(100)}
                          for n in ("甲镇", "乙乡", "丙街道")])
    detail = table(PAYMENTS, [{"单位名称": n, "金额(元)": a} for n, a in payments])
    params = {"补助标准": Decimal(2000), "验收截止日期": dt.date(2022, 11, 30), "首笔拨付进度": Decimal("0.6"),
              "首笔拨付比例": Decimal("0.3")}
    outcome = taojiang.settle(Inputs(tables={"乡镇": towns, "图斑": None, "拨付明细": detail}, params=params,
                                     citations={k: k for k in params}, year=2022, aliases={}))
    totals = {t.name: t.value for t in outcome.totals}
    assert totals["已拨付(元)"] + totals["未匹配拨付(元)"] == sum((a or 0 for _, a in payments), Decimal(0))
