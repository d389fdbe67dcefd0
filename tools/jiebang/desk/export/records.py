"""The lists an export reads: every file under content/lists/, typed as jiebang.records.load reads them, and
the year each belongs to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ...records.load import read_document
from ...records.schema import SCHEMAS
from ..scaffold import list_id_year


@dataclass
class ListFile:
    path: Path
    data: dict


def load_lists(root: Path) -> tuple[list[ListFile], list[str]]:
    """Every list under `root/lists/`, sorted by id, and Chinese notes on files that could not be read.

    Content with validation errors is exported as it stands; only unreadable files are skipped.
    """
    folder = root / "lists"
    entries: list[ListFile] = []
    problems: list[str] = []
    for path in sorted(folder.rglob("*.yaml")) if folder.is_dir() else []:
        doc, _diagnostics = read_document(path, str(path), SCHEMAS["list"])
        data = doc.data if doc is not None else None
        if isinstance(data, dict):
            entries.append(ListFile(path, data))
        else:
            problems.append(f"{path}：无法读取（YAML 有误），未导出；请运行 jiebang validate 查看原因。")
    entries.sort(key=lambda entry: str(entry.data.get("id") or entry.path.stem))
    return entries, problems


def list_year(entry: ListFile) -> int | None:
    """The year a list belongs to: its id's year, else its folder's, else its 发榜日期's."""
    year = list_id_year(str(entry.data.get("id", ""))) or list_id_year(entry.path.stem)
    if year is None and entry.path.parent.name.isdigit():
        year = int(entry.path.parent.name)
    if year is None:
        published = entry.data.get("published")
        if isinstance(published, dt.date):
            year = published.year
        elif isinstance(published, str) and published[:4].isdigit():
            year = int(published[:4])
    return year
