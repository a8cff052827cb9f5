"""Progress on long reads and writes, reported through a callback the CLI may supply.

The library never prints: it calls `progress(what, done, total)`; `total` None means
"under way, size unknown". Sheets smaller than BIG_SHEET rows report nothing.
`what` names one bar; on the folder's bar (FILES) what follows "：" names the file being read and
changes as the bar advances. A bar counts rows, files on the folder's bar, or bytes where a ledger
sheet's part is copied as saved (`unit_of`).
"""

from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]
BIG_SHEET = 20_000  # rows
STEP = 10_000  # rows between two reports while writing
FILES = "读取各单位台账文件"  # a folder's files (SPEC §8), one step per file


def bar_name(what: str) -> str:
    """The bar `what` advances: the folder's bar whatever file is under way; any other is its own
    (a sheet's name may hold a "：" too)."""
    return FILES if what.startswith(FILES + "：") else what


COPY = "复制"  # a ledger sheet's part copied as saved: counted in bytes, not rows


def unit_of(what: str) -> str:
    name = bar_name(what)
    return "个文件" if name == FILES else "字节" if name.startswith(COPY + "「") else "行"
