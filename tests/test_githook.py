"""The pre-commit hook `make html` installs: a commit of invalid content is refused, a valid one goes
through, installing twice changes nothing, and a hook of the user's own is never replaced."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, ContentRoot, good_list
from jiebang.desk.githook import FOREIGN, INSTALLED, SKIPPED, UNCHANGED, UPDATED, install_hook

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TOOLS = str(REPO / "tools")


def git(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "PYTHONPATH": os.pathsep.join([TOOLS, os.environ.get("PYTHONPATH", "")])}  # the hook runs this jiebang
    return subprocess.run(["git", "-c", "user.name=计划科", "-c", "user.email=jhk@example.gov.cn", *args],
                          cwd=project, env=env, capture_output=True, text=True, check=check)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    ContentRoot(project / "content").write(good_list())
    git(project, "init", "-q", "-b", "main")
    return project


def hook(project: Path) -> Path:
    return project / ".git" / "hooks" / "pre-commit"


def test_the_hook_refuses_a_commit_of_invalid_content_and_lets_a_valid_one_through(project: Path) -> None:
    assert install_hook(project)[0] == INSTALLED
    git(project, "add", "-A")
    assert git(project, "commit", "-q", "-m", "发布榜单").returncode == 0

    record = project / "content" / "lists" / "2022" / "JDZ-2022-001.yaml"
    record.write_text(record.read_text("utf-8").replace("to_solver_wan: 200", "to_solver_wan: 80"), "utf-8")
    git(project, "add", "-A")
    refused = git(project, "commit", "-q", "-m", "改榜单金额", check=False)
    assert refused.returncode != 0
    assert "[money.list_amount_min]" in refused.stdout + refused.stderr
    assert "JDZ-2022-001.yaml" in refused.stdout + refused.stderr
    assert git(project, "log", "--format=%s").stdout.splitlines() == ["发布榜单"]


def test_a_commit_without_content_is_not_checked(project: Path) -> None:
    install_hook(project)
    bad = project / "content" / "lists" / "2022" / "JDZ-2022-001.yaml"
    bad.write_text(bad.read_text("utf-8").replace("to_solver_wan: 200", "to_solver_wan: 80"), "utf-8")
    (project / "notes.txt").write_text("备忘\n", "utf-8")
    git(project, "add", "notes.txt")
    assert git(project, "commit", "-q", "-m", "备忘", check=False).returncode == 0


def test_installing_again_changes_nothing(project: Path) -> None:
    install_hook(project)
    before = hook(project).read_bytes()
    assert install_hook(project) == (UNCHANGED, "提交前检查（pre-commit）钩子已安装。")
    assert hook(project).read_bytes() == before
    assert install_hook(project, python="/opt/other/python")[0] == UPDATED  # ours, refreshed


def test_a_users_own_hook_is_never_replaced(project: Path) -> None:
    own = "#!/bin/sh\necho 我自己的钩子\n"
    hook(project).parent.mkdir(parents=True, exist_ok=True)
    hook(project).write_text(own, "utf-8")
    state, message = install_hook(project)
    assert state == FOREIGN and "未改动" in message and "jiebang validate" in message
    assert hook(project).read_text("utf-8") == own


def test_outside_git_or_with_core_hooks_path_nothing_is_installed(project: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert install_hook(plain)[0] == SKIPPED
    git(project, "config", "core.hooksPath", ".githooks")
    assert install_hook(project)[0] == SKIPPED
    assert not (project / ".githooks").exists() and not hook(project).exists()


def test_make_html_and_the_make_free_line_install_it(project: Path) -> None:
    if shutil.which("make"):
        planned = subprocess.run(["make", "-n", "-C", str(REPO), "html"], capture_output=True, text=True)
        assert "-m jiebang.desk.githook" in planned.stdout
    env = {**os.environ, "PYTHONPATH": TOOLS, "GIT_CONFIG_GLOBAL": os.devnull}
    run = subprocess.run([sys.executable, "-m", "jiebang.desk.githook"], cwd=project, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0 and "已安装提交前检查" in run.stdout
    assert os.access(hook(project), os.X_OK)
    again = subprocess.run([sys.executable, "-m", "jiebang.desk.githook"], cwd=project, env=env,
                           capture_output=True, text=True)
    assert (again.returncode, again.stdout) == (0, "")  # make html runs it every time: quiet when done
