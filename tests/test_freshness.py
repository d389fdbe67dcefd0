"""A build whose inputs are all unchanged makes nothing, says so and repeats the warnings; a change to
any input — content, theme, settings, environment, the git commit, the site itself — builds again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import sample_project
from jiebang.site import freshness
from jiebang.site.build import build_site

REPO = Path(__file__).resolve().parents[1]


def git(project: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-27T10:00:00+08:00", "GIT_COMMITTER_DATE": "2026-11-27T10:00:00+08:00",
           "GIT_AUTHOR_NAME": "计划科", "GIT_AUTHOR_EMAIL": "jhk@example.gov.cn", "GIT_COMMITTER_NAME": "计划科",
           "GIT_COMMITTER_EMAIL": "jhk@example.gov.cn"}
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """The sample with one warning (a five-year term), committed; files count as settled at once."""
    monkeypatch.setattr(freshness, "RACY_SECONDS", 0)
    project = sample_project(tmp_path / "project")
    record = project / "content/lists/2026/JDZ-2026-001.yaml"
    record.write_text(record.read_text("utf-8").replace("period_years: 3", "period_years: 5"), "utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "样例内容")
    return project


def build(project: Path, out: Path, capsys, **kwargs):
    built = build_site(project, out, **kwargs)
    return built, capsys.readouterr().err


def test_a_second_build_of_the_same_inputs_makes_nothing_and_repeats_the_warnings(project, tmp_path, capsys) -> None:
    out = tmp_path / "site"
    first, warned = build(project, out, capsys)
    assert not first.unchanged and "[period.years]" in warned
    page = out / "lists/JDZ-2026-001/index.html"
    inode = page.stat().st_ino
    second, again = build(project, out, capsys)
    assert second.unchanged and second.count == first.count
    assert again == warned  # the clerk still sees what needs a look
    assert page.stat().st_ino == inode  # the live site was not swapped


def test_the_command_says_the_site_is_up_to_date(project) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    runs = [subprocess.run([sys.executable, "-m", "jiebang", "build"], cwd=project, capture_output=True, text=True, env=env)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0]
    assert runs[0].stdout.startswith("已生成 ")
    # The second may still find the files racy (written under two seconds ago): then it builds again.
    assert runs[1].stdout.startswith(("已生成 ", "内容、模板、设置和程序自上次生成以来均未改变：output/ 已是最新"))


def change_content(project: Path) -> None:
    record = project / "content/lists/2026/JDZ-2026-002.yaml"
    record.write_text(record.read_text("utf-8").replace("title: ", "title: （改）", 1), "utf-8")


def change_theme(project: Path) -> None:
    (project / "theme/static/css/site.css").open("a", encoding="utf-8").write("\n/* 改 */\n")


def change_settings(project: Path) -> None:
    (project / "pelicanconf.py").open("a", encoding="utf-8").write("\nJIEBANG_PAGE_SIZE = 7\n")


def change_commit(project: Path) -> None:
    git(project, "commit", "-q", "--allow-empty", "-m", "另一个提交")  # new history, same files


def change_site(project: Path) -> None:
    (project / "output/index.html").write_text("改过的首页", "utf-8")
    subprocess.run(["sh", "-c", "echo x >> output/SHA256SUMS"], cwd=project, check=True)


def remove_site(project: Path) -> None:
    import shutil

    shutil.rmtree(project / "output")


@pytest.mark.parametrize("change", [change_content, change_theme, change_settings, change_commit, change_site, remove_site])
def test_any_changed_input_builds_again(project, capsys, change) -> None:
    out = project / "output"
    assert (project / "theme/static/css/site.css").is_file()
    build(project, out, capsys)
    assert build(project, out, capsys)[0].unchanged  # so what follows is the change's doing
    change(project)
    again, _ = build(project, out, capsys)
    assert not again.unchanged
    assert (out / "index.html").read_text("utf-8") != "改过的首页"


def test_an_environment_setting_builds_again(project, tmp_path, capsys, monkeypatch) -> None:
    out = tmp_path / "site"
    build(project, out, capsys)
    assert build(project, out, capsys)[0].unchanged
    monkeypatch.setenv("JIEBANG_SITEURL", "https://another.example.gov.cn")
    assert not build(project, out, capsys)[0].unchanged
    monkeypatch.setenv("JIEBANG_WORKERS", "1")  # how many processes, not what they make
    assert build(project, out, capsys)[0].unchanged


def test_without_the_cache_every_build_builds(project, tmp_path, capsys) -> None:
    out = tmp_path / "site"
    build(project, out, capsys)
    assert not build(project, out, capsys, use_cache=False)[0].unchanged
    # …and leaves no key behind: a later build with the cache builds too.
    assert not freshness.stamp_path(out.resolve()).exists()


def test_a_file_saved_just_before_the_build_is_not_trusted_to_show_the_next_edit(project, tmp_path, capsys,
                                                                                  monkeypatch) -> None:
    monkeypatch.setattr(freshness, "RACY_SECONDS", 2)
    change_content(project)  # now: the next edit in this same instant could keep size and mtime
    out = tmp_path / "site"
    build(project, out, capsys)
    assert not freshness.stamp_path(out.resolve()).exists()
    assert not build(project, out, capsys)[0].unchanged


def test_a_file_committed_just_before_the_build_is_trusted_at_once(project, tmp_path, capsys, monkeypatch) -> None:
    """git vouches for a file it calls unchanged (it compares the bytes of one too new to tell by its
    status), so a build right after a commit writes its key and the next one makes nothing."""
    monkeypatch.setattr(freshness, "RACY_SECONDS", 2)
    change_content(project)
    git(project, "commit", "-qam", "改")
    out = tmp_path / "site"
    build(project, out, capsys)
    assert freshness.stamp_path(out.resolve()).exists()
    assert build(project, out, capsys)[0].unchanged
    change_content(project)  # and an edit after it is seen, however soon
    assert not build(project, out, capsys)[0].unchanged


def ignore_a_page(project: Path) -> Path:
    page = project / "content/pages/extra.md"
    page.write_text("Title: 附加\nSlug: extra\n\n一\n", "utf-8")
    (project / ".git/info/exclude").write_text("content/pages/extra.md\n", "utf-8")
    return page


def edit_an_ignored_page(project: Path) -> None:
    (project / "content/pages/extra.md").write_text("Title: 附加\nSlug: extra\n\n二\n", "utf-8")


def edit_a_file_git_is_told_not_to_check(project: Path) -> None:
    git(project, "update-index", "--assume-unchanged", "content/lists/2026/JDZ-2026-002.yaml")
    change_content(project)


def leave_git(project: Path) -> None:
    import shutil

    shutil.rmtree(project / ".git")
    change_content(project)


@pytest.mark.parametrize("change", [edit_an_ignored_page, edit_a_file_git_is_told_not_to_check, leave_git])
def test_what_git_does_not_vouch_for_is_still_seen(project, capsys, change) -> None:
    """A file the build reads but git ignores, one git is told not to look at, and a project outside git:
    each edit builds again."""
    ignore_a_page(project)
    out = project / "output"
    build(project, out, capsys)
    assert build(project, out, capsys)[0].unchanged
    change(project)
    assert not build(project, out, capsys)[0].unchanged
    assert build(project, out, capsys)[0].unchanged


def link_a_record(project: Path) -> Path:
    """A list file that is a symbolic link to one outside the project (the loader takes linked files)."""
    record = project / "content/lists/2026/JDZ-2026-002.yaml"
    target = project.parent / "JDZ-2026-002.yaml"
    target.write_text(record.read_text("utf-8"), "utf-8")
    record.unlink()
    record.symlink_to(target)
    return target


@pytest.mark.parametrize("in_git", [True, False])
def test_an_edit_to_the_file_a_record_links_to_is_seen(project, capsys, in_git) -> None:
    """git sees a link, not what it points to; nor does a status of the link itself."""
    import shutil

    target = link_a_record(project)
    if in_git:
        git(project, "add", "-A")
        git(project, "commit", "-qm", "链接")
    else:
        shutil.rmtree(project / ".git")
    out = project / "output"
    build(project, out, capsys)
    assert build(project, out, capsys)[0].unchanged
    target.write_text(target.read_text("utf-8").replace("title: ", "title: （链接处改）", 1), "utf-8")
    assert not build(project, out, capsys)[0].unchanged
    assert "（链接处改）" in (out / "lists/JDZ-2026-002/index.html").read_text("utf-8")


@pytest.mark.parametrize("entries, plain", [
    ([], True),
    (["H 100644 {} 0\tcontent/a.yaml", "H 100755 {} 0\ttheme/run.sh"], True),
    (["H 100644 {} 0\tcontent/a.yaml", "H 160000 {} 0\tcontent/sub"], True),  # the status looks at it
    (["H 100644 {} 0\tcontent/a.yaml", "H 120000 {} 0\tcontent/link.yaml"], False),
    (["H 120000 {} 0\tcontent/link.yaml", "H 100644 {} 0\tcontent/a.yaml"], False),
    (["H 100644 {} 0\tcontent/a.yaml", "h 100644 {} 0\tcontent/unchecked.yaml"], False),  # assume-unchanged
    (["S 100644 {} 0\tcontent/skipped.yaml", "H 100644 {} 0\tcontent/a.yaml"], False),  # skip-worktree
])
def test_which_index_entries_git_vouches_for(entries, plain) -> None:
    """The count made in C for an index of plain files agrees with the look at every entry."""
    index = b"".join(entry.format("0" * 40).encode() + b"\0" for entry in entries)
    assert freshness._plain_files(index) is plain


def test_a_git_that_cannot_be_started_means_the_walk_and_no_process_left_behind(project, monkeypatch) -> None:
    """The second of the three git commands fails to start (no process to spare): the key comes from a
    walk, and the one already started has been waited for."""
    started = []
    real = freshness._git_started

    def flaky(where, *args):
        if started:
            raise OSError("Resource temporarily unavailable")
        started.append(real(where, *args))
        return started[-1]

    monkeypatch.setattr(freshness, "_git_started", flaky)
    assert freshness._from_git(project, 0) is None
    assert len(started) == 1 and started[0].returncode is not None  # reaped, not a zombie
    inputs = freshness.build_inputs(project, project / "output", "pelicanconf.py", None, None)
    assert inputs is not None and inputs.key
