"""How a file of the site becomes the stored object it is: a hard link, or a copy where the file system
refuses links (another device, a file system without them); never by writing through what is there,
which may be another stored object."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """Link `target` to `source`, or copy it where the file system refuses."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def link_anew(source: str, target: str, there: bool) -> None:
    """Link `target` to `source`, replacing whatever is there (`there`: something was when the build
    began)."""
    if there:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
    try:
        os.link(source, target)
        return
    except FileNotFoundError:  # its folder is not there yet
        os.makedirs(os.path.dirname(target), exist_ok=True)
    except FileExistsError:  # written earlier in this build, or linked already
        here, stored = os.lstat(target), os.stat(source)
        if (here.st_ino, here.st_dev) == (stored.st_ino, stored.st_dev):
            return
        os.unlink(target)
    except OSError:  # another file system, or links refused: copy
        shutil.copyfile(source, target)
        return
    link_or_copy(source, target)
