"""Read a county's 附件2《“揭榜挂帅”重大技术需求征集汇总表》 (.xlsx, or a .docx table).

Counties fill the table in WPS or Excel from the notice's template: a title, the line
主管推荐单位（公章）：…, then 序号 | 受理处室 | 行业领域 | 重大技术需求（难题）题目 | 主管单位. Rows move,
blank numbered rows stay, columns get reordered, so the header row is found by its labels and each
column by its header text. Old formats (.xls, .et, .doc, .wps) reach here converted to OOXML by
jiebang.desk.officefiles; `source` is then the file the clerk named, and every message names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .export.summary import SUMMARY_RECOMMENDER
from .formtable import comparable

# Column key → the header texts (normalised) that name it, longest first.
_COLUMNS = {
    "seq": ("序号",),
    "office": ("受理处室", "处室"),
    "industry": ("行业领域", "所属行业领域", "行业"),
    "title": ("重大技术需求难题题目", "重大技术需求题目", "技术需求难题题目", "需求题目", "题目", "项目名称"),
    "unit": ("主管单位",),
}
_RECOMMENDER = comparable(SUMMARY_RECOMMENDER)  # 主管推荐单位公章


class SummaryError(Exception):
    """A 汇总表 that cannot be read; `str()` is a Chinese message naming the file."""

    def __init__(self, source: Path, message: str):
        self.source = Path(source)
        super().__init__(f"汇总表《{self.source.name}》：{message}")


@dataclass
class SummaryRow:
    row: int  # the row number a clerk sees: Excel's row, or the table row in a Word file
    seq: str
    office: str
    industry: str
    title: str
    unit: str


@dataclass
class SummaryTable:
    source: Path
    recommender: str = ""  # 主管推荐单位（公章）：<this>
    rows: list[SummaryRow] = field(default_factory=list)

    def unit_for(self, row: SummaryRow) -> str:
        """The row's 主管单位, or the table's 主管推荐单位 where the county left the column empty."""
        return row.unit or self.recommender


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 序号 1 as 1.0
    return re.sub(r"\s+", " ", str(value)).strip()


def _xlsx_rows(path: Path, source: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported here so the CLI starts fast

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, zipfile errors, XML errors) on bad files
        raise SummaryError(source, f"无法作为 Excel 表格打开（{type(exc).__name__}）。") from exc
    try:
        sheets = list(book.worksheets)
        found: list[tuple[int, list[str]]] = []
        for sheet in sheets:
            rows = [
                (number, [_cell(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            if _header_index(rows) is not None:
                return rows
            found = found or rows
        return found
    finally:
        book.close()


def _docx_rows(path: Path, source: Path) -> list[tuple[int, list[str]]]:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises PackageNotFoundError, KeyError, ValueError …
        raise SummaryError(source, f"无法作为 Word 文档打开（{type(exc).__name__}）。") from exc
    rows: list[tuple[int, list[str]]] = [
        (0, [_cell(p.text)]) for p in document.paragraphs if comparable(p.text).startswith(_RECOMMENDER[:6])
    ]
    for table in document.tables:
        for number, row in enumerate(table.rows, start=1):
            cells: list[str] = []
            for cell in row.cells:
                text = _cell(cell.text)
                # python-docx repeats a merged cell's text in every grid cell it spans: keep it once.
                cells.append("" if cells and text and text == cells[-1] else text)
            rows.append((number, cells))
    return rows


def _header_index(rows: list[tuple[int, list[str]]]) -> int | None:
    for index, (_, cells) in enumerate(rows):
        names = {comparable(c) for c in cells}
        if "序号" in names and any("题目" in n or "项目名称" in n for n in names):
            return index
    return None


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, text in enumerate(header):
        norm = comparable(text)
        for key, names in _COLUMNS.items():
            if key not in found and any(norm == name or (len(name) > 2 and name in norm) for name in names):
                found[key] = position
                break
    return found


def read_summary(path: Path, kind_is_sheet: bool, source: Path | None = None) -> SummaryTable:
    """The 汇总表 in `path` (.xlsx when `kind_is_sheet`, else .docx); SummaryError if it holds none."""
    source = Path(source or path)
    rows = _xlsx_rows(path, source) if kind_is_sheet else _docx_rows(path, source)
    table = SummaryTable(source)
    for _, cells in rows:
        for text in cells:
            norm = comparable(text)
            if norm.startswith(_RECOMMENDER[:6]):  # 主管推荐单位（公章）：xx县科技局
                value = re.sub(r"^.*?(?:[（(]\s*公章\s*[）)])?\s*[:：]", "", text, count=1).strip()
                table.recommender = table.recommender or value
    header_at = _header_index(rows)
    if header_at is None:
        raise SummaryError(
            source,
            "找不到附件2汇总表的表头（序号、受理处室、行业领域、重大技术需求（难题）题目、主管单位）。",
        )
    columns = _column_map(rows[header_at][1])
    if "title" not in columns:
        raise SummaryError(source, "表头中没有“重大技术需求（难题）题目”一栏。")

    def get(cells: list[str], key: str) -> str:
        at = columns.get(key)
        return cells[at] if at is not None and at < len(cells) else ""

    for number, cells in rows[header_at + 1 :]:
        if number == 0:
            continue
        title = get(cells, "title")
        if comparable(cells[0] if cells else "") in ("序号",):  # a header repeated on the next page
            continue
        if not title:
            continue  # the template's blank numbered rows
        table.rows.append(
            SummaryRow(
                row=number,
                seq=get(cells, "seq"),
                office=get(cells, "office"),
                industry=get(cells, "industry"),
                title=title,
                unit=get(cells, "unit"),
            )
        )
    if not table.rows:
        raise SummaryError(source, "表中没有填写任何一项技术需求。")
    return table
