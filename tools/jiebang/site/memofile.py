"""A small JSON memo kept in the cache folder between builds (the pinyin slugs, what each template reads).

A memo holds what a library computed from its inputs, so it is tied to who computed it (`maker`: the
library's release, and whatever else its answers depend on) and checksummed; one that is damaged,
foreign or unreadable is as if it were not there, and one that cannot be written is not kept: the next
build computes it again. It never holds a byte of the site, only what a build would work out anyway.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path


def read_memo(path: Path | None, maker: str) -> dict | None:
    """The memo at `path`, when it is whole and `maker` wrote it."""
    if path is None:
        return None
    try:
        header, _, payload = path.read_bytes().partition(b"\n")
        meta = json.loads(header)
        if meta.get("maker") != maker or meta.get("sha256") != hashlib.sha256(payload).hexdigest():
            return None
        memo = json.loads(payload)
    except (OSError, ValueError, UnicodeDecodeError, AttributeError):
        return None
    return memo if isinstance(memo, dict) else None


def write_memo(path: Path | None, maker: str, memo: dict) -> bool:
    """Keep `memo` at `path` for the next build, atomically; False when it could not be written."""
    if path is None:
        return False
    payload = json.dumps(memo, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    header = json.dumps({"maker": maker, "sha256": hashlib.sha256(payload).hexdigest()}).encode()
    return write_atomically(path, header + b"\n" + payload)


def write_atomically(path: Path, data: bytes) -> bool:
    """`data` at `path`, whole or not at all; False when it could not be written (nothing is left)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}-", delete=False) as out:
            out.write(data)
        os.replace(out.name, path)
    except OSError:
        with contextlib.suppress(NameError, OSError):
            os.unlink(out.name)
        return False
    return True
