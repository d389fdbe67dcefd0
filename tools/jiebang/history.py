"""History: every record's revisions from git, read in one walk of the log.

One `git log --raw -z` over the content tree lists, commit by commit, which record files changed and
their new blob ids; one long-lived `git cat-file --batch` then hands over the blobs of the records a
caller asks for (thousands per round trip when records are read in order), which are parsed with
jiebang.load like any file. Running `git log` once per file instead walks the whole history once per
record: at 20,000 records and 100,000 commits, hours instead of about a minute
(bench/history_bench.py measures both).

A revision is a state of the published branch: the walk follows first parents, and a merge is one
revision carrying all it brought in (`--diff-merges=first-parent`), dated when it landed. Dates are
author dates. Records are known by their file stem (= id), so a file moved to another year folder
keeps its history. Outside a git repository (content unpacked from a tarball) there is no history:
`History.ok` is False and `History.warning` says why; nothing raises. Unknown revisions raise
GitError, which commands turn into exit 2.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import subprocess
import tempfile
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .content import FOLDERS
from .diffs import FieldChange, covers, diff_records, field_keys
from .load import Document, parse_document
from .schema import SCHEMAS

WORKTREE = "工作区"  # the short name of the working-tree pseudo-revision
_KIND_OF_FOLDER = {folder: kind for kind, folder in FOLDERS.items()}
_FIELDS = "%H%x00%h%x00%aI%x00%an%x00%s"  # no field can hold a NUL, so none can break the parse
_HEADER = "%x1e" + _FIELDS
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")
_YEAR = re.compile(r"[A-Z]+-([0-9]{4})-")
_READ_AHEAD = 4000  # blobs asked of cat-file per round trip when records are read in id order
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


@dataclass(frozen=True)
class Revision:
    """A record as one commit left it (or as the working tree has it: commit None, short 工作区)."""

    commit: str | None
    short: str
    date: str | None
    author: str
    subject: str
    path: str  # relative to the project directory, e.g. content/lists/2022/JDZ-2022-001.yaml
    kind: str  # "list" or "result"
    status: str  # "added" | "modified" | "deleted"
    data: dict | None  # None: the file was deleted
    changes_note: str | None = None  # the note(s) of the `changes` entries this revision added
    problem: str | None = None  # the file could not be read as a record (data is then {})

    @property
    def first_publication(self) -> bool:
        return self.status == "added"

    def as_json(self) -> dict:
        return {"commit": self.commit, "short": self.short, "date": self.date, "author": self.author,
                "subject": self.subject, "path": self.path, "status": self.status,
                "changes_note": self.changes_note, "problem": self.problem}


@dataclass(frozen=True)
class RecordChange:
    """One record added, changed or removed between two revisions (`jiebang diff`, the audit)."""

    id: str
    kind: str
    status: str  # "added" | "changed" | "removed"
    old_path: str | None
    new_path: str | None
    old: Document | None
    new: Document | None

    @property
    def old_data(self) -> dict | None:
        return _record_data(self.old)

    @property
    def new_data(self) -> dict | None:
        return _record_data(self.new)

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""

    def field_changes(self) -> list[FieldChange]:
        return diff_records(self.kind, self.old_data, self.new_data)


def _record_data(doc: Document | None) -> dict | None:
    if doc is None:
        return None
    return doc.data if isinstance(doc.data, dict) else {}


# ---------------------------------------------------------------- git plumbing


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

    def is_shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == b"true"

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
            year = _YEAR.match(record_id)
            paths |= {f"{folder}/{year.group(1) + '/' if year else ''}{record_id}.yaml" for folder in folders}
        if rev:
            listed = self.git("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--", *folders)
            paths |= {p for p in listed.decode("utf-8", "surrogateescape").split("\0") if p.rsplit("/", 1)[-1] in names}
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


class BlobReader:
    """One `git cat-file --batch` for the life of a History: blobs by id, many per round trip."""

    CHUNK = 500  # ids written before reading, so neither pipe fills while the other waits

    def __init__(self, repo: Repo):
        self._proc = subprocess.Popen(["git", *_GIT_CONFIG, "cat-file", "--batch"], cwd=repo.top, env=_env(),
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._lock = threading.Lock()  # History reads the next batch on a thread while it parses this one
        self._finalizer = weakref.finalize(self, _stop, self._proc)

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


def _nul_tokens(stream: IO[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """The NUL-separated fields of `git … -z` output, read a megabyte at a time."""
    rest = b""
    while chunk := stream.read(size):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _raw_entries(raw: bytes) -> Iterator[tuple[str, str, str, str]]:
    """(status, old blob id, new blob id, path) from `git diff --raw -z`:
    `:oldmode newmode oldsha newsha S\\0path\\0` per file."""
    tokens = iter(raw.split(b"\0"))
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(b":"):
            meta = token.split(b" ")
            path = next(tokens).decode("utf-8", "surrogateescape")
            yield meta[4][:1].decode(), meta[2].decode(), meta[3].decode(), path


# ---------------------------------------------------------------- the history


@dataclass
class _Entry:
    commit: int  # index into History._commits; -1 for the working tree
    blob: str | None  # None: deleted (or, for the working tree, read from disk)
    path: str  # project-relative


@dataclass
class History:
    """Every record's revisions up to `head`, oldest first. Contents are fetched when asked for."""

    ok: bool
    warning: str | None = None
    head: Commit | None = None
    _commits: list[Commit] = field(default_factory=list, repr=False)
    _entries: dict[str, list[_Entry]] = field(default_factory=dict, repr=False)
    _kinds: dict[str, str] = field(default_factory=dict, repr=False)
    _project: Path | None = field(default=None, repr=False)
    _blobs: BlobReader | None = field(default=None, repr=False)
    _cache: OrderedDict[str, list[Revision]] = field(default_factory=OrderedDict, repr=False)
    _raw: dict[str, bytes | None] = field(default_factory=dict, repr=False)  # the blobs read ahead
    _order: list[str] = field(default_factory=list, repr=False)
    _position: dict[str, int] = field(default_factory=dict, repr=False)
    _next: tuple[int, threading.Thread, dict] | None = field(default=None, repr=False)  # the batch being read
    _batch_end: dict[int, int] = field(default_factory=dict, repr=False)
    _age: dict[str, int] = field(default_factory=dict, repr=False)
    _last: int = field(default=-1, repr=False)  # the position of the record read last, to see reading in order
    cache_size: int = 256

    def ids(self) -> list[str]:
        """Every record id that has at least one revision, sorted."""
        return list(self._order)

    def kind(self, record_id: str) -> str | None:
        return self._kinds.get(record_id)

    def updated(self, record_id: str) -> str | None:
        """The author date of the record's last committed revision (a feed's `updated`, from git)."""
        commits = [e.commit for e in self._entries.get(record_id, []) if e.commit >= 0]
        return self._commits[commits[-1]].date if commits else None

    def revisions(self, record_id: str) -> list[Revision]:
        """The record's revisions, oldest first; [] for an id git never saw (or without git)."""
        if record_id in self._cache:
            self._cache.move_to_end(record_id)
            return self._cache[record_id]
        entries = self._entries.get(record_id)
        if not entries:
            return []
        revisions = self._read(record_id, entries)
        self._cache[record_id] = revisions
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return revisions

    def timeline(self, record_id: str) -> list[tuple[Revision, list[FieldChange]]]:
        """Each revision with its field-level changes against the last readable one before it;
        none for a (first) publication, a deletion or an unreadable version."""
        kind = self._kinds.get(record_id, "list")
        found = []
        previous: dict | None = None
        for revision in self.revisions(record_id):
            modified = revision.status == "modified" and not revision.problem
            found.append((revision, diff_records(kind, previous, revision.data) if modified else []))
            if not revision.problem:
                previous = revision.data
        return found

    def announced_changes(self, notice_id: str) -> list[FieldChange]:
        """What a 更正公告 corrected, for its 更正前/更正后 table: the field changes of its target in the
        revision that made the correction (committed with the notice, else the last one before it)
        that touch the notice's `fields`, limited to those fields. [] when git does not show one."""
        notice = [r for r in self.revisions(notice_id) if r.data and r.commit]
        data = notice[-1].data if notice else {}
        target, fields = data.get("target"), data.get("fields")
        if not isinstance(target, str) or not isinstance(fields, list):
            return []
        fields = [f for f in fields if isinstance(f, str)]
        if not self._age:
            self._age = {commit.sha: i for i, commit in enumerate(self._commits)}  # 0 is the newest
        age = self._age
        for revision, changes in reversed(self.timeline(target)):
            if revision.commit is None or age.get(revision.commit, -1) < age[notice[0].commit]:
                continue  # the working tree, or corrected after the notice
            wanted = [c for c in changes if c.path[0] != "changes" and any(covers(f, field_keys(c.path)) for f in fields)]
            if wanted:
                return wanted
        return []

    def close(self) -> None:
        if self._next is not None:
            self._next[1].join()
            self._next = None
        if self._blobs:
            self._blobs.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, record_id: str, entries: list[_Entry]) -> list[Revision]:
        kind = self._kinds[record_id]
        blobs = self._read_ahead(record_id, entries)
        revisions: list[Revision] = []
        previous: dict | None = None  # the last readable version, for the new `changes` notes
        present = False
        for entry in entries:
            if entry.commit < 0:
                raw = _read_file(self._project / entry.path) if self._project else None
            else:
                raw = blobs.get(entry.blob) if entry.blob else None
            if entry.blob and raw is None:
                data, problem = {}, "git 仓库中缺少这一版本的内容（浅克隆或部分克隆）。"
            else:
                data, problem = _parse(raw, entry.path, kind)
            if entry.commit < 0 and revisions and data == revisions[-1].data:
                continue  # the working tree differs from the last commit only in layout
            status = "deleted" if data is None else ("modified" if present else "added")
            present = data is not None
            commit = self._commits[entry.commit] if entry.commit >= 0 else None
            revisions.append(Revision(
                commit.sha if commit else None, commit.short if commit else WORKTREE, commit.date if commit else None,
                commit.author if commit else "", commit.subject if commit else "（尚未提交的修改）",
                entry.path, kind, status, data, _new_notes(previous, data) if status == "modified" else None, problem))
            if not problem:
                previous = data
        return revisions


    def _read_ahead(self, record_id: str, entries: list[_Entry]) -> dict[str, bytes | None]:
        """This record's blobs. Read in id order (a site build reads every record in turn), also those
        of the records after it, since one round trip per record would cost more than git does; and
        the batch after that on a thread meanwhile, so that git inflates blobs while we parse."""
        wanted = [e.blob for e in entries if e.blob]
        start = self._position.get(record_id, len(self._order))
        in_order, self._last = start == self._last + 1, start
        if self._blobs is None or all(blob in self._raw for blob in wanted):
            return self._raw
        if not in_order:  # looked up out of order: this record's blobs only
            return self._blobs.read(list(dict.fromkeys(wanted)))
        if self._next is not None:
            (next_start, thread, result), self._next = self._next, None
            thread.join()
            if next_start == start:
                self._raw = result
        if not all(blob in self._raw for blob in wanted):
            names, end = self._batch(start)
            self._raw = self._blobs.read(names)
        else:
            end = self._batch_end.get(start, start + 1)
        if end < len(self._order):
            names, after = self._batch(end)
            result: dict[str, bytes | None] = {}
            thread = threading.Thread(target=_read_into, args=(self._blobs, names, result), daemon=True)
            thread.start()
            self._next = (end, thread, result)
            self._batch_end[end] = after
        return self._raw

    def _batch(self, start: int) -> tuple[list[str], int]:
        """The blob ids of the records from `start` on, up to _READ_AHEAD of them, in commit order:
        git's packs keep a file's versions near each other in that order, so it inflates them faster."""
        entries: list[_Entry] = []
        end = start
        while end < len(self._order) and (end == start or len(entries) < _READ_AHEAD):
            entries += [e for e in self._entries[self._order[end]] if e.blob]
            end += 1
        entries.sort(key=lambda e: e.commit)
        return list(dict.fromkeys(e.blob for e in entries if e.blob)), end


def _read_into(blobs: BlobReader, names: list[str], result: dict[str, bytes | None]) -> None:
    # Closed under us (the History was dropped): whoever wants these blobs asks for them again.
    with contextlib.suppress(OSError, ValueError, GitError):
        result.update(blobs.read(names))


def _read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _parse(raw: bytes | None, path: str, kind: str) -> tuple[dict | None, str | None]:
    if raw is None:
        return None, None
    doc, problems = parse_document(raw, path, SCHEMAS[kind])
    if doc is None or not isinstance(doc.data, dict):
        return {}, problems[0].message if problems else "文件内容不是一条记录。"
    return doc.data, None


def _new_notes(old: dict | None, new: dict | None) -> str | None:
    before, after = (old or {}).get("changes"), (new or {}).get("changes")
    before = before if isinstance(before, list) else []
    after = after if isinstance(after, list) else []
    notes = [str(e.get("note", "")).strip() for e in after[len(before):] if isinstance(e, dict)]
    return "；".join(n for n in notes if n) or None


def load_history(project_dir: Path, content_dir: str = "content", rev: str = "HEAD", *,
                 ids: Iterable[str] | None = None, worktree: bool = False) -> History:
    """Every record's revisions up to `rev`, from one `git log` over the content tree.

    `ids` narrows the walk to some records (`jiebang history ID`); `worktree` adds, for each record
    the working tree has changed since `rev`, a final pseudo-revision (commit None, short 工作区).
    Outside git the History is empty with ok False and a warning; an unknown `rev` raises GitError.
    """
    repo, reason = Repo.find(project_dir, content_dir)
    if repo is None:
        return History(ok=False, warning=reason)
    if not repo.has_commits():
        return History(ok=False, warning="git 仓库中还没有任何提交，没有修订记录。")
    head = repo.commit(rev)
    wanted = set(ids) if ids is not None else None
    history = History(ok=True, head=head, _project=Path(project_dir).resolve())
    if repo.is_shallow():
        history.warning = "仓库是浅克隆（如 CI 中 fetch-depth: 1），较早的修订记录缺失：请完整克隆后再生成修订记录。"
    _walk_log(repo, head.sha, wanted, history)
    if worktree:
        for record_id, kind, path, _ in _worktree_changes(repo, head.sha, wanted):
            history._kinds.setdefault(record_id, kind)
            history._entries.setdefault(record_id, []).append(_Entry(-1, None, path))
    history._order = sorted(history._entries)
    history._position = {record_id: i for i, record_id in enumerate(history._order)}
    history._blobs = BlobReader(repo)
    return history


def _walk_log(repo: Repo, head: str, wanted: set[str] | None, history: History) -> None:
    args = ["log", "-z", "--raw", "--no-renames", "--no-abbrev", "--no-color", "--root", "--first-parent",
            "--diff-merges=first-parent", f"--format={_HEADER}", head, "--", *repo.pathspecs(wanted, head)]
    with tempfile.TemporaryFile() as errors:  # not a pipe: git could fill it while we read its output
        proc = subprocess.Popen(["git", *_GIT_CONFIG, *args], cwd=repo.top, env=_env(),
                                stdout=subprocess.PIPE, stderr=errors)
        assert proc.stdout is not None
        with proc.stdout:
            newest_first = _collect(_nul_tokens(proc.stdout), repo, wanted, history)
        if proc.wait() != 0:
            errors.seek(0)
            raise GitError(f"git log 失败：{errors.read().decode('utf-8', 'replace').strip()}")
    for record_id, entries in newest_first.items():
        entries.reverse()
        history._entries[record_id] = entries


def _collect(tokens: Iterator[bytes], repo: Repo, wanted: set[str] | None, history: History) -> dict[str, list[_Entry]]:
    """Commits into history._commits; each record's entries, newest first."""
    abbrev = len(history.head.short) if history.head else 7
    newest_first: dict[str, list[_Entry]] = {}
    paths: dict[str, str] = {}  # one string per path: 20,000 files × 15 revisions share them
    commit = -1
    seen: set[str] = set()  # ids already given a revision by this commit
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(b"\x1e"):
            sha, _, date, author, subject = (f.decode("utf-8", "replace") for f in [token[1:]] + [next(tokens) for _ in range(4)])
            # --no-abbrev (for the blob ids) spells %h out in full; abbreviate as git does for `head`
            history._commits.append(Commit(sha, sha[:abbrev], date, author, subject))
            commit = len(history._commits) - 1
            seen = set()
            continue
        if not token.startswith(b":"):
            continue
        meta = token.split(b" ")
        path = next(tokens).decode("utf-8", "surrogateescape")
        where = repo.locate(path)
        if where is None or b"160000" in (meta[0][1:], meta[1]) or (wanted is not None and where[0] not in wanted):
            continue  # not a record file (a submodule is mode 160000), or not asked for
        record_id, kind, relpath = where
        deleted = meta[4][:1] == b"D"
        entry = _Entry(commit, None if deleted else meta[3].decode(), paths.setdefault(relpath, relpath))
        if record_id in seen:  # one commit moved the file (deleted one path, added another): keep the live one
            if not deleted:
                newest_first[record_id][-1] = entry
            continue
        seen.add(record_id)
        history._kinds.setdefault(record_id, kind)
        newest_first.setdefault(record_id, []).append(entry)
    return newest_first


def _worktree_changes(repo: Repo, rev: str, wanted: set[str] | None) -> list[tuple[str, str, str, str | None]]:
    """(id, kind, project path, blob id at `rev` or None) of each record file the working tree changed,
    added (untracked too) or removed since `rev`."""
    specs = repo.pathspecs(wanted, rev)
    raw = repo.git("diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-ext-diff", rev, "--", *specs)
    found: dict[str, tuple[str, str, str, str | None]] = {}
    for _, _, _, path in _raw_entries(raw):
        where = repo.locate(path)
        if where and (wanted is None or where[0] in wanted):
            found[where[2]] = (*where, None)
    untracked = repo.git("ls-files", "-z", "--others", "--exclude-standard", "--", *specs)
    for path in filter(None, untracked.decode("utf-8", "surrogateescape").split("\0")):
        where = repo.locate(path)
        if where and (wanted is None or where[0] in wanted):
            found[where[2]] = (*where, None)
    return list(found.values())


# ---------------------------------------------------------------- two revisions


def diff_revisions(project_dir: Path, old: str, new: str | None = None,
                   content_dir: str = "content") -> tuple[Commit, Commit | None, list[RecordChange]]:
    """Every record added, changed or removed between `old` and `new` (None: the working tree).

    Reads one `git diff --raw` and one batch of blobs; records whose file changed only in layout
    or comments are kept (an auditor may want to see them) with no field changes.
    Raises GitError outside git or for an unknown revision.
    """
    repo, reason = Repo.find(project_dir, content_dir)
    if repo is None:
        raise GitError(reason or "不在 git 仓库中。")
    if not repo.has_commits():
        raise GitError("git 仓库中还没有任何提交。")
    old_commit = repo.commit(old)
    new_commit = repo.commit(new) if new is not None else None
    specs = repo.pathspecs()
    args = ["diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-ext-diff", old_commit.sha]
    if new_commit:
        args.append(new_commit.sha)
    sides: dict[str, dict[str, Any]] = {}  # id → kind, old: (path, blob), new: (path, blob; None = on disk)
    for status, old_blob, new_blob, path in _raw_entries(repo.git(*args, "--", *specs)):
        where = repo.locate(path)
        if where is None:
            continue
        record_id, kind, relpath = where
        side = sides.setdefault(record_id, {"kind": kind})
        if status != "A":
            side["old"] = (relpath, old_blob)
        if status != "D":
            side["new"] = (relpath, new_blob if new_commit else None)
    if new_commit is None:
        untracked = repo.git("ls-files", "-z", "--others", "--exclude-standard", "--", *specs)
        for path in filter(None, untracked.decode("utf-8", "surrogateescape").split("\0")):
            where = repo.locate(path)
            if where:
                sides.setdefault(where[0], {"kind": where[1]})["new"] = (where[2], None)
    return old_commit, new_commit, _record_changes(repo, Path(project_dir).resolve(), sides)


def _record_changes(repo: Repo, project: Path, sides: dict[str, dict]) -> list[RecordChange]:
    wanted = {pair[1] for side in sides.values() for pair in (side.get("old"), side.get("new")) if pair and pair[1]}
    reader = BlobReader(repo)
    try:
        blobs = reader.read(sorted(wanted))
    finally:
        reader.close()
    changes = []
    for record_id, side in sides.items():
        kind = side["kind"]
        old_path, old_blob = side.get("old", (None, None))
        new_path, new_blob = side.get("new", (None, None))
        old_doc = _document(blobs.get(old_blob), old_path, kind) if old_path else None
        if new_path is None:
            new_doc = None
        elif new_blob:
            new_doc = _document(blobs.get(new_blob), new_path, kind)
        else:  # the working tree
            new_doc = _document(_read_file(project / new_path), new_path, kind)
        if old_doc is None and new_doc is None:
            continue
        status = "added" if old_doc is None else "removed" if new_doc is None else "changed"
        changes.append(RecordChange(record_id, kind, status, old_path, new_path, old_doc, new_doc))
    order = {kind: i for i, kind in enumerate(FOLDERS)}
    return sorted(changes, key=lambda c: (order.get(c.kind, 9), c.id))


def _document(raw: bytes | None, path: str, kind: str) -> Document | None:
    if raw is None:
        return None
    doc, _ = parse_document(raw, path, SCHEMAS[kind])
    return doc if doc is not None else Document(path, {})


def tree_records(project_dir: Path, rev: str, content_dir: str = "content") -> dict[str, tuple[str, str]]:
    """id → (kind, project path) of every record file in `rev` (one `git ls-tree`)."""
    repo, reason = Repo.find(project_dir, content_dir)
    if repo is None:
        raise GitError(reason or "不在 git 仓库中。")
    commit = repo.commit(rev)
    out = repo.git("ls-tree", "-r", "-z", "--name-only", "--full-tree", commit.sha, "--", *repo.pathspecs())
    found = {}
    for path in filter(None, out.decode("utf-8", "surrogateescape").split("\0")):
        where = repo.locate(path)
        if where:
            found.setdefault(where[0], (where[1], where[2]))
    return found
