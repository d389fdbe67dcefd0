"""Exports for the bureau's desk: the 附件2 汇总表 of a year (xlsx, docx, csv) and every list with every
field (xlsx, csv).

The 汇总表 follows 附件2 of the notice (景科字〔2022〕56号): a title row, the line 主管推荐单位（公章）：,
then 序号 | 受理处室 | 行业领域 | 重大技术需求（难题）题目 | 主管单位. Its 主管单位 follows 通知第6、7条:
an enterprise reports through its county's 科技局; 高校、科研院所等事业单位 report to 市科技局 directly.
Column headers of the full export are the schema's titles, so nothing here repeats them.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .placeholders import is_placeholder
from .scaffold import list_id_year
from .schema import SCHEMAS

SUMMARY_TITLE = "“揭榜挂帅”重大技术需求征集汇总表"
SUMMARY_RECOMMENDER = "主管推荐单位（公章）："
SUMMARY_HEADERS = ("序号", "受理处室", "行业领域", "重大技术需求（难题）题目", "主管单位")
SUMMARY_WIDTHS = (7, 12, 14, 58, 18)  # Excel character widths: the title column takes the room
SUMMARY_WIDTHS_CM = (1.6, 2.6, 3.0, 12.4, 3.8)  # the same proportions on an A4 landscape page
DEFAULT_OFFICE = "计划科"  # 通知第7条: 汇总表报送市科技局计划科
CITY_BUREAU = "市科技局"
BODY_FONT, HEADER_FONT = "宋体", "黑体"
GB2312_CHARSET = 134  # tells Excel which script the font name is for

FORMATS = {"summary": ("xlsx", "docx", "csv"), "lists": ("xlsx", "csv")}


class ExportError(Exception):
    """The export cannot be written; the message is Chinese."""


@dataclass
class ListFile:
    path: Path
    data: dict


# --------------------------------------------------------------------------- loading


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


# --------------------------------------------------------------------------- 附件2 汇总表


def _demander(data: dict) -> dict:
    demander = data.get("demander")
    return demander if isinstance(demander, dict) else {}


def competent_unit(data: dict) -> str:
    """主管单位 (通知第6、7条): the county's 科技局 for an enterprise, 市科技局 for 高校、科研院所等事业单位."""
    demander = _demander(data)
    kind = demander.get("kind")
    if kind in ("高校", "科研院所", "其他事业单位"):
        return CITY_BUREAU
    county = demander.get("county")
    if isinstance(county, str) and county and not is_placeholder(county):
        return f"{county}科技局"
    return ""


def summary_rows(
    entries: Iterable[ListFile], year: int, office: str = DEFAULT_OFFICE, county: str | None = None
) -> tuple[list[list[Any]], list[str]]:
    """The 汇总表's rows for `year` (a county's own when `county` is given), and notes on gaps."""
    rows: list[list[Any]] = []
    notes: list[str] = []
    for entry in entries:
        if list_year(entry) != year:
            continue
        data = entry.data
        if county is not None and (
            _demander(data).get("county") != county or competent_unit(data) == CITY_BUREAU
        ):
            continue
        unit = competent_unit(data)
        if not unit:
            notes.append(
                f"{data.get('id', entry.path.stem)}：未填写需求单位所在县（市、区），“主管单位”留空。"
            )
        rows.append([len(rows) + 1, office, _text(data.get("industry")), _text(data.get("title")), unit])
    return rows, notes


def _text(value: Any) -> str:
    return "" if value is None or is_placeholder(value) else str(value)


def write_summary(rows: list[list[Any]], path: Path, fmt: str, recommender: str = "") -> None:
    writer = {"xlsx": _summary_xlsx, "docx": _summary_docx, "csv": _summary_csv}[fmt]
    _atomic(path, lambda tmp: writer(rows, tmp, recommender))


def _summary_xlsx(rows: list[list[Any]], path: Path, recommender: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.page import PageMargins

    book = Workbook()
    sheet = book.active
    sheet.title = "汇总表"
    width = len(SUMMARY_HEADERS)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    sheet.append([SUMMARY_TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(name=HEADER_FONT, size=18, bold=True, charset=GB2312_CHARSET)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 40
    sheet.append([SUMMARY_RECOMMENDER + recommender])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A2"].font = Font(name=BODY_FONT, size=12, charset=GB2312_CHARSET)
    sheet["A2"].alignment = Alignment(horizontal="left", vertical="center")
    sheet.row_dimensions[2].height = 26

    sheet.append(list(SUMMARY_HEADERS))
    for cell in sheet[3]:
        cell.font = Font(name=HEADER_FONT, size=12, bold=True, charset=GB2312_CHARSET)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    sheet.row_dimensions[3].height = 30
    for row in rows:
        sheet.append(list(row))
        for column, cell in enumerate(sheet[sheet.max_row], start=1):
            _force_text(cell)
            cell.font = Font(name=BODY_FONT, size=11, charset=GB2312_CHARSET)
            centred = column != 4  # the 题目 column reads left-aligned, the short columns centred
            cell.alignment = Alignment(
                horizontal="center" if centred else "left", vertical="center", wrap_text=True
            )
            cell.border = border
    for column, chars in enumerate(SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[chr(ord("A") + column - 1)].width = chars

    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    _print_setup(sheet, PageMargins(left=0.6, right=0.6, top=0.8, bottom=0.8, header=0.4, footer=0.4))
    book.save(path)


def _print_setup(sheet, margins) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = margins
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _force_text(cell) -> None:
    # openpyxl stores a string starting with "=" as a formula; a record's text must stay text.
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def _summary_docx(rows: list[list[Any]], path: Path, recommender: str) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)

    normal = document.styles["Normal"]
    _docx_font(normal.element.get_or_add_rPr(), normal.font, BODY_FONT, Pt(12), qn)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(title.add_run(SUMMARY_TITLE), HEADER_FONT, Pt(18), True, qn)
    line = document.add_paragraph()
    _docx_run(line.add_run(SUMMARY_RECOMMENDER + recommender), BODY_FONT, Pt(12), False, qn)

    table = document.add_table(rows=1 + len(rows), cols=len(SUMMARY_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    header_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every printed page
    repeat.set(qn("w:val"), "true")
    header_pr.append(repeat)
    for r, values in enumerate([list(SUMMARY_HEADERS), *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Cm(SUMMARY_WIDTHS_CM[c])
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if (r and c == 3) else WD_ALIGN_PARAGRAPH.CENTER
            if r == 0:
                _docx_run(paragraph.add_run(str(value)), HEADER_FONT, Pt(12), True, qn)
            else:
                _docx_run(paragraph.add_run(str(value)), BODY_FONT, Pt(11), False, qn)
    for c, width in enumerate(SUMMARY_WIDTHS_CM):
        table.columns[c].width = Cm(width)
    document.save(path)


def _docx_font(rpr, font, name: str, size, qn) -> None:
    font.name = name  # w:ascii and w:hAnsi
    font.size = size
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)  # Chinese text takes the East-Asian font


def _docx_run(run, name: str, size, bold: bool, qn) -> None:
    _docx_font(run._element.get_or_add_rPr(), run.font, name, size, qn)
    run.font.bold = bold


def _summary_csv(rows: list[list[Any]], path: Path, recommender: str) -> None:
    _write_csv(path, list(SUMMARY_HEADERS), rows)


# --------------------------------------------------------------------------- every list, every field


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
                    f"{props.get(k, {}).get('title', k)}：{_plain(v)}"
                    for k, v in item.items()
                    if v is not None
                )
                if isinstance(item, dict)
                else _plain(item)
                for item in value
            )
        return "；".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_plain(v)}" for k, v in value.items())
    return str(value)


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def write_lists(entries: list[ListFile], schema: dict, path: Path, fmt: str) -> None:
    headers, rows, columns = lists_table(entries, schema)
    if fmt == "csv":
        _atomic(path, lambda tmp: _write_csv(tmp, headers, rows))
    else:
        _atomic(path, lambda tmp: _lists_xlsx(tmp, headers, rows, columns))


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
            _force_text(cell)
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
    _print_setup(sheet, PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3))
    book.save(path)


# --------------------------------------------------------------------------- files

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    text = _plain(value)
    # Excel runs a CSV cell starting with = + - @ as a formula (CSV injection; a Markdown list item
    # “- …” shows as #NAME?). A leading apostrophe makes it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write_csv(path: Path, headers: list[str], rows: list[list[Any]]) -> None:
    # UTF-8 with a BOM: without it Excel on Chinese Windows reads the file as GBK.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([_csv_cell(value) for value in row] for row in rows)


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
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
