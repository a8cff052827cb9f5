"""Atomic writes: every output is written to a temporary file beside it, then renamed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(writers: dict[Path, Callable[[Path], None]]) -> None:
    """Write all outputs to temporary files first, then rename them into place.

    If any writer fails, every temporary file is removed and the earlier outputs
    stay as they were.
    """
    temps: dict[Path, Path] = {}
    try:
        for target, write in writers.items():
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".tmp")
            os.close(fd)
            temps[target] = Path(name)
            write(temps[target])
            os.chmod(temps[target], 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        for target, temp in temps.items():
            os.replace(temp, target)
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
