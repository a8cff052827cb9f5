"""An earlier output is replaced only while it still says what farmcli wrote there (SPEC §3,
issue 25 §1): the record in the settlement workbook keeps each output's fingerprint
(outputs/workbook/fingerprint.py). An output the clerk edited, or one farmcli did not write, stops the run.

The one output let through: the settlement workbook being settled again (settled in place, §2),
which carries the clerk's edits into the new one.
"""

from __future__ import annotations

from pathlib import Path

from farmcli.outputs.workbook.fingerprint import document_fingerprint, text_fingerprint, workbook_fingerprints
from farmcli.outputs.workbook.record import RECORD_SHEET

EDITED, FOREIGN, FOLDER = "edited", "foreign", "folder"


def fingerprint(kind: str, path: Path, stored: object = None) -> object:
    """What the output of `kind` (workbook, word, report) at `path` says; a workbook's sheets whose
    parts are as the record `stored` them are not read again."""
    if kind == "workbook":
        return workbook_fingerprints(path, skip=(RECORD_SHEET,), stored=stored if isinstance(stored, list) else None)
    if kind == "word":
        return document_fingerprint(path)
    return text_fingerprint(path)


def _same(kind: str, path: Path, stored: object) -> bool:
    try:
        now = fingerprint(kind, path, stored)
    except Exception:  # an output that cannot be read any more is no longer what farmcli wrote
        return False
    if kind == "workbook":  # [name, fingerprint, part stamp]: the stamp only spares a read
        return isinstance(stored, list) and [list(x)[:2] for x in stored] == now
    return now == stored


def protected(paths: dict[str, Path], record: dict | None, in_place: Path | None = None,
              legacy: bool = False) -> list[tuple[Path, str]]:
    """The existing outputs that must not be replaced, with why (EDITED or FOREIGN). `record` is
    the one the earlier settlement workbook carries; `in_place` the workbook settled in place;
    `legacy`: farmcli 0.1's sidecar record stands beside them (outputs of that time are replaced)."""
    stored = record.get("fingerprints") if record is not None else None
    found = []
    for kind, path in paths.items():
        if path.is_dir():
            found.append((path, FOLDER))  # never moved aside: it is no output of farmcli's
            continue
        if not path.exists() or (in_place is not None and path == in_place):
            continue
        if record is None:
            if not legacy:
                found.append((path, FOREIGN))
        elif isinstance(stored, dict) and kind in stored and not _same(kind, path, stored[kind]):
            found.append((path, EDITED))
        # a record without fingerprints: written before farmcli kept them, replaced as before
    return found


def protected_message(found: list[tuple[Path, str]], workbook: Path, year: int) -> str:
    """Which outputs stopped the run, and the ways forward (Chinese, for the clerk)."""
    lines = []
    for path, why in found:
        if why == EDITED:
            lines.append(f"“{path}”在 farmcli 上次写出后被修改过")
        elif why == FOLDER:
            lines.append(f"输出位置“{path}”是一个文件夹")
        else:
            lines.append(f"“{path}”不是 farmcli 写出的（其中没有结算记录）")
    first = found[0][0]
    finished = first.with_name(f"{first.stem}（定稿）{first.suffix}")
    ways = []
    if any(why == EDITED for _, why in found) and workbook.exists():
        ways.append(f"直接结算修改过的结算工作簿（修改会带进新的结算）：farmcli settle {year} \"{workbook}\"")
    ways.append(f"或把它改名，如“{finished.name}”")
    ways.append("或把它移到别的文件夹")
    numbered = "；".join(f"{'①②③'[i]} {way}" for i, way in enumerate(ways))
    return ("；".join(lines) + "。为免覆盖您的文件，本次没有写入任何文件，之前的结算文件都保持原样。"
            f"可以：{numbered}，然后重新运行。")
