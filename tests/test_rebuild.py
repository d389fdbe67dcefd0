"""`jiebang verify` and `jiebang build --at`, on a real clone of this repository (issue 4, items 6–7)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
JIEBANG = [sys.executable, "-m", "jiebang.cli"]
GIT_ENV = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.gov.cn", "GIT_COMMITTER_NAME": "测试",
           "GIT_COMMITTER_EMAIL": "t@example.gov.cn", "GIT_AUTHOR_DATE": "2030-01-02T10:00:00+08:00",
           "GIT_COMMITTER_DATE": "2030-01-02T10:00:00+08:00"}


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A clone of the committed repository: what a bureau's CI or an auditor would check out."""
    if run(REPO, "git", "rev-parse", "HEAD").returncode != 0:
        pytest.skip("the repository has no commits to clone")
    clone = tmp_path_factory.mktemp("clone") / "jiebang"
    assert run(REPO, "git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)).returncode == 0
    return clone


@pytest.fixture(scope="module")
def built(project: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("deployed") / "site"
    done = run(project, *JIEBANG, "build", "--output", str(out))
    assert done.returncode == 0, done.stderr
    # One line of our own: not Pelican's "Done: Processed 0 articles, 0 drafts …"
    assert [line for line in (done.stdout + done.stderr).splitlines() if line.strip()] == [
        line for line in done.stdout.splitlines() if line.startswith("已生成 ")]
    return out


def test_sums_name_the_source_commit(project: Path, built: Path):
    head = run(project, "git", "rev-parse", "HEAD").stdout.strip()
    assert (built / "SHA256SUMS").read_text("utf-8").splitlines()[0] == f"# source-commit: {head}"


def test_verify_passes_on_a_fresh_build(project: Path, built: Path):
    done = run(project, *JIEBANG, "verify", str(built))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "复核通过" in done.stdout and "逐字节一致" in done.stdout
    assert run(project, "git", "worktree", "list").stdout.count("\n") == 1  # the temporary worktree is gone


def test_verify_fails_when_one_byte_changes(project: Path, built: Path, tmp_path: Path):
    copy = tmp_path / "site"
    subprocess.run(["cp", "-a", str(built), str(copy)], check=True)
    page = copy / "lists" / "JDZ-2022-001" / "index.html"
    data = bytearray(page.read_bytes())
    data[-2] ^= 1
    page.write_bytes(bytes(data))
    done = run(project, *JIEBANG, "verify", str(copy))
    assert done.returncode == 1
    assert "与重新生成的结果不同：lists/JDZ-2022-001/index.html" in done.stdout
    assert "与其 SHA256SUMS 不符：lists/JDZ-2022-001/index.html" in done.stdout
    assert "复核未通过" in done.stdout


def test_verify_names_an_added_file(project: Path, built: Path, tmp_path: Path):
    copy = tmp_path / "site"
    subprocess.run(["cp", "-a", str(built), str(copy)], check=True)
    (copy / "extra.html").write_text("<p>不是仓库生成的</p>", "utf-8")
    done = run(project, *JIEBANG, "verify", str(copy))
    assert done.returncode == 1 and "部署中多出：extra.html" in done.stdout


def test_verify_refuses_a_folder_without_sums(project: Path, tmp_path: Path):
    done = run(project, *JIEBANG, "verify", str(tmp_path))
    assert done.returncode == 2 and "SHA256SUMS" in done.stderr and "Traceback" not in done.stderr


def test_build_at_an_earlier_revision_shows_the_site_as_it_stood(project: Path, tmp_path: Path):
    before = run(project, "git", "rev-parse", "HEAD").stdout.strip()
    record = project / "content" / "lists" / "2026" / "JDZ-2026-001.yaml"
    text = record.read_text("utf-8")
    old_title = next(line for line in text.splitlines() if line.startswith("title:")).split(":", 1)[1].strip()
    record.write_text(text.replace(f"title: {old_title}", "title: 已改名的榜单标题"), "utf-8")
    assert run(project, "git", "commit", "-qam", "改名").returncode == 0
    try:
        out = tmp_path / "then"
        done = run(project, *JIEBANG, "build", "--at", before, "--output", str(out))
        assert done.returncode == 0, done.stderr
        page = (out / "lists" / "JDZ-2026-001" / "index.html").read_text("utf-8")
        assert old_title in page and "已改名的榜单标题" not in page
        assert (out / "SHA256SUMS").read_text("utf-8").startswith(f"# source-commit: {before}")
        assert "已改名的榜单标题" in record.read_text("utf-8")  # the working tree is untouched
        by_date = run(project, *JIEBANG, "build", "--at", "2030-01-01", "--output", str(tmp_path / "by-date"))
        assert by_date.returncode == 0 and before[:12] in by_date.stdout
    finally:
        run(project, "git", "reset", "--hard", "-q", before)


def test_build_at_an_unknown_revision_is_a_usage_error(project: Path, tmp_path: Path):
    done = run(project, *JIEBANG, "build", "--at", "no-such-rev", "--output", str(tmp_path / "x"))
    assert done.returncode == 2 and "找不到版本 no-such-rev" in done.stderr
    early = run(project, *JIEBANG, "build", "--at", "1999-01-01", "--output", str(tmp_path / "y"))
    assert early.returncode == 2 and "没有任何提交" in early.stderr
