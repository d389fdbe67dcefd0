"""Pinyin slugs for URLs (pypinyin), remembered in the cache folder between builds.

pypinyin takes a third of a second to import (its phrase dictionary), more than the rest of a small
site's rebuild, and the names it spells (industries, counties, statuses) hardly ever change. A slug
is a function of the name and the pypinyin release alone, so the memo (memofile.py) is tied to that
release.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from .memofile import read_memo, write_memo

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


def _maker() -> str:
    return f"pypinyin {metadata.version('pypinyin')}"


def recall(path: Path | None) -> None:
    """Take the slugs a build kept at `path`, when they were spelled by this pypinyin."""
    if path is None:
        return
    slugs = read_memo(path, _maker()) or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in slugs.items()):
        slugs = {}
    for name, slug in slugs.items():
        _known.setdefault(name, slug)
    _on_disk[path] = frozenset(slugs)


def keep(path: Path | None) -> None:
    """Keep every slug spelled so far at `path` for the next build, unless it holds them already."""
    if path is not None and _on_disk.get(path) != frozenset(_known) and write_memo(path, _maker(), _known):
        _on_disk[path] = frozenset(_known)
