"""Reading filled-in 附件1 征集表 (.docx) and `jiebang import`, with forms as enterprises send them."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from docx import Document

from docx_forms import ROWS, Form, build_compiled, build_form, build_other_document
from jiebang.cli import main
from jiebang.desk.wordform import FormError, read_form, read_forms

REPO = Path(__file__).resolve().parent.parent
PROBLEM = "日用陶瓷烧成温度高、周期长，能耗占生产成本三成以上。\n\n需攻克低温快烧釉料配方与烧成制度，属行业共性技术。"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "content" / "regulation", tmp_path / "content" / "regulation")
    (tmp_path / "content" / "lists").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def import_(*forms: str, published: str = "2022-10-15") -> int:
    return main(["import", *forms, "--root", "content", "--published", published])


def written() -> list[Path]:
    return sorted(Path("content/lists").rglob("*.yaml"))


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- forms, clean and messy


def test_a_clean_form_with_merged_cells(project, capsys):
    build_form(Path("clean.docx"))
    assert import_("clean.docx") == 0
    out = capsys.readouterr().out
    assert written() == [Path("content/lists/2022/JDZ-2022-001.yaml")]
    assert "clean.docx → content/lists/2022/JDZ-2022-001.yaml" in out
    data = load(written()[0])
    assert data["industry"] == "陶瓷"
    assert data["subfield"] == "日用陶瓷釉料"
    assert data["title"] == "日用陶瓷低温快烧釉料关键技术"
    assert data["demander"]["name"] == "景德镇市示例陶瓷有限公司"
    assert data["demander"]["kind"] == "企业"  # from the name; the output asks to check it
    assert data["peers"] == ["景德镇市某某瓷业有限公司", "乐平市某某陶瓷有限公司"]
    assert data["problem"] == PROBLEM
    assert data["targets"] == "烧成温度由1300℃降至1180℃以下，烧成周期缩短30%。"
    assert data["budget"] == {"total_wan": 300, "to_solver_wan": 200}
    assert data["benefits"] == "年节约能耗成本约800万元，带动全市日用瓷企业节能降耗。"
    assert data["published"] == dt.date(2022, 10, 15)
    assert data["period_years"] == 3


def test_what_the_form_does_not_carry_is_left_visible(project, capsys):
    build_form(Path("clean.docx"))
    assert import_("clean.docx") == 0
    out = capsys.readouterr().out
    data = load(written()[0])
    for value in (
        data["batch"],
        data["doc_number"],
        data["demander"]["credit_code"],
        data["demander"]["county"],
        data["contact"]["name"],
        data["contact"]["phone"],
        data["solver_requirements"],
        data["ip_terms"],
        data["deadline"],
    ):
        assert value.startswith("（请填写"), value
    for title in (
        "批次",
        "文号",
        "统一社会信用代码",
        "所在县（市、区）",
        "咨询联系人 / 联系电话",
        "揭榜方条件",
        "知识产权归属与利益分配",
        "揭榜截止日期",
    ):
        assert title in out


def test_the_contacts_mobile_and_email_never_reach_the_record(project, capsys):
    build_form(Path("clean.docx"), mobile="13912345678", email="zhangsan@qq.com", contact_name="张三")
    assert import_("clean.docx") == 0
    out = capsys.readouterr().out
    text = written()[0].read_text(encoding="utf-8")
    for private in ("13912345678", "zhangsan@qq.com", "张三", "总工程师"):
        assert private not in text
        assert private not in out
    assert "手机、邮箱" in out and "未写入记录" in out and "第十五条" in out
    form = read_form(Path("clean.docx"))  # read, so the importer can say what it left out
    assert (form.contact.mobile, form.contact.email) == ("13912345678", "zhangsan@qq.com")


def test_wps_form_split_cells_broken_labels_full_width_digits_no_unit(project):
    build_form(
        Path("wps.docx"),
        merged=False,  # every grid cell repeats the text, as python-docx reports a merged cell
        empty_rows=True,  # extra empty rows and paragraphs
        contact_rows=2,
        labels={
            "industry": "所属行业\n领 域",
            "problem": "技 术 难 题\n概　述（限500\n\n字以内）",
            "demander": "技术需求单位 ",
            "budget": "经 费\n预 算",
        },
        total="１２０",
        to_solver="１００",
        unit="",
    )
    form = read_form(Path("wps.docx"))
    assert form.industry == "陶瓷"
    assert form.demander == "景德镇市示例陶瓷有限公司"
    assert form.peers == ["景德镇市某某瓷业有限公司", "乐平市某某陶瓷有限公司"]
    assert form.problem == PROBLEM
    assert (form.total_wan, form.to_solver_wan) == (Decimal("120"), Decimal("100"))
    assert form.contact.mobile == "13912345678"
    assert import_("wps.docx") == 0
    assert load(written()[0])["budget"] == {"total_wan": 120, "to_solver_wan": 100}


def test_template_hints_left_in_place_count_as_empty(project, capsys):
    build_form(Path("hints.docx"), hints={"problem", "targets", "benefits"}, benefits=[])
    form = read_form(Path("hints.docx"))
    assert form.problem == PROBLEM  # the hint above the enterprise's text is dropped
    assert "描述具体" not in form.problem
    assert form.targets == "烧成温度由1300℃降至1180℃以下，烧成周期缩短30%。"
    assert form.benefits == ""  # only the hint was there
    assert import_("hints.docx") == 0
    out = capsys.readouterr().out
    assert load(written()[0])["benefits"].startswith("（请填写")
    assert "填表说明" in out and "预期经济、社会效益" in out

    build_form(Path("blank.docx"), hints={"problem"}, problem=[])
    with pytest.raises(FormError, match="技术难题概述"):
        read_form(Path("blank.docx"))


def test_label_order_varies_and_amounts_carry_their_own_unit(project):
    build_form(
        Path("order.docx"),
        rows=[
            "title",
            "demander",
            "industry_only",
            "subfield_row",
            "budget",
            "problem",
            "targets",
            "benefits",
            "contact",
            "peers",
        ],
        budget="预计项目经费 300万 万元。其中企业类：预计支付揭榜单位研发资金 200.5 万元。",
        industry="精细化工（医药中间体）",
        demander="乐平市某某化工有限公司（盖章）",
        peers=["1、景德镇市甲化工有限公司", "无"],
    )
    form = read_form(Path("order.docx"))
    assert form.title == "日用陶瓷低温快烧釉料关键技术"
    assert form.subfield == "日用陶瓷釉料"
    assert form.demander == "乐平市某某化工有限公司"
    assert (form.total_wan, form.to_solver_wan) == (Decimal("300"), Decimal("200.5"))
    assert form.peers == ["景德镇市甲化工有限公司"]
    assert import_("order.docx") == 0
    data = load(written()[0])
    assert data["industry"] == "精细化工"  # mapped onto the regulation's list, with a note to check
    assert data["demander"]["county"] == "乐平市"
    assert data["budget"]["to_solver_wan"] == 200.5


def test_values_typed_under_their_label_and_ticked_industry(project):
    build_form(
        Path("stacked.docx"),
        stacked={"title", "problem"},
        empty_rows=True,
        industry="□航空 ☑陶瓷 □精细化工",
    )
    form = read_form(Path("stacked.docx"))
    assert form.title == "日用陶瓷低温快烧釉料关键技术"
    assert form.problem == PROBLEM
    assert form.industry == "陶瓷"


def test_own_text_that_starts_like_the_hint_is_kept(project):
    build_form(
        Path("own.docx"),
        targets=["目前的技术指标参数：烧成温度1300℃；攻关后达到1180℃以下。"],
        budget="预计项目经费（万元）：300，其中企业类：预计支付揭榜单位研发资金为200。",
    )
    form = read_form(Path("own.docx"))
    assert form.targets == "目前的技术指标参数：烧成温度1300℃；攻关后达到1180℃以下。"
    assert (form.total_wan, form.to_solver_wan) == (Decimal("300"), Decimal("200"))


def test_missing_list_amount_on_an_enterprise_form_is_refused(project, capsys):
    build_form(Path("no-amount.docx"), to_solver="")
    assert import_("no-amount.docx") == 1
    err = capsys.readouterr().err
    assert "no-amount.docx" in err and "榜单金额" in err
    assert written() == []


def test_a_university_may_leave_the_list_amount_to_the_bureau(project, capsys):
    # 附件1: “其中企业类：预计支付揭榜单位研发资金” — only enterprises state it.
    build_form(Path("univ.docx"), demander="景德镇陶瓷大学", to_solver="")
    assert import_("univ.docx") == 0
    data = load(written()[0])
    assert data["demander"]["kind"] == "高校"
    assert data["budget"]["to_solver_wan"].startswith("（请填写")
    assert "榜单金额" in capsys.readouterr().out


def test_an_amount_in_chinese_numerals_is_unreadable(project, capsys):
    build_form(Path("numerals.docx"), total="三百")
    assert import_("numerals.docx") == 1
    err = capsys.readouterr().err
    assert "numerals.docx" in err and "预计项目经费" in err and "三百万元" in err
    assert written() == []


def test_a_document_that_is_not_a_form(project, capsys):
    build_other_document(Path("notice.docx"))
    assert import_("notice.docx") == 1
    err = capsys.readouterr().err
    assert "notice.docx" in err and "不是“揭榜挂帅”重大技术需求征集表（附件1）" in err
    assert written() == []
    document = Document()
    document.add_paragraph("一份没有表格的文件。")
    document.save("empty.docx")
    with pytest.raises(FormError, match="不是“揭榜挂帅”重大技术需求征集表"):
        read_form(Path("empty.docx"))


def test_the_console_script_reports_without_a_traceback(project):
    build_other_document(Path("notice.docx"))
    build_form(Path("good.docx"))
    result = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "jiebang"),
            "import",
            "notice.docx",
            "good.docx",
            "--published",
            "2022-10-15",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 1
    assert "不是“揭榜挂帅”重大技术需求征集表" in result.stderr and "Traceback" not in result.stderr
    assert "good.docx → content/lists/2022/JDZ-2022-001.yaml" in result.stdout


def test_files_that_are_not_docx(project, capsys):
    Path("old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    Path("text.docx").write_text("不是 Word 文件", encoding="utf-8")
    assert import_("old.doc", "text.docx", "missing.docx") == 1
    err = capsys.readouterr().err
    assert "另存为" in err and "text.docx" in err and "missing.docx" in err and "不存在" in err
    assert "Traceback" not in err
    assert written() == []


def test_encrypted_and_wrong_office_files(project):
    Path("locked.docx").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le")
    )
    with pytest.raises(FormError, match="密码"):
        read_form(Path("locked.docx"))
    openpyxl = pytest.importorskip("openpyxl")
    openpyxl.Workbook().save("sheet.docx")  # an Excel file with a Word name
    with pytest.raises(FormError, match="无法作为 Word 文档"):
        read_form(Path("sheet.docx"))


def test_good_forms_are_written_when_another_fails(project, capsys):
    build_form(Path("a.docx"))
    build_other_document(Path("b.docx"))
    build_form(
        Path("c.docx"), title="航空发动机叶片涂层技术", industry="航空", demander="景德镇某航空部件有限公司"
    )
    assert import_("a.docx", "b.docx", "c.docx") == 1
    assert [p.name for p in written()] == ["JDZ-2022-001.yaml", "JDZ-2022-002.yaml"]
    assert not [p for p in Path("content/lists").rglob("*") if p.name.startswith(".")]  # no temporary files


def test_importing_the_same_form_twice_is_refused(project, capsys):
    build_form(Path("a.docx"))
    assert import_("a.docx") == 0
    capsys.readouterr()
    # Not a failure: re-running an import over a county's folder after fixing one file is the normal
    # way to work, and must neither fail nor import anything twice.
    assert import_("a.docx") == 0
    out = capsys.readouterr().out
    assert (
        "已导入过  a.docx：“日用陶瓷低温快烧釉料关键技术”（景德镇市示例陶瓷有限公司）已导入为 JDZ-2022-001"
        in out
    )
    assert "共导入 0 份榜单。" in out
    assert len(written()) == 1


def test_a_compiled_document_with_several_forms(project):
    build_compiled(
        Path("county.docx"),
        [
            Form(),
            Form(
                title="航空发动机叶片涂层技术", industry="航空", demander="景德镇某航空部件有限公司", peers=[]
            ),
        ],
    )
    forms = read_forms(Path("county.docx"))
    assert [f.title for f in forms] == ["日用陶瓷低温快烧釉料关键技术", "航空发动机叶片涂层技术"]
    assert forms[1].peers == []
    with pytest.raises(FormError, match="2 份"):
        read_form(Path("county.docx"))
    assert import_("county.docx") == 0
    assert [load(p)["industry"] for p in written()] == ["陶瓷", "航空"]


def test_the_year_defaults_to_this_year(project):
    build_form(Path("a.docx"))
    assert main(["import", "a.docx"]) == 0
    year = dt.date.today().year
    path = Path(f"content/lists/{year}/JDZ-{year}-001.yaml")
    assert path.is_file()
    assert load(path)["published"].startswith("（请填写")


def test_an_imported_file_fails_validation_only_where_placeholders_are(project):
    validate = pytest.importorskip("jiebang.rules.validate")
    build_form(Path("a.docx"))
    assert main(["import", "a.docx", "--published", "2022-10-15", "--deadline", "2022-11-30"]) == 0
    path = written()[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    placeholder_lines = {n for n, line in enumerate(lines, start=1) if "（请填写" in line}
    for diagnostic in validate.validate_paths([path], Path("content")):
        if diagnostic.severity == "error":
            assert diagnostic.line in placeholder_lines or diagnostic.line + 1 in placeholder_lines, (
                diagnostic.as_text()
            )


def test_the_default_form_layout_is_the_notices(project):
    """The helper really builds 附件1's table: merged label column, 8-column grid, rows in order."""
    build_form(Path("clean.docx"))
    table = Document("clean.docx").tables[0]
    assert len(table.columns) == 8
    first_cells = [row.cells[0].text for row in table.rows]
    assert first_cells[0] == "所属行业领域"
    assert first_cells.count("有共同技术需求的同行企业") == 3  # merged down over its 序号 rows
    assert len(table.rows) == len(ROWS) + 2
