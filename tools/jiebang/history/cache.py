"""The history cache: what one load of the history computed, kept in a folder for the next load.

Most of a cold load is parsing: cProfile of every record's timeline on bench/.work/content-20000
(92,000 records, 3,185 commits) puts three quarters of the time in parsing the YAML of each blob,
a tenth in the log walk and 2 % in the field diffs. So the folder keeps both the walk and what was
made of it:

  history.idx   the head the walk reached, every commit (oldest first), each record's entries
                (commit, blob id, path) and where its computed revisions lie in the packs
  <hex>.pack    per record, one pickled block: each committed revision's status, data, 更正说明 note,
                problem and field-level changes, exactly as jiebang.history.revisions computed them

A revision depends only on the ones before it, so a record's cached block stays valid while new
commits are added on top: jiebang.history.revisions walks `git log <cached head>..HEAD` and computes
only the revisions those commits added, continuing from the cached ones.

Never wrong, only slower: the index names the code that made it (a hash of the source of everything
that shapes a revision: this package, the loader and schemas in jiebang.records, the Markdown field
list in jiebang.rules.texts, Python and PyYAML), the repository and the content path; another
version, another repository, a checksum that does not match (a truncated file, garbage) or a cached
head that is not on HEAD's first-parent line (history rewritten) means the cache is ignored, with
one line on stderr saying so, and the load is cold. A folder that cannot be written means no cache,
one line, never a failure. Every file is written beside its final name and renamed into place; a
pack is never rewritten (a build adds one for what it computed; past eight, or when half of them
is stale, they are merged into one), so a reader never sees half a file.

Pickle is safe here because whoever can write the cache folder can already write the project's
pelicanconf.py, which the build executes; every block is checked against its CRC-32 and the index
against its SHA-256 before a byte is unpickled, so damage is detected rather than unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import secrets
import sys
import time
import zlib
from functools import cache
from pathlib import Path
from typing import IO, Any, NamedTuple

import yaml

FORMAT = 1  # the layout of the files below; part of the code version
INDEX = "history.idx"
_MAGIC = b"jiebang history cache\n"
_MAX_PACKS = 8  # beyond this many packs (one per build that computed something), merge them into one
_STALE_TEMP_S = 86400  # a temporary file this old was left by a build that died
_PACK = re.compile(r"[0-9a-f]{16}\.pack")
_TEMP = re.compile(r"\.(pack|index|probe)-.+\.tmp")
_PACKAGE = Path(__file__).resolve().parent.parent  # tools/jiebang
# The source of every module a History's results come from (tests/test_history_cache.py checks
# that every jiebang module jiebang.history.revisions imports is covered).
_SOURCES = ("history/*.py", "records/*.py", "rules/texts.py", "schemas/*.schema.json")


@cache
def code_version() -> str:
    """A hash of the code that shapes a revision: its source files, Python's version, PyYAML's."""
    digest = hashlib.sha256(f"{FORMAT}\n{sys.version}\n{yaml.__version__}\n{yaml.__with_libyaml__}\n".encode())
    for path in sorted(p for pattern in _SOURCES for p in _PACKAGE.glob(pattern)):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(_PACKAGE).as_posix()}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


class Walk(NamedTuple):
    """The log walk as the index keeps it, in plain tuples."""

    head: str
    commits: list[tuple[str, str, str, str]]  # sha, author date, author, subject; oldest first
    entries: dict[str, list[tuple[int, str | None, str]]]  # id → (commit index, blob id or None, path)
    kinds: dict[str, str]


class _Block(NamedTuple):
    pack: str
    offset: int
    length: int
    crc: int
    kind: str
    count: int  # how many committed revisions, from the first, the block holds


def _say(message: str) -> None:
    print(message, file=sys.stderr)


class HistoryCache:
    """One cache folder, opened for one load: the cached walk and blocks, and the pack being written."""

    def __init__(self, folder: Path, key: dict[str, str]):
        self.folder = folder
        self.key = key
        self._walk: Walk | None = None
        self._head: str | None = None  # the cached walk's head, once taken
        self._blocks: dict[str, _Block] = {}
        self._opened = time.time()
        self._readers: dict[str, IO[bytes]] = {}
        self._new: dict[str, _Block] = {}
        self._pack: IO[bytes] | None = None  # the temporary file the new blocks go to
        self._pack_path = Path()
        self._written = 0  # its size (BufferedWriter.tell() flushes: a tenth of a cold load's time)
        self._pack_name = f"{secrets.token_hex(8)}.pack"
        self._failed = False  # writing failed once: say so once, then keep nothing more
        self._damaged = False
        self._read_only = False

    @classmethod
    def open(cls, folder: Path, key: dict[str, str]) -> HistoryCache | None:
        """The cache in `folder` (made if missing); None, with one line on stderr, if it cannot be written."""
        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe, path = _create(folder, "probe")
            probe.close()
            path.unlink()
        except OSError as exc:
            _say(f"无法写入修订记录缓存目录 {folder}（{exc.strerror or exc}），本次不使用缓存。")
            return None
        store = cls(folder, key)
        store._read_index()
        return store

    # ------------------------------------------------------------ reading

    def _read_index(self) -> None:
        path = self.folder / INDEX
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return  # the first build with this folder
        except OSError as exc:
            _say(f"无法读取修订记录缓存 {path}（{exc.strerror or exc}），已忽略，重新读取全部修订记录。")
            return
        found = _parse_index(raw, self.key)
        if isinstance(found, str):
            _say(f"修订记录缓存 {path} {found}，已忽略，重新读取全部修订记录。")
            return
        self._walk, self._blocks = found
        self._head = self._walk.head

    def reader(self) -> HistoryCache:
        """The same cached blocks for a process forked from this one: read through files of its own
        (an inherited file's offset is shared with this process), never written (the parent writes)."""
        view = HistoryCache(self.folder, self.key)
        view._blocks, view._head, view._damaged, view._read_only = self._blocks, self._head, self._damaged, True
        return view

    def take_walk(self) -> Walk | None:
        """The cached walk, handed over once (the History keeps it in its own form)."""
        walk, self._walk = self._walk, None
        return walk

    def forget(self, message: str) -> None:
        """Ignore what the index holds (the history was rewritten), saying why."""
        _say(message)
        self._walk, self._head, self._blocks = None, None, {}

    def covered(self, record_id: str, kind: str) -> int:
        """How many of the record's committed revisions, from the first, the cache holds."""
        block = self._blocks.get(record_id)
        return block.count if block is not None and block.kind == kind else 0

    def rows(self, record_id: str, kind: str, limit: int) -> list[tuple]:
        """The record's cached revisions as (status, data, note, problem, changes); [] if none."""
        block = self._blocks.get(record_id)
        if block is None or block.kind != kind or block.count > limit:
            return []
        try:
            rows = pickle.loads(self._read_block(block))
            if not isinstance(rows, list) or len(rows) != block.count:
                raise ValueError("wrong length")
        except Exception as exc:  # noqa: BLE001 - whatever a damaged pack does, the answer is: recompute
            self._damage(exc)
            return []
        return rows

    def _read_block(self, block: _Block) -> bytes:
        pack = self._readers.get(block.pack)
        if pack is None:  # unbuffered: one block is one read, and a buffer would copy it twice
            pack = self._readers[block.pack] = open(self.folder / block.pack, "rb", buffering=0)  # noqa: SIM115 - closed in close()
        pack.seek(block.offset)
        data = pack.read(block.length)
        if len(data) != block.length or zlib.crc32(data) != block.crc:
            raise ValueError("checksum")
        return data

    def _damage(self, exc: Exception) -> None:
        if not self._damaged:
            _say(f"修订记录缓存 {self.folder} 已损坏（{type(exc).__name__}），已忽略，其余修订记录从 git 重新读取。")
        self._damaged = True
        self._blocks = {}

    # ------------------------------------------------------------ writing

    def keep(self, record_id: str, kind: str, rows: list[tuple]) -> None:
        """Add a record's committed revisions, computed by this load, to the pack being written."""
        if self._failed or self._read_only:
            return
        try:
            data = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
            self._pack_file().write(data)
        except OSError as exc:
            self._fail(exc)
            return
        self._new[record_id] = _Block(self._pack_name, self._written, len(data), zlib.crc32(data), kind, len(rows))
        self._written += len(data)

    def save(self, walk: Walk) -> None:
        """Write the new pack and the index (each beside its name, then renamed into place)."""
        if self._read_only:
            self.close()
            return
        unchanged = self._head == walk.head  # one head, one walk
        if self._failed or (unchanged and not self._new):
            self._discard_pack()
            return
        try:
            blocks = {rid: b for rid, b in self._blocks.items() if rid in walk.entries and rid not in self._new}
            blocks |= self._new
            old_packs = {b.pack for b in blocks.values()} - {self._pack_name}
            if old_packs and self._worth_merging(old_packs, blocks):
                blocks = self._merge(blocks)
            if self._pack is not None:
                self._pack.close()
                os.replace(self._pack_path, self.folder / self._pack_name)
                self._pack = None
            self._write_index(walk, blocks)
        except OSError as exc:
            self._fail(exc)
            return
        finally:
            self.close()
        self._remove_unreferenced({b.pack for b in blocks.values()})

    def _worth_merging(self, old_packs: set[str], blocks: dict[str, _Block]) -> bool:
        """Too many packs, or more than half of their bytes belong to no record any more."""
        if len(old_packs) + 1 > _MAX_PACKS:
            return True
        live = sum(b.length for b in blocks.values() if b.pack in old_packs)
        try:
            size = sum((self.folder / pack).stat().st_size for pack in old_packs)
        except OSError:
            return True  # a pack has gone: merging finds out which blocks survive
        return live * 2 < size

    def _merge(self, blocks: dict[str, _Block]) -> dict[str, _Block]:
        """Every block into the pack being written (checked on the way), so the old packs can go."""
        merged = {}
        for rid, block in blocks.items():
            if block.pack == self._pack_name:
                merged[rid] = block
                continue
            try:
                data = self._read_block(block)
            except (OSError, ValueError) as exc:
                self._damage(exc)
                continue
            self._pack_file().write(data)
            merged[rid] = block._replace(pack=self._pack_name, offset=self._written)
            self._written += len(data)
        return merged

    def _pack_file(self) -> IO[bytes]:
        if self._pack is None:
            self._pack, self._pack_path = _create(self.folder, "pack")
        return self._pack

    def _write_index(self, walk: Walk, blocks: dict[str, _Block]) -> None:
        payload = pickle.dumps({"walk": tuple(walk), "blocks": {rid: tuple(b) for rid, b in blocks.items()}},
                               protocol=pickle.HIGHEST_PROTOCOL)
        header = _MAGIC + _key_line(self.key) + hashlib.sha256(payload).hexdigest().encode() + b"\n"
        out, name = _create(self.folder, "index")
        try:
            with out:
                out.write(header)
                out.write(payload)
            os.replace(name, self.folder / INDEX)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise

    def _remove_unreferenced(self, referenced: set[str]) -> None:
        """Old packs no index names, and temporary files a dead build left. A pack made since this
        load opened the index may be a build's running beside this one: it stays until the next."""
        now = time.time()
        for path in self.folder.iterdir():  # only our own names: the folder may be shared
            with contextlib.suppress(OSError):  # gone already, or open elsewhere (Windows)
                old_pack = _PACK.fullmatch(path.name) and path.name not in referenced and path.stat().st_mtime < self._opened
                if old_pack or (_TEMP.fullmatch(path.name) and now - path.stat().st_mtime > _STALE_TEMP_S):
                    path.unlink()

    def _fail(self, exc: OSError) -> None:
        if not self._failed:
            _say(f"无法写入修订记录缓存 {self.folder}（{exc.strerror or exc}），本次结果未缓存。")
        self._failed = True
        self._discard_pack()

    def _discard_pack(self) -> None:
        if self._pack is not None:
            with contextlib.suppress(OSError):
                self._pack.close()
                os.unlink(self._pack_path)
            self._pack = None
        self.close()

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers = {}


def _create(folder: Path, what: str) -> tuple[IO[bytes], Path]:
    """A new file beside the one it will become, with the umask's permissions (mkstemp's are 0600,
    which a build run by another user of a shared cache folder could not read)."""
    path = folder / f".{what}-{secrets.token_hex(8)}.tmp"
    return open(path, "xb"), path  # noqa: SIM115 - the caller closes it


def _key_line(key: dict[str, str]) -> bytes:
    return json.dumps(key, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def _parse_index(raw: bytes, key: dict[str, str]) -> tuple[Walk, dict[str, _Block]] | str:
    """The index's walk and blocks, or why it cannot be used (in Chinese, to follow the file name)."""
    damaged = "已损坏（文件不完整或内容无法识别）"
    if not raw.startswith(_MAGIC):
        return damaged
    key_line, _, rest = raw[len(_MAGIC):].partition(b"\n")
    digest, _, payload = rest.partition(b"\n")
    try:
        found = json.loads(key_line)
    except ValueError:
        return damaged
    if not isinstance(found, dict):
        return damaged
    if found.get("code") != key["code"]:
        return "由另一版本的程序生成"
    if found != key:
        return "属于另一个仓库或内容目录"
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        return damaged
    try:
        data: Any = pickle.loads(payload)
        walk = Walk(*data["walk"])
        blocks = {rid: _Block(*b) for rid, b in data["blocks"].items()}
    except Exception:  # noqa: BLE001 - a checksum that matches garbage: still garbage
        return damaged
    return walk, blocks
