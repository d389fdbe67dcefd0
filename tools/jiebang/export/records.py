"""The lists an export reads: every file under content/lists/, typed as jiebang.load reads them, and
the year each belongs to."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..scaffold import list_id_year
from ..schema import SCHEMAS


@dataclass
class ListFile:
    path: Path
    data: dict


def _reader() -> Callable[[Path], tuple[Any, list]] | None:
    """`jiebang.load`'s reader when installed (typed values, Decimal money), else None."""
    try:
        module = importlib.import_module("jiebang.load")
    except ModuleNotFoundError as exc:
        if exc.name != "jiebang.load":
            raise
        return None
    if hasattr(module, "load_document"):
        return module.load_document
    if hasattr(module, "read_document"):
        schema = SCHEMAS["list"]
        return lambda path: module.read_document(path, str(path), schema)
    return None


def load_lists(root: Path) -> tuple[list[ListFile], list[str]]:
    """Every list under `root/lists/`, sorted by id, and Chinese notes on files that could not be read.

    Content with validation errors is exported as it stands; only unreadable files are skipped.
    """
    folder = root / "lists"
    reader = _reader()
    entries: list[ListFile] = []
    problems: list[str] = []
    for path in sorted(folder.rglob("*.yaml")) if folder.is_dir() else []:
        data: Any = None
        if reader is not None:
            doc, _diagnostics = reader(path)
            data = getattr(doc, "data", None)
        else:
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                data = None
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
