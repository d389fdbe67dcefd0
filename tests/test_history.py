"""History from git: one walk of the log gives every record's revisions, dates and notes.

The repositories are real: `git init` in tmp_path, commits with fixed author and committer dates.
`GitProject` and `published_scenario` are shared with test_audit.py and test_cli_history.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ContentRoot, dump, good_list
from jiebang.history.compare import diff_revisions
from jiebang.history.git import GitError
from jiebang.history.revisions import WORKTREE, load_history

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


class GitProject:
    """A project folder that is a git repository, with a content root under content/."""

    def __init__(self, path: Path, init: bool = True):
        self.path = path
        self.shas: dict[str, str] = {}  # commit message → sha
        if not init:
            self.content = ContentRoot.__new__(ContentRoot)
            self.content.path = path / "content"
            return
        self.content = ContentRoot(path / "content")
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "计划科")
        self.git("config", "user.email", "jhk@example.gov.cn")
        self.git("config", "commit.gpgsign", "false")

    def copy(self, path: Path) -> GitProject:
        """The same repository in another folder (git spawns slowly: build a scenario once, copy it)."""
        shutil.copytree(self.path, path, symlinks=True)
        project = GitProject(path, init=False)
        project.shas = dict(self.shas)
        return project

    def git(self, *args: str, date: str | None = None) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        if date:
            env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        out = subprocess.run(["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def write(self, record: dict, text: str | None = None) -> Path:
        return self.content.write(record, text=text)

    def file(self, record_id: str) -> Path:
        folder = "results" if "-R" in record_id else "lists"
        return self.content.path / folder / record_id.split("-")[1] / f"{record_id}.yaml"

    def commit(self, message: str, date: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date)
        self.shas[message] = self.git("rev-parse", "HEAD")
        return self.shas[message]

    def short(self, message: str) -> str:
        return self.git("rev-parse", "--short", self.shas[message])


def correction(n: int, list_id: str, target: str, fields: list[str], date: str) -> dict:
    return {"id": f"{list_id}-R{n:02d}", "list": list_id, "kind": "更正公告", "date": date,
            "title": f"关于更正 {target} 的公告", "body": "（示例）现将有关更正事项公告如下。",
            "target": target, "fields": fields, "reason": "（示例）原公告有误。"}


def award(list_id: str = "JDZ-2022-001") -> dict:
    from conftest import lifecycle
    return {**lifecycle(list_id)[0], "id": f"{list_id}-R02"}


def published_scenario(path: Path) -> GitProject:
    """Publish three lists; correct a deadline with a 更正说明 and a 更正公告; publish a notice;
    an illegal silent edit of the budget; a deleted list."""
    project = GitProject(path)
    project.write(good_list())
    project.write(good_list(id="JDZ-2022-002", title="（示例）陶瓷窑炉余热回收利用技术"))
    project.write(good_list(id="JDZ-2022-003", title="（示例）陶瓷 3D 打印成型技术"))
    project.commit("发布2022年度第一批榜单", "2022-10-15T09:00:00+08:00")
    project.write(good_list(deadline="2022-12-15", changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"}]))
    project.write(correction(1, "JDZ-2022-001", "JDZ-2022-001", ["deadline"], "2022-10-20"))
    project.commit("更正 JDZ-2022-001 揭榜截止日期", "2022-10-20T10:00:00+08:00")
    project.write(award())
    project.commit("发布 JDZ-2022-001 揭榜结果公示", "2022-12-20T15:30:00+08:00")
    project.write(good_list(deadline="2022-12-15", changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"}],
                            budget={"total_wan": 350, "to_solver_wan": 200}))
    project.commit("调整预计项目经费", "2022-12-22T09:00:00+08:00")
    project.file("JDZ-2022-002").unlink()
    project.commit("撤下 JDZ-2022-002", "2022-12-23T09:00:00+08:00")
    return project


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> GitProject:
    return published_scenario(tmp_path_factory.mktemp("scenario") / "project")


@pytest.fixture
def project(scenario: GitProject, tmp_path: Path) -> GitProject:
    return scenario.copy(tmp_path / "project")


def summary(revisions) -> list[tuple]:
    return [(r.short, r.date, r.subject, r.status, r.changes_note) for r in revisions]


def test_revisions_of_a_corrected_list(project: GitProject):
    with load_history(project.path) as history:
        assert history.ok and history.warning is None
        assert history.ids() == ["JDZ-2022-001", "JDZ-2022-001-R01", "JDZ-2022-001-R02", "JDZ-2022-002", "JDZ-2022-003"]
        revisions = history.revisions("JDZ-2022-001")
    s = project.short
    assert summary(revisions) == [
        (s("发布2022年度第一批榜单"), "2022-10-15T09:00:00+08:00", "发布2022年度第一批榜单", "added", None),
        (s("更正 JDZ-2022-001 揭榜截止日期"), "2022-10-20T10:00:00+08:00", "更正 JDZ-2022-001 揭榜截止日期", "modified",
         "更正揭榜截止日期"),
        (s("调整预计项目经费"), "2022-12-22T09:00:00+08:00", "调整预计项目经费", "modified", None),
    ]
    assert [r.commit for r in revisions] == [project.shas[m] for m in
                                             ("发布2022年度第一批榜单", "更正 JDZ-2022-001 揭榜截止日期", "调整预计项目经费")]
    assert {r.path for r in revisions} == {"content/lists/2022/JDZ-2022-001.yaml"}
    assert revisions[0].first_publication and revisions[0].author == "计划科"
    assert revisions[0].data["deadline"] == "2022-11-30"
    assert revisions[1].data["deadline"] == "2022-12-15"
    assert revisions[2].data["budget"] == {"total_wan": Decimal(350), "to_solver_wan": Decimal(200)}


def test_announced_changes_of_a_correction_notice(project: GitProject):
    with load_history(project.path) as history:
        assert [c.lines() for c in history.announced_changes("JDZ-2022-001-R01")] == [
            ["揭榜截止日期：2022-11-30 → 2022-12-15"]]
        assert history.announced_changes("JDZ-2022-001-R02") == []  # not a 更正公告
    # A notice published after the correction it announces finds it; a later change is not its own.
    project.write(correction(3, "JDZ-2022-001", "JDZ-2022-001", ["budget.total_wan"], "2022-12-24"))
    project.commit("更正公告：预计项目经费", "2022-12-24T09:00:00+08:00")
    project.write(good_list(deadline="2022-12-15", budget={"total_wan": 400, "to_solver_wan": 200},
                            changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"}]))
    project.commit("再次调整", "2022-12-25T09:00:00+08:00")
    with load_history(project.path) as history:
        [change] = history.announced_changes("JDZ-2022-001-R03")
    assert (change.label, change.before, change.after) == ("预计项目经费", Decimal(300), Decimal(350))


def test_deleted_file_ends_with_a_revision_without_data(project: GitProject):
    with load_history(project.path) as history:
        revisions = history.revisions("JDZ-2022-002")
    assert [(r.subject, r.status, r.data is None) for r in revisions] == [
        ("发布2022年度第一批榜单", "added", False), ("撤下 JDZ-2022-002", "deleted", True)]


def test_timeline_gives_field_changes_per_revision(project: GitProject):
    with load_history(project.path) as history:
        timeline = history.timeline("JDZ-2022-001")
        assert history.updated("JDZ-2022-001") == "2022-12-22T09:00:00+08:00"
    assert [[line for c in changes for line in c.lines()] for _, changes in timeline[1:]] == [
        ["揭榜截止日期：2022-11-30 → 2022-12-15", "更正说明：新增：更正日期：2022-10-20；更正内容：更正揭榜截止日期"],
        ["预计项目经费：300 → 350 万元"],
    ]


def test_ids_narrow_the_walk_and_unknown_ids_have_no_revisions(project: GitProject):
    with load_history(project.path, ids=["JDZ-2022-001-R02"]) as history:
        assert history.ids() == ["JDZ-2022-001-R02"]
        assert summary(history.revisions("JDZ-2022-001-R02")) == [
            (project.short("发布 JDZ-2022-001 揭榜结果公示"), "2022-12-20T15:30:00+08:00",
             "发布 JDZ-2022-001 揭榜结果公示", "added", None)]
        assert history.revisions("JDZ-2022-001") == []
        assert history.kind("JDZ-2022-001-R02") == "result"


def test_rev_stops_the_history_there(project: GitProject):
    with load_history(project.path, rev=project.shas["更正 JDZ-2022-001 揭榜截止日期"]) as history:
        assert [r.subject for r in history.revisions("JDZ-2022-001")] == [
            "发布2022年度第一批榜单", "更正 JDZ-2022-001 揭榜截止日期"]
        assert [r.status for r in history.revisions("JDZ-2022-002")] == ["added"]
        assert history.head.short == project.short("更正 JDZ-2022-001 揭榜截止日期")


def test_working_tree_is_an_optional_last_pseudo_revision(project: GitProject):
    record = good_list(deadline="2022-12-15", budget={"total_wan": 350, "to_solver_wan": 200},
                       changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"},
                                {"date": "2022-12-28", "note": "更正经费"}])
    project.write(record)
    project.write(good_list(id="JDZ-2022-004"))  # untracked
    with load_history(project.path) as history:
        assert len(history.revisions("JDZ-2022-001")) == 3
    with load_history(project.path, worktree=True) as history:
        last = history.revisions("JDZ-2022-001")[-1]
        assert (last.commit, last.short, last.date, last.status, last.changes_note) == (
            None, WORKTREE, None, "modified", "更正经费")
        assert [r.status for r in history.revisions("JDZ-2022-004")] == ["added"]


def test_layout_only_working_tree_changes_are_no_revision(project: GitProject):
    path = project.file("JDZ-2022-001")
    path.write_text("# 注释\n" + path.read_text("utf-8"), encoding="utf-8")
    with load_history(project.path, worktree=True) as history:
        assert [r.short for r in history.revisions("JDZ-2022-001")][-1] != WORKTREE


def test_a_moved_file_keeps_its_history(project: GitProject):
    old = project.file("JDZ-2022-001")
    new = project.content.path / "lists" / "archive" / "JDZ-2022-001.yaml"
    new.parent.mkdir()
    old.rename(new)
    project.commit("移动文件", "2023-01-05T09:00:00+08:00")
    with load_history(project.path) as history:
        revisions = history.revisions("JDZ-2022-001")
    assert [(r.status, r.path) for r in revisions][-1] == ("modified", "content/lists/archive/JDZ-2022-001.yaml")
    assert len(revisions) == 4
    with load_history(project.path, ids=["JDZ-2022-001"]) as history:  # the year folder's path and the current one
        assert history.revisions("JDZ-2022-001") == revisions


def test_a_file_moved_to_the_other_folder_takes_the_kind_of_its_live_path(project: GitProject):
    # git lists the deleted content/lists/… before the added content/results/…: the live one decides
    moved = project.content.path / "results" / "2022" / "JDZ-2022-003.yaml"
    project.file("JDZ-2022-003").rename(moved)
    project.commit("放错了目录", "2023-01-05T09:00:00+08:00")
    with load_history(project.path) as history:
        assert history.kind("JDZ-2022-003") == "result"
        assert history.revisions("JDZ-2022-003")[-1].path == "content/results/2022/JDZ-2022-003.yaml"


def test_unparsable_revision_is_reported_not_raised(project: GitProject):
    project.file("JDZ-2022-001").write_text("id: [unclosed\n", encoding="utf-8")
    project.commit("写坏了", "2023-01-05T09:00:00+08:00")
    project.write(good_list(deadline="2022-12-15", budget={"total_wan": 350, "to_solver_wan": 200},
                            changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"}], period_years=2))
    project.commit("修好", "2023-01-06T09:00:00+08:00")
    with load_history(project.path) as history:
        timeline = history.timeline("JDZ-2022-001")
    broken, fixed = timeline[-2], timeline[-1]
    assert broken[0].problem.startswith("YAML 语法错误") and broken[1] == []
    assert [c.lines() for c in fixed[1]] == [["实施周期：3 → 2"]]  # compared with the last readable one


def test_project_inside_a_larger_repository(tmp_path: Path):
    outer = GitProject(tmp_path)
    nested = tmp_path / "site"
    shutil.move(str(outer.content.path), str(nested / "content"))
    (nested / "content" / "lists" / "2022").mkdir(parents=True)
    (nested / "content" / "lists" / "2022" / "JDZ-2022-001.yaml").write_text(dump(good_list()), encoding="utf-8")
    outer.commit("子目录中的项目", "2022-10-15T09:00:00+08:00")
    with load_history(nested) as history:
        assert [(r.path, r.status) for r in history.revisions("JDZ-2022-001")] == [
            ("content/lists/2022/JDZ-2022-001.yaml", "added")]


def test_outside_git_there_is_no_history_and_a_warning(root):
    history = load_history(root.path.parent)
    assert not history.ok
    assert "不在 git 仓库中" in history.warning
    assert history.revisions("JDZ-2022-001") == [] and history.ids() == []


def test_a_repository_without_commits_has_no_history(tmp_path: Path):
    GitProject(tmp_path)
    history = load_history(tmp_path)
    assert not history.ok and "还没有任何提交" in history.warning


def test_unknown_revision_raises_a_chinese_git_error(project: GitProject):
    with pytest.raises(GitError, match="找不到版本“no-such-tag”"):
        load_history(project.path, rev="no-such-tag")
    with pytest.raises(GitError, match="无效的版本名"):
        load_history(project.path, rev="--output=/tmp/x")


def test_shallow_clone_warns(project: GitProject, tmp_path: Path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{project.path}", str(clone)], check=True)
    with load_history(clone) as history:
        assert history.ok and "浅克隆" in history.warning
        assert [r.status for r in history.revisions("JDZ-2022-001")] == ["added"]


def test_diff_revisions_between_two_commits(project: GitProject):
    old, new, changes = diff_revisions(project.path, project.shas["发布2022年度第一批榜单"], "HEAD")
    assert (old.subject, new.subject) == ("发布2022年度第一批榜单", "撤下 JDZ-2022-002")
    assert [(c.id, c.kind, c.status) for c in changes] == [
        ("JDZ-2022-001", "list", "changed"), ("JDZ-2022-002", "list", "removed"),
        ("JDZ-2022-001-R01", "result", "added"), ("JDZ-2022-001-R02", "result", "added")]
    assert [c.key for c in changes[0].field_changes()] == ["budget.total_wan", "deadline", "changes"]


def test_diff_revisions_to_the_working_tree_sees_untracked_files(project: GitProject):
    project.write(good_list(id="JDZ-2022-005"))
    _, new, changes = diff_revisions(project.path, "HEAD")
    assert new is None
    assert [(c.id, c.status, c.new_path) for c in changes] == [
        ("JDZ-2022-005", "added", "content/lists/2022/JDZ-2022-005.yaml")]


def test_a_lazy_timeline_is_stated_without_reading_git_and_read_when_looked_at(project: GitProject):
    """The build keys a page by its record's commits and blobs (History.statement); its steps are read
    only when the page is made, and are the eager timeline's."""
    with load_history(project.path) as history:
        lazy = history.lazy_timeline("JDZ-2022-001")
        stated = lazy.statement()
        assert lazy._read is None  # stating it read nothing
        assert [s[0] for s in stated] == [r.commit for r in history.revisions("JDZ-2022-001")]
        assert all(len(blob) == 40 for *_, blob in stated)
        assert list(lazy) == history.timeline("JDZ-2022-001") and len(lazy) == 3
        assert history.lazy_timeline("JDZ-2099-001").statement() == []


def test_a_statement_follows_the_working_tree_and_gives_way_in_a_shallow_clone(project: GitProject, tmp_path: Path):
    path = project.file("JDZ-2022-001")
    path.write_text(path.read_text("utf-8").replace("2022-12-15", "2022-12-16"), encoding="utf-8")
    with load_history(project.path, worktree=True) as history:
        first = history.statement("JDZ-2022-001")
    path.write_text(path.read_text("utf-8").replace("2022-12-16", "2022-12-17"), encoding="utf-8")
    with load_history(project.path, worktree=True) as history:
        second = history.statement("JDZ-2022-001")
    assert first[-1][0] == "worktree" and first[:-1] == second[:-1] and first[-1] != second[-1]
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{project.path}", str(clone)], check=True)
    with load_history(clone) as history:  # a blob missing now may be fetched later: state the steps
        assert history.statement("JDZ-2022-001") is None
