"""The audit rules against a real git history: audit.change_note and audit.immutable."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import good_list
from jiebang.cli import main
from jiebang.history.audit import audit_diagnostics, default_base
from jiebang.history.git import GitError
from jiebang.rules import RULES
from test_history import GitProject, correction, published_scenario

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CORRECTED = [{"date": "2022-10-20", "note": "更正揭榜截止日期"}]


def audit_scenario(path: Path) -> GitProject:
    """The published scenario, tagged `published` after the deadline correction, then: a list
    corrected properly with a 更正公告 naming the right field, and a 更正公告 naming the wrong one."""
    project = published_scenario(path)
    project.git("tag", "published", project.shas["更正 JDZ-2022-001 揭榜截止日期"])
    project.write(good_list(id="JDZ-2022-003", title="（示例）陶瓷 3D 打印成型技术", deadline="2022-12-31",
                            changes=[{"date": "2022-12-24", "note": "延长揭榜截止日期"}]))
    project.write(correction(1, "JDZ-2022-003", "JDZ-2022-003", ["deadline"], "2022-12-24"))
    project.write(correction(3, "JDZ-2022-001", "JDZ-2022-001", ["deadline"], "2022-12-24"))
    project.commit("更正 JDZ-2022-003 截止日期；更正公告", "2022-12-24T09:00:00+08:00")
    return project


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> GitProject:
    return audit_scenario(tmp_path_factory.mktemp("audit") / "project")


@pytest.fixture
def project(template: GitProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitProject:
    copy = template.copy(tmp_path / "project")
    monkeypatch.chdir(copy.path)  # diagnostics name files relative to the working directory
    return copy


def line_of(path: Path, pattern: str, nth: int = 0) -> int:
    lines = [i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if re.search(pattern, line)]
    return lines[nth]


def hits(diagnostics) -> list[tuple]:
    return [(d.file, d.line, d.rule) for d in diagnostics]


def test_rules_are_registered():
    assert (RULES["audit.change_note"].article, RULES["audit.immutable"].article) == ("审计", "审计")
    assert RULES["audit.immutable"].severity == "error"


def test_silent_edit_deleted_file_and_wrong_correction_notice(project: GitProject):
    found = audit_diagnostics([Path("content")], "published")
    base = project.git("rev-parse", "--short", "published")
    list_1 = project.file("JDZ-2022-001")
    notice_3 = project.file("JDZ-2022-001-R03")
    assert hits(found) == [
        ("content/lists/2022/JDZ-2022-001.yaml", line_of(list_1, r"^  total_wan:"), "audit.change_note"),
        ("content/lists/2022/JDZ-2022-002.yaml", 0, "audit.immutable"),
        ("content/results/2022/JDZ-2022-001-R03.yaml", line_of(notice_3, r"^fields:"), "audit.change_note"),
    ]
    assert [d.message for d in found] == [
        f"已发布的榜单 JDZ-2022-001 自基准版本 {base}（2022-10-20）以来改动了 预计项目经费（budget.total_wan），"
        "但没有新增更正说明：请在 changes 末尾追加一条（date: 更正日期，note: 更正了什么、为什么）。",
        "已发布的榜单 JDZ-2022-002 的文件被删除：已发布的记录只增不删。请恢复该文件；如需撤回榜单，请发布“终止”公告，"
        "公告有误请发布“更正公告”。",
        f"更正公告列出的更正项是 deadline（揭榜截止日期），但 JDZ-2022-001 自基准版本 {base}（2022-10-20）以来实际改动的是 "
        "budget.total_wan（预计项目经费）：请让 fields 与实际更正的字段一致。",
    ]
    assert {(d.severity, d.article, d.column) for d in found} == {("error", "审计", 3), ("error", "审计", 0),
                                                                   ("error", "审计", 1)}


def test_a_note_fixes_the_silent_edit_and_a_right_correction_notice_passes(project: GitProject):
    project.write(good_list(deadline="2022-12-15", budget={"total_wan": 350, "to_solver_wan": 200},
                            changes=[*CORRECTED, {"date": "2022-12-22", "note": "调整预计项目经费"}]))
    project.write(correction(3, "JDZ-2022-001", "JDZ-2022-001", ["budget"], "2022-12-24"))
    assert hits(audit_diagnostics([Path("content")], "published")) == [
        ("content/lists/2022/JDZ-2022-002.yaml", 0, "audit.immutable")]


def test_correction_notice_naming_too_many_fields(project: GitProject):
    project.write(correction(1, "JDZ-2022-003", "JDZ-2022-003", ["deadline", "budget.total_wan"], "2022-12-24"))
    found = [d for d in audit_diagnostics([Path("content")], "published") if "JDZ-2022-003-R01" in d.file]
    assert [d.message.split("：请")[0] for d in found] == [
        "更正公告列出的更正项是 deadline（揭榜截止日期）、budget.total_wan（预计项目经费），但 JDZ-2022-003 自基准版本 "
        f"{project.git('rev-parse', '--short', 'published')}（2022-10-20）以来实际改动的是 deadline（揭榜截止日期）"]


def test_id_and_published_date_are_immutable(project: GitProject):
    record = good_list(id="JDZ-2022-003", title="（示例）陶瓷 3D 打印成型技术", deadline="2022-12-31",
                       published="2022-10-16", changes=[{"date": "2022-12-24", "note": "延长揭榜截止日期"}])
    path = project.write(record)
    found = audit_diagnostics([Path("content")], "published")
    assert [(d.line, d.rule, d.message) for d in found if "JDZ-2022-003.yaml" in d.file] == [
        (line_of(path, "^published:"), "audit.immutable",
         "published（发榜日期） 发布后不得更改：基准版本 {}（2022-10-20）中为“2022-10-15”，现为“2022-10-16”。"
         "请改回原值；确需更正请发布更正公告说明。".format(project.git("rev-parse", "--short", "published")))]
    path.write_text(path.read_text("utf-8").replace("id: JDZ-2022-003", "id: JDZ-2022-009"), encoding="utf-8")
    found = audit_diagnostics([Path("content")], "published")
    assert [(d.line, d.rule) for d in found if "JDZ-2022-003.yaml" in d.file] == [
        (line_of(path, "^id:"), "audit.immutable"), (line_of(path, "^published:"), "audit.immutable")]


def test_new_notes_must_be_dated_on_or_after_the_base(project: GitProject):
    path = project.write(good_list(deadline="2022-12-15", budget={"total_wan": 350, "to_solver_wan": 200},
                                   changes=[*CORRECTED, {"date": "2022-10-19", "note": "调整预计项目经费"}]))
    found = [d for d in audit_diagnostics([Path("content")], "published") if "JDZ-2022-001.yaml" in d.file]
    assert [(d.line, d.rule) for d in found] == [(line_of(path, "date: '2022-10-19'"), "audit.change_note")]
    assert found[0].message.startswith("新增的更正说明日期 2022-10-19 早于基准版本")


def test_notes_are_append_only(project: GitProject):
    path = project.write(good_list(deadline="2022-12-15", budget={"total_wan": 350, "to_solver_wan": 200},
                                   changes=[{"date": "2022-10-20", "note": "改写过的说明"},
                                            {"date": "2022-12-22", "note": "调整预计项目经费"}]))
    found = [d for d in audit_diagnostics([Path("content")], "published") if "JDZ-2022-001.yaml" in d.file]
    assert [(d.line, d.rule) for d in found] == [(line_of(path, "^- date: '2022-10-20'"), "audit.change_note")]
    assert found[0].message.startswith("更正说明只增不删：基准版本")


def test_layout_and_comments_are_not_changes(project: GitProject):
    path = project.file("JDZ-2022-003")
    path.write_text("# yaml-language-server: $schema=../../../tools/jiebang/schemas/list.schema.json\n"
                    + path.read_text("utf-8"), encoding="utf-8")
    assert not [d for d in audit_diagnostics([Path("content")], "published") if "JDZ-2022-003.yaml" in d.file]


def test_records_added_since_the_base_are_not_audited(project: GitProject):
    project.write(good_list(id="JDZ-2022-007"))
    assert not [d for d in audit_diagnostics([Path("content")], "published") if "JDZ-2022-007" in d.file]


def test_paths_narrow_the_findings(project: GitProject):
    found = audit_diagnostics([Path("content/lists/2022/JDZ-2022-001.yaml")], "published")
    assert hits(found) == [("content/lists/2022/JDZ-2022-001.yaml", line_of(project.file("JDZ-2022-001"), "total_wan"),
                            "audit.change_note")]
    assert [d.rule for d in audit_diagnostics([Path("content/results")], "published")] == ["audit.change_note"]


def test_default_base_is_configured_then_the_published_tag_then_origin_main(project: GitProject):
    root = project.content.path
    assert default_base(root) == "published"
    first = project.shas["发布2022年度第一批榜单"]
    (project.path / "pyproject.toml").write_text(f'[tool.jiebang]\npublished_ref = "{first}"\n', encoding="utf-8")
    assert default_base(root) == first
    # Against the first commit the deadline correction is new too, and has its note; two 更正公告 of
    # JDZ-2022-001 together name only the deadline, so the last one is told about the budget.
    assert [(d.file, d.rule) for d in audit_diagnostics([Path("content")], None)] == [
        ("content/lists/2022/JDZ-2022-002.yaml", "audit.immutable"),
        ("content/results/2022/JDZ-2022-001-R03.yaml", "audit.change_note")]
    (project.path / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    project.git("tag", "-d", "published")
    with pytest.raises(GitError, match="找不到审计基准版本"):
        default_base(root)
    project.git("update-ref", "refs/remotes/origin/main", project.shas["发布2022年度第一批榜单"])
    assert default_base(root) == "origin/main"


def test_unknown_base_and_no_git_are_git_errors(project: GitProject, root):
    with pytest.raises(GitError, match="找不到版本“v9”"):
        audit_diagnostics([Path("content")], "v9")
    with pytest.raises(GitError, match="不在 git 仓库中"):
        audit_diagnostics([root.path], None)


def test_validate_base_cli(project: GitProject, capsys: pytest.CaptureFixture):
    assert main(["validate", "--format", "json", "--base", "published"]) == 1
    audit = [d for d in json.loads(capsys.readouterr().out) if d["rule"].startswith("audit.")]
    assert [(d["file"], d["rule"]) for d in audit] == [
        ("content/lists/2022/JDZ-2022-001.yaml", "audit.change_note"),
        ("content/lists/2022/JDZ-2022-002.yaml", "audit.immutable"),
        ("content/results/2022/JDZ-2022-001-R03.yaml", "audit.change_note")]
    assert list(audit[0]) == ["file", "line", "column", "severity", "rule", "article", "message"]
    assert main(["validate", "--base"]) == 1  # no REV: the `published` tag
    assert "[audit.immutable]" in capsys.readouterr().out
    assert main(["validate"]) in (0, 1)  # without --base no audit rule runs
    assert "audit." not in capsys.readouterr().out


def test_validate_base_cli_usage_errors(project: GitProject, root, capsys: pytest.CaptureFixture,
                                        monkeypatch: pytest.MonkeyPatch):
    assert main(["validate", "--base", "v9"]) == 2
    assert "找不到版本“v9”" in capsys.readouterr().err
    monkeypatch.chdir(root.path.parent)
    assert main(["validate", "--base", "HEAD"]) == 2
    assert "不在 git 仓库中" in capsys.readouterr().err
    assert os.getcwd() == str(root.path.parent)
