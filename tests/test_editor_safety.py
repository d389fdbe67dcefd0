"""The editor is safe by default (issue 14, 7): loopback only unless told, with a warning; a foreign
Host or Origin is refused (DNS rebinding); every write needs this run's token; paths stay in content/;
uploads are limited in size; pages send a policy that allows no other host."""

from __future__ import annotations

import http.client
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from editor_server import Server, make_project  # noqa: E402
from jiebang.commands.editor import Editor, Guard, Request  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PORT = 8123
HOST = f"127.0.0.1:{PORT}"
RECORD = "lists/2022/JDZ-2022-001.yaml"


@pytest.fixture
def editor(tmp_path: Path) -> Editor:
    shutil.copytree(REPO / "content", tmp_path / "content")
    return Editor(tmp_path, Guard(PORT))


def call(editor: Editor, method: str, path: str, body: dict | bytes | None = None, **headers: str):
    data = urlencode(body).encode() if isinstance(body, dict) else (body or b"")
    sent = {"host": HOST, "content-type": "application/x-www-form-urlencoded", **headers}
    query = {}
    if "?" in path:
        path, _, text = path.partition("?")
        query = dict(pair.split("=", 1) for pair in text.split("&"))
    return editor.handle(Request(method, path, query, sent, data))


def save_body(editor: Editor, **extra) -> dict:
    raw = (editor.root / RECORD).read_bytes()
    import hashlib

    return {"file": RECORD, "base": hashlib.sha256(raw).hexdigest(), "title": "改过的标题", **extra}


UPLOAD_WITHOUT_TOKEN = (
    b'--b\r\nContent-Disposition: form-data; name="form"; filename="x.docx"\r\n\r\nPK\r\n--b--\r\n'
)


def test_a_foreign_host_is_refused(editor: Editor):
    for host in ("evil.example:8123", "127.0.0.1:9999", "attacker.127.0.0.1.nip.io:8123", ""):
        assert call(editor, "GET", "", host=host).status == 421
    assert call(editor, "GET", "").status == 200
    assert call(editor, "GET", "", host=f"localhost:{PORT}").status == 200


def test_a_write_from_another_origin_or_without_the_token_is_refused(editor: Editor):
    before = (editor.root / RECORD).read_bytes()
    token = editor.guard.token
    refused = [
        call(editor, "POST", "api/save", save_body(editor)),  # no token
        call(editor, "POST", "api/save", save_body(editor, token="guess")),
        call(editor, "POST", "api/save", save_body(editor, token=token), origin="http://evil.example"),
        call(
            editor, "POST", "api/save", save_body(editor, token=token), origin=f"http://127.0.0.1:{PORT + 1}"
        ),
        call(editor, "POST", "commit", {"file": RECORD, "message": "x"}),
        call(
            editor,
            "POST",
            "import",
            UPLOAD_WITHOUT_TOKEN,
            **{"content-type": "multipart/form-data; boundary=b"},
        ),
    ]
    assert [r.status for r in refused] == [403] * 6
    assert "令牌" in refused[0].body.decode() and "其他网站" in refused[2].body.decode()
    assert (editor.root / RECORD).read_bytes() == before
    done = call(
        editor,
        "POST",
        "api/save",
        save_body(editor, token=token),
        origin=f"http://127.0.0.1:{PORT}",
        accept="application/json",
    )
    assert done.status == 200 and "title: 改过的标题" in (editor.root / RECORD).read_text("utf-8")


@pytest.mark.parametrize(
    "rel", ["../pelicanconf.py", "/etc/passwd", "lists/../../pelicanconf.yaml", "regulation/2022-09-05.yaml"]
)
def test_paths_outside_content_are_refused_on_every_route(editor: Editor, rel: str):
    token = editor.guard.token
    for response in (
        call(editor, "GET", f"edit?file={rel}"),
        call(editor, "GET", f"review?file={rel}"),
        call(editor, "POST", "api/save", {"file": rel, "base": "", "title": "x", "token": token}),
        call(editor, "POST", "api/check", {"file": rel, "token": token}),
    ):
        assert response.status == 400
        assert "Traceback" not in response.body.decode()
    assert not (editor.project / "pelicanconf.yaml").exists()


def test_an_upload_too_large_is_refused_and_nothing_written(editor: Editor):
    body = b"x" * (21 * 1024 * 1024)
    before = sorted((editor.root / "lists").rglob("*.yaml"))
    response = call(editor, "POST", "import", body, **{"content-type": "multipart/form-data; boundary=x"})
    assert response.status == 413 and "过大" in response.body.decode()
    assert sorted((editor.root / "lists").rglob("*.yaml")) == before


def test_an_upload_that_is_not_a_word_form_gets_a_chinese_message(editor: Editor):
    token = editor.guard.token
    body = (
        b'--b\r\nContent-Disposition: form-data; name="token"\r\n\r\n' + token.encode() + b"\r\n"
        b'--b\r\nContent-Disposition: form-data; name="form"; filename="x.docx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\nnot a zip\r\n--b--\r\n"
    )
    response = call(editor, "POST", "import", body, **{"content-type": "multipart/form-data; boundary=b"})
    assert response.status == 400
    text = response.body.decode()
    assert "x.docx" in text and "Traceback" not in text


def test_editor_pages_allow_no_other_host(tmp_path: Path):
    """The served headers: only this server's scripts and styles, never framed; the editor's assets are
    the package's own files (no CDN)."""
    project = make_project(tmp_path)
    server = Server(project)
    try:
        host, port = server.url.split("//")[1].rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request("GET", "/_editor/")
        response = connection.getresponse()
        page = response.read().decode("utf-8")
        assert response.status == 200
        assert response.getheader("Content-Security-Policy").startswith("default-src 'self'")
        assert "http://" not in page.replace(server.url, "") and "https://" not in page
        connection.request("GET", "/", headers={"Host": "evil.example"})
        assert connection.getresponse().status == 421  # the site's pages too
    finally:
        server.stop()


def test_a_wider_host_prints_a_warning(tmp_path: Path):
    project = make_project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "jiebang.cli", "serve", "--port", "0", "--host", "0.0.0.0"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "警告" not in line:
            line = process.stdout.readline()
        assert "警告" in line and "0.0.0.0" in line and "127.0.0.1" in line
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_by_default_it_listens_on_loopback_only(tmp_path: Path):
    project = make_project(tmp_path)
    server = Server(project)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        out = (
            subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout
            if shutil.which("ss")
            else ""
        )
        port = server.url.rstrip("/").rsplit(":", 1)[1]
        if out:
            listening = [line for line in out.splitlines() if f":{port} " in line]
            assert listening and all("127.0.0.1:" in line for line in listening)
    finally:
        server.stop()


def test_a_file_that_does_not_parse_is_said_not_shown_as_a_form(editor: Editor):
    (editor.root / RECORD).write_text("id: JDZ-2022-001\ntitle: [未闭合\n", "utf-8")
    response = call(editor, "GET", f"edit?file={RECORD}")
    text = response.body.decode()
    assert response.status == 400 and "无法在表单中打开" in text and "Traceback" not in text


def test_a_doc_the_import_cannot_read_yet_says_how_to_convert_it(editor: Editor):
    body = (
        b'--b\r\nContent-Disposition: form-data; name="token"\r\n\r\n' + editor.guard.token.encode() + b"\r\n"
        b'--b\r\nContent-Disposition: form-data; name="form"; filename="\xe5\xbe\x81\xe9\x9b\x86\xe8\xa1\xa8.doc"\r\n'
        b"Content-Type: application/msword\r\n\r\n\xd0\xcf\x11\xe0 not really\r\n--b--\r\n"
    )
    before = sorted((editor.root / "lists").rglob("*.yaml"))
    response = call(editor, "POST", "import", body, **{"content-type": "multipart/form-data; boundary=b"})
    text = response.body.decode()
    assert response.status == 400 and "征集表.doc" in text and ".docx" in text
    assert sorted((editor.root / "lists").rglob("*.yaml")) == before


def test_a_file_broken_on_disk_after_opening_is_said_by_the_live_check(editor: Editor):
    (editor.root / RECORD).write_text("id: JDZ-2022-001\ntitle: [未闭合\n", "utf-8")
    response = call(
        editor,
        "POST",
        "api/check",
        {"file": RECORD, "base": "x", "title": "新", "token": editor.guard.token},
        accept="application/json",
    )
    assert response.status == 400 and "无法解析" in response.body.decode()
