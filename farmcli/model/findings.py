"""Findings: everything a clerk must look at, and the one exception that stops a run.

A finding is a structured value (the frictionless habit): severity, a registered code
(`farmcli.model.codes`), a Chinese message, and where it is — a `Where` (file, sheet, row,
column letter) from the reader on, kept as fields, plus the `location` text built from them
(never parsed back). A finding never stops the
run (SPEC §1); `LedgerError` is reserved for exit code 2, where nothing can be settled.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_ZH = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Where:
    """A place in the ledger: a cell (sheet, row, column letter), a row, a whole sheet,
    or — for `--set` and parameters — no sheet at all, only a label."""

    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    label: str = ""
    file: str | None = None  # the workbook, when a folder of them is settled as one (SPEC §8)

    def __str__(self) -> str:
        if self.sheet and self.row and self.column:
            place = f"{self.sheet}!{self.column}{self.row}"
        elif self.sheet and self.row:
            place = f"{self.sheet} 第{self.row}行"
        else:
            place = self.sheet or self.label
        return f"{self.file}!{place}" if self.file and place else (self.file or place)


def where(location: Where | str) -> Where:
    """A finding's place: a `Where` as the reader and the policies give it, or text naming a place
    that is not in the ledger (`命令行 --set 补助标准=2000`, `参数 补助标准`), which is its label.
    Locations are never parsed back from text."""
    if isinstance(location, Where):
        return location
    return Where(label=str(location or ""))


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    location: str = ""
    citation: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # the column's letter
    file: str | None = None  # the workbook it is in, when a folder is settled (SPEC §8)

    def as_dict(self) -> dict:
        return {"severity": self.severity, "code": self.code, "message": self.message, "location": self.location,
                "sheet": self.sheet, "row": self.row, "column": self.column, "citation": self.citation,
                "file": self.file}

    def in_file(self, name: str) -> Finding:
        """This finding located in workbook `name` (`修山镇.xlsx!图斑!C7`), when it has no file yet."""
        if self.file is not None:
            return self
        from dataclasses import replace

        return replace(self, file=name, location=f"{name}!{self.location}" if self.location else name)


def make(severity: str, code: str, message: str, location: Where | str = "", citation: str = "") -> Finding:
    at = where(location)
    return Finding(severity, code, message, str(at), citation, at.sheet, at.row, at.column, at.file)


def error(code: str, message: str, location: Where | str = "", citation: str = "") -> Finding:
    return make(ERROR, code, message, location, citation)


def warning(code: str, message: str, location: Where | str = "", citation: str = "") -> Finding:
    return make(WARNING, code, message, location, citation)


def info(code: str, message: str, location: Where | str = "", citation: str = "") -> Finding:
    return make(INFO, code, message, location, citation)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    """{error: n, warning: n, info: n} — the one place severities are counted."""
    counts = dict.fromkeys(SEVERITY_ZH, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts


def severity_summary(findings: list[Finding]) -> str:
    """`错误 2 项，警告 1 项，提示 0 项` — as the terminal, workbook and report all show it."""
    return "，".join(f"{SEVERITY_ZH[k]} {v} 项" for k, v in count_by_severity(findings).items())


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable within a severity (ledger order)."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))


class FarmcliError(Exception):
    """farmcli's own exception: a mistake the clerk (or the calling program) must fix.
    The message is one complete Chinese sentence that says what and how."""


class LedgerError(FarmcliError):
    """Nothing can be settled (exit 2). The message names the file, sheet, column or
    parameter and says how to fix it."""
