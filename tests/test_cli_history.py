"""`jiebang history ID` and `jiebang diff REV [REV]`: text, JSON and the 更正公告 table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import good_list
from jiebang.cli import main
from test_history import GitProject, published_scenario

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FIRST, CORRECT, AWARD, BUDGET, DELETE = ("发布2022年度第一批榜单", "更正 JDZ-2022-001 揭榜截止日期",
                                         "发布 JDZ-2022-001 揭榜结果公示", "调整预计项目经费", "撤下 JDZ-2022-002")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> GitProject:
    return published_scenario(tmp_path_factory.mktemp("cli") / "project")


@pytest.fixture
def project(template: GitProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitProject:
    copy = template.copy(tmp_path / "project")
    monkeypatch.chdir(copy.path)
    return copy


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_history_text(project: GitProject, capsys):
    s = project.short
    assert run(capsys, "history", "JDZ-2022-001") == (0, f"""\
榜单 JDZ-2022-001 （示例）日用陶瓷低温快烧釉料关键技术
content/lists/2022/JDZ-2022-001.yaml，共 3 个版本

2022-10-15 09:00:00 +08:00  {s(FIRST)}  {FIRST}
  首次发布
2022-10-20 10:00:00 +08:00  {s(CORRECT)}  {CORRECT}
  更正说明：更正揭榜截止日期
  揭榜截止日期：2022-11-30 → 2022-12-15
2022-12-22 09:00:00 +08:00  {s(BUDGET)}  {BUDGET}
  （没有新增更正说明）
  预计项目经费：300 → 350 万元
""", "")


def test_history_text_of_a_deleted_list_and_uncommitted_changes(project: GitProject, capsys):
    s = project.short
    project.write(good_list(id="JDZ-2022-002", title="（示例）陶瓷窑炉余热回收利用技术"))
    assert run(capsys, "history", "JDZ-2022-002")[1] == f"""\
榜单 JDZ-2022-002 （示例）陶瓷窑炉余热回收利用技术
content/lists/2022/JDZ-2022-002.yaml，共 3 个版本

2022-10-15 09:00:00 +08:00  {s(FIRST)}  {FIRST}
  首次发布
2022-12-23 09:00:00 +08:00  {s(DELETE)}  {DELETE}
  文件被删除
—  工作区  （尚未提交的修改）
  重新添加
"""


def test_history_json(project: GitProject, capsys):
    code, out, _ = run(capsys, "history", "JDZ-2022-001", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["id"], data["kind"], data["title"], data["path"]) == (
        "JDZ-2022-001", "list", "（示例）日用陶瓷低温快烧釉料关键技术", "content/lists/2022/JDZ-2022-001.yaml")
    assert [(r["commit"], r["date"], r["subject"], r["status"], r["first_publication"], r["changes_note"])
            for r in data["revisions"]] == [
        (project.shas[FIRST], "2022-10-15T09:00:00+08:00", FIRST, "added", True, None),
        (project.shas[CORRECT], "2022-10-20T10:00:00+08:00", CORRECT, "modified", False, "更正揭榜截止日期"),
        (project.shas[BUDGET], "2022-12-22T09:00:00+08:00", BUDGET, "modified", False, None),
    ]
    assert data["revisions"][2]["changes"] == [
        {"path": "budget.total_wan", "label": "预计项目经费", "change": "changed", "before": "300", "after": "350",
         "summary": "300 → 350 万元", "edits": []}]
    assert [c["path"] for c in data["revisions"][1]["changes"]] == ["deadline", "changes"]


def test_diff_text_to_the_working_tree(project: GitProject, capsys):
    s = project.short
    project.write(good_list(id="JDZ-2022-003", title="（示例）陶瓷 3D 打印成型技术", period_years=2,
                            changes=[{"date": "2022-12-28", "note": "调整实施周期"}]))
    assert run(capsys, "diff", project.shas[AWARD]) == (0, f"""\
比较 {s(AWARD)}（2022-12-20） → 工作区：新增 0 条，修改 2 条，删除 1 条。

修改 榜单 JDZ-2022-001 （示例）日用陶瓷低温快烧釉料关键技术  content/lists/2022/JDZ-2022-001.yaml
  预计项目经费：300 → 350 万元

删除 榜单 JDZ-2022-002 （示例）陶瓷窑炉余热回收利用技术  content/lists/2022/JDZ-2022-002.yaml

修改 榜单 JDZ-2022-003 （示例）陶瓷 3D 打印成型技术  content/lists/2022/JDZ-2022-003.yaml
  更正说明：调整实施周期
  实施周期：3 → 2
""", "")


def test_diff_markdown_is_a_correction_table(project: GitProject, capsys):
    s = project.short
    code, out, _ = run(capsys, "diff", project.shas[FIRST], "HEAD", "--format", "markdown")
    assert code == 0
    assert out == """\
### 榜单 JDZ-2022-001 （示例）日用陶瓷低温快烧釉料关键技术

| 序号 | 更正项 | 更正前内容 | 更正后内容 |
| --- | --- | --- | --- |
| 1 | 预计项目经费 | 300 万元 | 350 万元 |
| 2 | 揭榜截止日期 | 2022-11-30 | 2022-12-15 |

### 榜单 JDZ-2022-002 （示例）陶瓷窑炉余热回收利用技术

删除记录（content/lists/2022/JDZ-2022-002.yaml）。

### 公告 JDZ-2022-001-R01 关于更正 JDZ-2022-001 的公告

新增记录（content/results/2022/JDZ-2022-001-R01.yaml）。

### 公告 JDZ-2022-001-R02 JDZ-2022-001 揭榜结果公示

新增记录（content/results/2022/JDZ-2022-001-R02.yaml）。
"""
    assert run(capsys, "diff", "HEAD", "HEAD", "--format", "markdown")[1] == f"{s(DELETE)}（2022-12-23） 与 {s(DELETE)}（2022-12-23） 之间没有记录改动。\n"


def test_diff_markdown_long_text_and_pipes(project: GitProject, capsys):
    project.write(good_list(problem="（示例）日用陶瓷烧成温度高、能耗大。需要研发 A|B 两种低温快烧釉料。",
                            deadline="2022-12-15", budget={"total_wan": 350, "to_solver_wan": 200},
                            changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"}]))
    out = run(capsys, "diff", "HEAD", "--format", "markdown")[1]
    assert out.splitlines()[-1] == (
        "| 1 | 技术难题概述 | （示例）日用陶瓷烧成温度高、能耗大，需要研发低温快烧釉料。 | "
        "（示例）日用陶瓷烧成温度高、能耗大。需要研发 A\\|B 两种低温快烧釉料。 |")


def test_diff_json(project: GitProject, capsys):
    code, out, _ = run(capsys, "diff", project.shas[CORRECT], project.shas[BUDGET], "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["from"]["commit"], data["to"]["commit"], data["to"]["date"]) == (
        project.shas[CORRECT], project.shas[BUDGET], "2022-12-22T09:00:00+08:00")
    assert [(r["id"], r["kind"], r["status"], r["old_path"], r["new_path"]) for r in data["records"]] == [
        ("JDZ-2022-001", "list", "changed", "content/lists/2022/JDZ-2022-001.yaml", "content/lists/2022/JDZ-2022-001.yaml"),
        ("JDZ-2022-001-R02", "result", "added", None, "content/results/2022/JDZ-2022-001-R02.yaml"),
    ]
    assert [c["label"] for c in data["records"][0]["changes"]] == ["预计项目经费"]
    run(capsys, "diff", "HEAD")
    assert json.loads(run(capsys, "diff", "HEAD", "--format", "json")[1])["to"] is None


def test_unknown_revision_and_id_exit_2(project: GitProject, capsys):
    assert run(capsys, "diff", "v9") == (2, "", "jiebang diff: 找不到版本“v9”：请给出提交号、分支名或标签名（可用 git log --oneline 查看）。\n")
    assert run(capsys, "diff", "HEAD", "v9")[0] == 2
    assert run(capsys, "diff", "HEAD", "HEAD~1", "HEAD~2")[0] == 2
    code, out, err = run(capsys, "history", "JDZ-2099-001")
    assert (code, out) == (2, "") and err.startswith("jiebang history: 找不到 JDZ-2099-001 的任何版本")


def test_outside_git_exit_2(root, capsys, monkeypatch: pytest.MonkeyPatch):
    root.write(good_list())
    monkeypatch.chdir(root.path.parent)
    code, out, err = run(capsys, "history", "JDZ-2022-001")
    assert (code, out) == (2, "") and "不在 git 仓库中" in err
    code, out, err = run(capsys, "diff", "HEAD")
    assert (code, out) == (2, "") and "不在 git 仓库中" in err
