"""All outputs replaced together or not at all (SPEC §6), for any number of outputs.

1. Every new output is written to a temporary file beside its target (`.<name>.farmcli-new.tmp`).
2. A journal (`.farmcli-journal.tmp`) lists the targets; then every earlier output is moved
   aside (`.<name>.farmcli-old.tmp`) — on Windows this is the step a file open in Excel/WPS
   refuses — and every new one is moved into place.
3. When all are in place the journal is removed (the commit), then the earlier outputs.
If any move fails, the new outputs are taken out again and the earlier ones put back.
A run killed before the commit leaves the journal: `recover` (called by the next run, under
the folder lock) puts the earlier outputs back and removes new ones that had no earlier version.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

JOURNAL = ".farmcli-journal.tmp"
NEW, OLD = ".farmcli-new.tmp", ".farmcli-old.tmp"


class ReplaceError(OSError):
    """Moving `target` (or its earlier version) failed; every earlier output is back in place."""

    def __init__(self, target: Path, cause: OSError, restored: bool = True):
        super().__init__(cause.errno, cause.strerror or str(cause))
        self.target, self.cause, self.restored = target, cause, restored


def new_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{NEW}")


def old_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{OLD}")


def write_atomically(writers: dict[Path, Callable[[Path], None]]) -> None:
    """Write every output to its temporary file, then replace all targets together (or none)."""
    targets = list(writers)
    folder = targets[0].parent
    try:
        for target, write in writers.items():
            temp = new_name(target)
            temp.unlink(missing_ok=True)
            write(temp)
            os.chmod(temp, 0o666 & ~_umask())  # outputs are ordinary files, whatever the writer made
        _write_journal(folder, targets)
        _swap(targets)
        (folder / JOURNAL).unlink()  # the commit: from here on the new outputs stand
    finally:
        for target in targets:
            _remove_quietly(new_name(target))
    for target in targets:
        _remove_quietly(old_name(target))


def _swap(targets: list[Path]) -> None:
    moved_aside: list[Path] = []
    placed: list[Path] = []
    current = targets[0]
    try:
        for current in targets:
            if current.exists():
                os.replace(current, old_name(current))
                moved_aside.append(current)
        for current in targets:
            os.replace(new_name(current), current)
            placed.append(current)
    except OSError as exc:
        try:
            _undo(placed, moved_aside)
        except OSError:  # the journal stays: the next run puts the earlier outputs back first
            raise ReplaceError(current, exc, restored=False) from exc
        (current.parent / JOURNAL).unlink(missing_ok=True)
        raise ReplaceError(current, exc) from exc


def _undo(placed: list[Path], moved_aside: list[Path]) -> None:
    for target in reversed(placed):
        if target not in moved_aside:
            os.unlink(target)  # it had no earlier version: none of the new outputs may stay
    for target in reversed(moved_aside):
        os.replace(old_name(target), target)  # the earlier output back, over the new one


def recover(folder: Path, targets: list[Path]) -> list[Path]:
    """After a killed run: while its journal is there, put every earlier output back (and remove the
    outputs it placed that had no earlier version), then clear what it left — its temporary files,
    the workbook writer's parts among them (`.<stem>.*.tmp`). Returns the outputs put back. Call
    under the folder lock."""
    journal = folder / JOURNAL
    restored: list[Path] = []
    if journal.exists():
        try:
            names = json.loads(journal.read_text(encoding="utf-8"))["outputs"]
            entries = [(folder / n["name"], bool(n["earlier"])) for n in names]
        except (OSError, ValueError, KeyError, TypeError):
            entries = []  # killed while writing the journal: nothing had been moved yet
        for target, earlier in entries:
            if old_name(target).exists():
                os.replace(old_name(target), target)
                restored.append(target)
            elif not earlier:
                _remove_quietly(target)  # placed by the killed run, with nothing earlier to restore
        journal.unlink()
    for target in targets:
        for leftover in (new_name(target), old_name(target)):
            _remove_quietly(leftover)
        # The workbook writer's parts (.<name>.farmcli-new.tmp.results.tmp …), and farmcli 0.1's mkstemp names.
        for leftover in folder.glob(f".{target.stem}.*.tmp"):
            _remove_quietly(leftover)
    return restored


def _write_journal(folder: Path, targets: list[Path]) -> None:
    entries = [{"name": t.name, "earlier": t.exists()} for t in targets]
    with (folder / JOURNAL).open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"outputs": entries}, ensure_ascii=False))
        fh.flush()
        os.fsync(fh.fileno())


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # a leftover that cannot be removed now is cleared by the next run


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
