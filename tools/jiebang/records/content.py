"""The content tree: every list and notice under a content root, loaded and indexed once.

A content root is a folder holding `lists/`, `results/` and `regulation/` (DESIGN.md).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from .diagnostics import Diagnostic, display_below, display_path
from .load import parse_document, read_bytes
from .parallel import fork_map, worth_forking
from .positions import Document, marks_from_bytes, marks_to_bytes
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


class _once:  # noqa: N801 - used like @property
    """A property computed on first use and then kept as a plain attribute. functools.cached_property
    takes a lock on every first use (Python 3.11), which costs more than the values it computes here."""

    def __init__(self, compute: Any) -> None:
        self.compute, self.name, self.__doc__ = compute, compute.__name__, compute.__doc__

    def __get__(self, record: Any, owner: type | None = None) -> Any:
        if record is None:
            return self
        value = record.__dict__[self.name] = self.compute(record)
        return value


class Record:
    """One list or notice: its typed data, where it lives, and the sha256 of its bytes (`digest`).

    Built by `load_tree`, from the file or from the record cache; its `doc` (the data with the position
    of every value) and its `path` and `file` are made when first asked for, since a national tree has
    ninety thousand records and most are never reported on. `findings` holds what the per-record
    checks found (rules/validate.py) and `groups` the groups the tree checks read it in
    (rules/scopes.py), kept with it for the cache."""

    def __init__(self, kind: str, root: Path, rel: str, raw: Any, *, digest: str = "", broken: bool = False,
                 doc: Document | None = None, marks: bytes | None = None, maps: tuple | None = None,
                 findings: Any = None, groups: dict | None = None, file: str | None = None,
                 load: Callable[[], tuple[Any, bytes | None]] | None = None) -> None:
        self.kind = kind  # "list" or "result"
        self.broken = broken  # the loader refused part of it: report that, not what follows from it
        self.digest = digest  # sha256 of the file's bytes, hex
        self.findings = findings
        self.groups = groups  # the group it is in for each scope of the tree checks (rules/scopes.py), by scope
        self.rel = rel  # where it lives below the content root, with "/" (lists/2022/JDZ-2022-001.yaml)
        self._root, self._maps = root, maps
        if load is None:
            self._raw, self._marks = raw, marks
            self.data: dict = raw if isinstance(raw, dict) else {}
        else:  # from the record cache, which reads the typed data and the marks only when asked (`data`)
            self._load = load
        if doc is not None:
            self.doc = doc
        if file is not None:
            self.file = file

    def __repr__(self) -> str:
        return f"Record({self.kind!r}, {self.rel!r})"

    @_once
    def path(self) -> Path:
        return self._root / self.rel

    @_once
    def file(self) -> str:
        """As diagnostics name it."""
        return display_below(self._root, self.rel)

    @_once
    def data(self) -> dict:  # only for a record made with `load`: the others set it when made
        self._raw, self._marks = self._load()
        return self._raw if isinstance(self._raw, dict) else {}

    @_once
    def doc(self) -> Document:
        self.data  # noqa: B018 - read for what loading it sets: _raw and _marks
        marks = marks_from_bytes(self._marks) if self._marks is not None else None
        return Document(self.file, self._raw, marks, self._maps)

    @_once
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else PurePosixPath(self.rel).stem

    @_once
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
    cache: Any = None  # the records.cache.RecordCache it was loaded through, if any
    timelines: dict = field(default_factory=dict, repr=False)  # records.lifecycle.Timeline.of keeps them here
    files: list[tuple[str, str]] = field(default_factory=list, repr=False)  # (kind, rel) of every record file
    misnamed: list[str] = field(default_factory=list, repr=False)  # rel of lists/, results/ files named .yml, .YAML …

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


def scan(root: Path, misnamed: list[str] | None = None) -> list[tuple[str, str]]:
    """(kind, path below the root) of every record file: lists/**/*.yaml, then results/**/*.yaml, in the
    order `sorted(folder.rglob("*.yaml"))` gives (by path components; symlinked folders not entered,
    symlinked files taken), with one os.scandir per folder and no Path objects. The paths of files that
    are YAML by another name (.yml, .YAML …), which are not records, go to `misnamed`."""
    found: list[tuple[str, str]] = []
    for kind, folder in FOLDERS.items():
        _scan_folder(os.path.join(root, folder), folder + "/", kind, found, misnamed)
    return found


def is_misnamed_yaml(name: str) -> bool:
    """A YAML file by a name other than *.yaml: read by no one, so a record saved so is never published."""
    return name.lower().endswith((".yaml", ".yml")) and not name.endswith(".yaml")


def _scan_folder(folder: str, prefix: str, kind: str, found: list[tuple[str, str]],
                 misnamed: list[str] | None) -> None:
    # Entries in name order, folders walked where they fall: the order of sorted path components.
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return  # rglob skips what it cannot list, and so do we
    for entry in entries:
        name = entry.name
        try:
            if name.endswith(".yaml") and entry.is_file():
                found.append((kind, prefix + name))
            elif entry.is_dir() and not entry.is_symlink():
                _scan_folder(entry.path, prefix + name + "/", kind, found, misnamed)
            elif misnamed is not None and is_misnamed_yaml(name) and entry.is_file():
                misnamed.append(prefix + name)
        except OSError:
            continue


def record_files(root: Path) -> list[tuple[str, Path]]:
    return [(kind, root / rel) for kind, rel in scan(root)]


def file_status(status: os.stat_result) -> tuple[int, int, int, int]:
    """What tells the record cache a file may have changed: size, inode, mtime and ctime (ns)."""
    return status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns


class Prefetched(NamedTuple):
    """A file's bytes and status, read by the record cache to learn that it changed."""

    raw: bytes
    status: tuple[int, int, int, int]


class Loaded(NamedTuple):
    record: Record | None  # None when the loader could make nothing of the file
    problems: list[Diagnostic]
    status: tuple[int, int, int, int] | None  # as the bytes were read
    digest: str | None  # sha256 of the bytes, hex; None when they were not read


def load_record(root: Path, kind: str, rel: str, prefetched: Prefetched | None = None) -> Loaded:
    """Read, parse and type one record file."""
    path = os.path.join(root, rel)
    file = display_path(Path(path))
    if prefetched is None:
        raw, status, problem = read_bytes(path, file)
        status = file_status(status) if status is not None else None
        if problem:
            return Loaded(None, [problem], status, None)
    else:
        raw, status = prefetched
    digest = hashlib.sha256(raw).hexdigest()
    doc, problems = parse_document(raw, file, SCHEMAS[kind])
    if doc is None:
        return Loaded(None, problems, status, digest)
    return Loaded(Record(kind, root, rel, doc.data, digest=digest, broken=bool(problems), doc=doc, file=file),
                  problems, status, digest)


def load_tree(root: Path, cache: Any = None, workers: int | None = None) -> tuple[ContentTree, list[Diagnostic]]:
    """Every record under `root`, and what the loader refused. With `cache` (a records.cache.RecordCache),
    a file whose bytes the cache holds is not parsed again: its record comes from the cache. Many files
    to parse are parsed by forked workers (records/parallel.py); `workers` overrides how many."""
    regulations, diagnostics = load_regulations(root / "regulation")
    tree = ContentTree(root, regulations, cache=cache)
    files = tree.files = scan(root, tree.misnamed)
    found = cache.take(root, files) if cache is not None else [None] * len(files)
    todo = [i for i, hit in enumerate(found) if hit is None or isinstance(hit, Prefetched)]
    for i, loaded in zip(todo, _load_all(root, [(*files[i], found[i]) for i in todo], workers), strict=True):
        kind, rel = files[i]
        if cache is not None:
            cache.remember(kind, rel, loaded)
        found[i] = loaded.record, loaded.problems
    for (kind, _), (record, problems) in zip(files, found, strict=True):
        diagnostics += problems
        if record is not None:
            (tree.lists if kind == "list" else tree.results).append(record)
    return tree, diagnostics


def _load_all(root: Path, todo: list[tuple], workers: int | None) -> Iterator[Loaded]:
    if not worth_forking(len(todo), workers):
        for kind, rel, prefetched in todo:
            yield load_record(root, kind, rel, prefetched)
        return
    for chunk in fork_map(_load_chunk, (root, todo), len(todo), workers):
        for kind_rel, (raw, marks, maps, broken, problems, status, digest) in chunk:
            kind, rel = kind_rel
            record = None
            if marks is not None or maps is not None:
                record = Record(kind, root, rel, raw, digest=digest, broken=broken, marks=marks, maps=maps)
            yield Loaded(record, problems, status, digest)


def _load_chunk(shared: tuple[Path, list[tuple]], start: int, end: int) -> list:
    """In a worker: load_record, sending back the typed data and the marks (packed), not the objects."""
    root, todo = shared
    out = []
    for kind, rel, prefetched in todo[start:end]:
        loaded = load_record(root, kind, rel, prefetched)
        record = loaded.record
        if record is None:
            packed = (None, None, None, False)
        else:
            doc = record.doc
            marks = marks_to_bytes(doc.marks) if doc.marks is not None else None
            packed = (doc.data, marks, None if marks is not None else doc.maps, record.broken)
        out.append(((kind, rel), (*packed, loaded.problems, loaded.status, loaded.digest)))
    return out
