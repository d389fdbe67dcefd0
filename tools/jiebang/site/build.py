"""Building the site: validate, run Pelican beside the output, hash every file, then swap it in.

A build that fails leaves the previous output untouched; two builds of one commit give the same
bytes, and SHA256SUMS (naming the source commit) lets anyone check that.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..records.collector import paused
from .cachekeys import code_version, tree_names
from .freshness import build_inputs, fresh_build, remember_build
from .outputcache import OutputCache
from .rendering import apart
from .sitefiles import site_files
from .spare import Recycled, clear_leftovers, prune, recycle, spare_of, swap_in

SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class Built:
    count: int  # files in the site
    unchanged: bool = False  # the live site was already the build of these inputs: nothing was made


class BuildError(Exception):
    """The site could not be built; the message says why, in Chinese."""


def source_commit(project: Path) -> str:
    """The commit the build comes from, with "-dirty" when the published sources differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "content", "theme", "tools", "pelicanconf.py",
                                "publishconf.py"], cwd=project, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty.strip() else "")


def run_pelican(project: Path, output: Path, settings_file: str = "pelicanconf.py", overrides: dict | None = None,
                use_cache: bool = True, notes: list[str] | None = None, recycled: Recycled | None = None,
                ) -> tuple[OutputCache, list[str] | None]:
    """Run Pelican into `output`; return the output cache it used (disabled when `use_cache` is off) and,
    built with the cache, every file of the site, named by what made them (sitefiles.py); without it,
    None: the site is walked, as the reference that incremental builds are compared with.
    The warnings the content has are printed, and added to `notes`. `recycled`: what `output` already
    holds, as recycle() found it."""
    from pelican import Pelican
    from pelican.log import FatalLogger, console
    from pelican.settings import read_settings

    from .generator import ContentErrors

    settings = read_settings(str(project / settings_file), override={
        "OUTPUT_PATH": str(output), "PATH": str(project / "content"), "THEME": str(project / "theme"),
        "CACHE_PATH": str(output / ".cache"), **(overrides or {})})
    # Where the caches live is a setting (JIEBANG_CACHE_PATH, relative to the project; None: no cache).
    where = settings.get("JIEBANG_CACHE_PATH", "cache") if use_cache else None
    folder = project / where / "output" if where else None
    cache = OutputCache(folder, code_version(), say=lambda line: print(line, file=sys.stderr)) if folder else \
        OutputCache.disabled()
    if recycled is not None:  # the spare's walk, done apart while the records are read, is taken then
        def take_walk() -> None:
            recycled.settle()
            cache.linked, cache.linked_device = recycled.kept, recycled.device

        cache.when_writing_begins(take_walk)
    # The history cache (generator.py) lives beside it, and is off when this one is off or could not
    # be written (that was said once already).
    settings["JIEBANG_CACHE_PATH"] = str(project / where) if cache.enabled else None
    settings["JIEBANG_OUTPUT_CACHE"] = cache
    settings["JIEBANG_NOTES"] = notes if notes is not None else []
    # Pelican logs a failing reader and carries on with exit 0: make every warning fatal instead.
    previous, FatalLogger.fatal_lvl = FatalLogger.fatal_lvl, logging.WARNING
    # Pelican's "Done: Processed 0 articles, 0 drafts …" reads like a failure to a clerk: ours says it.
    loud, console.quiet = console.quiet, True
    try:
        Pelican(settings).run()
        cache.writing_begins()
    except ContentErrors as exc:
        raise BuildError(f"内容有错误，未生成网站：\n{exc}") from None
    except RuntimeError as exc:
        raise BuildError(f"Pelican 报告了警告或错误，未生成网站：{exc}") from exc
    finally:
        FatalLogger.fatal_lvl, console.quiet = previous, loud
    shutil.rmtree(output / ".cache", ignore_errors=True)
    return cache, site_files(output, cache, settings) if cache.enabled else None


def hash_tree(folder: Path, known: dict[str, str] | None = None, names: list[str] | None = None) -> dict[str, str]:
    """SHA-256 of every file, by name in sorted order; `known` gives those the build already hashed as
    it wrote them; `names`, every file of the folder when the build knows them (sorted), else it is walked."""
    known = known or {}
    sums = {}
    for name in names if names is not None else sorted(tree_names(folder)):
        if name != SUMS:
            sums[name] = known.get(name) or hashlib.sha256((folder / name).read_bytes()).hexdigest()
    return sums


def write_sums(folder: Path, commit: str, known: dict[str, str] | None = None,
               names: list[str] | None = None) -> list[str]:
    """Write SHA256SUMS; return the names of the files in the site, itself included."""
    sums = hash_tree(folder, known, names)
    lines = [f"# source-commit: {commit}"] + [f"{digest}  {name}" for name, digest in sums.items()]
    (folder / SUMS).write_text("\n".join(lines) + "\n", "utf-8")
    return [*sums, SUMS]


def read_sums(folder: Path) -> tuple[str, dict[str, str]]:
    commit, sums = "", {}
    for line in (folder / SUMS).read_text("utf-8").splitlines():
        if line.startswith("# source-commit:"):
            commit = line.split(":", 1)[1].strip()
        elif line.strip():
            digest, name = line.split("  ", 1)
            sums[name] = digest
    return commit, sums


def build_site(project: Path, output: Path, settings_file: str = "pelicanconf.py", overrides: dict | None = None,
               commit: str | None = None, use_cache: bool = True) -> Built:
    """Build into a sibling folder and swap it in. With the cache, files whose inputs are unchanged
    since the last build are reused rather than made again, and a build whose inputs are all unchanged
    (freshness.py) makes nothing: it repeats the last build's warnings and says so.

    One build at a time per output folder (a second one waits, and says so); what builds that died left
    beside the output is cleared first; a full disk or any other write failure ends in a BuildError that
    names the cause, with the previous site untouched and nothing left beside it.

    The cyclic garbage collector is paused while the records and the cache are read, and kept off them
    once they are (records/collector.py): 15% of the time at national scale."""
    with paused():
        return _build_site(project, output, settings_file, overrides, commit, use_cache)


def _build_site(project: Path, output: Path, settings_file: str, overrides: dict | None, commit: str | None,
                use_cache: bool) -> Built:
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    inputs = build_inputs(project, output, settings_file, overrides, commit) if use_cache else None
    with build_lock(output):
        last = fresh_build(output, inputs)
        if last is not None:
            for note in last.get("notes", []):
                print(note, file=sys.stderr)
            return Built(last.get("count", 0), unchanged=True)
        clear_leftovers(output)
        staging = output.parent / f".{output.name}.build-{os.getpid()}"
        kept = cache = None
        swapped = False
        try:
            kept = recycle(spare_of(output), staging, apart=True) if use_cache else None
            if kept is None:
                staging.mkdir()
            notes: list[str] = []
            cache, made = run_pelican(project, staging, settings_file, overrides, use_cache, notes, kept)
            if kept is not None:
                prune(staging, kept, cache.digests)
            cache.seal()
            with apart(cache.prepare_save, cache):  # the manifest beside the sums: two cores, no wait
                names = write_sums(staging, commit or source_commit(project), {**cache.plain, **cache.digests},
                                   made)
            count = len(names)
            swap_in(staging, output, [name for name in names if name not in cache.digests] if cache.enabled else None)
            swapped = True
        except OSError as exc:
            raise BuildError(write_failure(exc)) from None
        finally:
            if kept is not None and kept.walking is not None:  # the build failed before writing began
                with contextlib.suppress(Exception):  # what failed first is what the build says
                    kept.settle()
            if cache is not None and not swapped:
                cache.discard_prepared()
            # A failed build that started from the spare gives it back: whatever state it stopped in,
            # recycle() keeps only files linked from the store, which are checked when reused.
            if staging.exists() and kept is not None and not spare_of(output).exists():
                staging.rename(spare_of(output))
            shutil.rmtree(staging, ignore_errors=True)
        cache.save()  # only after a build that succeeded
        remember_build(output, inputs if cache.enabled else None, count, notes)
        return Built(count)


def write_failure(exc: OSError) -> str:
    where = f"（{exc.filename}）" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，网站未能生成{where}。原有网站保持不变；请清理磁盘后重新生成。"
    return f"写入文件失败{where}：{exc.strerror or exc}。原有网站保持不变。"


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """An exclusive lock on the output's parent folder, held for the whole build: it leaves no file
    behind, and the system releases it when the process dies, so a killed build never blocks the next.
    (No lock where fcntl is missing: on Windows the clerk's builds are their own, one at a time.)"""
    try:
        import fcntl
    except ImportError:
        yield
        return
    folder = os.open(output.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"另一个生成过程正在 {output.parent} 中生成网站，等待它结束……", file=sys.stderr, flush=True)
            fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # closing releases the lock
