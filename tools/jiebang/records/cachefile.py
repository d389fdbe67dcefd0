"""The record cache's files on disk (records/cache.py keeps what is in them): their layout, how each is
written, and how a damaged one is told.

Each file is a header line (format, cache key, the lengths of what follows, the CRC-32 of the index,
and for a delta the base it extends), then the typed data and marks in chunks of CHUNK entries, then
the index: every other column, with where each chunk lies and its CRC-32. A run reads the index, and a
chunk only when a record in it is read (at national scale nine tenths of the bytes, which `jiebang
validate` after an edit never needs). The index is written last, so a file cut short loses it first,
and with it every chunk. Everything is unpickled only once its checksum matches, with no class but
Decimal allowed. Each file is written to a temporary file and renamed over the old one, and a reader
keeps the file it opened.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import weakref
import zlib
from array import array
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from .content import Record
from .diagnostics import Diagnostic, display_path, from_rows
from .positions import marks_to_bytes

FORMAT = 2  # 2: the typed data and marks in chunks before the index
MAGIC = b"jiebang record cache\n"


class _Unpickler(pickle.Unpickler):
    """Only builtin values and Decimal: a cache file is data, never code."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("decimal", "Decimal"):
            return Decimal
        raise pickle.UnpicklingError(f"{module}.{name}")


class Damaged(Exception):
    """A cache file that cannot be trusted; the message says why, in Chinese."""


# One entry, as kept in memory: (kind, status or None, sha256, typed data or None when the loader gave no
# document, marks or None, the loader's position maps (only for a document it refused part of), broken,
# the loader's diagnostics as rows, the findings or None, the record's groups (Record.groups) or None).
Entry = tuple


def make_entry(kind: str, status, digest: str, record: Record | None, problems: tuple) -> Entry:
    if record is None:
        return (kind, status, digest, None, None, None, False, problems, None, None)
    doc = record.doc
    marks = marks_to_bytes(doc.marks) if doc.marks is not None else None
    maps = None if doc.marks is not None else doc.maps
    return (kind, status, digest, doc.data, marks, maps, record.broken, problems, record.findings, record.groups)


# The payload: columns, not an object per entry, so that loading ninety thousand entries makes as few
# Python objects as the data itself needs; and the typed data and marks, nine tenths of the bytes, apart
# in chunks of CHUNK entries, so that a run that needs few records (validate after an edit) reads few.
CHUNK = 256


def columns(entries: dict[str, Entry]) -> tuple[dict, list[bytes]]:
    rels = list(entries)
    statuses = array("q")
    for rel in rels:
        status = entries[rel][1]
        statuses.extend(status if status is not None else (-1, -1, -1, -1))
    rare = {i: (entries[rel][5], entries[rel][6], entries[rel][7]) for i, rel in enumerate(rels)
            if entries[rel][5] is not None or entries[rel][6] or entries[rel][7]}
    chunks = [pickle.dumps(([entries[rel][3] for rel in part], [entries[rel][4] for rel in part]), protocol=5)
              for part in (rels[k:k + CHUNK] for k in range(0, len(rels), CHUNK))]
    # Paths joined by NUL, the one character no path holds.
    return {"rels": "\0".join(rels), "kinds": bytes(entries[rel][0] == "result" for rel in rels),
            "statuses": statuses.tobytes(), "digests": "".join(entries[rel][2] for rel in rels),
            "rare": rare, "findings": [entries[rel][8] for rel in rels],
            "groups": [entries[rel][9] for rel in rels], "chunk": CHUNK}, chunks


class Stored:
    """A cache file opened: its header read and checked; its index, then any chunk, read when asked for,
    each checked against its CRC-32 before it is unpickled. The file stays open, so a run that replaces
    it (by rename) does not change what this one reads."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self._fd = path, fd
        size = os.fstat(fd).st_size
        start = os.pread(fd, 4096, 0)
        if not start.startswith(MAGIC):
            raise Damaged("不是 jiebang 的缓存文件")
        end = start.find(b"\n", len(MAGIC))
        if end < 0:
            raise Damaged("文件不完整")
        try:
            self.header = json.loads(start[len(MAGIC):end])
            self._chunks, self._length, self._crc = (int(self.header[k]) for k in ("chunks", "length", "crc32"))
        except (ValueError, KeyError, TypeError) as exc:
            raise Damaged("文件头无法识别") from exc
        self._body = end + 1
        if size != self._body + self._chunks + self._length:
            raise Damaged("文件不完整" if size < self._body + self._chunks + self._length else "长度不符")
        weakref.finalize(self, os.close, fd)  # closed with the last pack that reads from it

    @classmethod
    def open(cls, path: Path) -> Stored:
        fd = os.open(path, os.O_RDONLY)
        try:
            return cls(path, fd)
        except BaseException:
            os.close(fd)
            raise

    def index(self) -> Any:
        return self._unpickled(self._chunks, self._length, self._crc)

    def chunk(self, at: int, length: int, crc: int) -> Any:
        if at < 0 or length < 0 or at + length > self._chunks:
            raise Damaged("内容不完整")
        return self._unpickled(at, length, crc)

    def _unpickled(self, at: int, length: int, crc: int) -> Any:
        try:
            blob = os.pread(self._fd, length, self._body + at)
        except OSError as exc:
            raise Damaged(exc.strerror or str(exc)) from exc
        if len(blob) != length:
            raise Damaged("文件不完整")
        if zlib.crc32(blob) != crc:
            raise Damaged("校验和不符")
        try:
            return _Unpickler(io.BytesIO(blob)).load()
        except Exception as exc:  # a payload that passed its checksum but is not ours
            raise Damaged("内容无法读取") from exc


class Pack:
    """A base or delta as loaded: the columns, and an index by path; an entry is made only when needed,
    and the typed data and marks of an entry only read (with their chunk) when they are."""

    def __init__(self, columns: Any, stored: Stored | None = None) -> None:
        try:
            self.rels = columns["rels"].split("\0") if columns["rels"] else []
            self.kinds, self.digests, self.rare, self.findings, self.groups, self._size, self._table = (
                columns[k] for k in ("kinds", "digests", "rare", "findings", "groups", "chunk", "chunks"))
            self.statuses = array("q")
            self.statuses.frombytes(columns["statuses"])
            n = len(self.rels)
            if not (len(self.kinds) == len(self.findings) == len(self.groups) == n and len(self.statuses) == 4 * n
                    and len(self.digests) == 64 * n and isinstance(self.rare, dict) and self._size > 0
                    and len(self._table) == -(-n // self._size) and (n == 0 or stored is not None)):
                raise Damaged("内容不完整")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Damaged("内容不完整") from exc
        self.index = {rel: i for i, rel in enumerate(self.rels)}
        self.path = stored.path if stored is not None else None
        self._stored = stored
        self._read: dict[int, tuple[list, list]] = {}

    @classmethod
    def empty(cls) -> Pack:
        return cls({**columns({})[0], "chunks": []})

    def digest(self, i: int) -> str:
        return self.digests[64 * i:64 * i + 64]

    def content(self, i: int) -> tuple[Any, bytes | None]:
        """The i-th entry's typed data and marks (Damaged if its chunk proves damaged)."""
        k, j = divmod(i, self._size)
        if k not in self._read:
            chunk = self._stored.chunk(*self._table[k])
            if not (isinstance(chunk, tuple) and len(chunk) == 2 and all(isinstance(c, list) for c in chunk)
                    and len(chunk[0]) == len(chunk[1]) == min(self._size, len(self.rels) - k * self._size)):
                raise Damaged("内容不完整")
            self._read[k] = chunk
        data, marks = self._read[k]
        return data[j], marks[j]

    def entry(self, i: int) -> Entry:
        status = tuple(self.statuses[4 * i:4 * i + 4])
        maps, broken, problems = self.rare.get(i, (None, False, ()))
        return ("result" if self.kinds[i] else "list", None if status[0] < 0 else status, self.digest(i),
                *self.content(i), maps, broken, problems, self.findings[i], self.groups[i])

    def record(self, root: Path, rel: str, i: int, content: Callable) -> tuple[Record | None, list[Diagnostic]]:
        """The i-th entry as a record; `content(pack, i, kind, rel)` gives its data and marks when asked."""
        kind = "result" if self.kinds[i] else "list"
        rare = self.rare.get(i)
        if rare is None:  # the common case: a document with nothing refused
            return Record(kind, root, rel, None, digest=self.digests[64 * i:64 * i + 64], findings=self.findings[i],
                          groups=self.groups[i], load=partial(content, self, i, kind, rel)), []
        maps, broken, problems = rare
        file = display_path(root / rel)
        record = None
        data, marks = content(self, i, kind, rel)
        if marks is not None or maps is not None:
            record = Record(kind, root, rel, data, digest=self.digest(i), broken=broken, marks=marks, maps=maps,
                            findings=self.findings[i], groups=self.groups[i], file=file)
        return record, from_rows(file, problems)
def memo_entries(content: Any) -> dict[bytes, tuple]:
    kept = content.get("groups") if isinstance(content, dict) else None
    if not isinstance(kept, dict) or not all(isinstance(k, bytes) and isinstance(v, tuple) for k, v in kept.items()):
        raise Damaged("内容不完整")
    return kept


def write_file(path: Path, header: dict, index: dict, chunks: list[bytes]) -> None:
    """The header line (`header` with the lengths and the index's CRC-32 added), the chunks, then the
    index (which says where each chunk lies and its CRC-32)."""
    table, at = [], 0
    for chunk in chunks:
        table.append((at, len(chunk), zlib.crc32(chunk)))
        at += len(chunk)
    payload = pickle.dumps({**index, "chunks": table}, protocol=5)
    header = {**header, "chunks": at, "length": len(payload), "crc32": zlib.crc32(payload)}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            stream.write(MAGIC + json.dumps(header).encode() + b"\n")
            for chunk in chunks:
                stream.write(chunk)
            stream.write(payload)
        os.replace(temporary, path)  # atomic: a reader sees the old file or the new, never half of one
    finally:
        remove(temporary)


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
