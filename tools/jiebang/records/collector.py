"""Python's cyclic garbage collector, paused for one run over a whole tree.

A run holds millions of long-lived objects (records, their typed data, the build's manifest) that form
no cycles, and the collector's full passes walk every one of them again and again while they are made:
at national scale that was 15% of a build's wall time (bench/build_phases.py, collector on and off,
alternating: 36.6–43.1 s against 38.2–61.0 s). Reference counting still frees everything else; what
cycles a run leaves are collected once the collector is back on (`jiebang serve` builds again and again
in one process).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, then as it was."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
