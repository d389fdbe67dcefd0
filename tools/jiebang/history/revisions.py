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
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from ..records.load import parse_document
from ..records.schema import SCHEMAS
from .cache import HistoryCache, Walk, code_version
from .diffs import FieldChange, covers, diff_records, field_keys
from .git import BlobReader, Commit, GitError, Repo, read_worktree_file
from .steps import Revision, Step, Timeline

WORKTREE = "工作区"  # the short name of the working-tree pseudo-revision
_READ_AHEAD = 4000  # blobs asked of cat-file per round trip when records are read in id order


class _Entry(NamedTuple):
    commit: int  # index into History._commits (oldest first); -1 for the working tree
    blob: str | None  # None: deleted (or, for the working tree, read from disk)
    path: str  # project-relative


@dataclass
class History:
    """Every record's revisions up to `head`, oldest first. Contents are fetched when asked for."""

    ok: bool
    warning: str | None = None
    head: Commit | None = None
    # The records the commits after the cached head (and the working tree) touched: only their
    # revisions and updated dates can differ from the load that wrote the cache, and the announced
    # changes of a 更正公告 whose target is one of them. None: this load walked the whole log.
    touched: set[str] | None = None
    _commits: list[Commit] = field(default_factory=list, repr=False)  # oldest first
    _entries: dict[str, list[_Entry]] = field(default_factory=dict, repr=False)
    _kinds: dict[str, str] = field(default_factory=dict, repr=False)
    _project: Path | None = field(default=None, repr=False)
    _blobs: BlobReader | None = field(default=None, repr=False)
    _store: HistoryCache | None = field(default=None, repr=False)  # what an earlier load computed
    _cache: OrderedDict[str, list[Step]] = field(default_factory=OrderedDict, repr=False)
    _raw: dict[str, bytes | None] = field(default_factory=dict, repr=False)  # the blobs read ahead
    _order: list[str] = field(default_factory=list, repr=False)
    _position: dict[str, int] = field(default_factory=dict, repr=False)
    _next: tuple[int, threading.Thread, dict] | None = field(default=None, repr=False)  # the batch being read
    _batch_end: dict[int, int] = field(default_factory=dict, repr=False)
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    # Neither shallow nor partial: every blob the walk names is in the repository, and stays as it is.
    _complete: bool = field(default=False, repr=False)
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
        return [revision for revision, _ in self._steps(record_id)]

    def timeline(self, record_id: str) -> list[Step]:
        """Each revision with its field-level changes against the last readable one before it;
        none for a (first) publication, a deletion or an unreadable version."""
        return list(self._steps(record_id))

    def lazy_timeline(self, record_id: str) -> Timeline:
        """The timeline, read only when looked at (and only while the history is open)."""
        return Timeline(self, record_id)

    def statement(self, record_id: str) -> list | None:
        """What a record's timeline is made of, without reading it: each committed revision's commit,
        abbreviation, path and blob (the commit fixes its date, author and subject; the blobs, with
        this package's code, its data, notes, problems and changes), and the working tree's file by
        digest. None in a shallow or partial clone, where a blob missing now may be there later."""
        if not self._complete:
            return None
        stated: list = []
        for entry in self._entries.get(record_id, []):
            if entry.commit < 0:
                raw = read_worktree_file(self._project / entry.path) if self._project else None
                stated.append(["worktree", entry.path, hashlib.sha256(raw).hexdigest() if raw is not None else None])
            else:
                commit = self._commits[entry.commit]
                stated.append([commit.sha, commit.short, entry.path, entry.blob])
        return stated

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
        if not self._index:
            self._index = {commit.sha: i for i, commit in enumerate(self._commits)}
        published = self._index[notice[0].commit]
        for revision, changes in reversed(self.timeline(target)):
            if revision.commit is None or self._index[revision.commit] > published:
                continue  # the working tree, or corrected after the notice
            wanted = [c for c in changes if c.path[0] != "changes" and any(covers(f, field_keys(c.path)) for f in fields)]
            if wanted:
                return wanted
        return []

    def settle(self) -> None:
        """Wait for the batch of blobs being read ahead on a thread (kept for later): a process may be
        forked from this one only while no other thread runs."""
        if self._next is not None:
            self._next[1].join()

    def in_forked_child(self) -> None:
        """In a process forked from the one that loaded this history: read git through a cat-file of its
        own, and the history cache through files of its own, never writing it (the parent does, once).
        Without the cache, every 更正公告's target was read from git and parsed again apart (5 s at 20k)."""
        self._next = None
        self._store = self._store.reader() if self._store is not None else None
        if self._blobs is not None:
            self._blobs = self._blobs.anew()

    def close(self) -> None:
        """Stop git, and write what this load computed to the cache folder, if it was given one."""
        if self._next is not None:
            self._next[1].join()
            self._next = None
        if self._blobs:
            self._blobs.close()
        if self._store is not None:
            store, self._store = self._store, None
            store.save(self._as_walk())

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _steps(self, record_id: str) -> list[Step]:
        if record_id in self._cache:
            self._cache.move_to_end(record_id)
            return self._cache[record_id]
        entries = self._entries.get(record_id)
        if not entries:
            return []
        steps = self._read(record_id, entries)
        self._cache[record_id] = steps
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return steps

    def _read(self, record_id: str, entries: list[_Entry]) -> list[Step]:
        """The record's steps: those an earlier load cached, then the rest read from git and parsed.
        A step depends only on the entries before it, so the cached ones lead where they end."""
        kind = self._kinds[record_id]
        committed = sum(1 for e in entries if e.commit >= 0)
        rows = self._store.rows(record_id, kind, committed) if self._store else []
        cached = len(rows)
        steps = [(self._revision(entry, kind, *row[:4]), row[4]) for entry, row in zip(entries, rows)]
        readable = [r.data for r, _ in steps if not r.problem]
        previous = readable[-1] if readable else None  # the last readable version, for notes and diffs
        present = bool(steps) and steps[-1][0].data is not None
        blobs = self._read_ahead(record_id, entries[cached:])
        missing = False
        for entry in entries[cached:]:
            if entry.commit < 0:
                raw = read_worktree_file(self._project / entry.path) if self._project else None
            else:
                raw = blobs.get(entry.blob) if entry.blob else None
            if entry.blob and raw is None:
                data, problem = {}, "git 仓库中缺少这一版本的内容（浅克隆或部分克隆）。"
                missing = True
            else:
                data, problem = _parse(raw, entry.path, kind)
                data = _share(previous, data)
            if entry.commit < 0 and steps and data == steps[-1][0].data:
                continue  # the working tree differs from the last commit only in layout
            status = "deleted" if data is None else ("modified" if present else "added")
            present = data is not None
            modified = status == "modified" and not problem
            note = _new_notes(previous, data) if status == "modified" else None
            changes = diff_records(kind, previous, data) if modified else []
            steps.append((self._revision(entry, kind, status, data, note, problem), changes))
            if entry.commit >= 0:  # the working tree's version is never cached
                rows.append((status, data, note, problem, changes))
            if not problem:
                previous = data
        if self._store is not None and len(rows) > cached and not missing:
            self._store.keep(record_id, kind, rows)
        return steps

    def _revision(self, entry: _Entry, kind: str, status: str, data: dict | None, note: str | None,
                  problem: str | None) -> Revision:
        if entry.commit < 0:
            return Revision(None, WORKTREE, None, "", "（尚未提交的修改）", entry.path, kind, status, data, note, problem)
        commit = self._commits[entry.commit]
        return Revision(commit.sha, commit.short, commit.date, commit.author, commit.subject, entry.path, kind,
                        status, data, note, problem)

    def _as_walk(self) -> Walk:
        """The committed part of the walk, as the cache keeps it."""
        entries = {rid: [tuple(e) for e in found if e.commit >= 0] for rid, found in self._entries.items()}
        entries = {rid: found for rid, found in entries.items() if found}
        commits = [(c.sha, c.date, c.author, c.subject) for c in self._commits]
        assert self.head is not None
        return Walk(self.head.sha, commits, entries, {rid: self._kinds[rid] for rid in entries})

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
            record_id = self._order[end]
            cached = self._store.covered(record_id, self._kinds[record_id]) if self._store else 0
            entries += [e for e in self._entries[record_id][cached:] if e.blob]
            end += 1
        entries.sort(key=lambda e: -e.commit)  # newest first, as git log lists them
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


def _share(old: Any, new: Any) -> Any:
    """`new`, each part of it that is the same as `old`'s at the same place (same type, same text,
    same key order) replaced by old's object. A record's revisions then hold each unchanged text,
    mapping and list once, in memory and in the cache (pickle writes an object it has seen as a
    reference): for 100,000 commits, a fifth of the bytes and of the objects to build. Parts are
    never modified once parsed, as FieldChange's before and after already share them."""
    if type(new) is not type(old):
        return new
    if isinstance(new, dict):
        same = list(new) == list(old)
        for key, value in new.items():
            if key in old:
                new[key] = _share(old[key], value)
                same = same and new[key] is old[key]
        return old if same else new
    if isinstance(new, list):
        new[: len(old)] = [_share(a, b) for a, b in zip(old, new)]
        return old if len(new) == len(old) and all(a is b for a, b in zip(old, new)) else new
    if isinstance(new, str | int | Decimal) or new is None:  # Decimal by its digits: 1.50 is not 1.5
        return old if str(old) == str(new) else new
    return new


def _new_notes(old: dict | None, new: dict | None) -> str | None:
    before, after = (old or {}).get("changes"), (new or {}).get("changes")
    before = before if isinstance(before, list) else []
    after = after if isinstance(after, list) else []
    notes = [str(e.get("note", "")).strip() for e in after[len(before):] if isinstance(e, dict)]
    return "；".join(n for n in notes if n) or None


def load_history(project_dir: Path, content_dir: str = "content", rev: str = "HEAD", *,
                 ids: Iterable[str] | None = None, worktree: bool = False, cache: Path | None = None) -> History:
    """Every record's revisions up to `rev`, from one `git log` over the content tree.

    `ids` narrows the walk to some records (`jiebang history ID`); `worktree` adds, for each record
    the working tree has changed since `rev`, a final pseudo-revision (commit None, short 工作区).
    `cache` is a folder where a load keeps what it computed (written by History.close()) for the
    next one, which then walks only the commits after the cached head and reads only the revisions
    they added (jiebang.history.cache); it is not used with `ids` or in a shallow clone.
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
    shallow = repo.is_shallow()
    history._complete = not shallow and not repo.is_partial()
    if shallow:  # and the cache is not used: deepening the clone would change the walk under it
        history.warning = "仓库是浅克隆（如 CI 中 fetch-depth: 1），较早的修订记录缺失：请完整克隆后再生成修订记录。"
    if cache is not None and wanted is None and not shallow:
        history._store = HistoryCache.open(Path(cache), {"code": code_version(), "repo": str(repo.top),
                                                         "project": repo.project_prefix, "content": repo.content})
    since = _resume(repo, rev, history) if history._store else None
    touched: set[str] | None = None if since is None else set()
    if since != head.sha:
        found = _walk_log(repo, f"{since}..{head.sha}" if since else head.sha, wanted, history)
        if touched is not None:
            touched |= found
    if worktree:
        for record_id, kind, path, _ in _worktree_changes(repo, head.sha, wanted):
            history._kinds.setdefault(record_id, kind)
            history._entries.setdefault(record_id, []).append(_Entry(-1, None, path))
            if touched is not None:
                touched.add(record_id)
    history.touched = touched
    history._order = sorted(history._entries)
    history._position = {record_id: i for i, record_id in enumerate(history._order)}
    history._blobs = BlobReader(repo)
    return history


def _resume(repo: Repo, rev: str, history: History) -> str | None:
    """Take the cached walk into `history` if the walk from HEAD extends it; its head, or None."""
    assert history._store is not None and history.head is not None
    walk = history._store.take_walk()
    if walk is None:
        return None
    if not repo.on_first_parent_line(walk.head, history.head.sha):
        history._store.forget(f"修订记录缓存记载的提交 {walk.head[:12]} 不在 {rev} 的第一父提交链上"
                              "（历史被改写、回退，或该提交经合并并入），已忽略，重新读取全部修订记录。")
        return None
    abbrev = len(history.head.short)  # git's abbreviation grows with the repository: as it is now
    history._commits = [Commit(sha, sha[:abbrev], date, author, subject) for sha, date, author, subject in walk.commits]
    history._entries = {rid: [_Entry(*e) for e in entries] for rid, entries in walk.entries.items()}
    history._kinds = dict(walk.kinds)
    return walk.head


def _walk_log(repo: Repo, revs: str, wanted: set[str] | None, history: History) -> set[str]:
    """The commits `revs` names (a head, or cached..head) after those history has: commits into
    history._commits, oldest first, and each record's entries after its others. Returns the ids
    of the records they touched."""
    abbrev = len(history.head.short) if history.head else 7
    commits: list[Commit] = []  # newest first, as git lists them
    newest_first: dict[str, list[tuple[int, str | None, str]]] = {}
    kinds: dict[str, str] = {}
    paths: dict[str, str] = {}  # one string per path: 20,000 files × 15 revisions share them
    seen: set[str] = set()  # ids already given a revision by this commit
    for item in repo.log(revs, repo.pathspecs(wanted, history.head.sha if history.head else None), abbrev):
        if isinstance(item, Commit):
            commits.append(item)
            seen = set()
            continue
        path, blob = item
        where = repo.locate(path)
        if where is None or (wanted is not None and where[0] not in wanted):
            continue  # not a record file, or not asked for
        record_id, kind, relpath = where
        entry = (len(commits) - 1, blob, paths.setdefault(relpath, relpath))
        if record_id in seen:  # one commit moved the file (deleted one path, added another): keep the live one
            if blob is not None:
                newest_first[record_id][-1] = entry
                if len(newest_first[record_id]) == 1:  # and its kind, if no later commit gave one
                    kinds[record_id] = kind
            continue
        seen.add(record_id)
        kinds.setdefault(record_id, kind)  # the kind it has now
        newest_first.setdefault(record_id, []).append(entry)
    base, last = len(history._commits), len(commits) - 1
    history._commits += reversed(commits)
    history._kinds |= kinds
    for record_id, entries in newest_first.items():
        history._entries.setdefault(record_id, []).extend(
            _Entry(base + last - n, blob, path) for n, blob, path in reversed(entries))
    return set(newest_first)


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
