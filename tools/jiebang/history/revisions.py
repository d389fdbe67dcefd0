"""History: every record's revisions from git, read in one walk of the log.

One `git log --raw -z` over the content tree lists, commit by commit, which record files changed and
their new blob ids; one long-lived `git cat-file --batch` then hands over the blobs of the records a
caller asks for (thousands per round trip when records are read in order), which are parsed with
jiebang.records.load like any file. Running `git log` once per file instead walks the whole history once per
record: at 20,000 records and 100,000 commits, hours instead of about a minute
(bench/history_bench.py measures both). jiebang.history.git talks to git; this module makes revisions of what it reads.

A revision is a state of the published branch: the walk follows first parents, and a merge is one
revision carrying all it brought in (`--diff-merges=first-parent`), dated when it landed. Dates are
author dates. Records are known by their file stem (= id), so a file moved to another year folder
keeps its history. Outside a git repository (content unpacked from a tarball) there is no history:
`History.ok` is False and `History.warning` says why; nothing raises. Unknown revisions raise
GitError, which commands turn into exit 2.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..records.load import parse_document
from ..records.schema import SCHEMAS
from .diffs import FieldChange, covers, diff_records, field_keys
from .git import BlobReader, Commit, GitError, Repo, read_worktree_file

WORKTREE = "工作区"  # the short name of the working-tree pseudo-revision
_READ_AHEAD = 4000  # blobs asked of cat-file per round trip when records are read in id order


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
                raw = read_worktree_file(self._project / entry.path) if self._project else None
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
    """Commits into history._commits; each record's entries, oldest first, into history._entries."""
    abbrev = len(history.head.short) if history.head else 7
    newest_first: dict[str, list[_Entry]] = {}
    paths: dict[str, str] = {}  # one string per path: 20,000 files × 15 revisions share them
    commit = -1
    seen: set[str] = set()  # ids already given a revision by this commit
    for item in repo.log(head, repo.pathspecs(wanted, head), abbrev):
        if isinstance(item, Commit):
            history._commits.append(item)
            commit = len(history._commits) - 1
            seen = set()
            continue
        path, blob = item
        where = repo.locate(path)
        if where is None or (wanted is not None and where[0] not in wanted):
            continue  # not a record file, or not asked for
        record_id, kind, relpath = where
        entry = _Entry(commit, blob, paths.setdefault(relpath, relpath))
        if record_id in seen:  # one commit moved the file (deleted one path, added another): keep the live one
            if blob is not None:
                newest_first[record_id][-1] = entry
                if len(newest_first[record_id]) == 1:  # and its kind, if no later commit gave one
                    history._kinds[record_id] = kind
            continue
        seen.add(record_id)
        history._kinds.setdefault(record_id, kind)
        newest_first.setdefault(record_id, []).append(entry)
    for record_id, entries in newest_first.items():
        entries.reverse()
        history._entries[record_id] = entries


def _worktree_changes(repo: Repo, rev: str, wanted: set[str] | None) -> list[tuple[str, str, str, str | None]]:
    """(id, kind, project path, blob id at `rev` or None) of each record file the working tree changed,
    added (untracked too) or removed since `rev`."""
    specs = repo.pathspecs(wanted, rev)
    found: dict[str, tuple[str, str, str, str | None]] = {}
    for _, _, _, path in repo.diff(rev, None, specs):
        where = repo.locate(path)
        if where and (wanted is None or where[0] in wanted):
            found[where[2]] = (*where, None)
    for path in repo.untracked(specs):
        where = repo.locate(path)
        if where and (wanted is None or where[0] in wanted):
            found[where[2]] = (*where, None)
    return list(found.values())
