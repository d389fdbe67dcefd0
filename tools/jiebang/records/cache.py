"""The record cache: what reading and checking each file gave, so that an unchanged file is neither read
nor checked again.

What is kept, per record file: the sha256 of its bytes, its typed data, the positions of its values
(load.Document's marks), what the loader refused, what its own checks found (its schema and the
record checks, records/diagnostics.RecordFindings) with the regulation version they were checked
against, and the groups the whole-tree checks read it in (Record.groups). Beside them, a memo of what
the whole-tree checks found in each group (rules/scopes.py, which says what its keys hold); the
whole-tree checks without groups run every time.

Never wrong, because an entry is used only when everything that shaped it is the same:
  - the whole cache is keyed (`cache_key`) by the source of `records/`, `rules/` and the schemas (the
    layering test keeps them from importing anything else of jiebang), the cache format, Python,
    PyYAML (and whether libyaml is used) and jsonschema; any difference and the cache is ignored;
  - an entry belongs to a path below the content root, which holds every path-dependent fact a check
    reads (the file's name for id.filename, its folder and the folder above for id.year_folder), and
    it is used only for the same bytes (sha256);
  - its record checks are reused only against the regulation version with the same sha256 that is in
    force on the record's date now, else they are run again on the cached data.
A file's bytes are hashed again whenever its status (size, mtime, ctime, inode) differs from the one
recorded. Like git's index, a status is recorded only when the file's mtime and ctime are more than
two seconds older than the run, so a file changed within the same clock tick as it was read is never
taken for unchanged; ctime cannot be set back by a program, so restoring an mtime does not hide an edit.

Files, in the cache folder (by default `cache/` beside the content root; `records-<root>` names the
content root by a hash of its absolute path): a base holding every entry, and a delta holding the
entries changed since, so a run after one edit writes a few kilobytes, not the whole cache; the delta
is folded into a new base when it grows past a tenth of it; and the memo, rewritten whole when it
changed (`records-<root>.groups`, two megabytes for a national tree). Their format, and how a damaged
one is told, is records/cachefile.py's. A file that is truncated, garbled, of another format or key,
is ignored with one line on stderr, never trusted, and replaced at the end of the run; a chunk found
damaged when it is read is said so in one line, its records are read from their files instead, and
the cache is written anew. A cache folder that cannot be written means a run without the cache, and
one line saying so.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .cachefile import (
    FORMAT,
    Damaged,
    Entry,
    Pack,
    Stored,
    columns,
    make_entry,
    memo_entries,
    remove,
    write_file,
)
from .collector import paused
from .content import ContentTree, Loaded, Prefetched, file_status, load_record
from .diagnostics import display_path, to_rows
from .load import MAX_BYTES
from .positions import marks_to_bytes

RACY_NS = 2_000_000_000  # a status is trusted only for files last changed this long before the run
_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def cache_key() -> str:
    """Everything besides a file's bytes and path that shapes what loading and checking it gives."""
    digest = hashlib.sha256()
    digest.update(f"format {FORMAT}\npython {sys.version} {sys.platform} {sys.byteorder}\n"
                  f"pyyaml {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', False)}\n"
                  f"jsonschema {_distribution('jsonschema')}\n".encode())
    for folder, suffix in (("records", ".py"), ("rules", ".py"), ("schemas", ".json")):
        for path in sorted((_PACKAGE / folder).rglob(f"*{suffix}")):
            digest.update(f"{path.relative_to(_PACKAGE).as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _distribution(module: str) -> str:
    """An installed package's version from its dist-info folder's name (importlib.metadata takes 0.1 s)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return "absent"
    package = Path(spec.origin).parent
    found = sorted(p.name for p in package.parent.glob(f"{module}-*.dist-info"))
    return ",".join(found) or f"{package} {package.stat().st_mtime_ns}"


def default_folder(root: Path) -> Path:
    """`cache/` beside the content root: the project's own /cache/ (git-ignored; `make clean` removes it)."""
    return Path(os.path.abspath(root)).parent / "cache"


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class RecordCache:
    """The cache of one content root in one folder. `load_tree(root, cache=…)` takes records from it,
    `check_tree` adds what the checks found and calls `save`."""

    def __init__(self, folder: Path | str, root: Path, say=_say) -> None:
        self.folder = Path(folder)
        self.root = Path(root)
        self.say = say
        self.started = time.time_ns()
        self.name = "records-" + hashlib.sha256(os.path.abspath(root).encode()).hexdigest()[:16]
        self.base_path = self.folder / f"{self.name}.base"
        self.delta_path = self.folder / f"{self.name}.delta"
        self.memo_path = self.folder / f"{self.name}.groups"
        self._memo: Memo | None = None
        self.enabled = True
        self._said = False
        self._base = Pack.empty()
        self._delta = Pack.empty()
        self._token = ""  # the base's identity, which its delta names
        self._changed: dict[str, Entry] = {}  # entries found or made this run that differ from the files
        self._made: dict[str, tuple] = {}  # rel -> (kind, status, digest, record, problems) read this run
        self._damaged = False  # a part of the base or delta proved damaged when read: write them anew
        self._files: list[tuple[str, str]] = []
        self._writable()
        if self.enabled:
            self._open()

    @classmethod
    def beside(cls, root: Path, **kwargs) -> RecordCache:
        return cls(default_folder(root), root, **kwargs)

    # ------------------------------------------------------------------------------------- reading

    def _note(self, line: str) -> None:
        if not self._said:  # one line a run, whatever else is wrong
            self._said = True
            self.say(line)

    def _writable(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            probe = self.folder / f".{self.name}.{os.getpid()}.probe"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            self.enabled = False
            self._note(f"jiebang: 缓存目录 {display_path(self.folder)} 无法写入（{exc.strerror or exc}），本次不使用缓存，全部重新检查。")

    def _open(self) -> None:
        with paused():  # two million values, none of them in a cycle: collecting while loading only costs
            base = self._read(self.base_path, "base", None)
            if base is not None:
                self._token, self._base = base
                delta = self._read(self.delta_path, "delta", self._token)
                if delta is not None:
                    self._delta = delta[1]

    @property
    def memo(self) -> Memo | None:
        """The findings of grouped tree checks, read when first asked for; None without a cache."""
        if not self.enabled:
            return None
        if self._memo is None:
            kept = self._read(self.memo_path, "groups", None, memo_entries)
            self._memo = Memo(kept[1] if kept is not None else {})
        return self._memo

    def _read(self, path: Path, kind: str, token: str | None, make: Any = None) -> tuple[str, Any] | None:
        try:
            try:
                stored = Stored.open(path)
            except FileNotFoundError:
                return None
            except OSError as exc:
                self._note(f"jiebang: 无法读取记录缓存 {display_path(path)}（{exc.strerror or exc}），已忽略，本次全部重新检查。")
                return None
            header = stored.header
            if header.get("format") != FORMAT or header.get("key") != cache_key():
                self._note(f"jiebang: 记录缓存 {display_path(path)} 由另一版本的 jiebang（或 Python、PyYAML、jsonschema）"
                           "写入，已忽略，本次全部重新检查。")
                return None
            if header.get("kind") != kind or header.get("root") != os.path.abspath(self.root):
                raise Damaged("内容不符")
            if kind == "delta" and header.get("base") != token:
                return None  # a delta of an earlier base, left by a run that stopped between two writes
            index = stored.index()
            try:
                pack = make(index) if make else Pack(index, stored)
            except Damaged:
                raise
            except Exception as exc:  # an index that passed its checksum but is not ours
                raise Damaged("内容无法读取") from exc
        except Damaged as exc:
            self._note(f"jiebang: 记录缓存 {display_path(path)} 已损坏（{exc}），已忽略，本次全部重新检查。")
            return None
        return header.get("token", ""), pack

    def _where(self, rel: str) -> tuple[Pack, int] | None:
        i = self._delta.index.get(rel)
        if i is not None:
            return self._delta, i
        i = self._base.index.get(rel)
        return (self._base, i) if i is not None else None

    def _entry(self, rel: str) -> Entry | None:
        if rel in self._changed:
            return self._changed[rel]
        where = self._where(rel)
        return self._kept(*where) if where else None

    def _kept(self, pack: Pack, i: int) -> Entry | None:
        """The i-th entry of `pack` whole, or None (said once) when its chunk proves damaged: an entry
        left out is read from its file by the next run."""
        try:
            return pack.entry(i)
        except Damaged as exc:
            self._damaged_part(pack, exc)
            return None

    def _damaged_part(self, pack: Pack, exc: Damaged) -> None:
        self._note(f"jiebang: 记录缓存 {display_path(pack.path)} 已损坏（{exc}），已忽略其中受损的部分，从文件重新读取。")
        self._damaged = True

    def take(self, root: Path, files: list[tuple[str, str]]) -> list[Any]:
        """For each (kind, rel) of `files`: (record or None, its loader diagnostics) when the cache holds
        the file's bytes; else None, or the bytes and status just read, which load_record then parses."""
        self._files = files
        if not self.enabled:
            return [None] * len(files)
        found: list[Any] = []
        base = os.path.abspath(root)
        delta_index, base_index = self._delta.index, self._base.index
        for kind, rel in files:
            i = delta_index.get(rel)
            pack = self._delta
            if i is None:
                i, pack = base_index.get(rel), self._base
            if i is None or pack.kinds[i] != (kind == "result"):
                found.append(None)
                continue
            where = f"{base}/{rel}"
            try:
                status = os.stat(where)
            except OSError:
                found.append(None)
                continue
            s = pack.statuses
            if not (status.st_size == s[4 * i] and status.st_ino == s[4 * i + 1]
                    and status.st_mtime_ns == s[4 * i + 2] and status.st_ctime_ns == s[4 * i + 3]):
                read = _read_small(where)
                if read is None or hashlib.sha256(read.raw).hexdigest() != pack.digest(i):
                    found.append(read)  # changed: load_record parses these bytes, not a second read
                    continue
                trusted = self._trusted(read.status)
                if trusted is not None:  # same bytes, a status to keep (else, as before: none)
                    entry = self._kept(pack, i)
                    if entry is None:
                        found.append(read)
                        continue
                    self._changed[rel] = (entry[0], trusted, *entry[2:])
            found.append(pack.record(root, rel, i, self._content))
        return found

    def _content(self, pack: Pack, i: int, kind: str, rel: str) -> tuple[Any, bytes | None]:
        """A cached record's typed data and marks, read when first asked for. A part of the cache found
        damaged only now is said so (one line), the record is read from its file instead, whose bytes
        are the ones the cache was asked about, and the next save writes the cache anew."""
        try:
            return pack.content(i)
        except Damaged as exc:
            self._damaged_part(pack, exc)
            loaded = load_record(self.root, kind, rel)
            doc = loaded.record.doc if loaded.record is not None else None
            if doc is None:
                return {}, None
            return doc.data, marks_to_bytes(doc.marks) if doc.marks is not None else None

    def _trusted(self, status: tuple | None) -> tuple | None:
        """The status to record, or None when the file changed too recently to be sure of it (racy git)."""
        if status is None:
            return None
        _, _, mtime, ctime = status
        return status if max(mtime, ctime) < self.started - RACY_NS else None

    def remember(self, kind: str, rel: str, loaded: Loaded) -> None:
        """What load_record made of a file the cache did not hold."""
        if self.enabled and loaded.digest is not None:
            self._made[rel] = (kind, self._trusted(loaded.status), loaded.digest, loaded.record, loaded.problems)

    def save(self, tree: ContentTree) -> None:
        """Keep what this run learnt: the changed entries in the delta, or everything in a new base."""
        if not self.enabled:
            return
        changed = dict(self._changed)
        for rel, (kind, status, digest, record, problems) in self._made.items():
            changed[rel] = make_entry(kind, status, digest, record, to_rows(problems))
        for record in tree.records:
            rel = record.rel
            if rel in changed:
                if changed[rel][8] is not record.findings or changed[rel][9] is not record.groups:
                    changed[rel] = (*changed[rel][:8], record.findings, record.groups)
                continue
            where = self._where(rel)
            if where is not None and (record.findings is not where[0].findings[where[1]]
                                      or record.groups is not where[0].groups[where[1]]):
                # checked again (another regulation), or its groups worked out (a cache of an earlier run)
                entry = self._kept(*where)
                if entry is not None:
                    changed[rel] = (*entry[:8], record.findings, record.groups)
        try:
            if self._memo is not None and self._memo.changed:
                self._write(self.memo_path, "groups", "", {"groups": self._memo.now}, [])
            if changed or not self._base.index or self._damaged:
                self._save_entries(changed)
        except Exception as exc:  # noqa: BLE001 - a cache that cannot be kept must not fail the validation
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
            self._note(f"jiebang: 无法写入记录缓存 {display_path(self.folder)}（{why}），下次运行将重新检查。")

    def _save_entries(self, changed: dict[str, Entry]) -> None:
        delta = {rel: entry for rel, i in self._delta.index.items() if (entry := self._kept(self._delta, i))}
        delta.update(changed)
        if self._base.index and len(delta) <= max(1000, len(self._base.index) // 10) and not self._damaged:
            self._write(self.delta_path, "delta", self._token, *columns(delta))
        else:
            current = {}
            for _, rel in self._files:
                entry = delta.get(rel) or self._entry(rel)
                if entry is not None:
                    current[rel] = entry
            token = hashlib.sha256(f"{self.started} {os.getpid()} {len(current)}".encode()).hexdigest()[:16]
            self._write(self.base_path, "base", token, *columns(current))
            remove(self.delta_path)

    def _write(self, path: Path, kind: str, token: str, index: dict, chunks: list[bytes]) -> None:
        header = {"format": FORMAT, "key": cache_key(), "kind": kind, "root": os.path.abspath(self.root)}
        if kind != "groups":
            header["token" if kind == "base" else "base"] = token
        write_file(path, header, index, chunks)


class Memo:
    """The findings of grouped tree checks by group key (rules/scopes.py): those the last run kept, and
    those this run used or made, which are all the next run keeps."""

    def __init__(self, kept: dict[bytes, tuple]) -> None:
        self.kept = kept
        self.now: dict[bytes, tuple] = {}

    def get(self, key: bytes) -> tuple | None:
        rows = self.kept.get(key)
        if rows is not None:
            self.now[key] = rows
        return rows

    def put(self, key: bytes, rows: tuple) -> None:
        self.now[key] = rows

    @property
    def changed(self) -> bool:
        return self.now.keys() != self.kept.keys()


def _read_small(where: str) -> Prefetched | None:
    """The bytes and status of a file the cache holds (≤ 1 MiB, else load_record reports it)."""
    try:
        with open(where, "rb") as stream:
            status = os.fstat(stream.fileno())
            if status.st_size > MAX_BYTES:
                return None
            return Prefetched(stream.read(), file_status(status))
    except OSError:
        return None


