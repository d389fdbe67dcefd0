"""commands: one module per subcommand, thin: parse the arguments, call the rest, set the exit code.

Each has `add_parser(subparsers)` setting `run=`; `jiebang.cli` imports only the one a command line
names. What several share is here: the exit codes (DESIGN.md), the usage error, and the content
folder given by `--root`. The top of the pipeline: may import any subpackage.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad or missing input, or no content folder; the message is Chinese and the exit code EXIT_USAGE."""


def add_root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default="content", help="内容目录（默认 content）")


def content_root(root: str) -> Path:
    """The content folder named by `--root`; UsageError unless it holds regulation/ (a command that
    writes records needs the regulation in force)."""
    path = Path(root)
    if not (path / "regulation").is_dir():
        raise UsageError(
            f"找不到内容目录 {path}（应包含 lists/、results/、regulation/），请在项目目录下运行或用 --root 指定。"
        )
    return path


def missing_folder(project: Path) -> Path | None:
    """The project folder, or its content/, when it is not there (deleted or moved under a running
    `jiebang serve`); None while both are.

    A folder deleted and put back is a new folder, while this process's working directory is still
    the deleted one, where every relative path fails (display_path, os.getcwd): go into the new one."""
    if not project.is_dir():
        return project
    try:
        os.getcwd()
    except FileNotFoundError:
        os.chdir(project)
    content = project / "content"
    return None if content.is_dir() else content
