"""The output cache's manifest on disk: one line of header (format, the code's version, the SHA-256 of
what follows), then every key's entry as one JSON object.

At national scale it is 125 MB and 590,000 entries: it is read without a copy of the file and written
a batch of entries at a time, hashed as it is written, the header (of one length whatever its sha)
written again in place once the checksum is known.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable
from pathlib import Path


def read(path: Path | str, format_: int) -> tuple[str | None, dict]:
    """The version that wrote the manifest at `path`, and its entries; ValueError (or UnicodeDecodeError,
    TypeError, AttributeError) when it is truncated, damaged, of another format or not a mapping."""
    with open(path, "rb") as source:  # the header line, then the rest: no copy of a 130 MB file
        meta, payload = json.loads(source.readline()), source.read()
    if meta.get("format") != format_ or hashlib.sha256(payload).hexdigest() != meta.get("sha256"):
        raise ValueError("checksum")
    entries = json.loads(payload)
    del payload
    if not isinstance(entries, dict):
        raise ValueError("entries")
    return meta.get("version"), entries


def write(path: Path | str, format_: int, version: str, entries: dict) -> None:
    def header(sha: str) -> bytes:  # of one length whatever the sha: written again once it is known
        return json.dumps({"format": format_, "version": version, "sha256": sha}).encode()

    with open(path, "wb") as out:
        out.write(header("0" * 64) + b"\n")
        digest = hashlib.sha256()
        for chunk in json_chunks(entries):
            digest.update(chunk)
            out.write(chunk)
        out.seek(0)
        out.write(header(digest.hexdigest()))


def json_chunks(mapping: dict, size: int = 20_000) -> Iterable[bytes]:
    """`mapping` as one JSON object, written `size` entries at a time by json's C encoder: as one string,
    then its bytes, then those with the header, the manifest was three copies at the end of the build,
    when the most else is held."""
    items, first = iter(mapping.items()), True
    yield b"{"
    while batch := dict(itertools.islice(items, size)):
        yield (b"" if first else b",") + json.dumps(batch, separators=(",", ":"))[1:-1].encode()
        first = False
    yield b"}"
