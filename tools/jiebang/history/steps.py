"""What a record's history is made of: a revision (the record as one commit left it), a step (a revision
and its field-level changes), and a record's timeline of steps, read only when looked at."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .diffs import FieldChange


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


Step = tuple[Revision, list[FieldChange]]  # a revision and its field-level changes


class Timeline(Sequence):
    """A record's steps (History.lazy_timeline), read from git only when looked at: a page or file
    reused from the build cache is keyed by `statement()` and never reads them."""

    def __init__(self, history: Any, record_id: str) -> None:  # a revisions.History (which imports this)
        self._history, self.record_id = history, record_id
        self._read: list[Step] | None = None

    def _all(self) -> list[Step]:
        if self._read is None:
            self._read = list(self._history._steps(self.record_id))
        return self._read

    def __getitem__(self, index):  # type: ignore[override]
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self):
        return iter(self._all())

    def __reversed__(self):
        return reversed(self._all())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Timeline | list) else NotImplemented

    def __repr__(self) -> str:
        return f"Timeline({self.record_id!r}, {self._all()!r})"

    def statement(self) -> list | None:
        return self._history.statement(self.record_id)
