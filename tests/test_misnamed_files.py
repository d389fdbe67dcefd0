"""A record saved as .yml, .YAML or .Yaml is read by no one, so its list would never be published:
`jiebang validate` and `jiebang build` refuse it, naming the file and the name it should have."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from conftest import REPO, ContentRoot, good_list, lifecycle
from jiebang.cli import main


def jiebang(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def root(tmp_path: Path) -> ContentRoot:
    root = ContentRoot(tmp_path / "content")
    root.write_all([good_list(), *lifecycle()])
    return root


def findings(root: ContentRoot, *paths: Path) -> tuple[int, list[dict]]:
    """Exit code and findings, each finding's file made absolute (the tool names it relative to the cwd)."""
    code, out, _ = jiebang("validate", *[str(p) for p in paths or [root.path]], "--format", "json")
    return code, [{**d, "file": str(Path(d["file"]).resolve())} for d in json.loads(out)]


@pytest.mark.parametrize("suffix", [".yml", ".YAML", ".Yaml", ".YML"])
def test_a_list_saved_under_another_extension_is_an_error_naming_the_file(root, suffix):
    saved = root.write(good_list(id="JDZ-2022-002"))
    misnamed = saved.rename(saved.with_name(f"JDZ-2022-002{suffix}"))
    code, found = findings(root)
    assert code == 1
    assert found == [{
        "file": str(misnamed), "line": 1, "column": 1, "severity": "error", "rule": "id.filename",
        "article": "完整性",
        "message": "文件扩展名不是 .yaml，jiebang 不读取这个文件，其中的榜单不会发布：请重命名为 JDZ-2022-002.yaml。",
    }]


def test_a_notice_and_a_regulation_file_misnamed_are_reported_too(root):
    notice = root.path / "results" / "2022" / "JDZ-2022-001-R07.yaml"
    notice.rename(notice.with_suffix(".yml"))
    regulation = next((root.path / "regulation").glob("*.yaml"))
    shutil.copy(regulation, regulation.with_name("2030-01-01.YAML"))
    _, found = findings(root)
    mine = sorted((Path(d["file"]).name, d["rule"], d["message"].split("：")[0]) for d in found
                  if d["file"].endswith((".yml", ".YAML")))
    assert mine == [
        ("2030-01-01.YAML", "id.filename", "文件扩展名不是 .yaml，jiebang 不读取这个文件，其中的管理办法数据不会生效"),
        ("JDZ-2022-001-R07.yml", "id.filename", "文件扩展名不是 .yaml，jiebang 不读取这个文件，其中的公告不会发布"),
    ]


def test_validating_the_misnamed_file_itself_reports_it(root):
    saved = root.write(good_list(id="JDZ-2022-002"))
    misnamed = saved.rename(saved.with_suffix(".yml"))
    code, found = findings(root, misnamed)
    assert code == 1
    assert [(d["file"], d["rule"]) for d in found] == [(str(misnamed), "id.filename")]
    code, text, _ = jiebang("validate", str(misnamed))
    shown = text.split(":", 1)[0]
    assert Path(shown).resolve() == misnamed
    assert text.splitlines() == [
        f"{shown}:1:1: 错误 [id.filename] 文件扩展名不是 .yaml，jiebang 不读取这个文件，其中的榜单不会发布："
        "请重命名为 JDZ-2022-002.yaml。",
        "检查了 1 个文件：1 个错误，0 个警告。",
    ]


def test_other_files_and_folders_are_left_alone(root):
    (root.path / "lists" / "2022" / "说明.txt").write_text("备注", "utf-8")
    (root.path / "lists" / "2022" / "old.yml.bak").write_text("id: x", "utf-8")
    (root.path / "lists" / "drafts.yml").mkdir()  # a folder: walked, not reported
    code, found = findings(root)
    assert (code, found) == (0, [])


def test_build_refuses_a_misnamed_record(tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    for name in ("content", "theme"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "pelicanconf.py", project)
    record = next((project / "content" / "lists").rglob("*.yaml"))
    record.rename(record.with_suffix(".yml"))
    monkeypatch.chdir(project)
    code, _, err = jiebang("build", "--output", str(tmp_path / "site"), "--no-cache")
    assert code == 1
    assert "[id.filename] 文件扩展名不是 .yaml" in err and record.with_suffix(".yml").name in err, err
    assert "原有输出保持不变" in err
    assert not (tmp_path / "site").exists()
