"""The spare site: the site before the live one, kept beside it, from which the next build starts
instead of from nothing (recycle), cleared of what that build did not make (prune); the two renames
that make the new site the live one and the live one the spare (swap_in); and what a killed build
left beside them (clear_leftovers).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..records.parallel import Forked, can_fork
from .cachekeys import tree_entries


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
    # The walk of the spare, while a forked process does it: (that process, the plain list it was
    # given, the folder); see settle().
    walking: tuple | None = None

    def settle(self) -> Recycled:
        """Wait for the walk done apart, and take what it found; where it died without a word, walk
        here. Called before anything is written into the new site (the walk removes files from it)."""
        if self.walking is None:
            return self
        child, plain, staging = self.walking
        self.walking = None
        found = child.outcome()
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
    def walk() -> tuple[dict[str, int], set[str]]:
        _walk_spare(recycled, plain, staging)
        return recycled.kept, recycled.emptied

    recycled.walking = (Forked(walk), plain, staging)


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
