"""`jiebang new list|result` and the commented YAML the scaffold writes."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from jiebang.cli import main
from jiebang.desk import scaffold
from jiebang.desk.yamlwriter import render_list_yaml, render_result_yaml
from jiebang.records.schema import SCHEMAS

REPO = Path(__file__).resolve().parent.parent
LOCAL_FIRM = "91360203MA35ABCD1A"  # 珠山区 (360203), check character correct (GB 32100-2015)

LIST_OPTIONS = [
    "--industry",
    "陶瓷",
    "--subfield",
    "日用陶瓷釉料",
    "--title",
    "日用陶瓷低温快烧釉料关键技术",
    "--demander",
    "景德镇市示例陶瓷有限公司",
    "--demander-kind",
    "企业",
    "--credit-code",
    LOCAL_FIRM,
    "--county",
    "珠山区",
    "--total",
    "300",
    "--to-solver",
    "200",
    "--published",
    "2022-10-15",
    "--deadline",
    "2022-11-30",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder whose content/ holds the real regulation data and no records; cwd is there."""
    shutil.copytree(REPO / "content" / "regulation", tmp_path / "content" / "regulation")
    (tmp_path / "content" / "lists").mkdir()
    (tmp_path / "content" / "results").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def new_list(*extra: str) -> int:
    return main(["new", "list", "--no-input", *LIST_OPTIONS, *extra])


def test_new_list_writes_the_first_id_and_prints_the_path(project, capsys):
    assert new_list() == 0
    path = Path("content/lists/2022/JDZ-2022-001.yaml")
    assert capsys.readouterr().out.strip() == str(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["id"] == "JDZ-2022-001"
    assert data["industry"] == "陶瓷"
    assert data["demander"] == {
        "name": "景德镇市示例陶瓷有限公司",
        "kind": "企业",
        "credit_code": LOCAL_FIRM,
        "county": "珠山区",
    }
    assert data["budget"] == {"total_wan": 300, "to_solver_wan": 200}
    assert data["published"] == dt.date(2022, 10, 15)
    assert data["deadline"] == dt.date(2022, 11, 30)
    assert data["period_years"] == 3  # the regulation's 第三条 number
    assert data["problem"].startswith("（请填写")


def test_every_key_has_the_schema_title_and_description_above_it(project):
    assert new_list() == 0
    lines = Path("content/lists/2022/JDZ-2022-001.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../../tools/jiebang/schemas/list.schema.json"
    schema = SCHEMAS["list"]
    parents = {0: schema}
    checked = 0
    for number, line in enumerate(lines):
        match = re.match(r"( *)([a-z_]+):", line)
        if not match:
            continue
        indent, key = len(match[1]), match[2]
        node = parents[indent]["properties"][key]
        assert lines[number - 1] == f"{' ' * indent}# {node['title']}：{node['description']}"
        parents[indent + 2] = node
        checked += 1
    assert checked > 25


def test_comments_are_read_from_the_schema_not_copied(project):
    schema = copy.deepcopy(SCHEMAS["list"])
    schema["properties"]["problem"]["title"] = "改过的标题"
    schema["properties"]["problem"]["description"] = "改过的说明。"
    text = render_list_yaml({"id": "JDZ-2022-001", "problem": "文字"}, schema)
    assert "# 改过的标题：改过的说明。\nproblem:" in text


def test_next_free_id_is_one_above_the_highest(project):
    year = Path("content/lists/2022")
    year.mkdir()
    (year / "JDZ-2022-001.yaml").write_text("id: JDZ-2022-001\n", encoding="utf-8")
    (year / "JDZ-2022-007.yaml").write_text("id: JDZ-2022-007\n", encoding="utf-8")
    assert new_list() == 0
    assert (year / "JDZ-2022-008.yaml").is_file()
    assert (year / "JDZ-2022-001.yaml").read_text(encoding="utf-8") == "id: JDZ-2022-001\n"
    assert new_list() == 0
    assert (year / "JDZ-2022-009.yaml").is_file()


def test_batch_and_doc_number_options(project):
    assert new_list("--batch", "2022年度第一批", "--doc-number", "景科字〔2022〕56号") == 0
    data = yaml.safe_load(Path("content/lists/2022/JDZ-2022-001.yaml").read_text(encoding="utf-8"))
    assert (data["batch"], data["doc_number"]) == ("2022年度第一批", "景科字〔2022〕56号")


def test_the_year_comes_from_the_published_date(project):
    assert (
        main(
            [
                "new",
                "list",
                "--no-input",
                "--industry",
                "航空",
                "--title",
                "某项目",
                "--demander",
                "某公司",
                "--published",
                "2023-03-01",
            ]
        )
        == 0
    )
    assert Path("content/lists/2023/JDZ-2023-001.yaml").is_file()


def test_an_existing_file_is_never_overwritten(project):
    target = Path("content/lists/2022/JDZ-2022-001.yaml")
    target.parent.mkdir()
    target.write_text("原有内容\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        scaffold.write_new_file(target, "新内容\n")
    assert target.read_text(encoding="utf-8") == "原有内容\n"
    assert [p.name for p in target.parent.iterdir()] == ["JDZ-2022-001.yaml"]  # no temporary file left


def test_a_race_for_an_id_takes_the_next_one(project):
    lists = Path("content/lists")
    (lists / "2022").mkdir()
    (lists / "2022" / "JDZ-2022-001.yaml").write_text("别人刚写的\n", encoding="utf-8")
    ids = iter(["JDZ-2022-001", "JDZ-2022-002"])  # the first was taken after it was chosen
    record_id, path = scaffold.write_with_next_id(
        lambda: next(ids), lambda i: lists / "2022" / f"{i}.yaml", lambda i: f"id: {i}\n"
    )
    assert record_id == "JDZ-2022-002"
    assert (lists / "2022" / "JDZ-2022-001.yaml").read_text(encoding="utf-8") == "别人刚写的\n"


def test_the_written_file_fails_validation_only_where_placeholders_are(project):
    validate = pytest.importorskip("jiebang.rules.validate")
    assert new_list() == 0
    path = Path("content/lists/2022/JDZ-2022-001.yaml")
    lines = path.read_text(encoding="utf-8").splitlines()
    placeholder_lines = {n for n, line in enumerate(lines, start=1) if "（请填写" in line}
    errors = [d for d in validate.validate_paths([path], Path("content")) if d.severity == "error"]
    assert errors, "contact, batch and doc_number are left to fill in"
    for diagnostic in errors:
        assert diagnostic.line in placeholder_lines or diagnostic.line + 1 in placeholder_lines, (
            diagnostic.as_text()
        )


def test_interactive_questions_in_chinese(project, monkeypatch, capsys):
    answers = (
        "\n".join(
            [
                "2022-10-15",  # 发榜日期
                "99",  # not an industry: asked again
                "1",  # 陶瓷, by its number
                "",  # 细分方向 left for later
                "日用陶瓷低温快烧釉料关键技术",
                "景德镇市示例陶瓷有限公司",
                "企业",
                LOCAL_FIRM.lower(),
                "",  # 所在县: Enter takes 珠山区, read from the credit code's region code
                "300",
                "２００万",  # full-width, with a unit
                "2022-10-01",  # before 发榜日期: asked again
                "2022-11-30",
            ]
        )
        + "\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    assert main(["new", "list"]) == 0
    out, err = capsys.readouterr()
    assert "所属行业领域" in out and "1 陶瓷" in out
    assert "不是可选值" in err and "早于发榜日期" in err
    data = yaml.safe_load(Path("content/lists/2022/JDZ-2022-001.yaml").read_text(encoding="utf-8"))
    assert data["industry"] == "陶瓷"
    assert data["subfield"].startswith("（请填写")
    assert data["demander"]["credit_code"] == LOCAL_FIRM
    assert data["demander"]["county"] == "珠山区"
    assert data["budget"] == {"total_wan": 300, "to_solver_wan": 200}
    assert data["deadline"] == dt.date(2022, 11, 30)


def test_bad_options_are_refused_in_chinese_and_write_nothing(project, capsys):
    assert (
        main(
            [
                "new",
                "list",
                "--no-input",
                "--industry",
                "纺织",
                "--title",
                "x",
                "--demander",
                "y",
                "--published",
                "2022-10-15",
            ]
        )
        == 2
    )
    assert "不是可选值" in capsys.readouterr().err
    assert (
        main(
            [
                "new",
                "list",
                "--no-input",
                "--industry",
                "陶瓷",
                "--title",
                "x",
                "--demander",
                "y",
                "--published",
                "2022/10/15",
            ]
        )
        == 2
    )
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["new", "list", "--no-input", "--industry", "陶瓷", "--title", "x"]) == 2
    assert "--no-input" in capsys.readouterr().err
    assert main(["new", "list", "--no-input", *LIST_OPTIONS, "--total", "三百"]) == 2
    assert "三百" in capsys.readouterr().err
    assert not list(Path("content/lists").rglob("*.yaml"))


def test_missing_content_root_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert new_list() == 2
    assert "找不到内容目录" in capsys.readouterr().err


def test_the_regulation_in_force_on_the_day_is_used_and_none_is_never_guessed(project):
    regulation = Path("content/regulation")
    assert scaffold.regulation_in_force(Path("content"), dt.date(2023, 1, 1))["effective"] == "2022-09-05"
    with pytest.raises(scaffold.ScaffoldError, match="尚无生效的管理办法数据（最早生效日期为 2022-09-05）"):
        scaffold.regulation_in_force(Path("content"), dt.date(2022, 9, 4))
    (regulation / "2024-01-01.yaml").write_text("effective: 2024-01-01\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(scaffold.ScaffoldError, match="无法读取管理办法数据文件 .*2024-01-01.yaml"):
        scaffold.regulation_in_force(Path("content"), dt.date(2023, 1, 1))
    shutil.rmtree(regulation)
    regulation.mkdir()
    with pytest.raises(scaffold.ScaffoldError, match="找不到管理办法数据文件"):
        scaffold.regulation_in_force(Path("content"), dt.date(2023, 1, 1))


def test_new_result_writes_the_kinds_fields(project, capsys):
    assert new_list() == 0
    capsys.readouterr()
    assert main(["new", "result", "--list", "JDZ-2022-001", "--kind", "立项", "--date", "2023-01-10"]) == 0
    path = Path("content/results/2022/JDZ-2022-001-R01.yaml")
    assert capsys.readouterr().out.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../../../tools/jiebang/schemas/result.schema.json\n"
    )
    data = yaml.safe_load(text)
    assert data["id"] == "JDZ-2022-001-R01"
    assert data["list"] == "JDZ-2022-001"
    assert data["kind"] == "立项"
    assert data["date"] == dt.date(2023, 1, 10)
    assert set(data) == {"id", "list", "kind", "date", "body", "contract_date", "subsidy_wan", "term"}
    assert set(data["term"]) == {"start", "end"}
    assert "# 财政资助金额：" in text

    assert (
        main(["new", "result", "--list", "JDZ-2022-001", "--kind", "揭榜结果公示", "--date", "2022-12-20"])
        == 0
    )
    data = yaml.safe_load(Path("content/results/2022/JDZ-2022-001-R02.yaml").read_text(encoding="utf-8"))
    assert {"solvers", "notice_period", "objection_contact"} <= set(data)
    assert set(data["solvers"][0]) == {"name", "kind", "credit_code", "city", "related_to_demander"}


def test_new_result_refuses_an_unknown_list_or_kind(project, capsys):
    assert main(["new", "result", "--list", "JDZ-2022-009", "--kind", "立项"]) == 2
    assert "找不到榜单 JDZ-2022-009" in capsys.readouterr().err
    assert new_list() == 0
    assert main(["new", "result", "--list", "JDZ-2022-001", "--kind", "表彰"]) == 2
    assert "不是可选值" in capsys.readouterr().err
    assert not list(Path("content/results").rglob("*.yaml"))


# --------------------------------------------------------------------------- rendering


def _expected(value, node=None):
    """What PyYAML reads back for `value`: Decimal as int/float, ISO dates in date fields as dates."""
    node = node or {}
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, str) and node.get("format") == "date":
        return dt.date.fromisoformat(value)
    if isinstance(value, dict):
        props = node.get("properties", {})
        return {k: _expected(v, props.get(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_expected(v, node.get("items")) for v in value]
    return value


TRICKY = {
    "id": "JDZ-2022-001",
    "batch": "2022年度第一批",
    "doc_number": "景科字〔2022〕56号",
    "industry": "陶瓷",
    "subfield": "no",
    "title": "on",
    "demander": {"name": "yes", "kind": "企业", "credit_code": "91360203MA35ABCD1A", "county": "0123"},
    "host_enterprise": None,
    "contact": {"name": "李工 # 不是注释", "unit": "科: 室", "phone": "0798-8222222", "email": "a@b.cn"},
    "peers": ["'单引号'", '"双引号"', "- 横线开头", "2022-10-15", "1e5", "0x1F", "~", "null", ""],
    "problem": "第一段\n\n第二段：*强调*\n- 列表\n",
    "targets": "  前导空格\n第二行",
    "indicators": [
        {"name": "烧成温度", "current": "1300 ℃", "target": "≤ 1180 ℃"},
        {"name": "光泽度", "current": None, "target": "≥ 95"},
    ],
    "budget": {"total_wan": Decimal("300"), "to_solver_wan": Decimal("120.5000")},
    "benefits": "末尾两个换行\n\n",
    "period_years": 3,
    "solver_requirements": "制表\t符与响铃\x07",
    "ip_terms": "单行",
    "published": "2022-10-15",
    "deadline": dt.date(2022, 11, 30),
    "changes": [{"date": "2022-10-20", "note": "更正: 截止日期"}],
    "unknown_key": {"nested": [1, [2, "3"]]},
}


def test_render_round_trips(project):
    schema = SCHEMAS["list"]
    text = render_list_yaml(TRICKY, schema)
    assert yaml.safe_load(text) == _expected(TRICKY, schema)


def test_render_quotes_what_yaml_1_1_would_misread_and_keeps_dates_plain():
    schema = SCHEMAS["list"]
    text = render_list_yaml(TRICKY, schema)
    assert "  phone: '0798-8222222'\n" in text
    assert "  credit_code: '91360203MA35ABCD1A'\n" in text
    assert "subfield: 'no'\n" in text and "title: 'on'\n" in text
    assert "published: 2022-10-15\n" in text and "deadline: 2022-11-30\n" in text
    assert "  total_wan: 300\n" in text and "  to_solver_wan: 120.5000\n" in text
    assert "problem: |\n  第一段\n\n  第二段：*强调*\n  - 列表\n" in text
    # keys follow the schema's property order
    keys = [line.split(":")[0] for line in text.splitlines() if re.match(r"[a-z_]+:", line)]
    order = list(schema["properties"])
    assert keys[:-1] == [key for key in order if key in TRICKY]
    assert keys[-1] == "unknown_key"


def test_render_result_round_trips():
    schema = SCHEMAS["result"]
    record = {
        "id": "JDZ-2022-001-R03",
        "list": "JDZ-2022-001",
        "kind": "资金拨付",
        "date": "2023-03-01",
        "body": "按第六条拨付第一笔。",
        "tranche": 1,
        "amount_wan": Decimal("60"),
    }
    text = render_result_yaml(record, schema)
    assert text.startswith(
        "# yaml-language-server: $schema=../../../tools/jiebang/schemas/result.schema.json\n"
    )
    assert yaml.safe_load(text) == _expected(record, schema)
