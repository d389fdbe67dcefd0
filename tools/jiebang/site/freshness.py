"""Whether the live site is already the build of what is on disk: then a build has nothing to do.

A build's inputs are this package and the libraries it names (cachekeys.code_version), the project's
settings files, the environment's JIEBANG_* settings, the theme and content trees, the git commit the
history comes from, and the build's own arguments. Their statement — for files in a git work tree,
git's index and the status of every file that differs from it; elsewhere, the status of every file
(size, inode, mtime, ctime), which an edit cannot leave unchanged — is the build's key. After a
good build the key is written beside the output with the digest of its SHA256SUMS; a later build
whose key is the same, and whose output still has those sums, is done before it starts.

Like git's index (and records/cache.py), a file changed within RACY_SECONDS of the build's start may
change again without its status changing: such a build writes no key, so the next one builds (a file
git calls unchanged is git's to vouch for, and it does so by its bytes when its status is that new).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .cachekeys import canonical, code_version, digest_of, tree_files

RACY_SECONDS = 2
NOT_SETTINGS = {"JIEBANG_WORKERS"}  # how many processes render, not what they write


@dataclass(frozen=True)
class Inputs:
    key: str
    trusted: bool  # no file changed so recently that its status may not show the next edit
    sums: str | None = None  # the digest of the live site's SHA256SUMS as the build began (sums_digest)


def stamp_path(output: Path) -> Path:
    return output.parent / f".{output.name}.inputs.json"


def _statuses(folder: Path, floor_ns: int) -> tuple[list, bool]:
    """(path, size, inode, mtime, ctime) of every file below `folder`, and whether none is racy."""
    found, trusted = [], True
    for name, status in tree_files(folder).items():
        if "__pycache__" in name.split("/"):
            continue
        if stat.S_ISLNK(status.st_mode):  # the build reads the file it points to
            with contextlib.suppress(OSError):
                status = os.stat(folder / name)
        found.append(_stated(name, status))
        trusted &= _settled(status, floor_ns)
    found.sort()
    return found, trusted


def _stated(name: str, status: os.stat_result, *more: str) -> tuple:
    """A file in a build's key: its name and the status an edit cannot leave unchanged."""
    return (name, *more, status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns)


def _settled(status: os.stat_result, floor_ns: int) -> bool:
    """Whether a file's status is old enough to show the next edit (see RACY_SECONDS)."""
    return max(status.st_mtime_ns, status.st_ctime_ns) < floor_ns


def _from_git(project: Path, floor_ns: int, meanwhile: Callable[[], object] = lambda: None) -> tuple[list, bool] | None:
    """content/ and theme/ as git sees them, which is what a walk would find at a fraction of its cost
    (92,000 files: 0.35 s against 1.1 s): the index's entries (mode, blob, path) and, for each file
    that differs from them (changed, untracked or ignored), its status as the walk gives it. A file
    git calls unchanged is unchanged: git compares the bytes of one whose status is too recent to tell
    (racy git), so a commit is trusted at once. None where git cannot vouch: not a work tree, no git,
    an entry git is told not to check (assume-unchanged, skip-worktree), a repository inside, a
    symbolic link (the build reads its target, which git does not see). The two git commands run side
    by side, and `meanwhile` runs while they do."""
    if any(os.path.islink(project / name) for name in ("content", "theme")):
        return None
    asked: list[subprocess.Popen] = []
    try:
        for args in (["rev-parse", "--show-toplevel"], ["ls-files", "-s", "-v", "-z", "--", "content", "theme"],
                     ["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--ignored=matching",
                      "--", "content", "theme"]):
            asked.append(_git_started(project, *args))
    except OSError:  # no git (or no process to spare): the walk; those already started are waited for
        for process in asked:
            process.kill()
            process.communicate()
        return None
    meanwhile()
    answers = [_git_answer(process) for process in asked]
    if None in answers:
        return None
    top, index, status = answers
    top = top.decode("utf-8", "surrogateescape").strip()
    if not _plain_files(index):  # a link's target is what the build reads, and git sees only the link: walk
        return None
    changed, trusted = [], True
    for item in filter(None, status.split(b"\0")):
        state, name = item[:2].decode(), item[3:].decode("utf-8", "surrogateescape")
        if name.endswith("/"):
            return None
        try:
            status_now = os.lstat(os.path.join(top, name))
        except FileNotFoundError:  # deleted: its state says so
            changed.append((name, state))
            continue
        except OSError:
            return None
        if "__pycache__" in name.split("/"):
            continue
        if stat.S_ISLNK(status_now.st_mode):
            return None
        changed.append(_stated(name, status_now, state))
        trusted &= _settled(status_now, floor_ns)
    return [hashlib.sha256(index).hexdigest(), changed], trusted


def _git_started(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(["git", "--no-optional-locks", *args], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)


def _git_answer(process: subprocess.Popen) -> bytes | None:
    """What a git command wrote, or None when it failed."""
    out, _ = process.communicate()
    return out if process.returncode == 0 else None


def _plain_files(index: bytes) -> bool:
    """Whether every entry of `git ls-files -s -v -z` is a file git checks ("H ", not a link "120000"):
    counted in C for the common case, where each is a regular file ("H 100644" or "H 100755"); entry
    by entry otherwise (a submodule, 160000, is looked at by the status instead)."""
    if index.startswith(b"H 100") and index.count(b"\0H 100") == index.count(b"\0") - 1:
        return True  # each entry ends in NUL, and each but the last is followed by a regular file's
    return not any(entry and (not entry.startswith(b"H ") or entry.startswith(b"H 120000"))
                   for entry in index.split(b"\0"))


def _head(project: Path) -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def build_inputs(project: Path, output: Path, settings_file: str, overrides: dict | None,
                 commit: str | None) -> Inputs | None:
    """The key of a build of `project` into `output`; None when an argument cannot be stated."""
    floor = time.time_ns() - RACY_SECONDS * 1_000_000_000
    live: list[str | None] = []  # the live site's sums, hashed while git reads the trees (or after)
    found = _from_git(project, floor, lambda: live.append(sums_digest(output)))
    trees, trusted = found if found is not None else ([], True)
    if found is None:
        for name in ("content", "theme"):
            statuses, fresh = _statuses(project / name, floor) if (project / name).is_dir() else ([], True)
            trees.append(statuses)
            trusted &= fresh
    # Settings are Python and may import one another (publishconf imports pelicanconf): all of them.
    configs = [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(project.glob("*.py"))]
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("JIEBANG_") and k not in NOT_SETTINGS)
    try:
        arguments = canonical([str(output), settings_file, overrides, commit])
    except Exception:  # noqa: BLE001 - any value canonical() cannot state: no key, so a full build
        return None
    key = digest_of(code_version(), configs, environment, trees, _head(project), arguments)
    return Inputs(key, trusted, live[0] if live else sums_digest(output))


def sums_digest(output: Path) -> str | None:
    try:
        return hashlib.sha256((output / "SHA256SUMS").read_bytes()).hexdigest()
    except OSError:
        return None


def fresh_build(output: Path, inputs: Inputs | None) -> dict | None:
    """What the last build said (file count, warnings), when the live site is its output for `inputs`."""
    if inputs is None:
        return None
    try:
        stamp = json.loads(stamp_path(output).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("key") != inputs.key or stamp.get("sums") != inputs.sums:
        return None
    return stamp


def remember_build(output: Path, inputs: Inputs | None, count: int, notes: list[str]) -> None:
    """Write the key of the build just swapped in (or remove an old one, when this build has none)."""
    target = stamp_path(output)
    if inputs is None or not inputs.trusted:
        target.unlink(missing_ok=True)
        return
    temporary = target.with_name(f"{target.name}.{os.getpid()}")
    try:
        temporary.write_text(json.dumps({"key": inputs.key, "sums": sums_digest(output), "count": count,
                                         "notes": notes}, ensure_ascii=False), "utf-8")
        os.replace(temporary, target)
    except OSError:  # a build without a key only means the next one builds
        temporary.unlink(missing_ok=True)
