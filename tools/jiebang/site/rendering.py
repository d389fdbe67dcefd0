"""Making the pages the output cache does not have: in this process, or across all cores.

Each page is a pure function of its job, so the misses are split into chunks and rendered by forked
worker processes (they inherit the loaded site, so nothing is pickled but the results); each worker
writes its pages into the new site and the cache's store, and sends back their digests. Where fork is
not available (Windows), or there are too few pages for processes to pay, pages are made here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..records.parallel import Forked, can_fork, worker_pool
from .outputcache import OutputCache

PARALLEL_FROM = 300  # pages: below this, starting processes costs more than it saves (measured on the sample)
CHUNK = 100

_work: tuple | None = None  # what forked workers inherit: (render, misses, cache, output)


def workers_wanted() -> int:
    wanted = os.environ.get("JIEBANG_WORKERS")
    return max(1, int(wanted)) if wanted and wanted.isdigit() else (os.cpu_count() or 1)


def _render_chunk(indices: range) -> tuple[list[tuple[str, str, str | None, Any]], bool]:
    render, misses, cache, output = _work
    done = []
    for i in indices:
        item, save_as, key = misses[i]
        cache.write(output, save_as, render(item), key)
        done.append((save_as, cache.digests[save_as], key, cache.used.get(key) if key else None))
    return done, cache.enabled


def render_pages(misses: Sequence[tuple[Any, str, str | None]], render: Callable[[Any], bytes], cache: OutputCache,
                 output: Path) -> None:
    """`misses`: (job, save_as, key) of each page to make; `render(job)` gives its bytes."""
    global _work
    workers = workers_wanted()
    if workers < 2 or len(misses) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        for item, save_as, key in misses:
            cache.write(output, save_as, render(item), key)
        return
    _work = (render, misses, cache, output)
    chunks = [range(start, min(start + CHUNK, len(misses))) for start in range(0, len(misses), CHUNK)]
    try:
        with worker_pool(workers) as pool:  # dying with the build: a killed build leaves no worker holding its lock
            for done, still_caching in pool.map(_render_chunk, chunks):
                for save_as, sha, key, entry in done:
                    cache.digests[save_as] = sha
                    cache.misses += 1
                    if entry and still_caching:
                        cache.remember(key, entry)
                if not still_caching:
                    cache.folder = None  # the worker said why, once
    finally:
        _work = None


@contextmanager
def apart(task: Callable[[], None], cache: OutputCache, history: Any = None) -> Iterator[None]:
    """Run `task` (a writer of files into the new site and the cache) in a forked process while the
    body of the `with` runs here, then take back what it kept in the cache, as if it had run here: on
    two cores the search index is made beside the feeds and the open data. Done here, after the body,
    where fork is missing, one core is all there is, or another thread runs (`jiebang serve`). An
    error in the task is raised here as it was raised there (a full disk stays an OSError); a process
    that died without a word is followed by the task done here."""
    if history is not None:
        history.settle()
    if not can_fork(workers_wanted()):
        yield
        task()
        return
    before = cache.snapshot()

    def work() -> tuple:
        if history is not None:
            history.in_forked_child()
        task()
        return cache.changes_since(before)

    child = Forked(work, finish=history.close if history is not None else None)
    try:
        yield
    except BaseException:
        child.kill()
        raise
    outcome = child.outcome()
    if outcome is None:
        task()
    elif outcome[0] == "failed":
        raise outcome[1]
    else:
        cache.take(outcome[1])
