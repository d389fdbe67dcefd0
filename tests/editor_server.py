"""A sample project in git with `jiebang serve` running on it, for the editor's tests.

The project is a copy of the sample content, committed as the configured git user (set in the
repository, as a clerk's machine has it) and tagged `published`, so every sample record counts as
published and the audit rules apply to it.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLERK = ("计划科 李四", "lisi@example.gov.cn")


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, text=True).stdout


def make_project(folder: Path) -> Path:
    for name in ("content", "theme"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "pelicanconf.py", folder)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.name", CLERK[0])
    git(folder, "config", "user.email", CLERK[1])
    (folder / ".gitignore").write_text("output/\ncache/\n", "utf-8")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "样例内容")
    git(folder, "tag", "published")
    return folder


class Server:
    """`jiebang serve --port 0` in `project`; its output read line by line."""

    def __init__(self, project: Path, *extra: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jiebang.cli", "serve", "--port", "0", "--interval", "0.3", *extra],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for("预览地址：").split("：", 1)[1].split()[0]
        self.editor = self.url + "_editor/"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"never printed {text!r}; got:\n{''.join(self.seen)}")

    def output(self, settle: float = 0.5) -> str:
        """Everything printed so far (stdout and stderr), after `settle` seconds for what is on its way."""
        time.sleep(settle)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
