"""Exports for the bureau's desk (`jiebang export`): the 附件2 汇总表 of a year (xlsx, docx, csv) and
every list with every field (xlsx, csv).

- `records`: the lists to export, and the year each belongs to;
- `summary`: the 汇总表's rows and its three writers;
- `lists`: the every-field table (columns from the schema, values flattened) and its two writers;
- `files`: what the writers share: atomic writes, CSV for Excel, fonts and page set-up.
"""

from __future__ import annotations

from . import lists, summary
from .files import BODY_FONT, GB2312_CHARSET, HEADER_FONT, ExportError
from .lists import Column, list_columns, lists_table, write_lists
from .records import ListFile, list_year, load_lists
from .summary import (
    CITY_BUREAU,
    DEFAULT_OFFICE,
    SUMMARY_HEADERS,
    SUMMARY_RECOMMENDER,
    SUMMARY_TITLE,
    SUMMARY_WIDTHS,
    SUMMARY_WIDTHS_CM,
    competent_unit,
    summary_rows,
    write_summary,
)

FORMATS = {"summary": summary.FORMATS, "lists": lists.FORMATS}

__all__ = [
    "BODY_FONT",
    "CITY_BUREAU",
    "DEFAULT_OFFICE",
    "FORMATS",
    "GB2312_CHARSET",
    "HEADER_FONT",
    "SUMMARY_HEADERS",
    "SUMMARY_RECOMMENDER",
    "SUMMARY_TITLE",
    "SUMMARY_WIDTHS",
    "SUMMARY_WIDTHS_CM",
    "Column",
    "ExportError",
    "ListFile",
    "competent_unit",
    "list_columns",
    "list_year",
    "lists_table",
    "load_lists",
    "summary_rows",
    "write_lists",
    "write_summary",
]
