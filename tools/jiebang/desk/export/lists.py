"""Every list with every field, as .xlsx or .csv: one column per field of the list schema, nested
objects flattened; the column headers are the schema's titles, so nothing here repeats them."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .files import (
    BODY_FONT,
    GB2312_CHARSET,
    HEADER_FONT,
    atomic_write,
    force_text,
    plain,
    print_setup,
    write_csv,
)
from .records import ListFile

FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]
    header: str
    node: dict


def list_columns(schema: dict, entries: Iterable[ListFile]) -> list[Column]:
    """One column per leaf field in schema order, nested objects flattened (“技术需求单位 / 单位名称”);
    keys the schema does not know are added at the end under their own names."""
    columns: list[Column] = []

    def walk(props: dict, keys: tuple[str, ...], titles: tuple[str, ...]) -> None:
        for key, node in props.items():
            title = node.get("title", key)
            if node.get("properties") and "object" in _types(node):
                walk(node["properties"], (*keys, key), (*titles, title))
            else:
                columns.append(Column((*keys, key), " / ".join((*titles, title)), node))

    walk(schema.get("properties", {}), (), ())
    known = {column.path for column in columns}
    extra: dict[tuple[str, ...], None] = {}
    for entry in entries:
        for path in _leaf_paths(entry.data):
            if path not in known:  # also an object field given a scalar: export what is there
                extra.setdefault(path)
    headers = {column.path: column.header for column in columns}
    for path in extra:
        parent = headers.get(path[:-1], " / ".join(path[:-1]))
        columns.append(Column(path, " / ".join(filter(None, (parent, path[-1]))), {}))
    return columns


def _types(node: dict) -> set[str]:
    types = node.get("type", [])
    return {types} if isinstance(types, str) else set(types)


def _leaf_paths(data: Any, path: tuple[str, ...] = ()) -> Iterable[tuple[str, ...]]:
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from _leaf_paths(value, (*path, str(key)))
    elif path and data is not None:
        yield path


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def lists_table(entries: list[ListFile], schema: dict) -> tuple[list[str], list[list[Any]], list[Column]]:
    columns = list_columns(schema, entries)
    rows = [[_value(_get(entry.data, column.path), column.node) for column in columns] for entry in entries]
    return [column.header for column in columns], rows, columns


def _value(value: Any, node: dict) -> Any:
    """A field as one cell: numbers and dates stay typed, lists become lines, yes/no in Chinese."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.isoformat()  # Excel has no time zones
    if isinstance(value, (int, float, Decimal, dt.date)):
        return value
    if isinstance(value, str):
        if node.get("format") == "date" and len(value) == 10:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value
    if isinstance(value, list):
        items = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
        if any(isinstance(item, dict) for item in value):
            props = items.get("properties", {})
            return "\n".join(
                "；".join(
                    f"{props.get(k, {}).get('title', k)}：{plain(v)}"
                    for k, v in item.items()
                    if v is not None
                )
                if isinstance(item, dict)
                else plain(item)
                for item in value
            )
        return "；".join(plain(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{plain(v)}" for k, v in value.items())
    return str(value)


def write_lists(entries: list[ListFile], schema: dict, path: Path, fmt: str) -> None:
    headers, rows, columns = lists_table(entries, schema)
    if fmt == "csv":
        atomic_write(path, lambda tmp: write_csv(tmp, headers, rows))
    else:
        atomic_write(path, lambda tmp: _lists_xlsx(tmp, headers, rows, columns))


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lists_xlsx(path: Path, headers: list[str], rows: list[list[Any]], columns: list[Column]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    book = Workbook()
    sheet = book.active
    sheet.title = "榜单"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(name=HEADER_FONT, size=11, bold=True, charset=GB2312_CHARSET)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            force_text(cell)
            cell.font = Font(name=BODY_FONT, size=10, charset=GB2312_CHARSET)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for index, (header, column) in enumerate(zip(headers, columns), start=1):
        longest = max(
            [_display_width(str(row[index - 1])) for row in rows] + [_display_width(header) // 2 + 2]
        )
        # Markdown texts get a wide wrapped column; short fields fit their longest value.
        width = 60 if "Markdown" in column.node.get("description", "") else min(max(longest + 2, 8), 40)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    print_setup(sheet, PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3))
    book.save(path)
