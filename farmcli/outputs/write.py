"""Writing a settlement: under a lock on the output folder, compared with the
previous run, every file written atomically (all or none)."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from farmcli.settlement.changes import Changes, compare, load_previous
from farmcli.model.findings import LedgerError
from farmcli.outputs.atomic import write_atomically
from farmcli.outputs.jsonout import dumps, settlement_json
from farmcli.outputs.report import write_report
from farmcli.outputs.workbook import write_workbook
from farmcli.model.progress import Progress
from farmcli.settlement.build import Settlement

LOCK_NAME = ".farmcli.lock"
DEFAULT_LOCK_WAIT = 30.0  # seconds a second run waits for the first (cron overlap)


def output_paths(folder: Path, ledger: Path, year: int) -> dict[str, Path]:
    # One ledger keeps one policy (设置.政策), so the year tells its settlements apart.
    stem = f"{ledger.stem}-{year}年度结算"
    return {"workbook": folder / f"{stem}.xlsx", "report": folder / f"{stem}报告.md",
            "sidecar": folder / f".{stem}.farmcli.json"}


@contextmanager
def folder_lock(folder: Path, wait: float):
    """An exclusive lock on the output folder, so two runs never interleave their files."""
    with (folder / LOCK_NAME).open("a") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LedgerError(f"另一个 farmcli 正在向 {folder} 写入结算结果，等待 {wait:.0f} 秒后仍未结束。"
                                      "请稍后再运行，或换一个 --out。") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    """Write the workbook, the report and the sidecar. Returns the output paths and the changes
    since the settlement found in `folder`; `s` itself is never changed."""
    prepare_folder(folder)
    paths = output_paths(folder, s.ledger, s.year)
    outputs = {"workbook": str(paths["workbook"]), "report": str(paths["report"])}
    try:
        with folder_lock(folder, lock_wait):
            current = settlement_json(s, outputs)
            # The outputs render a copy that knows the changes; the settlement itself stays as made.
            s = dataclasses.replace(s, changes=compare(load_previous(paths["sidecar"]), current, paths["sidecar"]))
            record = {k: v for k, v in current.items() if k not in ("outputs", "changes")}
            write_atomically({
                paths["workbook"]: lambda p: write_workbook(s, p, progress, record=dumps(record).encode("utf-8")),
                paths["report"]: lambda p: write_report(s, outputs, p),
                paths["sidecar"]: lambda p: p.write_text(dumps(record), encoding="utf-8"),
            })
    except OSError as exc:
        raise LedgerError(f"无法写入输出文件夹 {folder}：{os_reason(exc)}。请检查文件夹权限或换一个 --out。") from exc
    return outputs, s.changes


def os_reason(exc: OSError) -> str:
    """The operating system's reason, in words a clerk reads."""
    import errno

    reasons = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘已满",
               errno.EROFS: "是只读的位置", errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
               errno.ENOENT: "路径不存在", errno.EISDIR: "同名的是文件夹"}
    return reasons.get(exc.errno, exc.strerror or str(exc))
