"""Progress on long reads and writes, reported through a callback the CLI may supply.

The library never prints: it calls `progress(what, done, total)`; `total` None means
"under way, size unknown". Sheets smaller than BIG_SHEET rows report nothing.
"""

from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]
BIG_SHEET = 20_000  # rows
STEP = 10_000  # rows between two reports while writing
