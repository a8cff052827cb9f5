"""Python's cycle collector paused while a ledger is read and settled.

Reading a big sheet makes a list per row (a million at 1M parcels), and they live until their
columns are taken: each burst of new lists sets the collector off, and it walks them again and
again as they age, about 2 s of a 17 s settle (docs/performance.md, round 5). Rows, cells and the
tables made of them hold no reference cycles, so the collector has nothing to free there:
reference counting frees them as before. It runs again, as it was, once the settle returns or
raises.

What does need the collector: a package's XML parts, parsed with defusedxml, whose parser and tree
builder hold each other (and so the tree). One ledger's are a few megabytes at most; a folder of a
hundred workbooks collects after each file (`collect_garbage`), or they would add up to a quarter
of a gigabyte (measured: 100 × 10,000 parcels peaked at 966 MiB without, 712 MiB with the collector on).
"""

from __future__ import annotations

import functools
import gc


def collector_paused(function):
    """Run `function` with the cycle collector paused (nested calls keep it paused)."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        was = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was:
                gc.enable()

    return paused


def collect_garbage() -> None:
    """What reference cycles hold and nothing else does, freed now (the collector may be paused)."""
    gc.collect(0)  # what was made since the last collection: this file's objects, not all before it
