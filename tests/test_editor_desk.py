"""The editor's desk, without a browser: saving keeps what a person would keep, writes atomically and
never over a change on disk; paths stay inside content/; the form is the schema's; the live check is
`jiebang validate`'s own."""

from __future__ import annotations

import difflib
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from jiebang.desk.editor import forms, saving
from jiebang.desk.editor.checks import draft_findings
from jiebang.desk.editor.paths import PathRefused, record_path
from jiebang.records.schema import SCHEMAS
from jiebang.rules.validate import validate

REPO = Path(__file__).resolve().parent.parent
SAMPLE = "lists/2022/JDZ-2022-001.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    return tmp_path / "content"


def opened(root: Path, rel: str = SAMPLE) -> tuple[Path, bytes, dict]:
    path = root / rel
    raw = path.read_bytes()
    return path, raw, saving._data(raw.decode("utf-8"), path, "list")


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_saving_changes_only_the_lines_of_the_changed_values(root: Path):
    path, raw, old = opened(root)
    new = forms.apply_form(
        SCHEMAS["list"], old, [("title", "新的项目名称"), ("budget.to_solver_wan", "250.5")]
    )
    saving.save_record(path, "list", new, saving.digest(raw))
    before, after = raw.decode("utf-8"), path.read_text("utf-8")
    assert changed_lines(before, after) == [
        "-title: 日用陶瓷低温快烧釉料及配套坯体关键技术",
        "+title: 新的项目名称",
        "-  to_solver_wan: 200",
        "+  to_solver_wan: 250.5",
    ]
    # The $schema line and the comment below it, untouched.
    assert after.splitlines()[:2] == before.splitlines()[:2]
    assert saving._data(after, path, "list")["budget"]["to_solver_wan"] == Decimal("250.5")


def test_a_new_key_goes_where_the_schema_puts_it_and_comments_stay(root: Path):
    path, raw, old = opened(root)
    text = raw.decode("utf-8").replace("period_years: 3\n", "# 实施周期按第三条\nperiod_years: 3\n")
    path.write_text(text, "utf-8")
    raw = path.read_bytes()
    new = forms.apply_form(
        SCHEMAS["list"],
        old,
        [("changes.__list__", ""), ("changes.0.date", "2026-12-02"), ("changes.0.note", "更正项目名称。")],
    )
    saving.save_record(path, "list", new, saving.digest(raw))
    after = path.read_text("utf-8")
    assert "# 实施周期按第三条\nperiod_years: 3\n" in after
    assert list(saving._data(after, path, "list"))[-1] == "changes"  # last in the schema, last in the file
    assert changed_lines(text, after) == ["+changes:", "+  - date: 2026-12-02", "+    note: 更正项目名称。"]


def test_an_emptied_input_removes_its_key_and_unknown_keys_stay(root: Path):
    path, raw, old = opened(root)
    text = (
        raw.decode("utf-8") + "local_note: 内部备注\n"
    )  # a key the schema does not know (schema.unknown_field)
    path.write_text(text, "utf-8")
    old = saving._data(text, path, "list")
    new = forms.apply_form(SCHEMAS["list"], old, [("subfield", "  "), ("peers.__list__", "")])
    assert "subfield" not in new and "peers" not in new and new["local_note"] == "内部备注"


def test_a_group_is_added_by_filling_it_in_and_removed_by_emptying_it(root: Path):
    """Issue 14, 2: nested groups can be added and removed. 项目承接企业 (null until needed) appears when
    its inputs are filled in and is null again when they are emptied; an emptied 咨询联系人 goes, so the
    schema's `required` says it is missing, and the file shows the change as a person would make it."""
    path, raw, old = opened(root)
    assert old.get("host_enterprise") is None
    host = [
        ("host_enterprise.name", "景德镇市示例承接有限公司"),
        ("host_enterprise.credit_code", "91360203MA35A1R651"),
    ]
    added = forms.apply_form(SCHEMAS["list"], old, [*host, ("host_enterprise.county", "")])
    assert added["host_enterprise"] == {
        "name": "景德镇市示例承接有限公司",
        "credit_code": "91360203MA35A1R651",
    }
    saving.save_record(path, "list", added, saving.digest(raw))
    text = path.read_text("utf-8")
    assert "host_enterprise:\n  name: 景德镇市示例承接有限公司\n  credit_code: 91360203MA35A1R651\n" in text

    again = saving._data(text, path, "list")
    emptied = [(name, "") for name, _ in host] + [("host_enterprise.county", "")]
    removed = forms.apply_form(SCHEMAS["list"], again, emptied)
    assert "host_enterprise" not in removed  # gone again, as it was before it was filled in
    path_null, raw_null, with_null = opened(root, "lists/2025/JDZ-2025-003.yaml")
    assert "host_enterprise" in with_null and with_null["host_enterprise"] is None
    kept = forms.apply_form(SCHEMAS["list"], with_null, emptied)
    assert "host_enterprise" in kept and kept["host_enterprise"] is None  # a null left empty stays null
    contact = [(f"contact.{key}", "") for key in ("name", "unit", "phone", "email")]
    without = forms.apply_form(SCHEMAS["list"], again, contact)
    assert "contact" not in without
    saving.save_record(path, "list", without, saving.digest(path.read_bytes()))
    assert "contact:" not in path.read_text("utf-8")
    rules = {d.rule: d.message for d in validate([root]).diagnostics}
    assert "schema.required" in rules and "contact" in rules["schema.required"]


def test_a_change_on_disk_since_opening_is_a_conflict_and_nothing_is_written(root: Path):
    path, raw, old = opened(root)
    on_disk = raw.decode("utf-8").replace("2022年度第一批", "磁盘上的批次")
    path.write_text(on_disk, "utf-8")
    new = forms.apply_form(SCHEMAS["list"], old, [("title", "浏览器中的标题")])
    with pytest.raises(saving.Conflict) as caught:
        saving.save_record(path, "list", new, saving.digest(raw))
    assert caught.value.disk_text == on_disk
    assert path.read_text("utf-8") == on_disk
    path.unlink()
    with pytest.raises(saving.Conflict) as caught:
        saving.save_record(path, "list", new, saving.digest(raw))
    assert caught.value.disk_text is None and not path.exists()


def test_a_new_file_is_not_written_over_one_that_appeared(root: Path):
    path = root / "lists" / "2026" / "JDZ-2026-009.yaml"
    path.write_text("id: JDZ-2026-009\n", "utf-8")
    with pytest.raises(saving.Conflict):
        saving.save_record(path, "list", {"id": "JDZ-2026-009", "title": "新"}, "")
    assert path.read_text("utf-8") == "id: JDZ-2026-009\n"


def test_the_write_is_atomic(root: Path, monkeypatch):
    path, raw, old = opened(root)
    new = forms.apply_form(SCHEMAS["list"], old, [("title", "新的项目名称")])

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        saving.save_record(path, "list", new, saving.digest(raw))
    assert path.read_bytes() == raw  # the old file whole
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_a_new_record_gets_the_schema_line(root: Path):
    path = root / "lists" / "2026" / "JDZ-2026-010.yaml"
    new = forms.apply_form(
        SCHEMAS["list"], {"id": "JDZ-2026-010"}, [("title", "新榜单"), ("problem", "第一行\n第二行")]
    )
    saving.save_record(path, "list", new, "")
    text = path.read_text("utf-8")
    assert (
        text.splitlines()[0]
        == "# yaml-language-server: $schema=../../../tools/jiebang/schemas/list.schema.json"
    )
    assert "problem: |\n  第一行\n  第二行\n" in text  # Markdown as a block, as a person writes it


@pytest.mark.parametrize(
    "rel",
    [
        "../pelicanconf.py",
        "/etc/passwd",
        "lists/../../x.yaml",
        "regulation/2022-09-05.yaml",
        "lists/2022/x.txt",
        "lists\\2022\\x.yaml",
        "lists/2022/.hidden.yaml",
        "C:/x.yaml",
        "",
    ],
)
def test_paths_outside_the_records_are_refused(root: Path, rel: str):
    with pytest.raises(PathRefused):
        record_path(root, rel)


def test_a_symbolic_link_out_of_content_is_refused(root: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "lists" / "2030").symlink_to(outside, target_is_directory=True)
    with pytest.raises(PathRefused, match="符号链接"):
        record_path(root, "lists/2030/JDZ-2030-001.yaml")
    assert record_path(root, SAMPLE) == (root / SAMPLE).resolve()


def test_the_form_is_the_schemas():
    fields = {f.name: f for f in forms.build_fields(SCHEMAS["list"], {}, {"problem": 500})}
    node = SCHEMAS["list"]["properties"]
    assert list(fields) == list(node)
    assert (
        fields["title"].title == node["title"]["title"]
        and fields["title"].description == node["title"]["description"]
    )
    assert fields["demander"].widget == "group"
    kind = next(c for c in fields["demander"].children if c.key == "kind")
    assert (
        kind.widget == "select"
        and [v for v, _ in kind.options] == node["demander"]["properties"]["kind"]["enum"]
    )
    assert fields["published"].widget == "date" and fields["budget"].children[1].widget == "money"
    assert fields["problem"].widget == "markdown" and fields["problem"].limit == 500
    assert fields["indicators"].widget == "list" and [c.key for c in fields["indicators"].columns] == [
        "name",
        "current",
        "target",
    ]


def test_the_regulations_lists_are_offered_where_it_names_them():
    fields = {
        f.name: f for f in forms.build_fields(SCHEMAS["list"], {}, suggestions={"industry": ["陶瓷", "航空"]})
    }
    assert fields["industry"].suggestions == ["陶瓷", "航空"] and fields["title"].suggestions == []


def test_a_notices_form_has_the_fields_of_its_kind():
    names = [f.name for f in forms.build_fields(SCHEMAS["result"], {"kind": "资金拨付"})]
    assert "tranche" in names and "amount_wan" in names and "solvers" not in names


def test_a_notice_given_another_kind_keeps_only_that_kinds_fields(root: Path):
    """The form shows the new kind's fields only: the old kind's, kept, would be unknown fields that no
    input could remove. Keys no kind has (typed into the file by hand) stay, as for any form."""
    rel = "results/2022/JDZ-2022-001-R04.yaml"
    path = root / rel
    raw = path.read_bytes()
    old = saving._data(raw.decode("utf-8"), path, "result")
    assert old["kind"] == "中期评估" and "conclusion" in old
    sent = [("kind", "终止"), ("title", old["title"]), ("reason", "承担单位申请终止。")]
    new = forms.apply_form(SCHEMAS["result"], {**old, "remark": "手写的备注"}, sent)
    assert "conclusion" not in new and new["reason"] == "承担单位申请终止。" and new["remark"] == "手写的备注"
    assert {k: new[k] for k in ("id", "list", "date", "title", "doc_number", "body")} == {
        k: old[k] for k in ("id", "list", "date", "title", "doc_number", "body")
    }
    saving.save_record(path, "result", forms.apply_form(SCHEMAS["result"], old, sent), saving.digest(raw))
    assert "conclusion:" not in path.read_text("utf-8")
    assert not [d for d in validate([path]).diagnostics if d.rule == "schema.unknown_field"]


def test_the_live_check_finds_what_validate_finds_once_saved(root: Path):
    path, raw, old = opened(root)
    new = forms.apply_form(SCHEMAS["list"], old, [("budget.to_solver_wan", "80"), ("contact.phone", "12345")])
    live = draft_findings(root, SAMPLE, "list", raw.decode("utf-8"), old, new)
    assert path.read_bytes() == raw  # checking wrote nothing
    saving.save_record(path, "list", new, saving.digest(raw))
    after = [d.as_json() for d in validate([root]).diagnostics]
    assert [{k: v for k, v in d.items() if k not in ("field", "here")} for d in live] == after
    fields = {d["rule"]: d["field"] for d in live}
    assert (
        fields["money.list_amount_min"] == "budget.to_solver_wan"
        and fields["contact.phone"] == "contact.phone"
    )


def test_the_records_filter_by_year_kind_and_status(root: Path):
    import datetime as dt

    from jiebang.desk.editor.catalogue import LIST_KIND, catalogue, choose

    entries = catalogue(root, dt.date(2026, 12, 2))
    assert len(entries) == len(list(root.rglob("lists/**/*.yaml"))) + len(
        list(root.rglob("results/**/*.yaml"))
    )
    lists_2022 = choose(entries, year="2022", kind=LIST_KIND)
    assert sorted(e.record_id for e in lists_2022) == sorted(
        p.stem for p in (root / "lists/2022").glob("*.yaml")
    )
    assert "JDZ-2022-001" in {e.record_id for e in lists_2022}
    funding = choose(entries, kind="资金拨付")
    assert funding and all(e.record_id.split("-R")[0] in {x.record_id for x in entries} for e in funding)
    accepted = choose(entries, kind=LIST_KIND, status="已验收")
    assert accepted and all(e.status == "已验收" for e in accepted)
    assert choose(entries, year="1999") == []


# --------------------------------------------------------------------------- review and commit


@pytest.fixture
def project(tmp_path: Path) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from editor_server import make_project

    return make_project(tmp_path / "project")


def test_a_published_record_needs_its_change_note_before_commit(project: Path):
    import datetime as dt

    from jiebang.desk.editor import review

    root = project / "content"
    path = root / SAMPLE
    text = path.read_text("utf-8")
    path.write_text(
        text.replace("title: 日用陶瓷低温快烧釉料及配套坯体关键技术", "title: 改过的名称"), "utf-8"
    )
    made = review.review(root, SAMPLE, "list")
    assert made.published and made.committed and made.base == "published"
    assert [c.lines()[0] for c in made.changes] == [
        "重大技术需求项目名称：日用陶瓷低温快烧釉料及配套坯体关键技术 → 改过的名称"
    ]
    assert made.needs_change_note and made.blocked
    path.write_text(
        path.read_text("utf-8") + f"changes:\n  - date: {dt.date.today()}\n    note: 更正项目名称。\n",
        "utf-8",
    )
    made = review.review(root, SAMPLE, "list")
    assert not made.needs_change_note and not made.blocked
    assert made.message() == "更正榜单 JDZ-2022-001：重大技术需求项目名称、更正说明"
    assert made.correction_fields() == ["title"]
    notice = review.correction_notice(root, made, dt.date.today())
    written = yaml_load(root / notice)
    assert (
        written["kind"] == "更正公告"
        and written["target"] == "JDZ-2022-001"
        and written["fields"] == ["title"]
    )


def test_commit_takes_only_this_file_with_the_clerks_message(project: Path):
    import subprocess

    from jiebang.desk.editor import review

    root = project / "content"
    (root / SAMPLE).write_text(
        (root / SAMPLE).read_text("utf-8").replace("2022年度第一批", "2022年度第一批次"), "utf-8"
    )
    other = root / "lists" / "2022" / "JDZ-2022-002.yaml"
    other.write_text(other.read_text("utf-8") + "# 另一处未提交的修改\n", "utf-8")
    subprocess.run(["git", "add", str(other)], cwd=project, check=True)  # even staged, it is not taken
    commit = review.commit(root, SAMPLE, "修改榜单 JDZ-2022-001：批次")
    shown = subprocess.run(
        ["git", "show", "--name-only", "--format=%s", commit],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shown == ["修改榜单", "JDZ-2022-001：批次", "content/lists/2022/JDZ-2022-001.yaml"]
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True
    ).stdout
    assert "JDZ-2022-002.yaml" in status and "JDZ-2022-001.yaml" not in status
    with pytest.raises(review.ReviewError, match="不能为空"):
        review.commit(root, SAMPLE, "  ")


def yaml_load(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text("utf-8"))


def change_items(ul) -> list[tuple[str, list[str]]]:
    """(label：summary, [each sentence taken out or put in]) of a list of field changes, as read."""
    found = []
    for li in ul.xpath("./li"):
        own = "".join(li.xpath("./text() | ./*[not(self::ul)]//text() | ./*[not(self::ul)]/text()"))
        found.append(
            (" ".join(own.split()), [" ".join(e.text_content().split()) for e in li.xpath("./ul/li")])
        )
    return found


def test_the_review_says_a_change_in_the_words_of_the_sites_revision_history(project: Path, tmp_path: Path):
    """Issue 14, 5: the review before commit shows the field-level changes in the same words as the
    list page's 修订记录 once committed: dates the Chinese way, sentences 删去 / 增加."""
    import datetime as dt

    import lxml.html

    from conftest import doc
    from jiebang.commands.editor import Editor, Guard, Request
    from jiebang.desk.editor import review
    from jiebang.site.build import build_site

    root = project / "content"
    path = root / SAMPLE
    text = path.read_text("utf-8")
    text = text.replace("deadline: 2022-12-10", "deadline: 2022-12-31").replace(
        "应用场景为中高端日用餐具、酒店用瓷的规模化生产。",
        "应用场景为中高端日用餐具、酒店用瓷的规模化生产。成果须在本市企业转化。",
    )
    path.write_text(
        text + f"changes:\n  - date: {dt.date.today()}\n    note: 更正截止日期并补充要求。\n", "utf-8"
    )

    editor = Editor(project, Guard(8125))
    response = editor.handle(Request("GET", "review", {"file": SAMPLE}, {"host": "127.0.0.1:8125"}))
    assert response.status == 200
    page = lxml.html.fromstring(response.body)
    (shown,) = page.xpath("//section[@aria-labelledby='changes-title']//ul[contains(@class, 'changes')]")
    said = change_items(shown)
    assert ("揭榜截止日期：2022年12月10日 → 2022年12月31日", []) in said, said
    assert any(edits == ["增加：成果须在本市企业转化。"] for _, edits in said), said

    review.commit(root, SAMPLE, "更正榜单 JDZ-2022-001：揭榜截止日期、技术难题概述、更正说明")
    build_site(project, tmp_path / "site")
    site = doc(tmp_path / "site", "/lists/JDZ-2022-001/")
    latest = site.xpath("//ol[@class='revision-list']/li")[-1]
    (listed,) = latest.xpath(".//ul[@class='field-changes']")
    assert change_items(listed) == said


def test_a_notice_given_another_kind_drops_a_choice_the_new_kind_does_not_offer(root: Path):
    """中期评估 → 验收: both have 结论, but 继续支持 is no acceptance's conclusion. It is dropped, so the live
    check and the saved file say 结论 is to be chosen rather than keeping a value the select cannot show."""
    rel = "results/2022/JDZ-2022-001-R04.yaml"
    path = root / rel
    raw = path.read_bytes()
    old = saving._data(raw.decode("utf-8"), path, "result")
    assert old["conclusion"] == "继续支持"
    sent = [("kind", "验收"), ("title", old["title"]), ("conclusion", old["conclusion"])]
    assert "conclusion" not in forms.apply_form(SCHEMAS["result"], old, sent)
    field = next(f for f in forms.build_fields(SCHEMAS["result"], forms.apply_form(SCHEMAS["result"], old, sent))
                 if f.key == "conclusion")
    assert [v for v, _ in field.options] == ["合格", "不合格"] and field.value in ("", None)
    kept = forms.apply_form(SCHEMAS["result"], {**old, "conclusion": "合格"}, [("kind", "验收")])
    assert kept["conclusion"] == "合格"  # a choice the new kind has stays
