"""Progress on long reads and writes, reported through a callback the CLI may supply.

The library never prints: it calls `progress(what, done, total)`; `total` None means
"under way, size unknown". Sheets smaller than BIG_SHEET rows report nothing.
`what` names one bar; what follows "：" names the item under way (a folder's file being read) and
changes as the bar advances. A bar counts rows, or files where its name says so (`unit_of`).
"""

from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]
BIG_SHEET = 20_000  # rows
STEP = 10_000  # rows between two reports while writing
FILES = "读取各单位台账文件"  # a folder's files (SPEC §8), one step per file


def bar_name(what: str) -> str:
    """The bar `what` advances (without the item under way)."""
    return what.partition("：")[0]


def unit_of(what: str) -> str:
    return "个文件" if bar_name(what).endswith("文件") else "行"
