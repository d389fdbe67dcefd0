"""The content tree: every list and notice under a content root, loaded and indexed once.

A content root is a folder holding `lists/`, `results/` and `regulation/` (DESIGN.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, display_path
from .load import Document, read_document
from .regulation import Regulations, load_regulations
from .schema import SCHEMAS

FOLDERS = {"list": "lists", "result": "results"}


def as_date(value: Any) -> date | None:
    """An ISO date string as a date; None for anything the schema will already have reported."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


_ID_YEAR = re.compile(r"[A-Z]+-([0-9]{4})-")


def id_year(record_id: str) -> str | None:
    """The year in a list or notice id (JDZ-2022-001, JDZ-2022-001-R03 → "2022"): its folder's name."""
    match = _ID_YEAR.match(record_id)
    return match.group(1) if match else None


@dataclass
class Record:
    """One list or notice: its parsed document and where it lives."""

    kind: str  # "list" or "result"
    path: Path
    doc: Document
    broken: bool = False  # the loader refused part of it: report that, not what follows from it

    @property
    def data(self) -> dict:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else self.path.stem

    @cached_property
    def date(self) -> date | None:
        """The day that fixes which regulation applies: a list's 发榜日期, a notice's date."""
        return as_date(self.data.get("published" if self.kind == "list" else "date"))

    def text(self, key: str) -> str | None:
        """A top-level value when it is text; None when missing or malformed (the schema says so)."""
        value = self.data.get(key)
        return value if isinstance(value, str) else None

    def get(self, *path: str | int, default: Any = None) -> Any:
        node: Any = self.data
        for step in path:
            if isinstance(step, int):
                if not isinstance(node, list) or step >= len(node):
                    return default
            elif not isinstance(node, dict) or step not in node:
                return default
            node = node[step]
        return node


@dataclass
class ContentTree:
    root: Path
    regulations: Regulations
    lists: list[Record] = field(default_factory=list)
    results: list[Record] = field(default_factory=list)

    @cached_property
    def list_by_id(self) -> dict[str, Record]:
        found: dict[str, Record] = {}
        for record in self.lists:
            found.setdefault(record.id, record)
        return found

    @cached_property
    def notices_by_list(self) -> dict[str, list[Record]]:
        """Each list's notices in the order they were published (date, then id)."""
        grouped: dict[str, list[Record]] = defaultdict(list)
        for record in self.results:
            list_id = record.data.get("list")
            if isinstance(list_id, str):
                grouped[list_id].append(record)
        for notices in grouped.values():
            notices.sort(key=lambda r: (r.date or date.max, r.id))
        return grouped

    @property
    def records(self) -> list[Record]:
        return self.lists + self.results


def record_files(root: Path) -> list[tuple[str, Path]]:
    found = []
    for kind, folder in FOLDERS.items():
        base = root / folder
        if base.is_dir():
            found += [(kind, path) for path in sorted(base.rglob("*.yaml")) if path.is_file()]
    return found


def load_tree(root: Path) -> tuple[ContentTree, list[Diagnostic]]:
    regulations, diagnostics = load_regulations(root / "regulation")
    tree = ContentTree(root, regulations)
    for kind, path in record_files(root):
        doc, problems = read_document(path, display_path(path), SCHEMAS[kind])
        diagnostics += problems
        if doc is not None:
            getattr(tree, f"{kind}s").append(Record(kind, path, doc, broken=bool(problems)))
    return tree, diagnostics
