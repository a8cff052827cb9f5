"""Each policy declares what the outputs need, next to its SHEETS (issue 23 item 1)."""

from __future__ import annotations

import pytest

from conftest import ROOT

from farmcli.model.result import PAY, RECOVER, STATUS, UnitKey
from farmcli.policies import POLICY_IDS, policy_module
from farmcli.settlement.build import settle_ledger
from farmcli.settlement.changes import Watch


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_units_name_a_sheet_and_column_of_the_policy(policy_id):
    module = policy_module(policy_id)
    units = module.UNITS
    assert isinstance(units, UnitKey)
    sheets = {spec.name: spec for spec in module.SHEETS}
    assert units.sheet in sheets, f"{policy_id}: UNITS names sheet {units.sheet} not in SHEETS"
    columns = {col.name for col in sheets[units.sheet].columns}
    assert units.column in columns, f"{policy_id}: UNITS names column {units.column} not in {units.sheet}"
    assert next(c for c in sheets[units.sheet].columns if c.name == units.column).required


# What the outputs keyed on (policy, table, column) before the declarations (issue 23): the
# declarations must say exactly this, so the sample outputs stay the same.
PAY_COLUMNS = {
    ("taojiang", "乡镇汇总"): ("待拨付(元)",), ("taojiang", "拨付计划"): ("金额(元)",),
    ("jinning", "项目激励"): ("应拨乡镇(元)", "应拨建设单位(元)"), ("jinning", "乡镇汇总"): ("应拨(元)",),
    ("jinning", "建设单位汇总"): ("应拨(元)",), ("jinning", "村组分配"): ("建议分配(元)",),
    ("anhui-assessment", "缺口市考核"): ("经济补偿(元)",), ("anhui-assessment", "超额市奖励"): ("经济奖励(元)",),
    ("anhui-incentive", "乡镇推荐"): ("激励金额(元)",), ("jiangsu-fund", "项目结算"): ("应收回(元)",),
}
PAY_TOTALS = {
    "taojiang": ("补助金额(元)", "待拨付(元)"), "jinning": ("乡镇激励合计(元)", "建设单位激励合计(元)", "应拨合计(元)"),
    "anhui-assessment": ("经济补偿合计(元)", "上缴中央(元)", "经济奖励合计(元)"),
    "anhui-incentive": ("激励金额合计(元)",), "jiangsu-fund": ("应收回合计(元)",),
}
COUNTED_ROWS = {("anhui-incentive", "乡镇推荐"): ("结果", ("推荐",))}
STATUS_COLUMNS = ("是否符合", "状态", "结果", "条件已满足", "审核得分", "评价等级")
KEY_COLUMNS = ("年度", "批次", "村组", "三级指标", "序号")
SAMPLES = sorted((ROOT / "sample_data").glob("*.xlsx"))


@pytest.fixture(scope="module")
def settled():
    return {path.name: settle_ledger(path, int(path.stem[-4:])) for path in SAMPLES}


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_declared_roles_say_what_the_outputs_keyed_on(settled, sample):
    s = settled[sample]
    pid = s.policy.id
    assert [t.name for t in s.totals if t.role in (PAY, RECOVER)] == list(PAY_TOTALS[pid])
    assert [t.name for t in s.totals if t.role == RECOVER] == [n for n in PAY_TOTALS[pid] if "应收回" in n]
    assert [t.name for t in s.totals if t.role == STATUS] == [t.name for t in s.totals if t.name in STATUS_COLUMNS]
    for table in s.tables:
        pay = [c.name for c in table.role(PAY, RECOVER)]
        assert pay == list(PAY_COLUMNS.get((pid, table.name), ())), table.name
        assert [c.name for c in table.role(RECOVER)] == [n for n in pay if "应收回" in n]
        assert [c.name for c in table.role(STATUS)] == [c.name for c in table.columns if c.name in STATUS_COLUMNS]
        first = table.columns[0].name
        assert table.keys() == [first] + [c.name for c in table.columns if c.name in KEY_COLUMNS and c.name != first]
        counted = COUNTED_ROWS.get((pid, table.name))
        assert (table.counts.column, table.counts.values) == counted if counted else table.counts is None
        watched = Watch.of(s.tables, s.totals)
        assert watched.columns[table.name] == {c.name for c in table.columns
                                               if c.name.endswith("(元)") or c.name in STATUS_COLUMNS}, table.name
    assert watched.totals == {t.name for t in s.totals if t.name.endswith("(元)") or t.name in STATUS_COLUMNS}


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_declared_charts_draw_what_the_outputs_drew(settled, sample):
    from farmcli.outputs.workbook.charts import charts_for
    from farmcli.outputs.reports.paper import print_table

    s = settled[sample]
    placed = {t.name: print_table(t) for t in s.tables if t.name != "绩效评分"}
    declared = [(spec.title.format(year=s.year), spec.category, spec.series, spec.kind, spec.stacked,
                 spec.data(placed[spec.table].rows, s.year))
                for spec in policy_module(s.policy.id).CHARTS if spec.table in placed and placed[spec.table].rows]
    drawn = [(c.title, c.category, tuple(name for name, _ in c.series), c.kind, c.stacked, c.rows)
             for c in charts_for(s, placed)]
    assert [d for d in declared if d[-1]] == drawn
    assert drawn, "each sample draws a chart"
