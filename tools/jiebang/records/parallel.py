"""Work across cores: forked worker processes, fed chunks by concurrent.futures.

Forked, not spawned: a worker starts as a copy of the parent, with the content tree, the compiled
schemas and the registered rules already in memory (and any test's monkeypatching), so a task names
its records by position instead of pickling them over. Where fork does not exist, or one core is all
there is, the work is done in this process.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a pool is made: most runs of a warm cache never fork
    from concurrent.futures import ProcessPoolExecutor

# Forking two workers and collecting their results costs about as much as checking a few hundred
# records; from this many on, two cores win (bench/validate_bench.py measures it).
PARALLEL_FROM = 1500
CHUNK = 250  # items per task: enough tasks to keep both cores busy to the end, few enough to batch results

_SHARED: Any = None  # what the workers of the running fork_map read, inherited through fork


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worth_forking(count: int, workers: int | None = None) -> bool:
    """Whether `count` items go to forked workers. Never from a process running other threads (`jiebang
    serve`'s server, a host application): a forked child inherits their locks in whatever state they were."""
    return count >= PARALLEL_FROM and can_fork(cores() if workers is None else workers)


def can_fork(workers: int) -> bool:
    """Whether work may go to a forked process at all: more than one core, fork there, no other thread."""
    if workers <= 1 or threading.active_count() != 1:
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def die_with_parent(parent: int) -> None:
    """A worker's initializer: end when the process that forked it ends, even by `kill -9`. Otherwise
    its workers outlive a killed build, waiting for work that never comes and holding what they
    inherited — the build's lock among it, so the next build would wait for ever (Linux's
    PR_SET_PDEATHSIG; elsewhere nothing is done)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before the request was made
            os._exit(1)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Forked workers that die with this process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent,
                               initargs=(os.getpid(),))


def fork_map(task: Callable[[Any, int, int], list], shared: Any, count: int, workers: int | None = None) -> Iterator[list]:
    """task(shared, start, end) for consecutive chunks of range(count), in forked workers; the chunks'
    results in order. `shared` reaches the workers through fork, never pickled."""
    global _SHARED
    _SHARED = (task, shared)
    sys.stdout.flush()  # a forked worker must not write out again what the parent has buffered
    sys.stderr.flush()
    chunks = [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
    try:
        with worker_pool(workers or cores()) as pool:
            yield from pool.map(_run, chunks)
    finally:
        _SHARED = None


def _run(bounds: tuple[int, int]) -> list:
    task, shared = _SHARED
    return task(shared, *bounds)


class Forked:
    """`work()` run in a forked process that dies with this one, while this one goes on; `outcome()`
    waits for it: ("done", what it returned), ("failed", what it raised), or None when it died without
    a word (or what it gave could not be sent back). `finish()`, if given, runs there after the work,
    whatever came of it. Only where can_fork() says so."""

    def __init__(self, work: Callable[[], Any], finish: Callable[[], None] | None = None) -> None:
        import pickle

        sys.stdout.flush()  # a forked process must not write out again what this one has buffered
        sys.stderr.flush()
        reading, writing = os.pipe()
        parent, self.pid = os.getpid(), os.fork()
        if self.pid == 0:  # the forked process: work, say what came of it, end without cleaning up
            os.close(reading)
            outcome: tuple
            try:
                die_with_parent(parent)
                outcome = ("done", work())
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent, which says it
                outcome = ("failed", exc)
            try:
                if finish is not None:
                    finish()
                with os.fdopen(writing, "wb") as out:
                    pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                os._exit(0)
        os.close(writing)
        self._reading: int | None = reading

    def outcome(self) -> tuple | None:
        import pickle

        if self._reading is None:
            return None
        reading, self._reading = self._reading, None
        try:
            with os.fdopen(reading, "rb") as told:
                return pickle.load(told)
        except (EOFError, pickle.UnpicklingError):
            return None
        finally:
            os.waitpid(self.pid, 0)

    def kill(self) -> None:
        """End it now (its outcome is then None)."""
        import signal

        os.kill(self.pid, signal.SIGKILL)
        self.outcome()
