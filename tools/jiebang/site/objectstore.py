"""The output cache's store: the bytes of every file and fragment it keeps, each once, named by its
SHA-256 (objects/<2 hex>/<62 hex>), read-only, and trusted only while its size and modification time
are what they were when it was stored (or last known whole)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from .links import link_or_copy


class ObjectStore:
    def __init__(self, folder: Path | None) -> None:
        self.root = f"{folder}/objects"
        self.known: dict[str, tuple[int, int]] = {}  # sha256 → (size, mtime_ns) of objects known whole
        self.fresh: list[str] = []  # the objects this process stored, in the order it stored them

    def path(self, sha: str) -> str:
        # A string, not pathlib: a rebuild links hundreds of thousands of files, and Path costs most of it.
        return f"{self.root}/{sha[:2]}/{sha[2:]}"

    def put(self, sha: str, data: bytes | Path) -> tuple[str, tuple[int, int]]:
        """Store `data` (bytes, or a file of the site to link) as `sha`, unless it is there whole; its
        path and (size, mtime_ns)."""
        stored = Path(self.path(sha))
        known = self.known.get(sha)
        stat = stored.stat() if known and stored.exists() else None
        if not stat or (stat.st_size, stat.st_mtime_ns) != known:
            stored.parent.mkdir(exist_ok=True)
            temporary = stored.with_name(f".{stored.name}.{os.getpid()}")
            temporary.unlink(missing_ok=True)
            if isinstance(data, Path):  # the site's file, streamed by its writer: linked, not copied
                link_or_copy(data, temporary)
            else:
                temporary.write_bytes(data)
            os.chmod(temporary, 0o444)  # a stored object is never edited in place
            os.replace(temporary, stored)
            stat = stored.stat()
        self.known[sha] = (stat.st_size, stat.st_mtime_ns)
        self.fresh.append(sha)
        return str(stored), self.known[sha]

    def drop_unused(self, keep: set[str], named: Iterable[str], sweep: bool) -> None:
        """Remove the objects not in `keep`: of those `named` (by the last manifest) and those stored
        or known since (listing the whole store costs seconds at national scale), or, with `sweep`
        (after a build that died or a manifest that was lost), of every one in the store."""
        if sweep:
            names: Iterable[str] = [shard.name + entry.name for shard in os.scandir(self.root) if shard.is_dir()
                                    for entry in os.scandir(shard.path)]
        else:
            names = set(named) | self.known.keys()
        for sha in names:
            if sha not in keep:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path(sha))
