"""Which files the editor may touch: record files inside the content root, named by a relative path.

Every path the browser sends is untrusted (issue 14, 7): no `..`, no absolute path, no drive letter,
nothing but `lists/…/*.yaml` and `results/…/*.yaml`, and no symbolic link on the way, so a link
planted in content/ cannot lead a write outside it.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

FOLDERS = ("lists", "results")
_PART = re.compile(r"[0-9A-Za-z_\-\u4e00-\u9fff.]+")


class PathRefused(Exception):
    """A path the editor will not use; the message is Chinese."""


def record_path(root: Path, rel: str) -> Path:
    """`rel` (as `lists/2026/JDZ-2026-001.yaml`) resolved inside `root`; PathRefused otherwise."""
    if not isinstance(rel, str) or not rel or len(rel) > 300 or "\\" in rel or "\x00" in rel:
        raise PathRefused("文件路径无效。")
    pure = PurePosixPath(rel)
    parts = pure.parts
    if pure.is_absolute() or ":" in rel or any(p in ("..", ".") for p in parts) or rel != pure.as_posix():
        raise PathRefused(f"文件路径 {rel} 不在内容目录中。")
    if len(parts) < 2 or parts[0] not in FOLDERS or pure.suffix != ".yaml":
        raise PathRefused(f"只能编辑 lists/ 或 results/ 下的 .yaml 记录文件：{rel}")
    if not all(_PART.fullmatch(p) and not p.startswith(".") for p in parts):
        raise PathRefused(f"文件路径 {rel} 含有不允许的字符。")
    base = root.resolve()
    path = base
    for part in parts:
        path = path / part
        if path.is_symlink():
            raise PathRefused(f"{rel} 经过符号链接，编辑器不跟随链接写入。")
    if base not in path.resolve().parents:
        raise PathRefused(f"文件路径 {rel} 不在内容目录中。")
    return path


def relative(root: Path, path: Path) -> str:
    """The path below `root` as the editor names it (forward slashes)."""
    return path.resolve().relative_to(root.resolve()).as_posix()
