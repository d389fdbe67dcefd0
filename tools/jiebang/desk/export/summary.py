"""The 附件2 汇总表 of a year, as .xlsx, .docx or .csv.

It follows 附件2 of the notice (景科字〔2022〕56号): a title row, the line 主管推荐单位（公章）：, then
序号 | 受理处室 | 行业领域 | 重大技术需求（难题）题目 | 主管单位. Its 主管单位 follows 通知第6、7条: an
enterprise reports through its county's 科技局; 高校、科研院所等事业单位 report to 市科技局 directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...records.placeholders import is_placeholder
from .files import BODY_FONT, GB2312_CHARSET, HEADER_FONT, atomic_write, force_text, print_setup, write_csv
from .records import ListFile, list_year

SUMMARY_TITLE = "“揭榜挂帅”重大技术需求征集汇总表"
SUMMARY_RECOMMENDER = "主管推荐单位（公章）："
SUMMARY_HEADERS = ("序号", "受理处室", "行业领域", "重大技术需求（难题）题目", "主管单位")
SUMMARY_WIDTHS = (7, 12, 14, 58, 18)  # Excel character widths: the title column takes the room
SUMMARY_WIDTHS_CM = (1.6, 2.6, 3.0, 12.4, 3.8)  # the same proportions on an A4 landscape page
DEFAULT_OFFICE = "计划科"  # 通知第7条: 汇总表报送市科技局计划科
CITY_BUREAU = "市科技局"
FORMATS = ("xlsx", "docx", "csv")


def _demander(data: dict) -> dict:
    demander = data.get("demander")
    return demander if isinstance(demander, dict) else {}


def competent_unit(data: dict) -> str:
    """主管单位 (通知第6、7条): as the record gives it (read from the county's 汇总表 by `jiebang import
    --summary`), else the county's 科技局 for an enterprise, 市科技局 for 高校、科研院所等事业单位."""
    own = data.get("competent_unit")
    if isinstance(own, str) and own.strip() and not is_placeholder(own):
        return own.strip()
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
    atomic_write(path, lambda tmp: writer(rows, tmp, recommender))


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
            force_text(cell)
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
    print_setup(sheet, PageMargins(left=0.6, right=0.6, top=0.8, bottom=0.8, header=0.4, footer=0.4))
    book.save(path)


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
    write_csv(path, list(SUMMARY_HEADERS), rows)
