"""What a folder settled as one says of each workbook it read (SPEC §8): the 上报情况 table, the
record's sums per file, and the changes per unit and file since the last run."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from farmcli.model.cells import normalise_text
from farmcli.model.findings import Finding
from farmcli.model.result import COUNT, Col, ResultTable
from farmcli.model.table import Table


@dataclass(frozen=True)
class Submission:
    """One workbook of the folder, as the 上报情况 table lists it."""

    file: str
    unit: str | None
    role: str  # 汇总单位 (the county's own workbook) or 填报单位
    saved: str
    saved_from: str  # 文档属性 or 文件修改时间
    rows: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    counted: bool = True
    sums: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → additive column → exact sum

    @property
    def status(self) -> str:
        return "退回修改" if self.errors else "通过"

    def as_dict(self) -> dict:
        return {"file": self.file, "unit": self.unit, "role": self.role, "saved": self.saved,
                "saved_from": self.saved_from, "rows": dict(self.rows), "errors": self.errors,
                "warnings": self.warnings, "status": self.status, "counted": self.counted}


@dataclass
class ReturnedFile:
    """One workbook of the folder as it is read: its 设置, tables, findings, and what the cycle
    decides of it (the rows counted, counted at all)."""

    path: Path
    name: str
    settings: dict
    findings: list[Finding]
    tables: dict[str, Table | None] = field(default_factory=dict)
    aliases: Table | None = None
    scored: dict = field(default_factory=dict)
    failed: bool = False
    keep: dict[str, list[int]] = field(default_factory=dict)  # sheet → the rows counted
    counted: bool = True
    rows: dict[str, int] = field(default_factory=dict)  # sheet → rows read (kept when the tables are let go)
    saved: tuple[str, str] = ("", "")  # when it was saved, and where that comes from (read.folder.saved_time)
    sums: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def unit(self) -> str | None:
        value = self.settings.get("填报单位", (None,))[0]
        return None if value is None or not str(value).strip() else normalise_text(value)


SUBMISSION_COLUMNS = [Col("文件"), Col("填报单位"), Col("类型"), Col("保存时间"), Col("时间来源"), Col("读入行数"),
                      Col("错误", COUNT), Col("警告", COUNT), Col("审核结果")]


def submission_table(submissions) -> ResultTable:
    """上报情况: one row per workbook read (SPEC §8), as check prints it."""
    table = ResultTable("上报情况", SUBMISSION_COLUMNS)
    for sub in submissions:
        rows = "；".join(f"{sheet} {n}" for sheet, n in sub.rows.items() if n) or "无"
        table.rows.append({"文件": sub.file, "填报单位": sub.unit or "（未填）", "类型": sub.role, "保存时间": sub.saved,
                           "时间来源": sub.saved_from, "读入行数": rows, "错误": sub.errors, "警告": sub.warnings,
                           "审核结果": sub.status + ("" if sub.counted else "（未计入）")})
    return table


def submission_record(submissions) -> list[dict]:
    """What the settlement's record keeps of each file, for the next run's changes per file."""
    return [{"file": sub.file, "unit": sub.unit, "sums": sub.sums} for sub in submissions]


def submission_changes(previous: list | None, current: list) -> list[dict]:
    """`修山镇（修山镇-台账.xlsx）：图斑 新增 3 行，面积 +12.50 亩` for each file whose counted rows changed
    since the last run (a file new or gone shows in 上报情况's own rows). Pure, exact."""
    from farmcli.model.schema import split_unit

    before = {r.get("file"): r for r in previous or [] if isinstance(r, dict)}
    items = []
    for r in current:
        old = before.get(r["file"])
        if old is None:
            continue
        parts = []
        for sheet, sums in r["sums"].items():
            was = old.get("sums", {}).get(sheet, {})
            rows = int(sums.get("行数", 0)) - int(was.get("行数", 0))
            if rows:
                parts.append(f"{sheet} {'新增' if rows > 0 else '减少'} {abs(rows)} 行")
            for column, value in sums.items():
                if column == "行数":
                    continue
                delta = Decimal(value) - Decimal(str(was.get(column, "0")))
                if delta:
                    name, unit = split_unit(column)
                    parts.append(f"{name} {delta:+,.2f}{' ' + unit if unit else ''}")
        if parts:
            items.append({"表": "上报情况", "对象": f"{r['unit'] or '（未填填报单位）'}（{r['file']}）", "列": "",
                          "上次": None, "本次": "，".join(parts), "差额": None})
    return items


def file_sums(f: ReturnedFile) -> dict[str, dict[str, str]]:
    """Each counted sheet's additive columns summed (exact), for the next run's changes per file."""
    out = {}
    for sheet, table in f.tables.items():
        if table is None:
            continue
        keep = f.keep.get(sheet, [])
        sums = {"行数": str(len(keep))}
        for col in table.spec.columns:
            if col.additive and table.has(col.name):
                values = table.columns[col.name]
                sums[col.name] = str(sum((values[i] for i in keep if isinstance(values[i], Decimal)), Decimal(0)))
        out[sheet] = sums
    return out
