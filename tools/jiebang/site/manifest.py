"""The output cache's manifest on disk: one line of header (format, the code's version, the Python that
wrote it, the SHA-256 of what follows), then every key's entry, in batches of Python's marshal format,
each after its length.

At national scale it is 120 MB and 590,000 entries, read by every build before it can look up a key:
marshal reads it in a third of the time json takes (and writes it in a fifth). Its bytes are Python's
own, of one release: the header says which, and a manifest from another is another version's (read
as none). It is written a batch at a time, hashed as it is written, the header (of one length
whatever its sha) written again in place once the checksum is known, so the build never holds a
second copy of it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import marshal
import sys
from collections.abc import Iterable
from pathlib import Path

BATCH = 20_000  # entries
LENGTH = 8  # bytes before each batch: its length, big-endian
PYTHON = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}-marshal{marshal.version}"


def read(path: Path | str, format_: int) -> tuple[str | None, dict | None]:
    """The version that wrote the manifest at `path`, and its entries (None when another Python wrote
    them); ValueError (or UnicodeDecodeError, TypeError, AttributeError, EOFError) when it is
    truncated, damaged, of another format or not a mapping."""
    with open(path, "rb") as source:  # the header line, then the rest
        meta, payload = json.loads(source.readline()), source.read()
    if meta.get("format") != format_ or hashlib.sha256(payload).hexdigest() != meta.get("sha256"):
        raise ValueError("checksum")
    if meta.get("python") != PYTHON:
        return meta.get("version"), None
    entries: dict = {}
    view, start = memoryview(payload), 0
    while start < len(view):
        length = int.from_bytes(view[start:start + LENGTH], "big")
        start += LENGTH
        if length <= 0 or start + length > len(view):
            raise ValueError("batch")
        batch = marshal.loads(view[start:start + length])
        if not isinstance(batch, dict):
            raise ValueError("entries")
        entries.update(batch)
        start += length
    view.release()
    return meta.get("version"), entries


def write(path: Path | str, format_: int, version: str, entries: dict) -> None:
    def header(sha: str) -> bytes:  # of one length whatever the sha: written again once it is known
        return json.dumps({"format": format_, "version": version, "python": PYTHON, "sha256": sha}).encode()

    with open(path, "wb") as out:
        out.write(header("0" * 64) + b"\n")
        digest = hashlib.sha256()
        for chunk in batches(entries):
            digest.update(chunk)
            out.write(chunk)
        out.seek(0)
        out.write(header(digest.hexdigest()))


def batches(mapping: dict, size: int = BATCH) -> Iterable[bytes]:
    """`mapping` in batches of `size` entries, each marshalled after its length: written whole, the
    manifest would be a second copy of itself at the end of the build, when the most else is held."""
    items = iter(mapping.items())
    while batch := dict(itertools.islice(items, size)):
        data = marshal.dumps(batch)
        yield len(data).to_bytes(LENGTH, "big") + data
