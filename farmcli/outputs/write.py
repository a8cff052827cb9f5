"""Writing a settlement: under a lock on the output folder, compared with the previous run,
every output replaced together or not at all (outputs/files/atomic.py).

The record of the settlement (what the next run compares with) travels inside the workbook;
the clerk's folder holds only the outputs.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from farmcli.model.findings import LedgerError
from farmcli.model.progress import Progress
from farmcli.outputs.files.atomic import JOURNAL, ReplaceError, new_name, old_name, recover, write_atomically
from farmcli.outputs.files.guard import fingerprint, protected, protected_message
from farmcli.outputs.files.lock import folder_lock
from farmcli.outputs.files.oserrors import os_reason, replace_message, write_message
from farmcli.outputs.reports.report import write_report
from farmcli.outputs.reports.word import report_date, write_word
from farmcli.outputs.workbook.filled import write_workbook
from farmcli.settlement.build import Settlement
from farmcli.outputs.workbook.package import read_record
from farmcli.outputs.workbook.record import record_dict
from farmcli.settlement.changes import Changes, Watch, compare, make_record

DEFAULT_LOCK_WAIT = 30.0  # seconds a second run waits for the first (cron overlap)


def output_paths(folder: Path, ledger: Path, year: int) -> dict[str, Path]:
    # One ledger keeps one policy (设置.政策), so the year tells its settlements apart. An earlier
    # settlement workbook settled again keeps its name (no "-2022年度结算-2022年度结算"), unless that
    # would write over the ledger being read: the input is never modified.
    suffix = f"-{year}年度结算"
    stem = ledger.stem if ledger.stem.endswith(suffix) else f"{ledger.stem}{suffix}"
    if _same_file(folder / f"{stem}.xlsx", ledger) and (ledger.suffix.lower() != ".xlsx" or read_record(ledger) is None):
        stem = f"{ledger.stem}{suffix}"  # not a settlement workbook of farmcli's: never written over
    return {"workbook": folder / f"{stem}.xlsx", "word": folder / f"{stem}报告.docx", "report": folder / f"{stem}报告.md"}


def recover_ledger(ledger: Path, wait: float = DEFAULT_LOCK_WAIT) -> None:
    """A settlement workbook settled in place by a run killed while replacing it waits aside
    (`.<name>.farmcli-old.tmp`, SPEC §6): put it back before it is read."""
    folder = ledger.parent
    try:
        if ledger.exists() or not (folder / JOURNAL).exists() or not old_name(ledger).exists():
            return
        with folder_lock(folder, wait):
            recover(folder, [ledger])
    except OSError:
        return  # then the ledger is reported missing, as before


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and a.resolve() == b.resolve()
    except OSError:
        return False


def _sidecar(folder: Path, ledger: Path, year: int) -> Path:
    """farmcli 0.1 kept its record here; read once to migrate, removed after the next run."""
    return folder / f".{ledger.stem}-{year}年度结算.farmcli.json"


def prepare_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise LedgerError(f"输出位置 {folder} 是一个文件，不是文件夹。请用 --out 指定一个文件夹。")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LedgerError(f"无法创建输出文件夹 {folder}：{os_reason(exc)}。请检查权限或换一个 --out。") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LedgerError(f"输出文件夹 {folder} 不可写。请检查文件夹权限或换一个 --out。")


def write_settlement(s: Settlement, folder: Path, lock_wait: float = DEFAULT_LOCK_WAIT,
                     progress: Progress | None = None) -> tuple[dict[str, str], Changes]:
    """Write the outputs (the record inside the workbook). Returns the output paths and the changes
    since the settlement found in `folder`; `s` itself is never changed."""
    prepare_folder(folder)
    paths = output_paths(folder, s.ledger, s.year)
    outputs = {name: str(path) for name, path in paths.items()}
    sidecar = _sidecar(folder, s.ledger, s.year)
    try:
        with folder_lock(folder, lock_wait):
            recover(folder, list(paths.values()))  # a killed run's earlier outputs back, its leftovers gone
            record = make_record(s)
            previous = _load_record(paths["workbook"])
            where = paths["workbook"].name
            in_place = paths["workbook"] if _same_file(paths["workbook"], s.ledger) else None
            stop = protected(paths, previous, in_place, legacy=sidecar.exists())
            if stop:
                raise LedgerError(protected_message(stop, paths["workbook"], s.year))
            if previous is None and s.ledger.suffix.lower() in (".xlsx", ".xlsm"):
                # a settlement workbook settled into another folder: compared with the record it carries
                previous, where = _load_record(s.package or s.ledger), s.ledger.name  # the reader's open package
            if previous is None and sidecar.exists():
                previous, where = _load_sidecar(sidecar), sidecar.name
            # The outputs render a copy that knows the changes; the settlement itself stays as made.
            changes = compare(previous, record, where if previous is not None else None, Watch.of(s.tables, s.totals))
            changes.keep_earlier(previous)
            s = dataclasses.replace(s, changes=changes)
            today = report_date().isoformat()

            def data(result_sheets: list[str], sheets: list[list[str]]) -> bytes:
                # the record names the result sheets it goes with, and what each output says:
                # the reports are written first, so their fingerprints are known here
                stored = make_record(s, result_sheets)
                stored["settled_on"] = today
                if changes.stored(today) is not None:
                    stored["changes"] = changes.stored(today)
                stored["fingerprints"] = {"workbook": sheets, "word": fingerprint("word", new_name(paths["word"])),
                                          "report": fingerprint("report", new_name(paths["report"]))}
                return _record_bytes(stored)
            write_atomically({
                paths["word"]: lambda p: write_word(s, outputs, p),
                paths["report"]: lambda p: write_report(s, outputs, p),
                paths["workbook"]: lambda p: write_workbook(s, p, progress, record=data),
            })
            # Migrated: the record is in the workbook now. The outputs are in place, so a failure
            # here must not be reported as "nothing written": the next run tries again.
            try:
                sidecar.unlink(missing_ok=True)
            except OSError:
                pass
    except ReplaceError as exc:
        raise LedgerError(replace_message(exc)) from exc
    except OSError as exc:
        raise LedgerError(write_message(folder, exc)) from exc
    except Exception as exc:  # xlsxwriter's FileCreateError (a full disk…) is not an OSError
        cause = next((a for a in getattr(exc, "args", ()) if isinstance(a, OSError)), None)
        if type(exc).__name__ != "FileCreateError":
            raise
        raise LedgerError(write_message(folder, cause or OSError(str(exc)))) from exc
    return outputs, s.changes








def _record_bytes(record: dict) -> bytes:
    """The record as stored: UTF-8 JSON, every figure exact text (settlement.changes.make_record)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _load_record(workbook_path) -> dict | None:
    """The record inside an earlier settlement workbook, or None (first run, or not ours)."""
    return record_dict(read_record(workbook_path))


def _load_sidecar(sidecar: Path) -> dict | None:
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None
