"""The project folder deleted, or its content/ removed, under a running `jiebang serve`: the editor and
the preview say so in Chinese, the terminal shows no traceback, the server keeps running, and all is
back once the folder is."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from editor_server import Server, make_project  # noqa: E402
from jiebang.commands import serve  # noqa: E402

RECORD = "lists/2022/JDZ-2022-001.yaml"


def fetch(url: str, form: dict | None = None, **headers: str) -> tuple[int, str]:
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(quote(url, safe=":/?=&"), data, headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read().decode("utf-8")


def json_error(answer: tuple[int, str]) -> tuple[int, str]:
    return answer[0], json.loads(answer[1])["error"]


def until_back(server: Server, address: str, timeout: float = 180) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, text = fetch(address)
        if status == 200:
            return text
        time.sleep(0.5)
    raise AssertionError(f"{address} never came back; got {status}:\n{text[:500]}\n{server.output()}")


@pytest.mark.parametrize("gone", ["content", "project", "project, its files first"])
def test_a_folder_deleted_under_serve_is_said_in_chinese_and_the_server_recovers(tmp_path: Path, gone: str):
    project = make_project(tmp_path / "project")
    kept = tmp_path / "kept"
    shutil.copytree(project, kept)
    folder = project / "content" if gone == "content" else project
    server = Server(project)
    try:
        token = re.search(r'name="jiebang-token" content="([^"]+)"', fetch(server.editor)[1])[1]
        base = hashlib.sha256((project / "content" / RECORD).read_bytes()).hexdigest()
        if gone == "project, its files first":  # as rm -r may go, seen by the loop midway
            for name in ("content", "theme"):
                shutil.rmtree(project / name)
            (project / "pelicanconf.py").unlink()
            server.wait_for("找不到内容目录", timeout=30)
        shutil.rmtree(folder)
        time.sleep(1)  # the rebuild loop has looked (--interval 0.3)

        said = "找不到内容目录"
        for address in ("", f"edit?file={RECORD}", "new?kind=list", f"review?file={RECORD}"):
            status, page = fetch(server.editor + address)
            assert status == 503 and said in page and "项目文件夹可能已被删除或移动" in page, (address, page)
        write = {"file": RECORD, "base": base, "title": "改过的标题", "token": token}
        for route in ("api/check", "api/form", "api/save", "commit", "correction"):
            status, error = json_error(fetch(server.editor + route, write, Accept="application/json"))
            assert status == 503 and said in error, (route, error)
        assert not (project / "content").exists()  # a save did not make the folder anew
        status, page = fetch(server.url)
        if folder == project:  # the output was in it
            assert status == 503 and "网站预览暂不可用" in page and 'lang="zh-CN"' in page, page
        else:  # the last good site is still served, as after a content error
            assert status == 200
        out = server.output()
        assert ("找不到项目文件夹" if folder == project else "找不到内容目录") in out, out
        assert "Traceback" not in out, out
        assert server.process.poll() is None

        shutil.copytree(kept / folder.relative_to(project), folder)
        assert "JDZ-2022-001" in until_back(server, server.url + "lists/JDZ-2022-001/")
        assert "JDZ-2022-001" in until_back(server, server.editor)
        assert fetch(server.editor + f"edit?file={RECORD}")[0] == 200
        assert fetch(server.editor + "api/check", write, Accept="application/json")[0] == 200
        out = server.output()
        assert "Traceback" not in out, out
        assert server.process.poll() is None
    finally:
        server.stop()


def test_a_folder_deleted_during_a_rebuild_is_said_and_the_loop_goes_on(tmp_path: Path, monkeypatch, capsys):
    """The rebuild loop is the server's main thread: what a deletion midway raises must not end it."""
    project = tmp_path / "project"
    (project / "content" / "lists").mkdir(parents=True)
    (project / "pelicanconf.py").write_text("", "utf-8")
    record = project / "content" / "lists" / "JDZ-2022-001.yaml"
    record.write_text("id: JDZ-2022-001\n", "utf-8")

    def deleted_midway(paths):
        shutil.rmtree(project)
        raise FileNotFoundError(2, "No such file or directory", str(record))

    monkeypatch.setattr(serve, "validate", deleted_midway)
    assert serve.rebuild(project, tmp_path / "output") is False
    assert "找不到项目文件夹" in capsys.readouterr().err

    (project / "content" / "lists").mkdir(parents=True)
    (project / "pelicanconf.py").write_text("", "utf-8")
    record.write_text("id: JDZ-2022-001\n", "utf-8")

    def one_file_gone(paths):  # a folder being copied back or deleted, say, the project still there
        record.unlink()
        raise IndexError("list index out of range")

    monkeypatch.setattr(serve, "validate", one_file_gone)
    assert serve.rebuild(project, tmp_path / "output") is False
    assert "生成网站时项目中的文件正在变动" in capsys.readouterr().err

    def a_bug(paths):
        raise KeyError("kind")

    monkeypatch.setattr(serve, "validate", a_bug)
    with pytest.raises(KeyError):  # with nothing changed, anything raised is a bug, and shows itself
        serve.rebuild(project, tmp_path / "output")

    (project / "pelicanconf.py").unlink()
    assert serve.rebuild(project, tmp_path / "output") is False  # said before anything is read
    assert f"找不到网站设置文件 {project / 'pelicanconf.py'}" in capsys.readouterr().err
