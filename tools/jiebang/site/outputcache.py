"""The build's output cache: a file is reused only when every input that shapes it is unchanged.

Each output file has a key, the SHA-256 of everything it is made from: the build's global inputs
(this package's source, the theme, the settings, the library versions) and the file's own inputs
(for a page, the values of every name its template and the templates it extends or includes read;
for a feed or a JSON file, what its writer is given). The cache maps keys to the SHA-256 of the bytes
made last time, and keeps those bytes in a content-addressed store. A build looks each key up: a hit
is linked from the store into the new site, a miss is made and stored. So an incremental build is a
cold build that skips work whose result it already has — it cannot differ from one (the tests build
both and compare every byte).

The manifest carries a checksum of itself and the code's version: a truncated, corrupted or foreign
cache is noticed, said in one line, and ignored (the build is then cold); a stored object whose size
changed is not trusted. A cache folder that cannot be written means a build without cache, said in
one line, never a failed build. `make clean` removes the folder; git ignores it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import manifest as manifest_file
from .cachekeys import FORMAT, Uncacheable, digest_of
from .links import link_anew
from .objectstore import ObjectStore

MANIFEST = "manifest"  # site/manifest.py
BUILDING = ".building"  # kept in the cache folder while a build that may store objects runs
TREE = "tree"  # an entry naming the files a writer made together (the search index), each under its own key
PARTS = "#parts"  # beside a file's key: the fragments it was put together from (kept while it is reused)
# Under PIECES_OF + a file's name: [PIECES, its sha256, {fragment key: [start, length]}], where in the
# last build's file each fragment it was put together from lies (OutputCache.pieces).
PIECES, PIECES_OF = "pieces", "#pieces:"
NOT_OBJECTS = (TREE, PIECES)  # entries that name no stored object of their own


class OutputCache:
    """Keys → stored bytes. `disabled()` gives one that never hits and stores nothing."""

    def __init__(self, folder: Path | None, version: str, say: Callable[[str], None] = print) -> None:
        self.folder, self.version, self.say = folder, version, say
        self.entries: dict[str, list] = {}  # key → [sha256 of the bytes, size, mtime_ns of the stored object]
        self.used: dict[str, list] = {}
        self.digests: dict[str, str] = {}  # save_as → sha256, for SHA256SUMS
        # The files of the new site written outside the store (write_plain; Pelican's, sitefiles.py),
        # by name: their sha256 where the writer knew it, else "". With `digests`, every file the build made.
        self.plain: dict[str, str] = {}
        self.objects = ObjectStore(folder)
        self.hits = self.misses = 0
        self._sweep = False  # whether save() must list the whole store (ObjectStore.drop_unused)
        self.scope = ""  # the build's global inputs, which every key includes (set by the generator)
        # The manifest written ahead (prepare_save), under this process's name, and how many keys the
        # build had kept when it said it would keep no more (seal).
        self._prepared = f"{folder}/.manifest-next-{os.getpid()}"
        self._sealed: int | None = None
        # The files the new site held before the build began (spare.recycle), by name: their inode, on
        # the device `linked_device`; a file already linked to the stored bytes is left as it is.
        self.linked: dict[str, int] = {}
        self.linked_device = 0
        self._before_writing: Callable[[], None] | None = None
        if folder is not None:
            self._open()

    def when_writing_begins(self, task: Callable[[], None]) -> None:
        """Run `task` before the first file of the new site is written (writing_begins)."""
        self._before_writing = task

    def writing_begins(self) -> None:
        """Every generator has read what it needs and the first file is about to be written (Pelican's
        all_generators_finalized; the build calls it again afterwards, when it did not come)."""
        task, self._before_writing = self._before_writing, None
        if task is not None:
            task()

    def key(self, *parts: Any) -> str | None:
        """The key of a file made from `parts` in this build (None without a cache, or for parts that
        cannot be stated: then the file is always made)."""
        if not self.enabled:
            return None
        try:
            return digest_of(self.scope, *parts)
        except Uncacheable:
            return None

    @classmethod
    def disabled(cls) -> OutputCache:
        return cls(None, "")

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def _open(self) -> None:
        try:
            (self.folder / "objects").mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-"):
                pass
        except OSError as exc:
            self.say(f"生成缓存目录 {self.folder} 无法写入（{exc.strerror or exc}），本次不使用缓存。")
            self.folder = None
            return
        # Present while a build runs: one that finds it, finds that the last build died before saving
        # (its objects named in no manifest), and sweeps the whole store when it saves (save()).
        building = self.folder / BUILDING
        self._sweep = building.exists()
        try:
            building.touch()
        except OSError:
            self._sweep = True
        manifest = self.folder / MANIFEST
        if not manifest.exists():
            self._sweep = True
            return
        try:
            version, entries = manifest_file.read(manifest, FORMAT)
            if entries is None:  # written by another Python: its objects are swept with the rest
                self._sweep = True
                self.say("生成缓存来自另一版本的 Python，已忽略，本次完整生成。")
                return
            # The stored objects are named by their bytes, whatever made them: another version's keys
            # are ignored, but its objects are not written again (so the sites linked to them, the
            # spare among them, stay linked, and the next build need not delete them file by file).
            self.objects.known = {sha: (size, mtime) for sha, size, mtime in
                                  (e for e in entries.values() if e[0] not in NOT_OBJECTS)}
            if version != self.version:
                self.say("生成缓存来自另一版本的 jiebang，已忽略，本次完整生成。")
                return
            self.entries = entries
        except (ValueError, UnicodeDecodeError, AttributeError, TypeError, EOFError):
            self.entries, self.objects.known, self._sweep = {}, {}, True
            self.say(f"生成缓存 {manifest} 已损坏或不完整，已忽略，本次完整生成。")

    def reuse(self, staging: Path, save_as: str, key: str | None) -> bool:
        """Link the bytes made last time under `key` into the new site, when they are still whole."""
        if key is None or not self.enabled or key not in self.entries:
            return False
        sha, size, mtime = self.entries[key]
        if sha in NOT_OBJECTS:
            return False
        # Strings, not pathlib: a rebuild links hundreds of thousands of files, and Path costs most of it.
        source, target = self.objects.path(sha), os.path.join(staging, save_as)
        try:
            stat = os.stat(source)
            if (stat.st_size, stat.st_mtime_ns) != (size, mtime):  # changed since it was stored: not trusted
                return False
            # A build that started from the spare site (spare.recycle) may have the file linked already:
            # its inode, from the walk, says so without a status of its own (half a million of them).
            linked = self.linked.get(save_as)
            if linked != stat.st_ino or self.linked_device != stat.st_dev:
                link_anew(source, target, there=linked is not None)
        except OSError:
            return False
        self.used[key] = self.entries[key]  # the same list: at national scale there are half a million
        self.digests[save_as] = sha
        self.hits += 1
        parts = self.entries.get(key + PARTS)
        if parts:  # a file reused whole keeps its fragments, so a later change remakes only its own
            self.record_parts(key, parts[1])
        pieces = self.entries.get(PIECES_OF + save_as)
        if pieces and pieces[1] == sha:  # … and where they lie in it
            self.used[PIECES_OF + save_as] = pieces
        return True

    def write(self, staging: Path, save_as: str, data: bytes, key: str | None) -> None:
        """Write a file of the new site and, under its key, keep its bytes for the next build (stored
        once and linked into the site, so a file kept costs no second write)."""
        target = staging / save_as
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # it may be linked to a stored object: never write through it
        sha = hashlib.sha256(data).hexdigest()
        self.digests[save_as] = sha
        self.misses += 1
        stored = self._kept(key, sha, data)
        if stored is not None:
            try:
                os.link(stored, target)
                return
            except OSError:  # another file system, or links refused: write the site's copy
                pass
        target.write_bytes(data)

    def write_plain(self, staging: Path, save_as: str, data: bytes) -> None:
        """Write a file of the new site that is never kept (the sitemap, the schemas: made each build
        from little), and name it among the site's files."""
        target = staging / save_as
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # never write through a link into the store
        target.write_bytes(data)
        self.plain[save_as] = hashlib.sha256(data).hexdigest()

    def keep(self, staging: Path, save_as: str, key: str | None) -> None:
        """Like write(), for a file its writer streamed into the new site itself (too large to hold in
        memory, as the OCDS packages are at national scale): hashed in chunks, stored under its key."""
        target = staging / save_as
        digest = hashlib.sha256()
        with target.open("rb") as source:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
        sha = self.digests[save_as] = digest.hexdigest()
        self.misses += 1
        stored = self._kept(key, sha, target)
        if stored is None:
            return
        try:  # the site's file becomes a link to the stored one, as write() makes it
            target.unlink()
            os.link(stored, target)
        except OSError:  # another file system, or links refused: the site's own copy
            if not target.exists():
                shutil.copyfile(stored, target)

    def _kept(self, key: str | None, sha: str, data: bytes | Path) -> str | None:
        """Store `data` under `key` for the next build; the stored object, or None without a cache (a
        store that fails says so once and turns the cache off for the rest of the build)."""
        if key is None or not self.enabled:
            return None
        try:
            stored, (size, mtime) = self.objects.put(sha, data)
        except OSError as exc:
            self.say(f"生成缓存无法写入（{exc.strerror or exc}），本次不再使用缓存。")
            self.folder = None
            return None
        self.used[key] = [sha, size, mtime]
        return stored

    def remember(self, key: str, entry: list) -> None:
        """What a worker process stored: [sha256, size, mtime_ns] under `key`."""
        self.used[key] = entry
        self.objects.known[entry[0]] = (entry[1], entry[2])

    def reuse_tree(self, staging: Path, folder: str, key: str | None) -> bool:
        """Link every file of a folder a writer made together, or nothing useful (then it is made again)."""
        entry = self.entries.get(key) if key and self.enabled else None
        if not entry or entry[0] != TREE:
            return False
        if not all(self.reuse(staging, f"{folder}{name}", f"{key}/{name}") for name in entry[1]):
            return False
        self.used[key] = entry
        return True

    def write_tree(self, staging: Path, folder: str, files: dict[str, bytes], key: str | None) -> None:
        for name, data in files.items():
            self.write(staging, f"{folder}{name}", data, key and f"{key}/{name}")
        self.record_tree(key, files)

    def load(self, key: str | None, keep: bool = True) -> bytes | None:
        """The bytes stored under `key`, when they are still whole; with `keep`, kept for the next build
        too (a writer's own state is read with keep=False: it stores what follows)."""
        entry = self.entries.get(key) if key and self.enabled else None
        if not entry or entry[0] in NOT_OBJECTS:
            return None
        sha, size, mtime = entry
        try:  # strings and one open, not pathlib: a build loads tens of thousands of fragments
            with open(self.objects.path(sha), "rb") as source:
                stat = os.fstat(source.fileno())
                if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                    return None
                data = source.read()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != sha:  # read whole, so checked whole
            return None
        if keep:
            self.used[key] = entry
        return data

    def store(self, key: str | None, data: bytes) -> None:
        """Keep `data` under `key` for the next build, in no file of the site."""
        if key and self.enabled:
            self._kept(key, hashlib.sha256(data).hexdigest(), data)

    def fragment(self, key: str | None, make: Callable[[], bytes]) -> bytes:
        """Bytes a writer puts together with others into one file (a list's lines of the OCDS packages):
        kept under `key` like a file, but in no file of the site of their own."""
        data = self.load(key)
        if data is None:
            data = make()
            self.store(key, data)
        return data

    def known_sha(self, key: str | None) -> str | None:
        """The SHA-256 of the bytes kept under `key`, kept for the next build too, without reading them:
        for a writer that needs to know only whether they changed (reading them, should it need them,
        checks them as load() does)."""
        entry = self.entries.get(key) if key and self.enabled else None
        if not entry or entry[0] in NOT_OBJECTS:
            return None
        self.used[key] = entry
        return entry[0]

    def tree_names(self, key: str | None) -> list[str] | None:
        """The files of a folder the last build made together under `key`."""
        entry = self.entries.get(key) if key and self.enabled else None
        return list(entry[1]) if entry and entry[0] == TREE else None

    def sha_of(self, key: str) -> str | None:
        entry = self.entries.get(key)
        return entry[0] if entry and entry[0] not in NOT_OBJECTS else None

    def carry(self, staging: Path, save_as: str, old: str, new: str) -> bool:
        """Link the file the last build kept under `old` into the new site, kept now under `new` (a file
        of a folder updated in part: the search index)."""
        if not self.reuse(staging, save_as, old):
            return False
        self.used[new] = self.used.pop(old)
        return True

    def record_parts(self, key: str | None, parts: Iterable[str | None]) -> None:
        """Name the fragments the file under `key` is put together from (a calendar's events, the OCDS
        packages' lines of each list): they are kept for the next build while the file is, even when a
        build reuses the file whole and never asks for them. Without this, the next change after such a
        build would make every one of them again."""
        if key and self.enabled:
            found = [part for part in parts if part and (part in self.used or part in self.entries)]
            self.used[key + PARTS] = [TREE, found]
            for part in found:
                self.used.setdefault(part, self.entries.get(part))

    def record_pieces(self, save_as: str, spans: dict[str | None, tuple[int, int]]) -> None:
        """Say where in the file just written or kept as `save_as` each fragment lies, by its key, so that
        the next build cuts the unchanged ones from it (pieces) instead of making or loading each."""
        sha = self.digests.get(save_as)
        if self.enabled and sha:
            self.used[PIECES_OF + save_as] = [PIECES, sha, {k: list(span) for k, span in spans.items() if k}]

    def pieces(self, save_as: str) -> Callable[[str | None], bytes | None]:
        """The fragments the last build put `save_as` together from, by key, read from that file as the
        store keeps it: one file opened, not one per fragment (tens of thousands at national scale), and
        read piece by piece, not mapped (the OCDS packages are most of a gigabyte, and a mapped file's
        pages count as the build's memory). A key it does not know, or a stored file whose size or time
        changed since, gives None."""
        entry = self.entries.get(PIECES_OF + save_as) if self.enabled else None
        known = self.objects.known.get(entry[1]) if entry else None
        if not known:
            return lambda key: None
        try:
            source = open(self.objects.path(entry[1]), "rb")  # noqa: SIM115 - open while the pieces are asked for
        except OSError:
            return lambda key: None
        stat = os.fstat(source.fileno())
        if (stat.st_size, stat.st_mtime_ns) != tuple(known):
            source.close()
            return lambda key: None
        spans, descriptor = entry[2], source.fileno()

        def piece(key: str | None) -> bytes | None:
            span = spans.get(key) if key else None
            if span is None:
                return None
            data = os.pread(descriptor, span[1], span[0])
            return data if len(data) == span[1] else None

        weakref.finalize(piece, source.close)  # closed when the writer is done with the pieces
        return piece

    def record_tree(self, key: str | None, names: Iterable[str]) -> None:
        """Name the files written or carried under `key`/<name> as one folder, for reuse_tree."""
        if key and self.enabled:
            self.used[key] = [TREE, sorted(names)]

    def snapshot(self) -> tuple:
        """What this cache holds now, for changes_since (a writer run in a forked process)."""
        return dict(self.used), dict(self.digests), len(self.objects.fresh), self.hits, self.misses, dict(self.plain)

    def changes_since(self, snapshot: tuple) -> tuple:
        """What was kept, made or dropped since `snapshot`, for `take` in the process it was forked from."""
        used, digests, fresh, hits, misses, plain = snapshot
        return ({k: v for k, v in self.used.items() if used.get(k) != v}, [k for k in used if k not in self.used],
                {k: v for k, v in self.digests.items() if digests.get(k) != v},
                {sha: self.objects.known[sha] for sha in self.objects.fresh[fresh:]},  # not the whole store's index
                self.hits - hits, self.misses - misses, self.enabled,
                {k: v for k, v in self.plain.items() if plain.get(k) != v})

    def take(self, changes: tuple) -> None:
        """As if the forked writer had run in this process."""
        used, gone, digests, stored, hits, misses, still_caching, plain = changes
        self.used.update(used)
        self.plain.update(plain)
        for key in gone:
            self.used.pop(key, None)
        self.digests.update(digests)
        self.objects.known.update(stored)
        self.hits += hits
        self.misses += misses
        if not still_caching:
            self.folder = None  # the writer said why, once

    def file(self, staging: Path, save_as: str, key: str | None, make: Callable[[], bytes]) -> None:
        """Reuse the file under `key`, or make it."""
        if not self.reuse(staging, save_as, key):
            self.write(staging, save_as, make(), key)

    def seal(self) -> None:
        """Nothing more is kept in this build: the manifest may be written from now on (prepare_save)."""
        self._sealed = len(self.used)

    def prepare_save(self) -> None:
        """Write the manifest save() puts in place, now: the build runs this in a forked process while
        it writes SHA256SUMS (build.py), so that on two cores the one costs the other nothing. Never
        raises: a manifest that cannot be written here is written by save(), which says why."""
        if not self.enabled or self._sealed is None:
            return
        try:
            self._write_manifest(self._prepared + ".part")
            os.replace(self._prepared + ".part", self._prepared)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(self._prepared + ".part")

    def discard_prepared(self) -> None:
        """A build that failed after prepare_save: its manifest is not put in place."""
        if self.folder is not None:
            for name in (self._prepared, self._prepared + ".part"):
                with contextlib.suppress(OSError):
                    os.unlink(name)

    def _write_manifest(self, path: str) -> None:
        manifest_file.write(path, FORMAT, self.version, self.used)

    def save(self) -> None:
        """Keep what this build used (so the cache never grows past one site), atomically: the manifest
        prepare_save wrote, when nothing was kept since seal(), else one written now."""
        if not self.enabled:
            return
        try:
            if self._sealed != len(self.used) or not os.path.exists(self._prepared):
                self._write_manifest(self._prepared)
            os.replace(self._prepared, self.folder / MANIFEST)
            self.objects.drop_unused({entry[0] for entry in self.used.values() if entry[0] not in NOT_OBJECTS},
                                     (entry[0] for entry in self.entries.values() if entry[0] not in NOT_OBJECTS),
                                     self._sweep)
            os.unlink(self.folder / BUILDING)
        except OSError as exc:
            self.discard_prepared()
            self.say(f"生成缓存无法保存（{exc.strerror or exc}），下次将完整生成。")
