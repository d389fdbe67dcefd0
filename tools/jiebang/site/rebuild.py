"""Building a past commit in a temporary git worktree: `build --at` and `verify`.

The working tree is never touched. The past commit is built with its own code, templates and
settings (its `tools/` on PYTHONPATH), so a site deployed from it can be reproduced byte for byte.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .build import SUMS, hash_tree, read_sums


class RebuildError(Exception):
    """The commit cannot be rebuilt (not a git repository, unknown revision …); Chinese message."""


def _git(project: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True)
    except FileNotFoundError:
        raise RebuildError("找不到 git 命令。") from None
    except subprocess.CalledProcessError as exc:
        raise RebuildError(exc.stderr.strip() or f"git {' '.join(args)} 失败。") from None
    return done.stdout.strip()


def resolve(project: Path, at: str) -> str:
    """A date (the last commit on or before that day) or any revision → a full commit id."""
    if not (project / ".git").exists() and not _inside_git(project):
        raise RebuildError(f"{project} 不是 git 仓库，无法按历史版本生成。")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", at):
        commit = _git(project, "rev-list", "-1", f"--before={at} 23:59:59", "HEAD")
        if not commit:
            raise RebuildError(f"{at} 及以前没有任何提交。")
        return commit
    try:
        return _git(project, "rev-parse", "--verify", "--quiet", f"{at}^{{commit}}")
    except RebuildError:
        raise RebuildError(f"找不到版本 {at}。") from None


def _inside_git(project: Path) -> bool:
    try:
        return _git(project, "rev-parse", "--is-inside-work-tree") == "true"
    except RebuildError:
        return False


@contextlib.contextmanager
def worktree(project: Path, commit: str) -> Iterator[Path]:
    """A detached worktree of `commit`, removed afterwards whatever happens."""
    base = Path(tempfile.mkdtemp(prefix="jiebang-worktree-"))
    tree = base / "tree"
    _git(project, "worktree", "add", "--detach", "--quiet", str(tree), commit)
    try:
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=project, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=project, capture_output=True)


def build_commit(project: Path, commit: str, output: Path, settings: str = "pelicanconf.py") -> subprocess.CompletedProcess:
    """Build `commit` into `output` with that commit's own jiebang, templates and settings."""
    with worktree(project, commit) as tree:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree / "tools"), os.environ.get("PYTHONPATH", "")])}
        return subprocess.run([sys.executable, "-m", "jiebang.cli", "build", "--output", str(output.resolve()),
                               "--settings", settings], cwd=tree, env=env, capture_output=True, text=True)


def build_at(project: Path, at: str, output: Path, settings: str = "pelicanconf.py") -> int:
    try:
        commit = resolve(project, at)
    except RebuildError as exc:
        print(f"jiebang build: {exc}", file=sys.stderr)
        return 2
    done = build_commit(project, commit, output, settings)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    if done.returncode == 0:
        print(f"以上为 {commit[:12]}（{_git(project, 'show', '-s', '--format=%ci', commit)}）时的网站。")
    return done.returncode


@dataclass
class Verification:
    commit: str
    changed: list[str] = field(default_factory=list)  # deployed bytes differ from the rebuild
    missing: list[str] = field(default_factory=list)  # in the rebuild, not deployed
    extra: list[str] = field(default_factory=list)  # deployed, not in the rebuild
    tampered: list[str] = field(default_factory=list)  # deployed bytes differ from their own SHA256SUMS

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.tampered)


def verify(project: Path, deployed: Path, settings: str = "pelicanconf.py") -> Verification:
    if not (deployed / SUMS).is_file():
        raise RebuildError(f"{deployed} 中没有 {SUMS}，无法得知它由哪个提交生成。")
    commit, recorded = read_sums(deployed)
    if not commit or commit == "unknown":
        raise RebuildError(f"{SUMS} 没有记载源提交。")
    if commit.endswith("-dirty"):
        raise RebuildError(f"该网站由提交 {commit[:12]} 加上未提交的修改生成，无法复核；请从干净的提交重新生成并部署。")
    actual = hash_tree(deployed)
    result = Verification(commit)
    result.tampered = sorted(name for name, digest in actual.items() if recorded.get(name) not in (None, digest))
    with tempfile.TemporaryDirectory(prefix="jiebang-verify-") as scratch:
        out = Path(scratch) / "site"
        done = build_commit(project, resolve(project, commit), out, settings)
        if done.returncode != 0:
            raise RebuildError(f"重新生成提交 {commit[:12]} 失败：\n{done.stdout}{done.stderr}")
        rebuilt = hash_tree(out)
    result.changed = sorted(name for name in actual.keys() & rebuilt.keys() if actual[name] != rebuilt[name])
    result.missing = sorted(rebuilt.keys() - actual.keys())
    result.extra = sorted(actual.keys() - rebuilt.keys())
    return result
