"""`jiebang import` with the files counties really send: .doc and .wps (through LibreOffice), names that
lie about the format, folders with broken files, and the county's 附件2 汇总表 cross-checked."""

from __future__ import annotations

import hashlib
import shutil
import stat
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from docx_forms import Form, build_form
from jiebang.cli import main
from jiebang.desk.formimport import DUPLICATE, FAILED, IMPORTED, SKIPPED, import_paths
from jiebang.desk.officefiles import Kind, convert, sniff
from office import libreoffice_convert, require_soffice

REPO = Path(__file__).resolve().parent.parent
CERAMICS = Form()
AVIATION = Form(
    title="航空发动机叶片涂层技术", industry="航空", demander="景德镇某航空部件有限公司", peers=[]
)
CHEMICALS = Form(title="精细化工废水资源化利用技术", industry="精细化工", demander="乐平市某某化工有限公司")


def make_root(path: Path) -> Path:
    shutil.copytree(REPO / "content" / "regulation", path / "regulation")
    (path / "lists").mkdir()
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_root(tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def import_(*args: str) -> int:
    return main(["import", *args, "--root", "content", "--published", "2022-10-15"])


def records() -> list[Path]:
    return sorted(Path("content/lists").rglob("*.yaml"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def old_forms(tmp_path_factory) -> dict[str, Path]:
    """The three forms as .docx, and as Word 97 .doc written by LibreOffice (one soffice call)."""
    folder = tmp_path_factory.mktemp("forms")
    sources = [
        build_form(folder / "陶瓷 征集表.docx", CERAMICS),
        build_form(folder / "航空 征集表.docx", AVIATION),
        build_form(folder / "化工 征集表.docx", CHEMICALS),
    ]
    docs = libreoffice_convert(sources, "doc", folder / "doc")
    return {
        "ceramics": sources[0],
        "aviation": sources[1],
        "chemicals": sources[2],
        "ceramics.doc": docs[0],
        "aviation.doc": docs[1],
        "chemicals.doc": docs[2],
    }


# --------------------------------------------------------------------------- formats by their bytes


def test_a_doc_and_a_doc_named_wps_give_the_docx_record(old_forms, tmp_path):
    require_soffice()
    wps = tmp_path / "县区 报送" / "陶瓷征集表（WPS）.wps"
    wps.parent.mkdir()
    shutil.copy(old_forms["ceramics.doc"], wps)
    assert sniff(old_forms["ceramics.doc"]) is Kind.WORD97 and sniff(wps) is Kind.WORD97
    before = {path: digest(path) for path in (old_forms["ceramics.doc"], wps)}

    texts = {}
    for name, source in (("docx", old_forms["ceramics"]), ("doc", old_forms["ceramics.doc"]), ("wps", wps)):
        root = make_root(tmp_path / name)
        report = import_paths([source], root, published=None)
        assert [f.status for f in report.files] == [IMPORTED], report.files[0].message
        (written,) = report.files[0].written
        assert written.form.source == source  # the messages name the file the clerk has, not a copy
        texts[name] = written.path.read_text(encoding="utf-8")
    assert texts["doc"] == texts["docx"] and texts["wps"] == texts["docx"]
    assert {path: digest(path) for path in before} == before  # the originals are never modified
    assert not list(wps.parent.glob("*.docx")) and not list(
        wps.parent.glob(".~lock*")
    )  # nothing left beside them


def test_a_docx_saved_as_doc_needs_no_libreoffice(project, monkeypatch, capsys):
    build_form(
        Path("另存为.doc"), CERAMICS
    )  # a .docx with the old name, as Word's “save as” sometimes leaves it
    monkeypatch.setenv("JIEBANG_SOFFICE", str(project / "no-such-soffice"))
    assert sniff(Path("另存为.doc")) is Kind.DOCX
    assert import_("另存为.doc") == 0
    assert "已导入  另存为.doc → content/lists/2022/JDZ-2022-001.yaml" in capsys.readouterr().out


def test_without_libreoffice_the_other_files_are_still_imported(project, old_forms, monkeypatch, capsys):
    shutil.copy(old_forms["aviation.doc"], "航空.doc")
    build_form(Path("陶瓷.docx"), CERAMICS)
    monkeypatch.setenv("JIEBANG_SOFFICE", str(project / "no-such-soffice"))
    assert import_("航空.doc", "陶瓷.docx") == 1
    captured = capsys.readouterr()
    assert "未找到 LibreOffice" in captured.err
    assert "apt-get install libreoffice-writer-nogui" in captured.err and "Windows" in captured.err
    assert captured.err.count("未找到 LibreOffice") == 1  # said once, not once a file
    assert "失败  航空.doc：需要 LibreOffice" in captured.err
    assert "已导入  陶瓷.docx → content/lists/2022/JDZ-2022-001.yaml" in captured.out
    assert "Traceback" not in captured.err
    assert len(records()) == 1


def test_many_files_convert_in_one_soffice_call_with_a_profile_of_its_own(project, old_forms, monkeypatch):
    real = require_soffice()
    log = project / "soffice.log"
    wrapper = project / "soffice-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("JIEBANG_SOFFICE", str(wrapper))
    folder = Path("county")
    folder.mkdir()
    for name in ("ceramics.doc", "aviation.doc", "chemicals.doc"):
        shutil.copy(old_forms[name], folder / f"{name[:-4]} 征集表.doc")
    report = import_paths([folder], Path("content"))
    assert [f.status for f in report.files] == [IMPORTED] * 3
    (call,) = log.read_text().splitlines()  # one start of LibreOffice for all three
    assert "-env:UserInstallation=file:///" in call and "--headless" in call and "--convert-to docx" in call
    profile = call.split("-env:UserInstallation=file://", 1)[1].split()[0]
    assert "jiebang-import-" in profile and not Path(profile).exists()  # a fresh profile, removed afterwards
    assert "征集表" not in call  # soffice sees plain ASCII copies, never the county's file names


def test_a_conversion_that_hangs_is_stopped(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("JIEBANG_SOFFICE", str(fake))
    source = tmp_path / "a.doc"
    source.write_bytes(b"not really")
    work = tmp_path / "work"
    work.mkdir()
    (result,) = convert([(source, Kind.WORD97)], work, timeout=1)
    assert result.path is None and "超时" in result.problem


# --------------------------------------------------------------------------- folders


def test_a_county_folder_with_a_broken_file_and_a_copy(project, old_forms, capsys):
    require_soffice()
    county = Path("浮梁县 报送材料")
    (county / "企业 二").mkdir(parents=True)
    build_form(county / "陶瓷.docx", CERAMICS)
    shutil.copy(old_forms["aviation.doc"], county / "企业 二" / "航空.doc")
    shutil.copy(old_forms["chemicals.doc"], county / "企业 二" / "化工.wps")
    shutil.copy(county / "陶瓷.docx", county / "企业 二" / "陶瓷 - 副本.docx")
    (county / "损坏.doc").write_bytes(old_forms["aviation.doc"].read_bytes()[:3000])  # a cut-off download
    (county / "说明.pdf").write_bytes(b"%PDF-1.4\n")
    (county / "~$陶瓷.docx").write_bytes(b"\x05zhang" + b"\0" * 157)  # Word's owner file: the form was open
    before = {path: digest(path) for path in county.rglob("*") if path.is_file()}

    assert import_(str(county)) == 1
    captured = capsys.readouterr()
    out, err = captured.out, captured.err
    # In Explorer's order: the folder's own files, then its subfolder's; the original before its copy.
    assert f"已导入  {county}/陶瓷.docx → content/lists/2022/JDZ-2022-001.yaml" in out
    assert f"已导入  {county}/企业 二/化工.wps → content/lists/2022/JDZ-2022-002.yaml" in out
    assert f"已导入  {county}/企业 二/航空.doc → content/lists/2022/JDZ-2022-003.yaml" in out
    assert (
        f"已导入过  {county}/企业 二/陶瓷 - 副本.docx：“日用陶瓷低温快烧釉料关键技术”（景德镇市示例陶瓷有限公司）"
        "已导入为 JDZ-2022-001，未重复导入。" in out
    )
    assert f"失败  {county}/损坏.doc：" in err and "损坏" in err
    assert f"跳过  {county}/说明.pdf：" in out
    assert f"跳过  {county}/~$陶瓷.docx：Word、WPS 或系统的临时文件。" in out
    assert "Traceback" not in err
    assert [
        line.split()
        for line in out.splitlines()
        if line.startswith("  ") and line.split()[0] in (IMPORTED, DUPLICATE, SKIPPED, FAILED)
    ] == [[IMPORTED, "3"], [DUPLICATE, "1"], [SKIPPED, "2"], [FAILED, "1"]]
    assert "共导入 3 份榜单；1 个文件未导入。" in out
    assert [yaml.safe_load(p.read_text(encoding="utf-8"))["title"] for p in records()] == [
        CERAMICS.title,
        CHEMICALS.title,
        AVIATION.title,
    ]
    assert {path: digest(path) for path in before} == before

    # Run again once the county has sent the file anew: nothing is imported twice or overwritten.
    texts = {p: p.read_text(encoding="utf-8") for p in records()}
    (county / "损坏.doc").unlink()
    assert import_(str(county)) == 0
    out = capsys.readouterr().out
    assert "共导入 0 份榜单。" in out
    assert len([line for line in out.splitlines() if line.startswith("已导入过  ")]) == 4
    assert {p: p.read_text(encoding="utf-8") for p in records()} == texts


# --------------------------------------------------------------------------- the county's 汇总表


def summary_xlsx(path: Path, rows: list[list], recommender: str = "浮梁县科技局") -> Path:
    """附件2 as a county fills it in Excel: title, 主管推荐单位 line, header, rows, a blank numbered row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["“揭榜挂帅”重大技术需求征集汇总表"])
    sheet.append([f"主管推荐单位（公章）：{recommender}"])
    sheet.append(["序号", "受理处室", "行业领域", "重大技术需求（难题）题目", "主管单位"])
    for row in rows:
        sheet.append(row)
    sheet.append([len(rows) + 1, None, None, None, None])
    book.save(path)
    return path


SUMMARY_ROWS = [
    [1, "计划科", "陶瓷", "日用陶瓷低温快烧釉料关键技术", "浮梁县科技局"],
    [2, "计划科", "先进制造", "航空发动机叶片热障涂层技术", "浮梁县科技局"],  # title and 行业 retyped
    [3, "计划科", "陶瓷", "陶瓷窑炉余热回收关键技术", ""],  # no form came for it; 主管单位 left blank
]


def test_the_summary_cross_check_names_rows_and_files(project, capsys):
    build_form(Path("陶瓷.docx"), CERAMICS)
    build_form(Path("航空.docx"), AVIATION)
    build_form(Path("化工.docx"), CHEMICALS)  # a form the county did not list
    summary_xlsx(Path("汇总表.xlsx"), SUMMARY_ROWS)
    assert import_("陶瓷.docx", "航空.docx", "化工.docx", "--summary", "汇总表.xlsx") == 1
    out = capsys.readouterr().out
    assert "汇总表《汇总表.xlsx》：3 项，主管推荐单位 浮梁县科技局。" in out
    assert (
        "不一致：汇总表《汇总表.xlsx》第 5 行题目“航空发动机叶片热障涂层技术”与征集表《航空.docx》的项目名称"
        "“航空发动机叶片涂层技术”不一致。"
    ) in out
    assert (
        "不一致：汇总表《汇总表.xlsx》第 5 行行业领域为“先进制造”，征集表《航空.docx》填写的是“航空”。" in out
    )
    assert (
        "不一致：汇总表《汇总表.xlsx》第 6 行（序号 3）“陶瓷窑炉余热回收关键技术”：没有收到对应的征集表。"
        in out
    )
    assert (
        "不一致：征集表《化工.docx》“精细化工废水资源化利用技术”：汇总表《汇总表.xlsx》中没有这一项。" in out
    )
    assert "第 4 行" not in out and "第 7 行" not in out  # the matching row and the blank numbered row
    assert "汇总表与征集表不一致" in out
    data = {
        yaml.safe_load(p.read_text(encoding="utf-8"))["title"]: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in records()
    }
    assert len(data) == 3  # the forms are imported all the same; the clerk settles the differences
    assert data[CERAMICS.title]["competent_unit"] == "浮梁县科技局"
    assert data[AVIATION.title]["competent_unit"] == "浮梁县科技局"
    assert "competent_unit" not in data[CHEMICALS.title]
    assert main(["validate", "content"]) == 1  # the placeholders still to fill in …
    validated = capsys.readouterr().out
    assert "schema.required" in validated
    assert "schema.unknown_field" not in validated  # … but competent_unit is a field the schema knows


def test_a_summary_that_agrees_and_sits_in_the_folder(project, capsys):
    folder = Path("county")
    folder.mkdir()
    build_form(folder / "陶瓷.docx", CERAMICS)
    shutil.copy(folder / "陶瓷.docx", folder / "陶瓷 - 副本.docx")  # sent twice: one requirement, one row
    summary_xlsx(
        folder / "汇总表.xlsx",
        [[1, "计划科", "陶瓷", "日用陶瓷低温快烧释料关键技术".replace("释", "釉"), ""]],
    )
    assert import_(str(folder), "--summary", str(folder / "汇总表.xlsx")) == 0
    out = capsys.readouterr().out
    assert "与征集表逐项一致。" in out and "跳过" not in out.split("汇总：")[0]  # the 汇总表 is not a form
    assert "已导入过  county/陶瓷 - 副本.docx" in out and len(records()) == 1
    # the row's 主管单位 is blank: the table's 主管推荐单位 stands for it
    assert yaml.safe_load(records()[0].read_text(encoding="utf-8"))["competent_unit"] == "浮梁县科技局"


def test_a_summary_after_the_forms_never_rewrites_their_records(project, capsys):
    build_form(Path("陶瓷.docx"), CERAMICS)
    assert import_("陶瓷.docx") == 0
    before = records()[0].read_text(encoding="utf-8")
    summary_xlsx(Path("汇总表.xlsx"), [[1, "计划科", "陶瓷", CERAMICS.title, "浮梁县科技局"]])
    capsys.readouterr()
    assert import_("陶瓷.docx", "--summary", "汇总表.xlsx") == 0
    out = capsys.readouterr().out
    assert (
        "已导入为 JDZ-2022-001，未重复导入；汇总表的主管单位“浮梁县科技局”未写入该记录，如需要请在其中填写 competent_unit"
        in out
    )
    assert records()[0].read_text(encoding="utf-8") == before


def test_summaries_as_xls_et_docx_doc_and_wps(project, old_forms, capsys):
    require_soffice()
    build_form(Path("陶瓷.docx"), CERAMICS)
    rows = [
        [1, "计划科", "陶瓷", CERAMICS.title, "浮梁县科技局"],
        [2, "计划科", "航空", AVIATION.title, "浮梁县科技局"],
    ]
    (xls,) = libreoffice_convert([summary_xlsx(Path("汇总表.xlsx"), rows)], "xls", Path("old"))
    et = Path("汇总表 WPS.et")
    shutil.copy(xls, et)
    assert sniff(et) is Kind.EXCEL97
    for table in (et, xls):  # WPS Spreadsheets' .et, and Excel 97's .xls itself
        assert import_("陶瓷.docx", "--summary", str(table)) == 1
        out = capsys.readouterr().out
        assert (
            f"汇总表《{table.name}》第 5 行（序号 2）“航空发动机叶片涂层技术”：没有收到对应的征集表。" in out
        )

    # A Word 汇总表 (the bureau's own export, as .docx, then saved by Word 97) reads the same way.
    assert (
        main(
            [
                "export",
                "summary",
                "--year",
                "2022",
                "--root",
                "content",
                "--output",
                "summary.docx",
            ]
        )
        == 0
    )
    capsys.readouterr()
    (doc,) = libreoffice_convert([Path("summary.docx")], "doc", Path("old"))
    wps = Path("汇总表（WPS文字）.wps")
    shutil.copy(doc, wps)  # WPS Writer's .wps is Word 97 inside
    for table in (Path("summary.docx"), doc, wps):
        assert import_("陶瓷.docx", "--summary", str(table)) == 0
        out = capsys.readouterr().out
        assert "已导入过  陶瓷.docx" in out and "与征集表逐项一致。" in out
        assert f"汇总表《{table.name}》：1 项" in out


def test_a_form_whose_name_holds_a_colon_is_named_whole(project, capsys):
    from docx_forms import build_other_document

    build_other_document(Path("征集表：陶瓷.docx"))
    assert import_("征集表：陶瓷.docx") == 1
    err = capsys.readouterr().err
    assert "失败  征集表：陶瓷.docx：不是“揭榜挂帅”重大技术需求征集表（附件1）" in err


def test_a_file_that_is_no_summary(project, capsys):
    build_form(Path("陶瓷.docx"), CERAMICS)
    Workbook().save("空表.xlsx")
    assert import_("陶瓷.docx", "--summary", "空表.xlsx") == 1
    err = capsys.readouterr().err
    assert "汇总表《空表.xlsx》：找不到附件2汇总表的表头" in err and "Traceback" not in err
    assert len(records()) == 1  # the forms are still imported


# --------------------------------------------------------------------------- 主管单位 in the record


def test_the_competent_unit_is_shown_on_the_list_page_and_in_the_summary(tmp_path, monkeypatch):
    import lxml.html

    from conftest import sample_project
    from jiebang.site.build import build_site

    project = sample_project(tmp_path / "project")
    record = project / "content" / "lists" / "2023" / "JDZ-2023-003.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(
        text.replace("host_enterprise:\n", "competent_unit: 昌江区科技局\nhost_enterprise:\n", 1),
        encoding="utf-8",
    )
    build_site(project, tmp_path / "site")
    page = lxml.html.fromstring((tmp_path / "site" / "lists" / "JDZ-2023-003" / "index.html").read_bytes())
    shown = {dt.text_content().strip(): dt.getnext().text_content().strip() for dt in page.iter("dt")}
    assert shown["主管单位"] == "昌江区科技局"  # the schema's title, the record's value
    other = lxml.html.fromstring((tmp_path / "site" / "lists" / "JDZ-2023-001" / "index.html").read_bytes())
    assert "主管单位" not in {dt.text_content().strip() for dt in other.iter("dt")}  # absent when not given

    monkeypatch.chdir(project)
    assert main(["export", "summary", "--year", "2023", "--format", "csv", "--output", "s.csv"]) == 0
    rows = (project / "s.csv").read_text(encoding="utf-8-sig").splitlines()
    row = next(line for line in rows if "碳化硅陶瓷膜" in line)
    assert row.endswith(",昌江区科技局")  # the 汇总表's own 主管单位, not the derived 市科技局 of a 科研院所


# --------------------------------------------------------------------------- LibreOffice missing (item 5)


def test_without_libreoffice_its_tests_skip_with_a_message_but_fail_under_ci(monkeypatch):
    import office

    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install libreoffice-writer-nogui"):
        office.require_soffice()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(BaseException) as caught:  # a skip is an exception too: catch it, to fail on it
        office.require_soffice()
    assert caught.type is pytest.fail.Exception and "LibreOffice (soffice) is missing" in str(caught.value)
