"""The history cache (issue 10, item 5): a warm load equals a cold one, on every kind of change.

Each test builds History cold with a cache folder, changes the repository (or the cache), then
loads again with the cache and once more without, and asserts that every record's revisions,
timeline, updated date and announced changes are equal. Where the cache should be used, it also
counts the blobs parsed: one new commit costs that commit's records, not the whole history.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import good_list
from jiebang.history import cache as history_cache
from jiebang.history import revisions
from jiebang.history.revisions import load_history
from test_history import GitProject, correction, published_scenario

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CORRECTED = good_list(deadline="2022-12-31", budget={"total_wan": 350, "to_solver_wan": 200},
                      changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"},
                               {"date": "2022-12-28", "note": "再次延长揭榜截止日期"}])


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> GitProject:
    return published_scenario(tmp_path_factory.mktemp("cache") / "project")


@pytest.fixture
def project(scenario: GitProject, tmp_path: Path) -> GitProject:
    return scenario.copy(tmp_path / "project")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the blobs (and working-tree files) parsed, in order."""
    seen: list[str] = []
    parse = revisions._parse

    def counting(raw, path, kind):
        seen.append(path)
        return parse(raw, path, kind)

    monkeypatch.setattr(revisions, "_parse", counting)
    return seen


def snapshot(project: GitProject, cache: Path | None = None, **options) -> dict:
    """Everything a History answers, for every record it knows."""
    with load_history(project.path, cache=cache, **options) as history:
        return {"head": history.head, "ids": history.ids(), "touched": history.touched,
                "records": {rid: (history.kind(rid), history.revisions(rid), history.timeline(rid),
                                  history.updated(rid), history.announced_changes(rid)) for rid in history.ids()}}


def assert_warm_equals_cold(project: GitProject, cache: Path, **options) -> dict:
    warm = snapshot(project, cache, **options)
    cold = snapshot(project, **options)
    assert {**warm, "touched": None} == cold
    return warm


def correct_and_announce(project: GitProject) -> None:
    project.write(CORRECTED)
    project.write(correction(3, "JDZ-2022-001", "JDZ-2022-001", ["deadline"], "2022-12-28"))
    project.commit("再次更正 JDZ-2022-001 揭榜截止日期", "2022-12-28T09:00:00+08:00")


def test_a_new_commit_costs_only_its_records(project: GitProject, tmp_path: Path, parsed: list[str], capsys):
    cache = tmp_path / "cache"
    cold = snapshot(project, cache)
    assert len(parsed) == 8 and (cache / "history.idx").is_file()  # every revision of the five records
    umask = os.umask(0)
    os.umask(umask)
    assert {f.stat().st_mode & 0o777 for f in cache.iterdir()} == {0o666 & ~umask}  # as any file the build writes
    parsed.clear()
    again = snapshot(project, cache)
    assert {**again, "touched": None} == cold and again["touched"] == set() and parsed == []  # nothing new, nothing parsed
    correct_and_announce(project)
    parsed.clear()
    warm = snapshot(project, cache)
    assert warm["touched"] == {"JDZ-2022-001", "JDZ-2022-001-R03"} and cold["touched"] is None
    assert sorted(parsed) == ["content/lists/2022/JDZ-2022-001.yaml", "content/results/2022/JDZ-2022-001-R03.yaml"]
    assert {**warm, "touched": None} == snapshot(project)
    record = warm["records"]["JDZ-2022-001"]
    assert [r.changes_note for r in record[1]][-1] == "再次延长揭榜截止日期"
    assert [c.key for c in record[4]] == [] and [c.key for c in warm["records"]["JDZ-2022-001-R03"][4]] == ["deadline"]
    assert capsys.readouterr().err == ""


def test_a_commit_that_only_changes_a_comment(project: GitProject, tmp_path: Path, parsed: list[str]):
    cache = tmp_path / "cache"
    snapshot(project, cache)
    path = project.file("JDZ-2022-003")
    path.write_text("# 仅改注释\n" + path.read_text("utf-8"), encoding="utf-8")
    project.commit("改注释", "2023-01-02T09:00:00+08:00")
    parsed.clear()
    warm = assert_warm_equals_cold(project, cache)
    assert parsed[:1] == ["content/lists/2022/JDZ-2022-003.yaml"]  # the warm load's one parse
    revision, changes = warm["records"]["JDZ-2022-003"][2][-1]
    assert (revision.subject, revision.status, changes) == ("改注释", "modified", [])


def test_a_record_moved_to_the_other_folder_takes_its_new_kind(project: GitProject, tmp_path: Path):
    cache = tmp_path / "cache"
    snapshot(project, cache)
    moved = project.content.path / "results" / "2022" / "JDZ-2022-003.yaml"
    project.file("JDZ-2022-003").rename(moved)
    project.commit("放错了目录", "2023-01-02T09:00:00+08:00")
    warm = assert_warm_equals_cold(project, cache)
    assert warm["records"]["JDZ-2022-003"][0] == "result"


def test_short_commit_ids_follow_git_as_it_is_now(project: GitProject, tmp_path: Path):
    """git abbreviates by the repository's size (or core.abbrev): cached commits are shortened anew."""
    cache = tmp_path / "cache"
    snapshot(project, cache)
    project.git("config", "core.abbrev", "12")
    warm = assert_warm_equals_cold(project, cache)
    assert {len(r.short) for r in warm["records"]["JDZ-2022-001"][1]} == {12}


def test_every_build_after_the_next_stays_equal_and_packs_are_merged(project: GitProject, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(history_cache, "_MAX_PACKS", 2)
    cache = tmp_path / "cache"
    snapshot(project, cache)
    dead = cache / ".pack-left-by-a-dead-build.tmp"
    dead.write_bytes(b"half a pack")
    os.utime(dead, (0, 0))
    (cache / "notes.txt").write_text("not ours")
    for n in range(4):
        project.write(good_list(id="JDZ-2022-003", title=f"（示例）陶瓷 3D 打印成型技术（第{n}版）"))
        project.write(good_list(id=f"JDZ-2022-01{n}"))
        project.commit(f"第{n}次", f"2023-01-0{n + 2}T09:00:00+08:00")
        assert_warm_equals_cold(project, cache)
        assert len(list(cache.glob("*.pack"))) <= 2
    assert not list(cache.glob("*.tmp")) and (cache / "notes.txt").exists()


def test_a_rewritten_history_is_ignored(project: GitProject, tmp_path: Path, capsys):
    cache = tmp_path / "cache"
    snapshot(project, cache)
    project.git("reset", "-q", "--hard", "HEAD~2")
    project.write(good_list(id="JDZ-2022-002", title="（示例）改写后的标题"))
    project.commit("改写历史", "2022-12-24T09:00:00+08:00")
    assert assert_warm_equals_cold(project, cache)["touched"] is None  # everything may have changed
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "不在 HEAD 的第一父提交链上" in err and "已忽略" in err
    assert_warm_equals_cold(project, cache)  # and the cache written after it is good again
    assert capsys.readouterr().err == ""


def test_a_cached_head_merged_as_a_second_parent_is_not_reused(project: GitProject, tmp_path: Path, capsys):
    """The first-parent walk shows a merge as one revision, never the branch's own commits."""
    cache = tmp_path / "cache"
    project.git("checkout", "-q", "-b", "topic")
    project.write(good_list(id="JDZ-2022-003", title="（示例）分支上的修改"))
    project.commit("分支上的修改", "2023-01-02T09:00:00+08:00")
    snapshot(project, cache)  # cached at the branch's head
    project.git("checkout", "-q", "main")
    project.write(good_list(id="JDZ-2022-004"))
    project.commit("主线上的提交", "2023-01-03T09:00:00+08:00")
    project.git("merge", "-q", "--no-ff", "-m", "合并分支", "topic", date="2023-01-04T09:00:00+08:00")
    warm = assert_warm_equals_cold(project, cache)
    assert [r.subject for r in warm["records"]["JDZ-2022-003"][1]][-1] == "合并分支"
    assert "第一父提交链" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["truncated index", "garbage index", "truncated pack", "garbage pack", "lost pack"])
def test_a_damaged_cache_is_ignored(project: GitProject, tmp_path: Path, damage: str, capsys):
    cache = tmp_path / "cache"
    snapshot(project, cache)
    target = cache / "history.idx" if "index" in damage else next(cache.glob("*.pack"))
    raw = target.read_bytes()
    if damage.startswith("truncated"):
        target.write_bytes(raw[: len(raw) // 2])
    elif damage.startswith("garbage"):
        target.write_bytes(bytes(range(256)) * 8)
    else:
        target.unlink()
    correct_and_announce(project)
    assert_warm_equals_cold(project, cache)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "已损坏" in err and "已忽略" in err
    assert_warm_equals_cold(project, cache)  # rewritten whole
    assert capsys.readouterr().err == ""


def test_a_cache_of_another_code_version_or_repository_is_ignored(project: GitProject, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch, capsys):
    cache = tmp_path / "cache"
    snapshot(project, cache)
    monkeypatch.setattr(revisions, "code_version", lambda: "another")
    assert_warm_equals_cold(project, cache)
    assert "由另一版本的程序生成" in capsys.readouterr().err
    monkeypatch.undo()
    snapshot(project, cache)  # made by this version again
    assert "由另一版本的程序生成" in capsys.readouterr().err
    moved = project.copy(tmp_path / "moved")
    assert_warm_equals_cold(moved, cache)
    assert "属于另一个仓库或内容目录" in capsys.readouterr().err


def test_an_unwritable_cache_folder_means_no_cache_and_one_line(project: GitProject, tmp_path: Path, capsys):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert_warm_equals_cold(project, blocked / "history")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "无法写入修订记录缓存目录" in err and "本次不使用缓存" in err
    # a folder that goes away under the load: still no failure, one line
    cache = tmp_path / "cache"
    with load_history(project.path, cache=cache) as history:
        history.timeline("JDZ-2022-001")
        shutil.rmtree(cache)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "无法写入修订记录缓存" in err


def test_the_working_tree_revision_is_never_cached(project: GitProject, tmp_path: Path):
    cache = tmp_path / "cache"
    project.write(CORRECTED)
    project.write(good_list(id="JDZ-2022-009"))  # untracked
    assert_warm_equals_cold(project, cache, worktree=True)
    assert assert_warm_equals_cold(project, cache, worktree=True)["touched"] == {"JDZ-2022-001", "JDZ-2022-009"}
    project.git("checkout", "-q", "--", ".")
    project.file("JDZ-2022-009").unlink()
    assert_warm_equals_cold(project, cache, worktree=True)
    assert_warm_equals_cold(project, cache)


def test_a_narrowed_walk_neither_reads_nor_writes_the_cache(project: GitProject, tmp_path: Path):
    cache = tmp_path / "cache"
    with load_history(project.path, ids=["JDZ-2022-001"], cache=cache) as history:
        history.timeline("JDZ-2022-001")
    assert not cache.exists()


def test_revisions_share_only_what_is_the_same_as_parsed():
    old = {"a": Decimal("1.5"), "b": 1, "c": {"x": "同"}, "d": ["甲", "乙"], "e": {"k": 1, "l": 2}}
    new = {"a": Decimal("1.50"), "b": True, "c": {"x": "同"}, "d": ["甲", "乙", "丙"], "e": {"l": 2, "k": 1}}
    assert revisions._share(old, new) is new
    assert str(new["a"]) == "1.50" and new["b"] is True  # equal, but not the same
    assert new["c"] is old["c"] and new["d"][0] is old["d"][0] and new["d"] is not old["d"]
    assert list(new["e"]) == ["l", "k"] and new["e"] is not old["e"]
    same = {"a": Decimal("1.5"), "c": {"x": "同"}}
    assert revisions._share(same, {"a": Decimal("1.5"), "c": {"x": "同"}}) is same


def test_the_code_version_covers_every_module_a_history_is_computed_by():
    """Every jiebang module that loading a History imports is hashed, except the rules' own
    checks, which rules/texts.py pulls in through the rules package but which compute nothing here."""
    script = ("import sys, jiebang.history.revisions\n"
              "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('jiebang.') and m.__file__))")
    tools = str(Path(history_cache.__file__).parents[2])
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": tools}).stdout
    package = Path(history_cache.__file__).resolve().parents[1]
    hashed = {p for pattern in history_cache._SOURCES for p in package.glob(pattern)}
    loaded = {Path(f).resolve() for f in out.split()}
    unhashed = {p.relative_to(package).as_posix() for p in loaded - hashed}
    assert {p for p in unhashed if not p.startswith("rules/") and not p.endswith("__init__.py")} == set()
    assert any(p.name == "list.schema.json" for p in hashed) and package / "rules" / "texts.py" in hashed


def test_a_forked_child_reads_the_cache_through_its_own_files_and_never_writes_it(project: GitProject, tmp_path: Path,
                                                                                 parsed: list[str]):
    """The search index is made in a process forked from the build (site/rendering.apart): there the
    history's revisions come from the cache, as in the parent, not from git again, and the parent alone
    writes the cache."""
    cache = tmp_path / "cache"
    cold = snapshot(project, cache)
    correct_and_announce(project)
    before = {f.name: f.read_bytes() for f in cache.iterdir()}
    history = load_history(project.path, cache=cache)
    parent_store = history._store
    history.in_forked_child()  # what the forked process does first
    assert history._store is not parent_store and history._store._readers == {}  # files of its own
    parsed.clear()
    answers = {rid: (history.timeline(rid), history.announced_changes(rid)) for rid in cold["ids"]}
    history.close()  # as the child ends (Forked's finish)
    # Only the new commit's records, which the parent has not cached yet, are read from git.
    assert set(parsed) <= {"content/lists/2022/JDZ-2022-001.yaml", "content/results/2022/JDZ-2022-001-R03.yaml"}
    assert {f.name: f.read_bytes() for f in cache.iterdir()} == before  # the parent's to write
    fresh = snapshot(project)["records"]
    assert answers == {rid: (fresh[rid][2], fresh[rid][4]) for rid in cold["ids"]}
