"""The files of a new site, named without walking it.

At national scale a site has 430,000 files in 190,000 folders, and walking it for SHA256SUMS cost
2–6 s of every rebuild (more with a cold directory cache). The build knows what it made: the output
cache's files (`digests`), those our writers wrote outside the store (`OutputCache.write_plain`),
what Pelican's writer wrote (its `content_written` and `feed_written` signals, received here), its
static files, and its theme's assets (one small folder, walked). A build without the cache walks the
site instead, and the tests build both ways and compare every file, SHA256SUMS among them.
"""

from __future__ import annotations

import os
from pathlib import Path

from .cachekeys import tree_names


def _cache_and_root(context: dict | None):
    context = context or {}
    return context.get("JIEBANG_OUTPUT_CACHE"), context.get("OUTPUT_PATH")


def note_written(path: str, context: dict | None = None, **_: object) -> None:
    """Pelican's writer wrote `path` (a page of content/pages, a feed of its own)."""
    cache, root = _cache_and_root(context)
    if cache is not None and root:
        cache.plain.setdefault(Path(os.path.relpath(path, root)).as_posix(), "")


def note_static(generator) -> None:
    """Pelican's static generator will copy these (STATIC_PATHS)."""
    cache = generator.settings.get("JIEBANG_OUTPUT_CACHE")
    if cache is not None:
        for static in generator.staticfiles:
            cache.plain.setdefault(static.save_as, "")


def site_files(staging: Path, cache, settings: dict) -> list[str] | None:
    """Every file of the new site but SHA256SUMS, sorted; None where Pelican writes what no signal names
    (OUTPUT_SOURCES: the content's sources beside its pages): then the site is walked."""
    if settings.get("OUTPUT_SOURCES"):
        return None
    names = set(cache.digests) | set(cache.plain)
    theme = settings.get("THEME_STATIC_DIR", "theme")
    if (staging / theme).is_dir():
        names.update(f"{theme}/{name}" for name in tree_names(staging / theme))
    return sorted(names)
