"""`jiebang export summary` (附件2 汇总表 as xlsx, docx, csv) and `jiebang export lists`."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from jiebang.cli import main
from jiebang.desk import export
from jiebang.desk.yamlwriter import render_list_yaml
from jiebang.records.schema import SCHEMAS

REPO = Path(__file__).resolve().parent.parent
BOM = b"\xef\xbb\xbf"


def a_list(list_id: str, title: str, name: str, kind: str, county: str, published: str, **more) -> dict:
    record = {
        "id": list_id,
        "batch": "2022年度第一批",
        "doc_number": "景科字〔2022〕56号",
        "industry": "陶瓷",
        "subfield": "日用陶瓷",
        "title": title,
        "demander": {"name": name, "kind": kind, "credit_code": "91360203MA35ABCD1A", "county": county},
        "host_enterprise": None,
        "contact": {"name": "李工", "unit": "市科技局计划科", "phone": "0798-8222222"},
        "peers": ["景德镇市某某瓷业有限公司", "乐平市某某陶瓷有限公司"],
        "problem": "烧成温度高。",
        "targets": "降至1180℃。",
        "indicators": [{"name": "烧成温度", "current": "1300 ℃", "target": "≤ 1180 ℃"}],
        "budget": {"total_wan": 300, "to_solver_wan": 200},
        "benefits": "节能。",
        "period_years": 3,
        "solver_requirements": "- 符合《办法》第五条",
        "ip_terms": "按技术合同约定（第十条）。",
        "published": published,
        "deadline": "2022-11-30",
    }
    record.update(more)
    return record


LISTS = [
    a_list("JDZ-2022-002", "陶瓷3D打印成型技术", "景德镇陶瓷大学", "高校", "珠山区", "2022-10-15"),
    a_list(
        "JDZ-2022-001",
        "日用陶瓷低温快烧釉料关键技术",
        "景德镇市示例陶瓷有限公司",
        "企业",
        "珠山区",
        "2022-10-15",
        changes=[{"date": "2022-10-20", "note": "更正揭榜截止日期"}],
    ),
    a_list(
        "JDZ-2022-003",
        '=HYPERLINK("http://x")精细化工废水处理',
        "乐平市某化工有限公司",
        "企业",
        "乐平市",
        "2022-10-15",
        industry="精细化工",
    ),
    a_list(
        "JDZ-2023-001",
        "航空复合材料",
        "景德镇某航空有限公司",
        "企业",
        "昌江区",
        "2023-04-01",
        industry="航空",
    ),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content" / "regulation", content / "regulation")
    schema = SCHEMAS["list"]
    for record in LISTS:
        path = content / "lists" / record["id"][4:8] / f"{record['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_list_yaml(record, schema), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


EXPECTED_2022 = [
    [1, "计划科", "陶瓷", "日用陶瓷低温快烧釉料关键技术", "珠山区科技局"],
    [2, "计划科", "陶瓷", "陶瓷3D打印成型技术", "市科技局"],  # 高校 report to the city directly (通知第7条)
    [3, "计划科", "精细化工", '=HYPERLINK("http://x")精细化工废水处理', "乐平市科技局"],
]


def test_summary_xlsx_reads_back_exactly(project, capsys):
    assert main(["export", "summary", "--year", "2022"]) == 0
    path = Path("汇总表-2022.xlsx")
    assert "汇总表-2022.xlsx" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "“揭榜挂帅”重大技术需求征集汇总表"
    assert sheet["A2"].value == "主管推荐单位（公章）："
    assert "A1:E1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[3]] == [
        "序号",
        "受理处室",
        "行业领域",
        "重大技术需求（难题）题目",
        "主管单位",
    ]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=4)] == EXPECTED_2022
    assert sheet["D6"].data_type == "s"  # a title starting with "=" stays text, not a formula

    assert sheet["A1"].font.name == "黑体"
    assert all(c.font.name == "黑体" and c.font.bold for c in sheet[3])
    assert all(c.font.name == "宋体" for row in sheet.iter_rows(min_row=4) for c in row)
    assert all(
        c.border.left.style == "thin" and c.border.bottom.style == "thin"
        for row in sheet.iter_rows(min_row=3)
        for c in row
    )
    assert [sheet.column_dimensions[col].width for col in "ABCDE"] == list(export.SUMMARY_WIDTHS)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert "$3:$3" in sheet.print_title_rows
    assert sheet.freeze_panes == "A4"


def test_summary_for_one_county(project):
    assert main(["export", "summary", "--year", "2022", "--county", "珠山区", "--output", "zs.xlsx"]) == 0
    sheet = openpyxl.load_workbook("zs.xlsx").active
    assert sheet["A2"].value == "主管推荐单位（公章）：珠山区科技局"
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=4)] == [
        [1, "计划科", "陶瓷", "日用陶瓷低温快烧釉料关键技术", "珠山区科技局"]
    ]


def test_summary_office_from_option(project):
    assert main(["export", "summary", "--year", "2023", "--office", "成果转化科", "--format", "csv"]) == 0
    with open("汇总表-2023.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1] == ["1", "成果转化科", "航空", "航空复合材料", "昌江区科技局"]


def test_summary_docx_table(project):
    assert main(["export", "summary", "--year", "2022", "--format", "docx"]) == 0
    document = Document("汇总表-2022.docx")
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["“揭榜挂帅”重大技术需求征集汇总表", "主管推荐单位（公章）："]
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(export.SUMMARY_HEADERS)
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [
        [str(v) for v in row] for row in EXPECTED_2022
    ]
    header_run = table.rows[0].cells[0].paragraphs[0].runs[0]
    body_run = table.rows[1].cells[3].paragraphs[0].runs[0]
    assert header_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体" and header_run.bold
    assert body_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height


def test_summary_csv_has_a_bom_and_chinese_headers(project):
    assert main(["export", "summary", "--year", "2022", "--format", "csv", "--output", "s.csv"]) == 0
    raw = Path("s.csv").read_bytes()
    assert raw.startswith(BOM)
    rows = list(csv.reader(raw[len(BOM) :].decode("utf-8").splitlines()))
    assert rows[0] == list(export.SUMMARY_HEADERS)
    assert rows[1] == ["1", "计划科", "陶瓷", "日用陶瓷低温快烧釉料关键技术", "珠山区科技局"]
    assert rows[3][3].startswith("'=")  # Excel would run it as a formula


def test_a_year_without_lists_is_a_usage_error(project, capsys):
    assert main(["export", "summary", "--year", "2021"]) == 2
    err = capsys.readouterr().err
    assert "没有" in err and "2021" in err
    assert not Path("汇总表-2021.xlsx").exists()


def test_format_and_file_name_must_agree(project, capsys):
    assert main(["export", "summary", "--year", "2022", "--format", "csv", "--output", "x.xlsx"]) == 2
    assert "扩展名" in capsys.readouterr().err
    assert main(["export", "summary", "--year", "2022", "--output", "by-suffix.docx"]) == 0
    assert Document("by-suffix.docx").tables


def test_unreadable_files_are_skipped_with_a_warning(project, capsys):
    Path("content/lists/2022/JDZ-2022-009.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert main(["export", "summary", "--year", "2022", "--format", "csv"]) == 0
    assert "JDZ-2022-009.yaml" in capsys.readouterr().err


def test_export_lists_xlsx_has_every_field(project):
    assert main(["export", "lists"]) == 0
    sheet = openpyxl.load_workbook("榜单-全部.xlsx").active
    headers = [c.value for c in sheet[1]]
    schema = SCHEMAS["list"]
    assert headers[0] == schema["properties"]["id"]["title"] == "榜单编号"
    for header in (
        "技术需求单位 / 单位名称",
        "技术需求单位 / 所在县（市、区）",
        "经费预算 / 榜单金额",
        "咨询联系人 / 联系电话",
        "项目承接企业 / 承接企业名称",
        "技术难题概述",
        "更正说明",
    ):
        assert header in headers
    rows = [dict(zip(headers, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert [r["榜单编号"] for r in rows] == ["JDZ-2022-001", "JDZ-2022-002", "JDZ-2022-003", "JDZ-2023-001"]
    first = rows[0]
    assert first["技术需求单位 / 单位名称"] == "景德镇市示例陶瓷有限公司"
    assert first["经费预算 / 榜单金额"] == 200
    assert first["发榜日期"] == dt.datetime(2022, 10, 15)
    assert first["有共同技术需求的同行企业"] == "景德镇市某某瓷业有限公司；乐平市某某陶瓷有限公司"
    assert first["技术指标"] == "指标：烧成温度；现状：1300 ℃；目标：≤ 1180 ℃"
    assert first["更正说明"] == "更正日期：2022-10-20；更正内容：更正揭榜截止日期"
    assert first["咨询联系人 / 联系电话"] == "0798-8222222"
    assert all(c.font.name == "黑体" for c in sheet[1])
    assert sheet.column_dimensions["A"].width >= 12


def test_export_lists_csv_for_one_year(project):
    assert main(["export", "lists", "--format", "csv", "--year", "2023"]) == 0
    raw = Path("榜单-2023.csv").read_bytes()
    assert raw.startswith(BOM)
    with open("榜单-2023.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["榜单编号"] == "JDZ-2023-001"
    assert rows[0]["技术需求单位 / 所在县（市、区）"] == "昌江区"
    assert rows[0]["揭榜方条件"] == "'- 符合《办法》第五条"  # would be a formula to Excel otherwise


def test_export_lists_without_any_list(project, capsys):
    assert main(["export", "lists", "--year", "2030"]) == 2
    assert "没有" in capsys.readouterr().err
