"""Building the site: validate, run Pelican beside the output, hash every file, then swap it in.

A build that fails leaves the previous output untouched; two builds of one commit give the same
bytes, and SHA256SUMS (naming the source commit) lets anyone check that.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..records.collector import paused
from ..records.parallel import can_fork, die_with_parent
from .cachekeys import code_version, tree_entries, tree_names
from .freshness import build_inputs, fresh_build, remember_build
from .outputcache import OutputCache
from .rendering import apart
from .sitefiles import site_files

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
                use_cache: bool = True, notes: list[str] | None = None, recycled: Recycled | None = None) -> OutputCache:
    """Run Pelican into `output`; return the output cache it used (disabled when `use_cache` is off).
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
    # Built with the cache, the site's files are named by what made them (sitefiles.py); without it,
    # as the reference that incremental builds are compared with, it is walked.
    cache.site_files = site_files(output, cache, settings) if cache.enabled else None
    return cache


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
            cache = run_pelican(project, staging, settings_file, overrides, use_cache, notes, kept)
            if kept is not None:
                prune(staging, kept, cache.digests)
            cache.seal()
            with apart(cache.prepare_save, cache):  # the manifest beside the sums: two cores, no wait
                names = write_sums(staging, commit or source_commit(project), {**cache.plain, **cache.digests},
                                   cache.site_files)
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


def kept_beside(output: Path) -> set[str]:
    """The names of what a good build keeps beside the output by design (everything else there is a
    dead build's, which the next one clears): the spare site, the key of the live site's inputs, and
    the lists of the files of each that their builds made outside the output cache."""
    from .freshness import stamp_path

    return {spare_of(output).name, stamp_path(output).name, plain_list(output).name, plain_list(spare_of(output)).name}


def spare_of(output: Path) -> Path:
    """The site before the live one, kept beside it to be the next build's starting point."""
    return output.parent / f".{output.name}.spare"


def plain_list(site: Path) -> Path:
    """Beside a site (the live one or the spare): the names of its files its build wrote itself rather
    than through the output cache (Pelican's theme and pages, SHA256SUMS …), with the site folder's
    inode, so that a list is never taken for another folder's."""
    return site.parent / f".{site.name.lstrip('.')}.plain.json"


def _write_plain(site: Path, names: list[str]) -> None:
    temporary = plain_list(site).with_name(f"{plain_list(site).name}.{os.getpid()}")
    try:
        temporary.write_text(json.dumps({"folder": os.stat(site).st_ino, "names": names}, ensure_ascii=False),
                             "utf-8")
        os.replace(temporary, plain_list(site))
    except OSError:  # without the list, the next build but one walks the spare with a status per file
        temporary.unlink(missing_ok=True)


def _read_plain(site: Path) -> set[str] | None:
    """The names plain_list() keeps for `site`, when it is that folder's; the list is gone afterwards
    (a site given back by a failed build is another than the list describes)."""
    where = plain_list(site)
    try:
        found = json.loads(where.read_text("utf-8"))
        where.unlink()
        if isinstance(found, dict) and found.get("folder") == os.stat(site).st_ino:
            return set(found["names"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


@dataclass
class Recycled:
    kept: dict[str, int]  # files linked from the store, by name: their inode
    emptied: set[str]  # folders files were removed from before the build
    device: int = 0  # of the site's folder: an inode number means a file on it
    started: int = 0  # the file system's time when the build began: what is older was not written by it
    # The walk of the spare, while a forked process does it: (its pid, the pipe it answers on, the
    # plain list it was given, the folder); see settle().
    walking: tuple | None = None

    def settle(self) -> Recycled:
        """Wait for the walk done apart, and take what it found; where it died without a word, walk
        here. Called before anything is written into the new site (the walk removes files from it)."""
        if self.walking is None:
            return self
        child, reading, plain, staging = self.walking
        self.walking = None
        try:
            with os.fdopen(reading, "rb") as told:
                found = pickle.load(told)
        except (EOFError, pickle.UnpicklingError):
            found = None
        finally:
            os.waitpid(child, 0)
        if found is None:
            _walk_spare(self, plain, staging)
        elif found[0] == "failed":
            raise found[1]
        else:
            self.kept, self.emptied = found[1]
        return self


def recycle(spare: Path, staging: Path, apart: bool = False) -> Recycled | None:
    """Start the build from the spare site rather than from nothing, so that a build costs what
    changed, not the whole site: deleting a site and linking a new one file by file is most of an
    incremental build's time at national scale.

    Only files linked from the output cache's store are kept (the cache puts every file it made or
    reused there): a kept file is either linked again by the cache, which checks its inode, or pruned
    as stale after the build. Every other file is removed first, so that no writer that writes in
    place (Pelican's, ours) writes into a file of the site before. Which those are, the build that made
    the spare said (plain_list), so that the walk needs no status per file (a national site has
    430,000): a directory entry gives the inode. Without that list, or where a directory entry's inode
    is not the file's (some overlay file systems), each file's status says whether it is linked.

    With `apart`, the walk (190,000 folders at national scale: 2 s, three times that with a cold
    directory cache) is done by a forked process while the build reads the records, and the Recycled
    given back is complete only once settle() is called. None when there is no spare."""
    plain = _read_plain(spare)
    try:
        spare.rename(staging)
    except OSError:
        return None
    recycled = Recycled({}, set(), os.stat(staging).st_dev)
    recycled.started = _file_system_now(staging)
    if apart and can_fork(2):
        _walk_apart(recycled, staging, plain)
    else:
        _walk_spare(recycled, plain, staging)
    return recycled


def _walk_apart(recycled: Recycled, staging: Path, plain: set[str] | None) -> None:
    sys.stdout.flush()  # a forked process must not write out again what this one has buffered
    sys.stderr.flush()
    reading, writing = os.pipe()
    parent, child = os.getpid(), os.fork()
    if child == 0:  # the forked process: walk, say what it found, end without cleaning up
        os.close(reading)
        try:
            die_with_parent(parent)
            _walk_spare(recycled, plain, staging)
            outcome: tuple = ("done", (recycled.kept, recycled.emptied))
        except BaseException as exc:  # noqa: BLE001 - the build says it (a full disk stays an OSError)
            outcome = ("failed", exc)
        try:
            with os.fdopen(writing, "wb") as out:
                pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(writing)
    recycled.walking = (child, reading, plain, staging)


def _walk_spare(recycled: Recycled, plain: set[str] | None, staging: Path) -> None:
    root = str(staging)
    for name, entry in tree_entries(staging):
        if plain is not None and name not in plain:
            inode = entry.inode()
            if recycled.kept or inode == entry.stat(follow_symlinks=False).st_ino:  # the first one shows
                recycled.kept[name] = inode
                continue
            plain = None
        if plain is None:
            status = entry.stat(follow_symlinks=False)
            if status.st_nlink > 1:
                recycled.kept[name] = status.st_ino
                continue
        with contextlib.suppress(FileNotFoundError):  # removed by a walk that died half-way (settle walks again)
            os.unlink(f"{root}/{name}")  # a string, not a Path: there are tens of thousands
        recycled.emptied.add(name.rpartition("/")[0])


def _file_system_now(folder: Path) -> int:
    """The modification time a file written now gets, by the file system's clock (coarser than
    time.time_ns(), and what the files' times are compared with)."""
    descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".now-")
    try:
        return os.fstat(descriptor).st_mtime_ns
    finally:
        os.close(descriptor)
        os.unlink(probe)


def prune(staging: Path, recycled: Recycled, made: dict[str, str]) -> None:
    """Remove what the spare had and this build did not make (a list withdrawn, a page no longer
    paginated), and the folders that leaves empty. A file some writer replaced or wrote during the build
    has another inode, or a time not older than the build: it is this build's, not stale."""
    folders = set(recycled.emptied)
    root = str(staging)
    for name, inode in recycled.kept.items():
        if name in made:
            continue
        path = f"{root}/{name}"
        try:
            status = os.lstat(path)
        except FileNotFoundError:
            continue
        if status.st_ino == inode and status.st_mtime_ns < recycled.started:
            os.unlink(path)
            folders.add(name.rpartition("/")[0])
    for name in sorted(folders, key=len, reverse=True):  # the deepest first
        folder = staging / name
        while name and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            name = name.rpartition("/")[0]
            folder = staging / name


def swap_in(staging: Path, output: Path, plain: list[str] | None = None) -> None:
    """Two renames (the live site becomes the spare); if the second fails, the previous site is put
    back where it was. `plain`: the files of the new site made outside the output cache (plain_list)."""
    spare = spare_of(output)
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    plain_list(spare).unlink(missing_ok=True)
    if spare.exists():  # a build that did not start from it (without the cache): no longer needed
        spare.rename(old)
    if output.exists():
        output.rename(spare)
        if plain_list(output).exists():
            os.replace(plain_list(output), plain_list(spare))
    try:
        staging.rename(output)
    except OSError:
        if spare.exists() and not output.exists():
            spare.rename(output)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
    if plain is not None:
        _write_plain(output, plain)
    else:
        plain_list(output).unlink(missing_ok=True)


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


def clear_leftovers(output: Path) -> None:
    """Folders a build killed mid-way left beside the output (a whole site each). Called under the lock,
    so no other build of this output is running: every such folder is a dead build's."""
    for leftover in output.parent.glob(f".{output.name}.build-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    spare = spare_of(output)
    if not output.exists():  # what plain_list() said of the sites is no longer known for sure
        plain_list(output).unlink(missing_ok=True)
        plain_list(spare).unlink(missing_ok=True)
    if not output.exists() and spare.exists():  # killed between the two renames: the spare is the live site
        spare.rename(output)
    for previous in sorted(output.parent.glob(f".{output.name}.old-*"), key=lambda p: p.stat().st_mtime):
        if not output.exists():  # the same, by a build of an earlier version
            previous.rename(output)
        else:
            shutil.rmtree(previous, ignore_errors=True)
