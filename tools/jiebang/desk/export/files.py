"""What both exports share in the files they write: written beside and renamed over (never half a
file), CSV that Excel on Chinese Windows opens right, and the fonts and page set-up of a printed sheet."""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

BODY_FONT, HEADER_FONT = "宋体", "黑体"
GB2312_CHARSET = 134  # tells Excel which script the font name is for


class ExportError(Exception):
    """The export cannot be written; the message is Chinese."""


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write beside `path` and rename over it, so a failed export never leaves half a file."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"输出目录 {folder} 不存在。")
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except PermissionError as exc:
        raise ExportError(f"无法写入 {path}：{exc.strerror}（文件是否正在 Excel 或 WPS 中打开？）") from exc
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    text = plain(value)
    # Excel runs a CSV cell starting with = + - @ as a formula (CSV injection; a Markdown list item
    # “- …” shows as #NAME?). A leading apostrophe makes it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(path: Path, headers: list[str], rows: list[list[Any]]) -> None:
    # UTF-8 with a BOM: without it Excel on Chinese Windows reads the file as GBK.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([_csv_cell(value) for value in row] for row in rows)


def plain(value: Any) -> str:
    """A value as text in one cell: money without an exponent, 是/否, ISO dates."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def print_setup(sheet, margins) -> None:
    """A4 landscape, as wide as the page, page numbers in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = margins
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def force_text(cell) -> None:
    # openpyxl stores a string starting with "=" as a formula; a record's text must stay text.
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"
