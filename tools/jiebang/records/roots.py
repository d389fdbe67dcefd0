"""Where a content tree starts: the folder holding `regulation/` and `lists/` or `results/`.

Its own module, importing nothing heavy, so a command can find the tree before it loads any rule.
"""

from __future__ import annotations

from pathlib import Path


def is_content_root(folder: Path) -> bool:
    return (folder / "regulation").is_dir() and ((folder / "lists").is_dir() or (folder / "results").is_dir())


def find_root(path: Path) -> Path | None:
    """`path` or the nearest folder above it that is a content root."""
    path = path.resolve()
    for folder in [path, *path.parents]:
        if folder.is_dir() and is_content_root(folder):
            return folder
    return None
