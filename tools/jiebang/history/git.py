"""Talking to git: one log walk, one `cat-file --batch`, and the few plumbing commands around them.

Every command runs with the same environment (no locks, no prompts, C locale) and the same `-c`
settings, so a user's ~/.gitconfig cannot change the output parsed here. Paths are read with
`-z` and decoded with surrogateescape, so no file name can break a parse. Git failures raise
GitError with a Chinese message; jiebang.history.revisions and jiebang.history.compare turn all this into records'
revisions.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from ..records.content import FOLDERS, id_year

_KIND_OF_FOLDER = {folder: kind for kind, folder in FOLDERS.items()}
_FIELDS = "%H%x00%h%x00%aI%x00%an%x00%s"  # no field can hold a NUL, so none can break the parse
_HEADER = "%x1e" + _FIELDS
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")
_NARROW_IDS_MAX = 64  # beyond this many ids, walk the whole tree and keep what is wanted
_GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
# Settings a user's ~/.gitconfig may hold that would change the output we parse.
_GIT_CONFIG = ["-c", "log.showSignature=false", "-c", "core.quotePath=false", "-c", "diff.noprefix=false"]


class GitError(Exception):
    """Git cannot answer (not a repository, unknown revision); the message is for the user, in Chinese."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    short: str
    date: str  # author date, ISO 8601 with its time zone
    author: str
    subject: str


class Repo:
    """A git work tree and where the project's content sits in it."""

    def __init__(self, top: Path, project: Path, content_dir: str):
        self.top = top
        self.project_prefix = _relative(project, top)  # "" when the project is the repository
        content = posixpath.normpath(_join(self.project_prefix, PurePosixPath(content_dir).as_posix()))
        self.content = "" if content == "." else content

    @classmethod
    def find(cls, project_dir: Path, content_dir: str = "content") -> tuple[Repo | None, str | None]:
        """The repository holding `project_dir`, or None and the reason in Chinese."""
        project = Path(project_dir).resolve()
        if not project.is_dir():
            return None, f"找不到目录 {project_dir}。"
        try:
            out = subprocess.run(["git", *_GIT_CONFIG, "rev-parse", "--show-toplevel"], cwd=project,
                                 capture_output=True, env=_env(), check=False)
        except FileNotFoundError:
            return None, "找不到 git 命令，无法读取修订记录。"
        except OSError as exc:
            return None, f"无法运行 git（{exc}），无法读取修订记录。"
        if out.returncode != 0:
            if b"dubious ownership" in out.stderr:
                return None, f"git 拒绝读取 {project}：仓库属于其他用户（请按 git 提示设置 safe.directory）。"
            return None, f"{project} 不在 git 仓库中（例如从压缩包解出的内容），没有修订记录可读。"
        return cls(Path(out.stdout.decode().strip()).resolve(), project, content_dir), None

    def git(self, *args: str, input: bytes | None = None) -> bytes:
        out = subprocess.run(["git", *_GIT_CONFIG, *args], cwd=self.top, input=input, capture_output=True,
                             env=_env(), check=False)
        if out.returncode != 0:
            raise GitError(f"git {args[0]} 失败：{out.stderr.decode('utf-8', 'replace').strip()}")
        return out.stdout

    def commit(self, rev: str) -> Commit:
        """The commit `rev` names; GitError in Chinese for anything that is not one."""
        if not rev or rev.startswith("-"):
            raise GitError(f"无效的版本名“{rev}”。")
        out = subprocess.run(["git", *_GIT_CONFIG, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                             cwd=self.top, capture_output=True, env=_env(), check=False)
        if out.returncode != 0:
            raise GitError(f"找不到版本“{rev}”：请给出提交号、分支名或标签名（可用 git log --oneline 查看）。")
        sha = out.stdout.decode().strip()
        fields = self.git("show", "-s", "--no-color", f"--format={_FIELDS}", sha).rstrip(b"\n").split(b"\0")
        return Commit(*(f.decode("utf-8", "replace") for f in fields))

    def exists(self, rev: str) -> bool:
        return subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=self.top,
                              capture_output=True, env=_env(), check=False).returncode == 0

    def has_commits(self) -> bool:
        return self.exists("HEAD")

    def on_first_parent_line(self, old: str, head: str) -> bool:
        """Whether `old` is `head` or one of the commits a walk along first parents from `head` passes,
        i.e. whether the walk from `head` is the walk from `old` with commits added on top. An ancestor
        merged in as a second parent is not: the first-parent walk never shows its commits."""
        if old == head:
            return True
        out = subprocess.run(["git", *_GIT_CONFIG, "rev-list", "--first-parent", "--parents", f"{old}..{head}", "--"],
                             cwd=self.top, capture_output=True, env=_env(), check=False)
        lines = out.stdout.split(b"\n")[:-1] if out.returncode == 0 else []
        # the walk stops below the first commit `old` reaches: its first parent is `old` itself iff old is on the line
        return bool(lines) and lines[-1].split(b" ")[1:2] == [old.encode()]

    def is_shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == b"true"

    def is_partial(self) -> bool:
        """A partial clone (--filter=blob:none): blobs it lacks may be fetched later."""
        out = subprocess.run(["git", *_GIT_CONFIG, "config", "--get-regexp", r"^remote\..*\.promisor$"],
                             cwd=self.top, capture_output=True, env=_env(), check=False)
        return out.returncode == 0 and b"true" in out.stdout

    def pathspecs(self, ids: Iterable[str] | None = None, rev: str | None = None) -> list[str]:
        """The record folders; for a few ids, the very files they live or lived in: their year folder's
        (id.year_folder keeps them there) and wherever `rev` or the working tree has them. A wildcard
        pathspec (content/lists/*/ID.yaml) would cost git more than the whole tree does."""
        folders = [_join(self.content, folder) for folder in FOLDERS.values()]
        wanted = sorted(set(ids)) if ids is not None else None
        if wanted is None or len(wanted) > _NARROW_IDS_MAX or not all(_SAFE_ID.fullmatch(i) for i in wanted):
            return folders
        names = {f"{record_id}.yaml" for record_id in wanted}
        paths = set()
        for record_id in wanted:
            year = id_year(record_id)
            paths |= {f"{folder}/{year + '/' if year else ''}{record_id}.yaml" for folder in folders}
        if rev:
            paths |= {p for p in self.tree_paths(rev, folders) if p.rsplit("/", 1)[-1] in names}
        for folder in folders:
            if (self.top / folder).is_dir():
                paths |= {f.relative_to(self.top).as_posix() for f in (self.top / folder).rglob("*.yaml") if f.name in names}
        return [f":(literal){path}" for path in sorted(paths)]

    def locate(self, path: str) -> tuple[str, str, str] | None:
        """(id, kind, project-relative path) of a repository path, or None if it is not a record file."""
        if not path.endswith(".yaml") or (self.content and not path.startswith(self.content + "/")):
            return None
        parts = (path[len(self.content) + 1:] if self.content else path).split("/")
        kind = _KIND_OF_FOLDER.get(parts[0])
        if kind is None or len(parts) < 2:
            return None
        return parts[-1][: -len(".yaml")], kind, path[len(self.project_prefix) + 1:] if self.project_prefix else path

    def tree_paths(self, rev: str, pathspecs: list[str]) -> list[str]:
        """Every file under `pathspecs` in `rev` (repository paths)."""
        return _paths(self.git("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--", *pathspecs))

    def untracked(self, pathspecs: list[str]) -> list[str]:
        """The files under `pathspecs` git does not track and does not ignore."""
        return _paths(self.git("ls-files", "-z", "--others", "--exclude-standard", "--", *pathspecs))

    def diff(self, old: str, new: str | None, pathspecs: list[str]) -> Iterator[tuple[str, str, str, str]]:
        """(status, old blob id, new blob id, path) of each file under `pathspecs` that differs between
        `old` and `new` (None: the working tree), renames seen as a deletion and an addition."""
        revs = [old] if new is None else [old, new]
        raw = self.git("diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-ext-diff", *revs, "--", *pathspecs)
        # `:oldmode newmode oldsha newsha S\0path\0` per file
        tokens = iter(raw.split(b"\0"))
        for token in tokens:
            token = token.lstrip(b"\n")
            if token.startswith(b":"):
                meta = token.split(b" ")
                path = next(tokens).decode("utf-8", "surrogateescape")
                yield meta[4][:1].decode(), meta[2].decode(), meta[3].decode(), path

    def log(self, head: str, pathspecs: list[str], abbrev: int = 7) -> Iterator[Commit | tuple[str, str | None]]:
        """One walk along first parents from `head`, newest first: each commit, then (path, new blob id,
        None if deleted) for each file under `pathspecs` it changed. A merge is one commit with all it
        brought in (`--diff-merges=first-parent`); submodules are left out. GitError if git fails."""
        tokens = self._stream("log", "-z", "--raw", "--no-renames", "--no-abbrev", "--no-color", "--root",
                              "--first-parent", "--diff-merges=first-parent", f"--format={_HEADER}", head,
                              "--", *pathspecs)
        for token in tokens:
            token = token.lstrip(b"\n")
            if token.startswith(b"\x1e"):
                sha, _, date, author, subject = (f.decode("utf-8", "replace") for f in [token[1:]] + [next(tokens) for _ in range(4)])
                # --no-abbrev (for the blob ids) spells %h out in full; abbreviate as git does for `head`
                yield Commit(sha, sha[:abbrev], date, author, subject)
            elif token.startswith(b":"):
                meta = token.split(b" ")
                path = next(tokens).decode("utf-8", "surrogateescape")
                if b"160000" not in (meta[0][1:], meta[1]):  # a submodule is mode 160000
                    yield path, None if meta[4][:1] == b"D" else meta[3].decode()

    def _stream(self, *args: str) -> Iterator[bytes]:
        """The NUL-separated fields of `git <args>` as git writes them; GitError once it fails."""
        with tempfile.TemporaryFile() as errors:  # not a pipe: git could fill it while we read its output
            proc = subprocess.Popen(["git", *_GIT_CONFIG, *args], cwd=self.top, env=_env(),
                                    stdout=subprocess.PIPE, stderr=errors)
            assert proc.stdout is not None
            with proc.stdout:
                yield from _nul_tokens(proc.stdout)
            if proc.wait() != 0:
                errors.seek(0)
                raise GitError(f"git {args[0]} 失败：{errors.read().decode('utf-8', 'replace').strip()}")


def read_worktree_file(path: Path) -> bytes | None:
    """A file as the working tree has it, the working tree's side of a diff; None when it is gone."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _env() -> dict[str, str]:
    return {**os.environ, **_GIT_ENV}


def _relative(path: Path, top: Path) -> str:
    try:
        rel = path.resolve().relative_to(top).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _paths(out: bytes) -> list[str]:
    return [path for path in out.decode("utf-8", "surrogateescape").split("\0") if path]


def _nul_tokens(stream: IO[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """The NUL-separated fields of `git … -z` output, read a megabyte at a time."""
    rest = b""
    while chunk := stream.read(size):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


class BlobReader:
    """One `git cat-file --batch` for the life of a History: blobs by id, many per round trip."""

    CHUNK = 500  # ids written before reading, so neither pipe fills while the other waits

    def __init__(self, repo: Repo):
        self._repo = repo
        self._proc = subprocess.Popen(["git", *_GIT_CONFIG, "cat-file", "--batch"], cwd=repo.top, env=_env(),
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._lock = threading.Lock()  # History reads the next batch on a thread while it parses this one
        self._finalizer = weakref.finalize(self, _stop, self._proc)

    def anew(self) -> BlobReader:
        """A reader of its own for a forked process: this one's pipes and git are its parent's, and are
        left to it (never read, written or stopped here)."""
        self._finalizer.detach()
        return BlobReader(self._repo)

    def read(self, shas: list[str]) -> dict[str, bytes | None]:
        with self._lock:
            return self._read(shas)

    def _read(self, shas: list[str]) -> dict[str, bytes | None]:
        # Read a megabyte at a time from the pipe's file descriptor and cut the objects out of it:
        # on a thread beside the parsing, a read per object would wait for the GIL every time.
        found: dict[str, bytes | None] = {}
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        fd = stdout.fileno()
        for start in range(0, len(shas), self.CHUNK):
            chunk = shas[start:start + self.CHUNK]
            stdin.write("".join(f"{sha}\n" for sha in chunk).encode())
            stdin.flush()
            buf, pos = bytearray(), 0  # the output ends with the chunk's last object: nothing carries over
            for sha in chunk:
                while (newline := buf.find(b"\n", pos)) < 0:
                    buf += _read_some(fd, 1 << 20)
                header = bytes(buf[pos:newline]).split()
                pos = newline + 1
                if len(header) != 3:  # "<sha> missing": a shallow or partial clone
                    found[sha] = None
                    continue
                end = pos + int(header[2])
                while len(buf) < end + 1:
                    buf += _read_some(fd, max(1 << 20, end + 1 - len(buf)))
                found[sha] = bytes(buf[pos:end])
                pos = end + 1  # the newline after each object
        return found

    def close(self) -> None:
        self._finalizer()


def _read_some(fd: int, size: int) -> bytes:
    data = os.read(fd, size)
    if not data:
        raise GitError("git cat-file 意外退出。")
    return data


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout:
        proc.stdout.close()
