"""Python's cyclic garbage collector, kept off the long-lived objects of one run over a whole tree.

A run holds millions of long-lived objects (records, their typed data, the build's manifest) that form
no cycles, and the collector's full passes walk every one of them again and again while they are made:
at national scale that was 15% of a build's wall time (bench/build_phases.py, collector on and off,
alternating: 36.6–43.1 s against 38.2–61.0 s). So the collector is paused while they are read; then
`settle()` freezes them (gc.freeze: no pass walks them again) and turns it back on for what follows,
since rendering every page of a national site leaves cycles (Jinja's frames) that, left for the end,
cost half a gigabyte of peak memory (2.92 against 2.47 GB at 20,000 lists).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_blocks: list[list[bool]] = []  # for each paused() block open: [collector on before it, settled since]


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block (until settle()), then as it was, with nothing left frozen."""
    block = [gc.isenabled(), False]
    _blocks.append(block)
    gc.disable()
    try:
        yield
    finally:
        _blocks.remove(block)
        if block[1]:
            gc.unfreeze()  # back into the oldest generation: the next full pass frees what is garbage
        if block[0]:
            gc.enable()


def settle() -> None:
    """Inside paused(): what is alive now is long-lived (the loaded tree, the manifest); set it aside
    from every later pass and collect again what is made from here on (as before the block: a block
    opened with the collector off keeps it off). Outside a paused() block, nothing."""
    if not _blocks or _blocks[-1][1]:
        return
    gc.freeze()
    _blocks[-1][1] = True
    if _blocks[-1][0]:
        gc.enable()
