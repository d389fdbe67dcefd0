"""Pinyin slugs for URLs (pypinyin), remembered in the cache folder between builds.

pypinyin takes a third of a second to import (its phrase dictionary), more than the rest of a small
site's rebuild, and the names it spells (industries, counties, statuses) hardly ever change. A slug
is a function of the name and the pypinyin release alone, so the file is keyed by that release; a
file that is damaged, foreign or unreadable is ignored, and one that cannot be written is not kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

_known: dict[str, str] = {}  # name → slug, of this process's pypinyin (`jiebang serve` builds many times)
_on_disk: dict[Path, frozenset[str]] = {}  # the names each memo file held when it was read or written


def pinyin_slug(name: str) -> str:
    """陶瓷 → taoci: URLs from pinyin, never from the Chinese title itself."""
    slug = _known.get(name)
    if slug is None:
        from pypinyin import lazy_pinyin  # only for a name no build has spelled yet

        slug = "".join(part for part in lazy_pinyin(name) if part.isascii() and part.isalnum()).lower() or "x"
        _known[name] = slug
    return slug


def _release() -> str:
    return metadata.version("pypinyin")


def recall(path: Path | None) -> None:
    """Take the slugs a build kept at `path`, when they were spelled by this pypinyin."""
    if path is None:
        return
    _on_disk[path] = frozenset()
    try:
        header, _, payload = path.read_bytes().partition(b"\n")
        meta = json.loads(header)
        if meta.get("pypinyin") != _release() or meta.get("sha256") != hashlib.sha256(payload).hexdigest():
            return
        slugs = json.loads(payload)
    except (OSError, ValueError, UnicodeDecodeError, AttributeError):
        return
    if isinstance(slugs, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in slugs.items()):
        for name, slug in slugs.items():
            _known.setdefault(name, slug)
        _on_disk[path] = frozenset(slugs)


def keep(path: Path | None) -> None:
    """Keep every slug spelled so far at `path` for the next build (atomically), unless it holds them."""
    if path is None or _on_disk.get(path) == frozenset(_known):
        return
    payload = json.dumps(_known, ensure_ascii=False, sort_keys=True).encode("utf-8")
    header = json.dumps({"pypinyin": _release(), "sha256": hashlib.sha256(payload).hexdigest()}).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".slugs-", delete=False) as out:
            out.write(header + b"\n" + payload)
        os.replace(out.name, path)
        _on_disk[path] = frozenset(_known)
    except OSError:
        pass  # a cache folder that cannot be written: the next build spells them again
