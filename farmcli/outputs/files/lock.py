"""The folder lock: two runs into one folder never interleave, and nothing stays behind.

`filelock` picks the operating system's lock: a byte-range lock (msvcrt) on Windows, which
removes its file on release, and flock on Linux. flock's file stays on release, so we unlink it
while still holding the lock; filelock re-checks after acquiring that its file still has a
name (st_nlink), so a waiter that locked the unlinked file retries on a fresh one.
Where neither lock exists, filelock falls back to a marker file removed on release.
What this guarantees between two computers: docs/decisions.md, "The folder lock".
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from farmcli.model.findings import LedgerError

LOCK_NAME = ".farmcli.lock"


@contextmanager
def folder_lock(folder: Path, wait: float):
    import warnings

    path = folder / LOCK_NAME
    with warnings.catch_warnings():
        # "only soft file lock is available" (no fcntl): expected, and warned on import as well
        warnings.simplefilter("ignore")
        from filelock import FileLock, Timeout, UnixFileLock

        lock = FileLock(str(path), timeout=wait, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise LedgerError(f"另一个 farmcli 正在向 {folder} 写入结算结果，等待 {wait:.0f} 秒后仍未结束。"
                          "请稍后再运行，或换一个 --out。") from None
    try:
        yield
    finally:
        if isinstance(lock, UnixFileLock) and not getattr(lock._context, "soft_fallback", False):
            try:
                os.unlink(path)  # while held: a waiter on this file sees it unlinked and retries
            except OSError:
                pass
        lock.release()
