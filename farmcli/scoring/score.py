"""Score the performance self-evaluation: compute what has a formula, carry over the
unit's judgements, and flag every claim the ledger's own figures do not support.

`score_performance` is pure: framework, claims, inputs and parameters in;
the `绩效评分` table, totals and findings out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from farmcli.model.cells import normalise_text
from farmcli.model.findings import Finding, Where, error, info, warning
from farmcli.model.table import Table
from farmcli.model.result import KEY, POINTS, SCORE, STATUS, TEXT, Col, ResultTable, Total
from farmcli.model.schema import Column, SheetSpec
from farmcli.scoring.framework import Framework
from farmcli.scoring.rules import RULES, ScoringInputs

TOLERANCE = Decimal("0.005")  # SPEC §4: a claim differing by more than this is a warning

CLAIMS_SHEET = SheetSpec("绩效", key="三级指标", help="单位填报的绩效自评得分，每个小项一行", columns=(
    Column("三级指标", required=True, help="三级指标名称，与评分框架一致，如 计划完成率"),
    Column("序号", "number", help="该三级指标下的小项序号，从 1 起；只有一项的可留空"),
    Column("自评得分", "number", required=True, help="单位自评得分"),
), notes=("一级指标", "二级指标", "指标说明", "分值"))
SCORE_COLUMNS = [Col("一级指标"), Col("二级指标"), Col("三级指标", role=KEY), Col("序号", "count", KEY), Col("指标内容"),
                 Col("指标说明"), Col("分值", SCORE), Col("自评得分", SCORE), Col("审核得分", SCORE, STATUS), Col("依据或公式"),
                 # each heading's points, shown merged beside the heading on the scoring sheet (附件2)
                 Col("一级分值", SCORE, POINTS), Col("二级分值", SCORE, POINTS), Col("三级分值", SCORE, POINTS)]


AUDITED_GRADE, CLAIMED_GRADE = "评价等级", "自评等级"  # the totals the scoring sheet prints under 总分


@dataclass(frozen=True)
class Heading:
    """A column of the scoring sheet merged over the rows it heads (附件2): its runs are those of
    `merge_by`, and its points column (if any) is shown beside its name, as in 附件2."""

    column: str
    merge_by: tuple[str, ...]
    points: str | None = None


@dataclass(frozen=True)
class ScoreSheet:
    """How the 绩效评分 table is laid out as a sheet, like 附件2: the outputs read this, never
    scoring's column names (issue 23 §1)."""

    headings: tuple[Heading, ...]
    item: str  # the item's text, numbered by `number` where its `group` has several items
    number: str
    group: str
    scores: tuple[str, ...]  # points, claimed, audited: figures, summed under 总分
    basis: str
    widths: tuple[int, ...]  # one per column, in print units; the text columns wrap narrower

    @property
    def columns(self) -> list[str]:
        return [h.column for h in self.headings] + [self.item, *self.scores, self.basis]


_LEVELS = ("一级指标", "二级指标", "三级指标")
SCORE_SHEET = ScoreSheet(
    headings=(Heading("一级指标", _LEVELS[:1], "一级分值"), Heading("二级指标", _LEVELS[:2], "二级分值"),
              Heading("三级指标", _LEVELS, "三级分值"), Heading("指标内容", _LEVELS)),
    item="指标说明", number="序号", group="三级指标", scores=("分值", "自评得分", "审核得分"), basis="依据或公式",
    widths=(10, 12, 14, 30, 44, 7, 9, 9, 50))
# The ledger's 绩效 sheet as the blank template lays it out: every item of the framework, the unit
# fills in its claim (`CLAIMS_SHEET`'s 自评得分) between 0 and the item's points.
CLAIM_TEMPLATE = ("一级指标", "二级指标", "三级指标", "序号", "指标说明", "分值", "自评得分")
CLAIM_COLUMN = "自评得分"
CLAIM_WIDTHS = (8, 10, 16, 6, 60, 6, 10)


def claim_template_rows(framework: Framework) -> list[list]:
    """The 绩效 sheet's rows for the blank template: each item of `framework`, its claim left blank."""
    return [[i.level1, i.level2, i.level3, i.seq, i.text, float(i.points)] for i in framework.items]


def grade(total: Decimal, p: dict) -> str:
    if total >= p["优等级下限"]:
        return "优"
    if total >= p["良等级下限"]:
        return "良"
    if total >= p["中等级下限"]:
        return "中"
    return "差"


def read_claims(table: Table, framework: Framework) -> tuple[dict[tuple[str, int], tuple[Decimal | None, str]], list[Finding]]:
    """(三级指标, 序号) → (claimed score, cell)."""
    known = {(normalise_text(i.level3), i.seq) for i in framework.items}
    claims, findings = {}, []
    for i, row in table.records():
        if row["三级指标"] is None:
            continue
        seq = int(row["序号"]) if row.get("序号") is not None else 1
        key = (normalise_text(row["三级指标"]), seq)
        where = table.cell("自评得分", i)
        if key not in known:
            findings.append(error("PERF_UNKNOWN_ITEM", f"「绩效」中的“{row['三级指标']}”第 {seq} 项在评分框架（{framework.source}）"
                                  "中没有对应的指标，未计分。请核对三级指标名称和序号。", table.cell("三级指标", i)))
        elif key in claims:
            findings.append(error("PERF_DUPLICATE", f"“{row['三级指标']}”第 {seq} 项重复填报，只取第一次（{claims[key][1]}）。", where))
        else:
            claims[key] = (row["自评得分"], where)
    return claims, findings


def score_performance(framework: Framework, claims: dict, inputs: ScoringInputs, p: dict,
                      cite: dict) -> tuple[ResultTable, list[Total], list[Finding]]:
    table = ResultTable("绩效评分", SCORE_COLUMNS, note=framework.source)
    findings: list[Finding] = []
    for item in framework.items:
        claim, where = claims.get((normalise_text(item.level3), item.seq), (None, Where("绩效")))
        label = f"{item.level3}" + (f" 第{item.seq}项" if item.seq > 1 or _has_siblings(framework, item) else "")
        source = f"{framework.source} {item.level3}"
        if claim is not None and not (0 <= claim <= item.points):
            findings.append(error("PERF_OUT_OF_RANGE", f"{label} 的自评得分 {claim} 不在 0 至 {item.points} 分之间，不予计分，请改正。",
                                  where, source))
            claim_valid = None
        else:
            claim_valid = claim
        if item.rule:
            computed = RULES[item.rule](inputs, item.points, p)
            basis = computed.formula
            if computed.score is not None:
                audited = computed.score
                if claim_valid is not None and abs(claim_valid - audited) > TOLERANCE:
                    findings.append(warning("PERF_CLAIM_DIFFERS", f"{label} 自评 {claim_valid} 分，按台账计算为 {audited} 分："
                                            f"{computed.formula}。", where, source))
            elif claim_valid is not None:
                audited = claim_valid
                basis = f"{computed.formula}，审核得分暂取自评得分"
                findings.append(info("PERF_INPUT_MISSING", f"{label} 无法计算（{computed.formula}），审核得分暂取自评得分 {claim_valid} 分。"
                                     "补上该数据后 farmcli 会自动计算。", where, source))
            else:
                audited = Decimal(0)
                findings.append(error("PERF_CLAIM_MISSING", f"{label} 无法计算（{computed.formula}），也没有自评得分，计 0 分。",
                                      Where("绩效"), source))
        else:
            basis = "评判项：审核得分取自评得分"
            if claim_valid is None:
                audited = Decimal(0)
                if claim is None:
                    findings.append(error("PERF_CLAIM_MISSING", f"{label} 没有自评得分，计 0 分。请在「绩效」表补填"
                                          f"（三级指标“{item.level3}”，序号 {item.seq}）。", Where("绩效"), source))
            else:
                audited = claim_valid
        table.rows.append({
            "一级指标": item.level1, "二级指标": item.level2, "三级指标": item.level3, "序号": item.seq,
            "指标内容": item.content, "指标说明": item.text, "分值": item.points, "自评得分": claim,
            "审核得分": audited, "依据或公式": basis,
            "一级分值": item.points1, "二级分值": item.points2, "三级分值": item.points3,
        })
    total = sum((r["审核得分"] for r in table.rows), Decimal(0))
    claimed = sum((r["自评得分"] or Decimal(0) for r in table.rows), Decimal(0))
    table.total = {"一级指标": "总分", "分值": sum((i.points for i in framework.items), Decimal(0)),
                   "自评得分": claimed, "审核得分": total}
    if claimed != total:
        findings.append(warning("PERF_TOTAL_DIFFERS", f"绩效自评总分 {claimed} 分（{grade(claimed, p)}），审核总分 {total} 分"
                                f"（{grade(total, p)}）。", Where("绩效"), cite["优等级下限"]))
    totals = [Total("绩效总分", total, SCORE), Total("自评总分", claimed, SCORE), Total(AUDITED_GRADE, grade(total, p), TEXT, STATUS),
              Total(CLAIMED_GRADE, grade(claimed, p), TEXT)]
    return table, totals, findings


def _has_siblings(framework: Framework, item) -> bool:
    return sum(1 for i in framework.items if i.level3 == item.level3) > 1
