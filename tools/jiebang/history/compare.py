"""Two revisions compared: every record added, changed or removed between them (`jiebang diff`, the
audit rules), and the records one revision holds.

jiebang.history.revisions gives each record's every revision from one walk of the log; comparing just two
revisions needs no walk: one `git diff --raw` and one batch of blobs, however many commits lie between.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.content import FOLDERS
from ..records.load import parse_document
from ..records.positions import Document
from ..records.schema import SCHEMAS
from .diffs import FieldChange, diff_records
from .git import BlobReader, Commit, GitError, Repo, read_worktree_file


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


def diff_revisions(project_dir: Path, old: str, new: str | None = None,
                   content_dir: str = "content") -> tuple[Commit, Commit | None, list[RecordChange]]:
    """Every record added, changed or removed between `old` and `new` (None: the working tree).

    Reads one `git diff --raw` and one batch of blobs; records whose file changed only in layout
    or comments are kept (an auditor may want to see them) with no field changes.
    Raises GitError outside git or for an unknown revision.
    """
    repo = _repo(project_dir, content_dir)
    if not repo.has_commits():
        raise GitError("git 仓库中还没有任何提交。")
    old_commit = repo.commit(old)
    new_commit = repo.commit(new) if new is not None else None
    specs = repo.pathspecs()
    sides: dict[str, dict[str, Any]] = {}  # id → kind, old: (path, blob), new: (path, blob; None = on disk)
    for status, old_blob, new_blob, path in repo.diff(old_commit.sha, new_commit and new_commit.sha, specs):
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
        for path in repo.untracked(specs):
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
            new_doc = _document(read_worktree_file(project / new_path), new_path, kind)
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
    repo = _repo(project_dir, content_dir)
    commit = repo.commit(rev)
    found = {}
    for path in repo.tree_paths(commit.sha, repo.pathspecs()):
        where = repo.locate(path)
        if where:
            found.setdefault(where[0], (where[1], where[2]))
    return found


def _repo(project_dir: Path, content_dir: str) -> Repo:
    repo, reason = Repo.find(project_dir, content_dir)
    if repo is None:
        raise GitError(reason or "不在 git 仓库中。")
    return repo
