"""`jiebang build` with the wall-clock time of each of its phases printed to stderr, by hand:

    cd bench/.work/scale-20000 && ../../../.venv/bin/python ../../build_phases.py build --output output

Each phase is a function of the build, looked up by the modules that call it through their module,
wrapped in a timer (a nested one is inside its caller's time; the search index and the feeds, made in
a forked process beside the pages and the open data, are timed there and printed when done).
cProfile gives the detail, this the wall time without the profiler's overhead.

With BENCH_KEYS_OF=<another checkout's tools/jiebang>, the output cache and the build's key are keyed
as that code would key them: for timing, side by side on one cache, a change that makes no output
differ (the tests compare every byte with a cold build), without a ten-minute fill at 20,000 lists
for each side. Never for figures of what a build makes. With BENCH_PROFILE_APART=<path>, the writers run apart are
profiled each in its own process, into <path>.<function>.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import os
import sys
import time

PHASES = [
    ("jiebang.site.freshness", "build_inputs"), ("jiebang.site.build", "recycle"), ("jiebang.site.build", "Recycled.settle"),
    ("jiebang.site.build", "run_pelican"), ("jiebang.site.outputcache", "OutputCache._open"),
    ("jiebang.site.generator", "open_cache"), ("jiebang.site.generator", "load_tree"),
    ("jiebang.site.generator", "check_tree"), ("jiebang.site.generator", "build_site_data"),
    ("jiebang.site.generator", "load_history"), ("jiebang.site.generator", "JiebangGenerator.generate_context"),
    ("jiebang.site.generator", "JiebangGenerator.generate_output"), ("jiebang.site.feeds", "write_feeds"),
    ("jiebang.site.opendata", "write_open_data"), ("jiebang.site.opendata", "write_summaries"),
    ("jiebang.site.searchpages", "write_search_index"), ("jiebang.site.generator", "JiebangGenerator._write_pages"),
    ("jiebang.site.sitemap", "write_sitemap"), ("jiebang.site.build", "prune"), ("jiebang.site.build", "write_sums"),
    ("jiebang.site.build", "swap_in"), ("jiebang.site.outputcache", "OutputCache.save"),
    ("jiebang.site.freshness", "remember_build"),
]
APART = {("jiebang.site.searchpages", "write_search_index"), ("jiebang.site.feeds", "write_feeds")}  # rendering.apart
START = time.perf_counter()
marks: list[tuple[str, float]] = []


def timed(module: str, name: str) -> None:
    owner = importlib.import_module(module)
    *outer, attribute = name.split(".")
    for part in outer:
        owner = getattr(owner, part, None)
    function = getattr(owner, attribute, None)
    if function is None:  # a phase the code being measured does not have (an earlier commit's)
        return

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        profile = os.environ.get("BENCH_PROFILE_APART") if (module, name) in APART else None
        try:
            if profile:  # cProfile sees only the process it runs in: this writer's own profile
                import cProfile

                profiler = cProfile.Profile()
                try:
                    return profiler.runcall(function, *args, **kwargs)
                finally:
                    profiler.dump_stats(f"{profile}.{attribute}")
            return function(*args, **kwargs)
        finally:
            marks.append((f"{module}.{name}", time.perf_counter() - began))
            if (module, name) in APART:  # its process ends without atexit: said as soon as it is done
                print(f"{marks[-1][1]:7.2f}  {marks[-1][0]} (in its own process)", file=sys.stderr, flush=True)

    setattr(owner, attribute, wrapper)


@atexit.register
def show() -> None:
    print(f"--- total {time.perf_counter() - START:.2f} s", file=sys.stderr)
    for label, seconds in marks:
        print(f"{seconds:7.2f}  {label}", file=sys.stderr)


def keys_of(package: str) -> None:
    """Key as the code in `package` (a folder named jiebang) keys: see the module's docstring. The
    output cache, the history cache and the record cache each have a key of their code."""
    import subprocess

    script = ("from jiebang.site.cachekeys import code_version; from jiebang.history import cache as h; "
              "from jiebang.records import cache as r; print(code_version(), h.code_version(), r.cache_key())")
    site, history, records = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                            env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.abspath(package))},
                                            ).stdout.split()
    for module in ("cachekeys", "generator", "freshness", "build"):
        importlib.import_module(f"jiebang.site.{module}").code_version = lambda: site
    importlib.import_module("jiebang.history.cache").code_version = lambda: history
    importlib.import_module("jiebang.history.revisions").code_version = lambda: history
    importlib.import_module("jiebang.records.cache").cache_key = lambda: records
    print(f"keyed as {package}: {site[:12]} {history[:12]} {records[:12]}", file=sys.stderr)


if __name__ == "__main__":
    if os.environ.get("BENCH_KEYS_OF"):
        keys_of(os.environ["BENCH_KEYS_OF"])
    for module, name in PHASES:
        timed(module, name)
    from jiebang.cli import main

    sys.argv = ["jiebang", *sys.argv[1:]]
    sys.exit(main())
