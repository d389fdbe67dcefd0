"""The git pre-commit hook README promises: `jiebang validate` before every commit that touches content/.

`make html` runs `python -m jiebang.desk.githook` (the same line works without make). Installing is
idempotent and never replaces a hook that is not ours: a clerk's or another tool's own pre-commit hook
is left as it is, and we say how to add the check to it. A repository with `core.hooksPath` set manages
its hooks itself, so we leave it alone too.
"""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

MARKER = "# jiebang pre-commit hook"  # our hook's second line: how we know a hook is ours

INSTALLED, UNCHANGED, UPDATED, FOREIGN, SKIPPED = "installed", "unchanged", "updated", "foreign", "skipped"


def hook_text(project: Path, python: str) -> str:
    """A POSIX shell hook: validate the project's content/ when the commit stages any of its records."""
    return f"""#!/bin/sh
{MARKER}（由 make html 安装；python -m jiebang.desk.githook 可重新安装）
# 本次提交含 content/ 下的榜单、公告或办法文件时，先运行 jiebang validate；有错误则提交不进去。
cd {shlex.quote(str(project))} || exit 0
git diff --cached --quiet --diff-filter=ACMR -- content/lists content/results content/regulation && exit 0
exec {shlex.quote(python)} -m jiebang validate
"""


def _git(project: Path, *args: str) -> str | None:
    try:
        run = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return run.stdout.strip() if run.returncode == 0 else None


def install_hook(project: Path, python: str | None = None) -> tuple[str, str]:
    """Install (or refresh) our pre-commit hook for the git repository holding `project`; return what
    happened and a one-line Chinese message for the clerk."""
    project = project.resolve()
    if _git(project, "rev-parse", "--is-inside-work-tree") != "true":
        return SKIPPED, "不在 git 仓库中：未安装提交前检查（pre-commit）钩子。"
    if _git(project, "config", "core.hooksPath"):
        return SKIPPED, ("本仓库设置了 core.hooksPath，钩子由其自行管理：未安装提交前检查；"
                         "如需检查，请在该钩子中运行 jiebang validate。")
    hooks = Path(_git(project, "rev-parse", "--git-path", "hooks") or ".git/hooks")
    hook = (hooks if hooks.is_absolute() else project / hooks) / "pre-commit"
    wanted = hook_text(project, python or sys.executable)
    if hook.exists():
        current = hook.read_text("utf-8", errors="replace")
        if not any(line.startswith(MARKER) for line in current.splitlines()[1:2]):
            return FOREIGN, (f"{hook} 已有其他提交前钩子，未改动它；如需提交前校验内容，"
                             "请在其中加入一行：jiebang validate")
        if current == wanted:
            return UNCHANGED, "提交前检查（pre-commit）钩子已安装。"
        state = UPDATED
    else:
        state = INSTALLED
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(wanted, "utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return state, f"已安装提交前检查（pre-commit）钩子：{hook}，每次提交内容前自动运行 jiebang validate。"


def main() -> int:
    state, message = install_hook(Path(os.getcwd()))
    if state != UNCHANGED:  # say nothing when there is nothing new: make html runs this every time
        print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
