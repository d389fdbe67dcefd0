"""`jiebang serve`: builds, serves on localhost, rebuilds on change, keeps serving through errors."""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from jiebang.commands import serve

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("content", "theme"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "pelicanconf.py", tmp_path)
    return tmp_path


class Server:
    def __init__(self, project: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jiebang.cli", "serve", "--port", "0", "--interval", "0.2"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for("预览地址：").split("：", 1)[1].split()[0]

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"never printed {text!r}; got:\n{''.join(seen)}")

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as response:
            return response.read().decode("utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def test_serve_rebuilds_on_change_and_keeps_serving_through_errors(project: Path):
    record = project / "content" / "lists" / "2026" / "JDZ-2026-001.yaml"
    server = Server(project)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert "JDZ-2026-001" in server.get("/lists/JDZ-2026-001/")
        text = record.read_text("utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title:"))
        record.write_text(text.replace(title, "title: 预览中改过的标题"), "utf-8")
        server.wait_for("已重新生成")
        assert "预览中改过的标题" in server.get("/lists/JDZ-2026-001/")

        broken = record.read_text("utf-8").replace("to_solver_wan: 200", "to_solver_wan: 80")
        record.write_text(broken, "utf-8")
        finding = server.wait_for("money.list_amount_min")
        assert "JDZ-2026-001.yaml" in finding and "错误" in finding
        server.wait_for("继续提供上一次成功生成的网站")
        assert "预览中改过的标题" in server.get("/lists/JDZ-2026-001/")  # the last good site is still served
        assert server.process.poll() is None
    finally:
        server.stop()


def test_serve_outside_a_project_is_a_usage_error(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "jiebang.cli", "serve", "--port", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "pelicanconf.py" in done.stderr


def test_a_file_saved_while_the_first_build_runs_is_built_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    """The clerk saves while `serve` is still starting: that save must reach the preview, whatever
    moment it lands in (CI once saw the test above wait 60 s for a rebuild that never came)."""
    record = project / "content" / "lists" / "2026" / "JDZ-2026-001.yaml"
    builds: list[str] = []
    polls = 0

    def rebuild(root: Path, output: Path) -> bool:
        builds.append(record.read_text("utf-8"))
        if len(builds) == 1:  # the save lands while the first build runs
            record.write_text(builds[0] + "\n# 保存于首次生成期间\n", "utf-8")
            stamp = record.stat().st_mtime + 5
            os.utime(record, (stamp, stamp))
        return True

    def watched(root: Path):
        nonlocal polls
        polls += 1
        if polls > 20 or len(builds) == 2:
            raise KeyboardInterrupt
        return real_watched(root)

    real_watched = serve.watched
    monkeypatch.chdir(project)
    monkeypatch.setattr(serve, "rebuild", rebuild)
    monkeypatch.setattr(serve, "watched", watched)
    args = argparse.Namespace(port=0, host="127.0.0.1", output=Path("output"), interval=0.01)
    assert serve.run(args) == 0
    assert len(builds) == 2 and "保存于首次生成期间" in builds[1]
