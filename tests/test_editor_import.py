"""导入征集表 in the editor with the files counties send (issue 14, 1, through issue 12's import): a Word 97
.doc and the same file named .wps go through LibreOffice and give the record the .docx gives; a .docx
saved under a .doc name needs no LibreOffice; without LibreOffice a .doc gets the install hint."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_forms import Form, build_form  # noqa: E402
from jiebang.commands.editor import Editor, Guard, Request  # noqa: E402
from office import libreoffice_convert  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PORT = 8124
FORM = Form(title="编辑器导入的旧版征集表关键技术", demander="景德镇市示例旧版瓷业有限公司")


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("forms")
    docx = build_form(folder / "征集表.docx", FORM)
    (doc,) = libreoffice_convert([docx], "doc", folder / "doc")
    return {"docx": docx, "doc": doc}


def editor_on(tmp_path: Path) -> Editor:
    shutil.copytree(REPO / "content", tmp_path / "content")
    return Editor(tmp_path, Guard(PORT))


def upload(editor: Editor, filename: str, data: bytes):
    boundary = "jiebangboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n{editor.guard.token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="form"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"host": f"127.0.0.1:{PORT}", "content-type": f"multipart/form-data; boundary={boundary}"}
    return editor.handle(Request("POST", "import", {}, headers, body))


def new_records(editor: Editor, before: set[Path]) -> list[Path]:
    return sorted(set((editor.root / "lists").rglob("*.yaml")) - before)


def body_of(path: Path) -> str:
    """The record without its id line: the same form imported into two trees takes the same next id,
    but say so plainly rather than rely on it."""
    return "\n".join(line for line in path.read_text("utf-8").splitlines() if not line.startswith("id:"))


@pytest.mark.parametrize("name", ["县里报来的 征集表.doc", "征集表（WPS）.wps"])
def test_a_doc_or_wps_upload_gives_the_docx_record(forms, tmp_path: Path, name: str):
    texts = {}
    for label, source, filename in (("docx", forms["docx"], "征集表.docx"), ("old", forms["doc"], name)):
        editor = editor_on(tmp_path / label)
        before = set((editor.root / "lists").rglob("*.yaml"))
        uploads = set(Path(tempfile.gettempdir()).glob("jiebang-upload-*"))
        response = upload(editor, filename, source.read_bytes())
        page = response.body.decode("utf-8")
        assert response.status == 200, page
        assert f"已导入《{filename}》" in page and "Traceback" not in page
        (written,) = new_records(editor, before)
        assert written.relative_to(editor.root).as_posix() in page  # the link to open it in the form
        assert set(Path(tempfile.gettempdir()).glob("jiebang-upload-*")) == uploads  # upload deleted
        texts[label] = body_of(written)
    assert FORM.title in texts["old"] and texts["old"] == texts["docx"]


def test_a_docx_named_doc_needs_no_libreoffice(forms, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("JIEBANG_SOFFICE", str(tmp_path / "no-such-soffice"))
    editor = editor_on(tmp_path / "project")
    before = set((editor.root / "lists").rglob("*.yaml"))
    response = upload(editor, "另存为.doc", forms["docx"].read_bytes())
    assert response.status == 200 and "已导入《另存为.doc》" in response.body.decode("utf-8")
    assert len(new_records(editor, before)) == 1


def test_without_libreoffice_a_doc_upload_says_how_to_install_it(forms, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("JIEBANG_SOFFICE", str(tmp_path / "no-such-soffice"))
    editor = editor_on(tmp_path / "project")
    before = set((editor.root / "lists").rglob("*.yaml"))
    response = upload(editor, "征集表.wps", forms["doc"].read_bytes())
    page = response.body.decode("utf-8")
    assert response.status == 400 and "Traceback" not in page
    assert "未找到 LibreOffice" in page and "apt-get install libreoffice-writer-nogui" in page
    assert "未能导入《征集表.wps》" in page and "“另存为”.docx" in page
    assert new_records(editor, before) == []
