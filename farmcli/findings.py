"""Findings: everything a clerk must look at, and the one exception that stops a run.

A finding never stops the run (SPEC §1); `LedgerError` is reserved for the
cases of exit code 2, where nothing can be settled at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_ZH = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    location: str = ""
    citation: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def error(code: str, message: str, location: str = "", citation: str = "") -> Finding:
    return Finding(ERROR, code, message, location, citation)


def warning(code: str, message: str, location: str = "", citation: str = "") -> Finding:
    return Finding(WARNING, code, message, location, citation)


def info(code: str, message: str, location: str = "", citation: str = "") -> Finding:
    return Finding(INFO, code, message, location, citation)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable within a severity (ledger order)."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))


class LedgerError(Exception):
    """Nothing can be settled (exit 2). The message is one complete Chinese sentence
    that names the file, sheet, column or parameter and says how to fix it."""
