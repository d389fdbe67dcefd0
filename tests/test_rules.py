"""Every rule of DESIGN.md's table (except audit.* and yaml.*): failing case, passing case, boundary.

Each failing case checks the rule id, the severity, the line the finding points to, that the message is
Chinese and names the regulation's number, and the `article` field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BEIJING_FIRM, LOCAL_FIRM, LOCAL_FIRM_2, LOCAL_UNIVERSITY, good_list, lifecycle
from jiebang.records.orgs import ALPHABET, check_character
from jiebang.rules import RULES
from jiebang.rules.validate import validate

# ----------------------------------------------------------------------------------------- helpers


def check(root, *records: dict) -> list:
    """Write the records into the root and validate the whole root."""
    root.write_all(list(records))
    return validate([root.path]).diagnostics


def path_of(root, record_id: str) -> Path:
    kind = "results" if "-R" in record_id else "lists"
    return root.path / kind / record_id.split("-")[1] / f"{record_id}.yaml"


def line_of(path: Path, key: str, nth: int = 1) -> int:
    """The line of the nth `key:` in a written file (also as the first key of a list item)."""
    seen = 0
    for number, row in enumerate(path.read_text("utf-8").splitlines(), 1):
        bare = row.strip()
        bare = bare[2:] if bare.startswith("- ") else bare
        if bare.startswith(f"{key}:"):
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{key}: not in {path}")


def of(diagnostics, rule: str) -> list:
    return [d for d in diagnostics if d.rule == rule]


def is_chinese(text: str) -> bool:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 4


def expect(diagnostics, rule: str, path: Path, line: int, severity: str, article: str, *needles: str):
    """Exactly one finding of `rule`, in `path` at `line`, with the severity, article and words given."""
    found = of(diagnostics, rule)
    assert len(found) == 1, [d.as_text() for d in diagnostics]
    d = found[0]
    assert Path(d.file).resolve() == path.resolve()
    assert d.line == line, d.as_text()
    assert d.column >= 1
    assert d.severity == severity
    assert d.article == article
    assert is_chinese(d.message), d.message
    for needle in needles:
        assert needle in d.message, (needle, d.message)
    return d


def assert_no(diagnostics, *rules: str) -> None:
    hit = [d.as_text() for d in diagnostics if d.rule in rules]
    assert hit == []


def wrong_check_character(code: str) -> str:
    right = check_character(code[:17])
    return code[:17] + next(ch for ch in ALPHABET if ch != right)


def id_card(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


def luhn(first: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(first)):
        n = int(ch)
        if i % 2 == 0:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return first + str((10 - total % 10) % 10)


def until_project() -> list[dict]:
    """A lawful lifecycle cut after 立项 (no tranches), so subsidy tests see only the subsidy rules."""
    return lifecycle()[:2]


def with_budget(to_solver, total=500) -> dict:
    return good_list(budget={"total_wan": total, "to_solver_wan": to_solver})


def test_every_rule_of_the_design_table_is_declared_with_its_article():
    table = {
        "schema.required": "附件1", "schema.type": "附件1", "schema.enum": "附件1", "schema.pattern": "附件1",
        "schema.unknown_field": "附件1", "text.length": "附件1", "contact.phone": "附件1", "contact.email": "附件1",
        "money.list_amount_min": "第六条", "money.subsidy_ratio": "第六条", "money.subsidy_cap": "第六条",
        "money.tranches": "第六条", "money.budget": "附件1", "projects.per_year": "第三条", "period.years": "第三条",
        "solver.related_party": "第五条（一）", "solver.host_enterprise": "第五条（五）", "midterm.stop": "第七条",
        "termination.funding": "第十一条", "acceptance.deadline": "第十三条", "acceptance.completion": "第十四条",
        "result.list_ref": "第九条", "lifecycle.order": "第九条", "org.credit_code": "GB 32100-2015",
        "doc_number.format": "GB/T 9704",
    }
    for rule, article in table.items():
        assert rule in RULES, rule
        assert article in RULES[rule].article, (rule, RULES[rule].article)
    for rule in ("id.filename", "id.duplicate", "id.year_folder", "date.order", "text.html", "text.link_scheme",
                 "org.local", "privacy.pii", "privacy.personal_contact"):
        assert rule in RULES
    warnings = {r for r, rule in RULES.items() if rule.severity == "warning"}
    assert warnings == {"projects.per_year", "period.years", "privacy.personal_contact"}


def test_the_full_lifecycle_passes_every_rule(full_root):
    assert validate([full_root.path]).diagnostics == []


# ----------------------------------------------------------------------------------------- schema.*


def test_schema_required_missing_field(root):
    record = good_list()
    del record["title"]
    found = check(root, record)
    expect(found, "schema.required", path_of(root, "JDZ-2022-001"), 1, "error", "附件1", "title", "重大技术需求项目名称")


def test_schema_required_missing_nested_field(root):
    record = good_list()
    del record["demander"]["credit_code"]
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    d = of(found, "schema.required")
    assert len(d) == 1 and d[0].line in (line_of(path, "demander"), line_of(path, "demander") + 1)
    assert "credit_code" in d[0].message and "统一社会信用代码" in d[0].message


def test_schema_required_empty_string(root):
    found = check(root, good_list(subfield=""))
    expect(found, "schema.required", path_of(root, "JDZ-2022-001"), line_of(path_of(root, "JDZ-2022-001"), "subfield"),
           "error", "附件1", "细分方向")


def test_schema_required_passes_when_optional_fields_are_missing(root):
    record = good_list()
    del record["indicators"]
    assert check(root, record) == []


def test_schema_type(root):
    found = check(root, good_list(period_years="三年"))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "schema.type", path, line_of(path, "period_years"), "error", "附件1", "实施周期", "三年", "整数")


def test_schema_type_passes_for_integer(root):
    assert_no(check(root, good_list(period_years=3)), "schema.type")


def test_schema_enum(root):
    record = good_list()
    record["demander"]["kind"] = "公司"
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    expect(found, "schema.enum", path, line_of(path, "kind"), "error", "附件1", "公司", "企业、高校、科研院所、其他事业单位")


@pytest.mark.parametrize("kind", ["企业", "高校", "科研院所", "其他事业单位"])
def test_schema_enum_passes(root, kind):
    record = good_list()
    record["demander"]["kind"] = kind
    record["demander"]["credit_code"] = LOCAL_FIRM if kind == "企业" else LOCAL_UNIVERSITY
    assert_no(check(root, record), "schema.enum")


def test_industry_not_in_the_regulation_is_an_enum_error(root):
    found = check(root, good_list(industry="房地产"))
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "schema.enum", path, line_of(path, "industry"), "error", "通知第1条、第三条", "房地产", "陶瓷")
    assert "航空" in d.message


def test_county_not_in_the_city_is_an_enum_error(root):
    record = good_list()
    record["demander"]["county"] = "东湖区"
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    expect(found, "schema.enum", path, line_of(path, "county"), "error", "通知第6、7条", "东湖区", "珠山区")


def test_schema_pattern(root):
    found = check(root, good_list(deadline="2022/11/30"))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "schema.pattern", path, line_of(path, "deadline"), "error", "附件1", "揭榜截止日期", "2022/11/30",
           "YYYY-MM-DD")


def test_schema_pattern_impossible_date(root):
    found = check(root, good_list(deadline="2022-02-30"))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "schema.pattern", path, line_of(path, "deadline"), "error", "附件1", "2022-02-30")


def test_schema_pattern_names_fields_inside_lists_by_their_title(root):
    found = check(root, good_list(changes=[{"date": "2022/10/20", "note": "更正截止日期"}]))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "schema.pattern", path, line_of(path, "date"), "error", "附件1", "2022/10/20", "更正日期")


def test_schema_enum_names_fields_inside_lists_by_their_title(root):
    notices = lifecycle()
    notices[0]["solvers"][0]["kind"] = "公司"
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    expect(found, "schema.enum", path, line_of(path, "kind", 2), "error", "附件1", "solvers[1].kind", "揭榜单位类型", "公司")


def test_schema_pattern_passes(root):
    assert_no(check(root, good_list(changes=[{"date": "2022-10-20", "note": "更正截止日期"}])), "schema.pattern")


def test_schema_unknown_field_suggests_the_nearest(root):
    record = good_list()
    record["titel"] = record.pop("title")
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    expect(found, "schema.unknown_field", path, line_of(path, "titel"), "error", "附件1", "titel", "title")


def test_schema_unknown_field_by_chinese_title(root):
    found = check(root, good_list(联系人="张三"))
    path = path_of(root, "JDZ-2022-001")
    d = of(found, "schema.unknown_field")
    assert len(d) == 1 and d[0].line == line_of(path, "联系人")
    assert "contact" in d[0].message


def test_result_field_of_another_kind_is_an_unknown_field(root):
    notices = until_project()
    notices[1]["tranche"] = 1
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R02")
    expect(found, "schema.unknown_field", path, line_of(path, "tranche"), "error", "附件1", "tranche")


# ----------------------------------------------------------------------------------------- id.*


def test_id_filename(root):
    root.write(good_list(), name="JDZ-2022-002")
    found = validate([root.path]).diagnostics
    expect(found, "id.filename", root.path / "lists/2022/JDZ-2022-002.yaml", 1, "error", "完整性",
           "JDZ-2022-001", "JDZ-2022-002.yaml")


def test_id_filename_passes(root):
    assert_no(check(root, good_list()), "id.filename")


def test_id_duplicate(root):
    root.write(good_list())
    root.write(good_list(), folder="2022/copy")
    found = validate([root.path]).diagnostics
    d = expect(found, "id.duplicate", root.path / "lists/2022/copy/JDZ-2022-001.yaml", 1, "error", "完整性", "JDZ-2022-001")
    assert "lists/2022/JDZ-2022-001.yaml" in d.message


def test_id_duplicate_passes_for_distinct_ids(root):
    assert_no(check(root, good_list(), good_list(id="JDZ-2022-002")), "id.duplicate")


def test_id_year_folder(root):
    root.write(good_list(), folder="2023")
    found = validate([root.path]).diagnostics
    expect(found, "id.year_folder", root.path / "lists/2023/JDZ-2022-001.yaml", 1, "error", "完整性", "2022", "2023")


def test_id_year_folder_for_a_notice(root):
    root.write(good_list())
    root.write(lifecycle()[0], folder="2023")
    found = validate([root.path]).diagnostics
    expect(found, "id.year_folder", root.path / "results/2023/JDZ-2022-001-R01.yaml", 1, "error", "完整性", "2022")


def test_id_year_folder_passes(root):
    assert_no(check(root, good_list(), *lifecycle()), "id.year_folder")


# ----------------------------------------------------------------------------------------- text.*


def test_text_length_boundary(root):
    ok = ("陶瓷" * 250)[:500]
    assert_no(check(root, good_list(problem=ok)), "text.length")
    found = check(root, good_list(problem=ok + "釉"))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "text.length", path, line_of(path, "problem"), "error", "附件1", "501 字", "500 字", "技术难题概述")


def test_text_html(root):
    found = check(root, good_list(problem="烧成温度高<script>alert(1)</script>"))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "text.html", path, line_of(path, "problem"), "error", "安全", "HTML", "<script>")


def test_text_html_in_a_notice_body(root):
    notices = lifecycle()
    notices[0]["body"] = '公示如下：<img src=x onerror="alert(1)">'
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    expect(found, "text.html", path, line_of(path, "body"), "error", "安全", "<img")


@pytest.mark.parametrize("text", ["温度 < 1180 ℃ 且 > 900 ℃", "温度<1180", "示例：`<br>` 不是标签", "a -> b", "≤ 1180 ℃"])
def test_text_html_passes_for_comparisons_and_code(root, text):
    assert_no(check(root, good_list(targets=text)), "text.html")


@pytest.mark.parametrize("link", ["[点此](javascript:alert(1))", "[点此](JavaScript:alert(1))", "[x](data:text/html,hi)",
                                  "<vbscript:msgbox>", "[x](&#106;avascript:alert(1))", "![图](https://evil.example/a.png)"])
def test_text_link_scheme(root, link):
    found = check(root, good_list(problem=f"详见{link}。"))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "text.link_scheme", path, line_of(path, "problem"), "error", "安全", "链接")


@pytest.mark.parametrize(("link", "why"), [
    ("[点此](JavaScript:alert(1))", "只允许 http、https 和 mailto 链接。"),
    ("[点此](java\u200bscript:alert(1))", "只允许 http、https 和 mailto 链接。"),  # browsers drop the hidden character
    ("![图](HTTPS://evil.example/a.png)", "网站不得加载外部图片（不向其他网站发出请求），请把图片放到本站并用相对路径引用。"),
    ("![图](//evil.example/a.png)", "网站不得加载外部图片（不向其他网站发出请求），请把图片放到本站并用相对路径引用。"),
])
def test_text_link_scheme_says_how_to_fix_it(root, link, why):
    """The message says why this link is refused (mutmut: _why's choice was untested)."""
    [finding] = [d for d in check(root, good_list(problem=f"详见{link}。")) if d.rule == "text.link_scheme"]
    assert finding.message.startswith("problem（技术难题概述） 含有不允许的链接“")
    assert finding.message.endswith(f"”：{why}")


_NOT_A_SAFE_SCHEME = "只允许 http、https 和 mailto 链接。"
_EXTERNAL_IMAGE = "网站不得加载外部图片（不向其他网站发出请求），请把图片放到本站并用相对路径引用。"


@pytest.mark.parametrize(("text", "target", "why"), [
    ("详见[办法][1]。\n\n[1]: javascript:alert(1)", "javascript:alert(1)", _NOT_A_SAFE_SCHEME),
    ("![图][1]\n\n[1]: https://evil.example/a.png", "https://evil.example/a.png", _EXTERNAL_IMAGE),
    ("![图][]\n\n[图]: https://evil.example/a.png", "https://evil.example/a.png", _EXTERNAL_IMAGE),
    ("![图]\n\n[图]: //evil.example/a.png", "//evil.example/a.png", _EXTERNAL_IMAGE),
    ("![图] [Fig 1]\n\n[fig 1]: <https://evil.example/a.png>", "https://evil.example/a.png", _EXTERNAL_IMAGE),
    ("详见[办法][1]与![图][1]。\n\n[1]: https://evil.example/a.png", "https://evil.example/a.png", _EXTERNAL_IMAGE),
], ids=["link", "image", "image, collapsed", "image, shortcut", "image, label in other case", "link and image"])
def test_text_link_scheme_reference_links_and_images(root, text, target, why):
    """A reference definition (`[1]: …`) is judged as an image when an image uses it, else as a link: it
    was always judged as a link, so `![图][1]` loaded an image from another site (a mutmut survivor:
    judging every definition as an image failed no test either)."""
    found = check(root, good_list(problem=text))
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "text.link_scheme", path, line_of(path, "problem"), "error", "安全", "链接")
    assert d.message == f"problem（技术难题概述） 含有不允许的链接“{target}”：{why}"


@pytest.mark.parametrize(("text", "target", "why"), [
    ("[![徽章](https://evil.example/a.png)](https://example.gov.cn/)", "https://evil.example/a.png", _EXTERNAL_IMAGE),
    ("![图 [1]](https://evil.example/a.png)", "https://evil.example/a.png", _EXTERNAL_IMAGE),
    ("![图 [1]][a]\n\n[a]: https://evil.example/a.png", "https://evil.example/a.png", _EXTERNAL_IMAGE),
    ("详见[《办法》[2022]](javascript:alert(1))", "javascript:alert(1", _NOT_A_SAFE_SCHEME),
], ids=["image inside a link", "image with brackets in its text", "reference image with brackets in its text",
        "link with brackets in its text"])
def test_text_link_scheme_brackets_inside_brackets(root, text, target, why):
    """Markdown's link and image texts may hold brackets, and a link's text an image (a badge): the image
    inside a link was read as part of the link and judged by the link rule, and a text with brackets hid
    its address altogether."""
    found = check(root, good_list(problem=text))
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "text.link_scheme", path, line_of(path, "problem"), "error", "安全", "链接")
    assert d.message == f"problem（技术难题概述） 含有不允许的链接“{target}”：{why}"


@pytest.mark.parametrize("link", [
    "[点此](java\u200bscript:alert(1))", "[点此](java\u00adscript:alert(1))", "[点此](jav&shy;ascript:alert(1))",
    "[点此](java\u2060script:alert(1))", "[点此](java\u202escript:alert(1))", "[点此](java\u034fscript:alert(1))",
    "[点此](java\ufe0fscript:alert(1))", "[点此](java\U000e0041script:alert(1))", "[点此](jav&#x09;ascript:alert(1))",
    "[点此](jav&nbsp;ascript:alert(1))", "[点此](JaVaScRiPt:alert(1))", "[点此][1]\n\n[1]: java\u00adscript:alert(1)",
], ids=["zero-width space", "soft hyphen", "soft hyphen as &shy;", "word joiner", "RTL override",
        "combining grapheme joiner", "variation selector", "tag character", "tab as &#x09;", "no-break space as &nbsp;",
        "mixed case", "soft hyphen in a definition"])
def test_text_link_scheme_sees_through_characters_that_show_nothing(root, link):
    """A character that shows nothing (Unicode's default-ignorable ones: soft hyphen, joiners, bidi
    controls, variation selectors …) or whitespace, as itself or as an entity, does not hide a scheme."""
    found = check(root, good_list(problem=f"详见{link}。"))
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "text.link_scheme", path, line_of(path, "problem"), "error", "安全", "链接")
    assert d.message.endswith(f"”：{_NOT_A_SAFE_SCHEME}"), d.message


@pytest.mark.parametrize("image", ["![图](\u200b//evil.example/a.png)", "![图](/\u00ad/evil.example/a.png)"],
                         ids=["zero-width space before //", "soft hyphen inside //"])
def test_text_link_scheme_removes_hidden_characters_rather_than_replacing_them(root, image):
    """An address refused only once the hidden character is gone (a mutmut survivor: the characters
    replaced by text, where every tested address was refused either way)."""
    found = check(root, good_list(problem=f"如{image}。"))
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "text.link_scheme", path, line_of(path, "problem"), "error", "安全", "链接")
    assert d.message.endswith(f"”：{_EXTERNAL_IMAGE}"), d.message


@pytest.mark.parametrize("text", ["详见[办法][1]。\n\n[1]: https://example.gov.cn/a.html",
                                  "详见[办法]。\n\n[办法]: <https://example.gov.cn/a.html>",
                                  "![图][1]\n\n[1]: /images/kiln.png", "详见[办法][1]。\n\n[1]: /regulation/",
                                  "[![徽章](/images/badge.png)](https://example.gov.cn/)", "[[1]](#note-1)"])
def test_text_link_scheme_passes_for_references_and_nesting(root, text):
    assert_no(check(root, good_list(problem=text)), "text.link_scheme", "text.html")


@pytest.mark.parametrize("link", ["[办法](https://example.gov.cn/a.html)", "[邮件](mailto:jhk@example.gov.cn)",
                                  "[站内](/regulation/)", "<https://example.gov.cn>", "[锚点](#top)"])
def test_text_link_scheme_passes(root, link):
    assert_no(check(root, good_list(problem=f"详见{link}。")), "text.link_scheme", "text.html")


# ----------------------------------------------------------------------------------------- contact.*


@pytest.mark.parametrize("phone", ["12345", "8222222", "0798-822", "电话", "1391234567"])
def test_contact_phone(root, phone):
    record = good_list()
    record["contact"]["phone"] = phone
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    expect(found, "contact.phone", path, line_of(path, "phone"), "error", "附件1", phone, "0798-8222222")


@pytest.mark.parametrize("phone", ["0798-8222222", "(0798)8222222", "0798-8222222转123", "010-62345678",
                                  "400-123-4567", "13912345678"])
def test_contact_phone_passes(root, phone):
    record = good_list()
    record["contact"]["phone"] = phone
    assert_no(check(root, record), "contact.phone")


def test_objection_contact_phone(root):
    notices = lifecycle()
    notices[0]["objection_contact"]["phone"] = "8222222"
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    expect(found, "contact.phone", path, line_of(path, "phone"), "error", "附件1", "8222222", "异议受理电话")


@pytest.mark.parametrize("email", ["jhk@example", "jhk.example.gov.cn", "jhk@@example.gov.cn", "李工@example.gov.cn"])
def test_contact_email(root, email):
    record = good_list()
    record["contact"]["email"] = email
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    expect(found, "contact.email", path, line_of(path, "email"), "error", "附件1", email)


def test_contact_email_passes(root):
    record = good_list()
    record["contact"]["email"] = "jhk.office@kjj.jdz.gov.cn"
    assert_no(check(root, record), "contact.email")


# ----------------------------------------------------------------------------------------- org.*


def test_org_credit_code(root):
    record = good_list()
    bad = wrong_check_character(LOCAL_FIRM)
    record["demander"]["credit_code"] = bad
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    expect(found, "org.credit_code", path, line_of(path, "credit_code"), "error", "GB 32100-2015",
           bad, f"校验位应为 {LOCAL_FIRM[-1]}")
    assert_no(found, "org.local")


def test_org_credit_code_of_a_solver(root):
    notices = lifecycle()
    bad = wrong_check_character(BEIJING_FIRM)
    notices[0]["solvers"][0]["credit_code"] = bad
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    expect(found, "org.credit_code", path, line_of(path, "credit_code"), "error", "GB 32100-2015", bad)


def test_org_credit_code_of_the_host_enterprise_beside_the_solvers(root):
    """The 承接企业's code is checked on a notice that names solvers too (mutmut survivors: the host's path
    misspelt, and the solvers' paths replacing the others instead of joining them)."""
    notices = lifecycle()
    bad = wrong_check_character(LOCAL_FIRM_2)
    notices[0]["host_enterprise"] = {"name": "景德镇市某瓷业有限公司", "credit_code": bad}
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    assert notices[0]["solvers"]
    line = next(n for n, row in enumerate(path.read_text("utf-8").splitlines(), 1) if bad in row)
    expect(found, "org.credit_code", path, line, "error", "GB 32100-2015", bad, f"校验位应为 {LOCAL_FIRM_2[-1]}")


@pytest.mark.parametrize("code", [LOCAL_FIRM, LOCAL_FIRM_2, LOCAL_UNIVERSITY, BEIJING_FIRM])
def test_org_credit_code_passes(root, code):
    record = good_list()
    record["demander"]["credit_code"] = code
    record["demander"]["kind"] = "高校"
    assert_no(check(root, record), "org.credit_code")


def test_org_local_enterprise_demander(root):
    record = good_list()
    record["demander"]["credit_code"] = BEIJING_FIRM
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    expect(found, "org.local", path, line_of(path, "credit_code"), "error", "通知第1条", "110108", "3602", "景德镇")


def test_org_local_host_enterprise(root):
    notices = lifecycle()
    notices[0]["host_enterprise"] = {"name": "北京示例科技有限公司", "credit_code": BEIJING_FIRM}
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    d = of(found, "org.local")
    assert len(d) == 1 and d[0].line == line_of(path, "credit_code", 2) and d[0].severity == "error"
    assert "第五条（五）" in d[0].article
    assert "承接企业" in d[0].message and "3602" in d[0].message


def test_org_local_passes_for_a_non_enterprise_demander_elsewhere(root):
    record = good_list()
    record["demander"].update(kind="科研院所", credit_code="12100000400000005C")
    assert_no(check(root, record), "org.local")


def test_org_local_passes_for_local_firms(root):
    notices = lifecycle()
    notices[0]["host_enterprise"] = {"name": "景德镇市某瓷业有限公司", "credit_code": LOCAL_FIRM_2}
    assert_no(check(root, good_list(), *notices), "org.local")


# ----------------------------------------------------------------------------------------- doc_number.format


@pytest.mark.parametrize("number, hint", [
    ("景科字[2022]56号", "六角括号"),
    ("景科字（2022）56号", "六角括号"),
    ("景科字【2022】56号", "六角括号"),
    ("景科字〔2022〕056号", "虚位"),
    ("景科字〔22〕56号", "全称"),
    ("景科字〔2022〕第56号", "第"),
    ("景科字2022-56", "〔"),
])
def test_doc_number_format(root, number, hint):
    found = check(root, good_list(doc_number=number))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "doc_number.format", path, line_of(path, "doc_number"), "error", "GB/T 9704", number, hint)


@pytest.mark.parametrize("number", ["景科字〔2022〕56号", "景科字〔2022〕1号", "赣科发〔2023〕120号"])
def test_doc_number_format_passes(root, number):
    assert_no(check(root, good_list(doc_number=number)), "doc_number.format")


# ----------------------------------------------------------------------------------------- date.order


def test_date_order_deadline_before_published(root):
    found = check(root, good_list(deadline="2022-10-14"))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "date.order", path, line_of(path, "deadline"), "error", "完整性", "2022年10月14日", "2022年10月15日")


def test_date_order_deadline_on_published_day_passes(root):
    assert_no(check(root, good_list(deadline="2022-10-15")), "date.order")


def test_date_order_notice_period_end_before_start(root):
    notices = lifecycle()
    notices[0]["notice_period"] = {"start": "2022-12-20", "end": "2022-12-19"}
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    expect(found, "date.order", path, line_of(path, "end"), "error", "完整性", "公示", "2022年12月19日", "2022年12月20日")


def test_date_order_notice_period_start_equal_end_passes(root):
    notices = lifecycle()
    notices[0]["notice_period"] = {"start": "2022-12-20", "end": "2022-12-20"}
    assert check(root, good_list(), *notices) == []


def test_date_order_term_end_before_start(root):
    notices = until_project()
    notices[1]["term"] = {"start": "2023-01-10", "end": "2023-01-09"}
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R02")
    expect(found, "date.order", path, line_of(path, "end"), "error", "完整性", "2023年1月9日")


def test_date_order_notice_before_its_list(root):
    notices = until_project()
    notices[0]["date"] = "2022-10-14"
    notices[0]["notice_period"] = {"start": "2022-10-14", "end": "2022-10-20"}
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    d = of(found, "date.order")
    assert len(d) == 1 and d[0].line == line_of(path, "date") and d[0].article == "完整性"
    assert "2022年10月14日" in d[0].message and "2022年10月15日" in d[0].message


def test_date_order_change_before_publication(root):
    found = check(root, good_list(changes=[{"date": "2022-10-14", "note": "改正错字"}]))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "date.order", path, line_of(path, "date"), "error", "完整性", "2022年10月14日")


# ----------------------------------------------------------------------------------------- money.list_amount_min


def test_list_amount_min_fails_just_below(root):
    found = check(root, with_budget(99.9999, 300))
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "money.list_amount_min", path, line_of(path, "to_solver_wan"), "error", "第六条",
               "99.9999 万元", "100 万元", "第六条")
    assert d.message == "榜单金额 99.9999 万元低于《办法》第六条规定的 100 万元下限。"
    # At the key, as a compiler points at a name (mutmut: Findings.add's key=True default was untested).
    assert d.column == path.read_text("utf-8").splitlines()[d.line - 1].index("to_solver_wan") + 1 == 3


def test_list_amount_min_exactly_100_passes(root):
    assert check(root, with_budget(100, 300)) == []


def test_list_amount_min_message_like_the_issue(root):
    found = check(root, with_budget(80, 300))
    assert [d.message for d in of(found, "money.list_amount_min")] == ["榜单金额 80 万元低于《办法》第六条规定的 100 万元下限。"]


# ----------------------------------------------------------------------------------------- money.budget


def test_money_budget(root):
    found = check(root, with_budget(300.0001, 300))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "money.budget", path, line_of(path, "to_solver_wan"), "error", "附件1", "300.0001 万元", "300 万元")


def test_money_budget_equal_passes(root):
    assert check(root, with_budget(300, 300)) == []


# ----------------------------------------------------------------------------------------- money.subsidy_ratio / cap


def test_subsidy_ratio_exactly_60_percent_passes(root):
    notices = until_project()
    notices[1]["subsidy_wan"] = 120  # 60 % of 200
    assert check(root, good_list(), *notices) == []


def test_subsidy_ratio_just_above_60_percent_fails(root):
    notices = until_project()
    notices[1]["subsidy_wan"] = 120.0001
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R02")
    expect(found, "money.subsidy_ratio", path, line_of(path, "subsidy_wan"), "error", "第六条",
           "120.0001 万元", "200 万元", "60%", "120 万元")
    assert_no(found, "money.subsidy_cap")


def test_subsidy_ratio_exact_with_four_decimals(root):
    # 60 % of 166.6667 is 100.00002: 100.0000 passes, 100.0001 is over
    notices = until_project()
    notices[1]["subsidy_wan"] = 100.0
    assert check(root, with_budget(166.6667, 300), *notices) == []
    root2_notices = until_project()
    root2_notices[1]["subsidy_wan"] = 100.0001
    found = check(root, with_budget(166.6667, 300), *root2_notices)
    assert [d.rule for d in found] == ["money.subsidy_ratio"]


def test_subsidy_cap_exactly_200_passes(root):
    notices = until_project()
    notices[1]["subsidy_wan"] = 200  # 50 % of 400, at the cap
    assert check(root, with_budget(400), *notices) == []


def test_subsidy_cap_just_above_fails(root):
    notices = until_project()
    notices[1]["subsidy_wan"] = 200.0001
    found = check(root, with_budget(400), *notices)
    path = path_of(root, "JDZ-2022-001-R02")
    expect(found, "money.subsidy_cap", path, line_of(path, "subsidy_wan"), "error", "第六条", "200.0001 万元", "200 万元")
    assert_no(found, "money.subsidy_ratio")


def test_subsidy_over_both_limits_reports_both(root):
    notices = until_project()
    notices[1]["subsidy_wan"] = 250
    found = check(root, with_budget(400), *notices)
    assert sorted(d.rule for d in found) == ["money.subsidy_cap", "money.subsidy_ratio"]


# ----------------------------------------------------------------------------------------- money.tranches


def tranche_lifecycle(subsidy, first, second, third) -> list[dict]:
    notices = lifecycle()
    notices[1]["subsidy_wan"] = subsidy
    notices[2]["amount_wan"] = first
    notices[4]["amount_wan"] = second
    notices[6]["amount_wan"] = third
    return notices


def test_tranches_exact_to_four_decimals_pass(root):
    assert check(root, good_list(), *tranche_lifecycle(99.999, 49.9995, 29.9997, 19.9998)) == []


@pytest.mark.parametrize("index, amounts, wrong, expected", [
    (2, (49.9996, 29.9997, 19.9998), "49.9996 万元", "49.9995 万元"),
    (2, (50, 29.9997, 19.9998), "50 万元", "49.9995 万元"),
    (4, (49.9995, 29.9996, 19.9998), "29.9996 万元", "29.9997 万元"),
    (6, (49.9995, 29.9997, 20), "20 万元", "19.9998 万元"),
])
def test_tranche_amount_off_by_one_ten_thousandth_fails(root, index, amounts, wrong, expected):
    notices = tranche_lifecycle(99.999, *amounts)
    found = check(root, good_list(), *notices)
    path = path_of(root, notices[index]["id"])
    expect(found, "money.tranches", path, line_of(path, "amount_wan"), "error", "第六条", wrong, expected, "99.999 万元")


def test_a_share_that_falls_on_half_a_yuan_is_rounded_up(root):
    """100.0001 万元 × 50% is 50.00005: the first tranche is 50.0001 (half up, as 财政 rounds), and the last
    takes the remainder (mutmut: the rounding mode was untested; the default rounds half to even)."""
    assert check(root, good_list(), *tranche_lifecycle(100.0001, 50.0001, 30, 20)) == []
    notices = tranche_lifecycle(100.0001, 50, 30, 20)  # 50 is what rounding half to even gives
    found = check(root, good_list(), *notices)
    path = path_of(root, notices[2]["id"])
    expect(found, "money.tranches", path, line_of(path, "amount_wan"), "error", "第六条", "即 50.0001 万元", "现为 50 万元")


def test_tranche_shares_named_in_the_message(root):
    notices = lifecycle()
    notices[2]["amount_wan"] = 70
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R03")
    expect(found, "money.tranches", path, line_of(path, "amount_wan"), "error", "第六条", "50%", "60 万元", "70 万元")


def test_first_tranche_outside_the_signing_year(root):
    notices = lifecycle()
    notices[2]["date"] = "2024-01-05"
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R03")
    expect(found, "money.tranches", path, line_of(path, "date"), "error", "第六条", "2023", "2024")


def test_first_tranche_on_the_last_day_of_the_signing_year_passes(root):
    notices = lifecycle()
    notices[2]["date"] = "2023-12-31"
    assert check(root, good_list(), *notices) == []


def test_second_tranche_before_midterm_fails(root):
    notices = lifecycle()
    notices[4]["date"] = "2024-07-14"  # the day before 中期评估
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R05")
    d = expect(found, "money.tranches", path, line_of(path, "tranche"), "error", "第六条", "30%", "中期评估")
    assert d.message == "第 2 笔资金（30%）须在中期评估结论为“继续支持”之后拨付。"


def test_second_tranche_on_the_midterm_day_after_it_passes(root):
    notices = lifecycle()
    notices[4]["date"] = "2024-07-15"  # same day, later id: published after the 中期评估
    assert check(root, good_list(), *notices) == []


def test_third_tranche_before_acceptance_fails(root):
    notices = lifecycle()
    notices[6]["date"] = "2026-02-04"
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R07")
    d = expect(found, "money.tranches", path, line_of(path, "tranche"), "error", "第六条", "20%", "验收合格")
    assert d.message == "第 3 笔资金（20%）须在验收合格之后拨付（第十五条）。"


def test_third_tranche_after_failed_acceptance_fails(root):
    notices = lifecycle()
    notices[5]["conclusion"] = "不合格"
    notices[5]["completion"] = 0.5
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R07")
    assert any(d.rule == "money.tranches" and Path(d.file).resolve() == path.resolve() for d in found)


def test_tranche_paid_twice_fails(root):
    notices = lifecycle()
    notices.append({**notices[2], "id": "JDZ-2022-001-R08", "date": "2023-04-01"})
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R08")
    expect(found, "money.tranches", path, line_of(path, "tranche"), "error", "第六条", "重复", "JDZ-2022-001-R03")


def test_second_tranche_before_the_first_fails(root):
    notices = lifecycle()
    del notices[2]
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R05")
    d = [x for x in of(found, "money.tranches") if Path(x.file).resolve() == path.resolve()]
    assert d and any("第 1 笔" in x.message for x in d)
    assert all(x.line == line_of(path, "tranche") for x in d)


# ----------------------------------------------------------------------------------------- projects.per_year


def projects(root, dates: list[str]) -> list:
    records = []
    for i, signed in enumerate(dates, 1):
        list_id = f"JDZ-2022-{i:03d}"
        award, project = lifecycle(list_id)[:2]
        project.update(date=signed, contract_date=signed, term={"start": signed, "end": "2026-01-09"})
        records += [good_list(id=list_id), award, project]
    return check(root, *records)


def test_five_projects_in_a_year_pass(root):
    found = projects(root, [f"2023-0{m}-10" for m in range(1, 6)])
    assert found == []


def test_sixth_project_in_a_year_warns(root):
    found = projects(root, [f"2023-0{m}-10" for m in range(1, 7)])
    path = path_of(root, "JDZ-2022-006-R02")
    expect(found, "projects.per_year", path, line_of(path, "contract_date"), "warning", "第三条",
           "2023", "第 6 个", "5 个")
    assert {d.severity for d in found} == {"warning"}


def test_sixth_project_is_the_latest_signed_not_the_latest_id(root):
    found = projects(root, ["2023-06-10", "2023-01-10", "2023-02-10", "2023-03-10", "2023-04-10", "2023-05-10"])
    d = of(found, "projects.per_year")
    assert [Path(x.file).name for x in d] == ["JDZ-2022-001-R02.yaml"]


def test_projects_in_different_years_are_counted_apart(root):
    found = projects(root, [f"2023-0{m}-10" for m in range(1, 6)] + ["2024-01-10"])
    assert_no(found, "projects.per_year")


# ----------------------------------------------------------------------------------------- period.years


def test_period_three_years_passes(root):
    assert check(root, good_list(period_years=3)) == []


@pytest.mark.parametrize("years", [4, 2])
def test_period_other_than_three_warns(root, years):
    found = check(root, good_list(period_years=years))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "period.years", path, line_of(path, "period_years"), "warning", "第三条", f"{years} 年", "3 年")
    assert {d.severity for d in found} == {"warning"}


# ----------------------------------------------------------------------------------------- solver.*


def test_solver_declared_related(root):
    notices = lifecycle()
    notices[0]["solvers"][0]["related_to_demander"] = True
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    expect(found, "solver.related_party", path, line_of(path, "name"), "error", "第五条（一）",
           "北京示例科技有限公司", "关联")


def test_solver_is_the_demander_itself(root):
    notices = lifecycle()
    notices[0]["solvers"].append({"name": "景德镇市示例陶瓷有限公司", "kind": "企业", "credit_code": LOCAL_FIRM,
                                  "city": "景德镇市", "related_to_demander": False})
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    expect(found, "solver.related_party", path, line_of(path, "name", 2), "error", "第五条（一）",
           "景德镇市示例陶瓷有限公司", "需求方")


def test_solver_unrelated_passes(root):
    assert_no(check(root, good_list(), *lifecycle()), "solver.related_party")


def university_list() -> dict:
    record = good_list()
    record["demander"] = {"name": "景德镇陶瓷大学", "kind": "高校", "credit_code": LOCAL_UNIVERSITY, "county": "珠山区"}
    return record


def test_solver_host_enterprise_missing(root):
    found = check(root, university_list(), *lifecycle())
    path = path_of(root, "JDZ-2022-001-R01")
    expect(found, "solver.host_enterprise", path, line_of(path, "name"), "error", "第五条（五）",
           "北京示例科技有限公司", "承接企业")


def test_solver_host_enterprise_missing_for_a_university_solver(root):
    notices = lifecycle()
    notices[0]["solvers"][0].update(name="某某大学", kind="高校", credit_code="12100000400000005C", city="北京市")
    found = check(root, university_list(), *notices)
    assert [d.rule for d in found] == ["solver.host_enterprise"]


def test_solver_host_enterprise_given_in_the_notice_passes(root):
    notices = lifecycle()
    notices[0]["host_enterprise"] = {"name": "景德镇市某瓷业有限公司", "credit_code": LOCAL_FIRM_2}
    assert check(root, university_list(), *notices) == []


def test_solver_host_enterprise_given_in_the_list_passes(root):
    record = university_list()
    record["host_enterprise"] = {"name": "景德镇市某瓷业有限公司", "credit_code": LOCAL_FIRM_2, "county": "昌江区"}
    assert check(root, record, *lifecycle()) == []


def test_solver_host_enterprise_not_needed_for_a_local_firm(root):
    notices = lifecycle()
    notices[0]["solvers"][0].update(name="景德镇市某瓷业有限公司", credit_code=LOCAL_FIRM_2, city="景德镇市")
    assert check(root, university_list(), *notices) == []


def test_solver_host_enterprise_not_needed_for_an_enterprise_demander(root):
    assert_no(check(root, good_list(), *lifecycle()), "solver.host_enterprise")


# ----------------------------------------------------------------------------------------- midterm.stop, termination.funding


def test_midterm_stop_then_tranche(root):
    notices = lifecycle()[:5]
    notices[3]["conclusion"] = "不再支持"
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R05")
    expect(found, "midterm.stop", path, line_of(path, "kind"), "error", "第七条", "不再支持", "终止")
    assert_no(found, "money.tranches")


def test_midterm_stop_then_acceptance(root):
    notices = lifecycle()[:4] + [lifecycle()[5]]
    notices[3]["conclusion"] = "不再支持"
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R06")
    expect(found, "midterm.stop", path, line_of(path, "kind"), "error", "第七条", "不再支持")


def termination(n: int, date: str) -> dict:
    return {"id": f"JDZ-2022-001-R{n:02d}", "list": "JDZ-2022-001", "kind": "终止", "date": date,
            "reason": "中期评估不再支持，项目终止。", "body": "（示例）公告正文。"}


def test_midterm_stop_then_termination_passes(root):
    notices = lifecycle()[:4] + [termination(5, "2024-08-01")]
    notices[3]["conclusion"] = "不再支持"
    assert check(root, good_list(), *notices) == []


def test_termination_then_funding(root):
    notices = lifecycle()[:3] + [termination(4, "2023-06-01"),
                                 {**lifecycle()[4], "date": "2023-07-01"}]
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R05")
    expect(found, "termination.funding", path, line_of(path, "kind"), "error", "第十一条", "终止", "JDZ-2022-001-R04")
    assert_no(found, "money.tranches", "lifecycle.order")


def test_termination_without_funding_passes(root):
    notices = lifecycle()[:3] + [termination(4, "2023-06-01")]
    assert check(root, good_list(), *notices) == []


# ----------------------------------------------------------------------------------------- acceptance.*


def month_end_lifecycle(applied: str) -> list[dict]:
    notices = lifecycle()
    notices[1]["term"] = {"start": "2023-01-10", "end": "2026-01-31"}
    notices[5].update(applied=applied, date="2026-03-05")
    notices[6]["date"] = "2026-03-10"
    return notices


def test_acceptance_applied_one_month_after_a_month_end_passes(root):
    # 2026-01-31 + 1 month is 2026-02-28 (February has no 31st)
    assert check(root, good_list(), *month_end_lifecycle("2026-02-28")) == []


def test_acceptance_applied_one_day_later_fails(root):
    found = check(root, good_list(), *month_end_lifecycle("2026-03-01"))
    path = path_of(root, "JDZ-2022-001-R06")
    expect(found, "acceptance.deadline", path, line_of(path, "applied"), "error", "第十三条",
           "2026-01-31", "1 个月", "2026-02-28", "2026-03-01")


def test_acceptance_deadline_ordinary_day(root):
    notices = lifecycle()  # term ends 2026-01-09
    notices[5]["applied"] = "2026-02-09"
    assert check(root, good_list(), *notices) == []
    notices[5]["applied"] = "2026-02-10"
    found = check(root, good_list(), *notices)
    assert [d.rule for d in found] == ["acceptance.deadline"]


def test_acceptance_deadline_across_the_new_year(root):
    """A term ending in December: the month (第十三条) ends in January of the next year (mutmut: the
    year carry of add_months was untested)."""
    notices = lifecycle()
    notices[1]["term"] = {"start": "2023-01-10", "end": "2025-12-15"}
    notices[5].update(applied="2026-01-15", date="2026-02-01")
    notices[6]["date"] = "2026-02-10"
    assert check(root, good_list(), *notices) == []
    notices[5]["applied"] = "2026-01-16"
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R06")
    expect(found, "acceptance.deadline", path, line_of(path, "applied"), "error", "第十三条", "2025-12-15", "2026-01-15")


def test_acceptance_without_its_dates_is_a_schema_error_not_a_crash(root):
    """A 验收 missing `applied`, or a 立项 missing its term: the schema says so, and acceptance.deadline,
    which needs both, stays silent (mutmut: `not applied or not end` as `and` crashed the rule)."""
    for broken, index in (("applied", 5), ("term", 1)):
        notices = lifecycle()
        del notices[index][broken]
        rules = sorted({d.rule for d in check(root, good_list(), *notices)})
        assert rules == ["schema.required"], (broken, rules)
    notices = lifecycle()
    del notices[2]["date"]  # a 资金拨付 without its date: money.tranches reads the year only when there is one
    assert "internal.error" not in {d.rule for d in check(root, good_list(), *notices)}


def test_acceptance_early_application_passes(root):
    notices = lifecycle()
    notices[5].update(applied="2025-12-01", date="2025-12-20")
    notices[6]["date"] = "2026-01-05"
    assert check(root, good_list(), *notices) == []


def extension(n: int, date: str, end: str) -> dict:
    return {"id": f"JDZ-2022-001-R{n:02d}", "list": "JDZ-2022-001", "kind": "延期", "date": date,
            "new_term_end": end, "reason": "设备到货延迟。", "body": "（示例）公告正文。"}


def test_acceptance_deadline_follows_an_extension(root):
    notices = lifecycle()
    notices.append(extension(8, "2025-12-01", "2026-06-30"))
    notices[5].update(applied="2026-07-30", date="2026-08-05")
    notices[6]["date"] = "2026-08-10"
    assert check(root, good_list(), *notices) == []
    notices[5]["applied"] = "2026-07-31"
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R06")
    expect(found, "acceptance.deadline", path, line_of(path, "applied"), "error", "第十三条", "2026-06-30", "2026-07-30")


def test_acceptance_completion_exactly_80_percent_passes(root):
    notices = lifecycle()
    notices[5]["completion"] = 0.8
    assert check(root, good_list(), *notices) == []


def test_acceptance_completion_just_below_fails(root):
    notices = lifecycle()
    notices[5]["completion"] = 0.7999
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R06")
    expect(found, "acceptance.completion", path, line_of(path, "completion"), "error", "第十四条",
           "79.99%", "80%", "不合格")


def test_acceptance_low_completion_with_fail_conclusion_passes(root):
    notices = lifecycle()[:6]
    notices[5].update(completion=0.5, conclusion="不合格")
    assert check(root, good_list(), *notices) == []


# ----------------------------------------------------------------------------------------- result.list_ref, lifecycle.order


def test_result_list_ref_unknown_list(root):
    notice = {**lifecycle("JDZ-2022-009")[0]}
    found = check(root, good_list(), notice)
    path = path_of(root, "JDZ-2022-009-R01")
    expect(found, "result.list_ref", path, line_of(path, "list"), "error", "第九条", "JDZ-2022-009")


def test_result_list_ref_id_of_another_list(root):
    notice = {**lifecycle()[0], "id": "JDZ-2022-002-R01"}
    found = check(root, good_list(), good_list(id="JDZ-2022-002"), notice)
    path = path_of(root, "JDZ-2022-002-R01")
    d = [x for x in of(found, "result.list_ref") if Path(x.file).resolve() == path.resolve()]
    assert len(d) == 1 and d[0].line == line_of(path, "id") and "JDZ-2022-001-R" in d[0].message


def test_result_list_ref_correction_of_unknown_record(root):
    correction = {"id": "JDZ-2022-001-R08", "list": "JDZ-2022-001", "kind": "更正公告", "date": "2023-02-01",
                  "target": "JDZ-2022-001-R99", "fields": ["subsidy_wan"], "reason": "金额笔误。", "body": "（示例）"}
    found = check(root, good_list(), *lifecycle(), correction)
    path = path_of(root, "JDZ-2022-001-R08")
    expect(found, "result.list_ref", path, line_of(path, "target"), "error", "第九条", "JDZ-2022-001-R99")


def test_result_list_ref_passes(root):
    assert_no(check(root, good_list(), *lifecycle()), "result.list_ref")


def test_lifecycle_order_tranche_before_project(root):
    notices = [lifecycle()[0], {**lifecycle()[2], "id": "JDZ-2022-001-R02"}]
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R02")
    expect(found, "lifecycle.order", path, line_of(path, "kind"), "error", "第九条", "立项")


def test_lifecycle_order_is_still_checked_after_a_correction(root):
    """A 更正公告 may come anywhere, and the notices after it are still checked in order (mutmut: its
    `continue` as `break` ended the walk there, with every test passing)."""
    correction = {"id": "JDZ-2022-001-R01", "list": "JDZ-2022-001", "kind": "更正公告", "date": "2022-10-20",
                  "target": "JDZ-2022-001", "fields": ["deadline"], "reason": "更正截止日期。", "body": "（示例）"}
    notices = [correction, {**lifecycle()[0], "id": "JDZ-2022-001-R02"}, {**lifecycle()[2], "id": "JDZ-2022-001-R03"}]
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R03")
    expect(found, "lifecycle.order", path, line_of(path, "kind"), "error", "第九条", "立项")
    # and after a 终止 a correction is still allowed (mutmut: `kind is None or …` as `and` refused it)
    notices = [*lifecycle()[:4], termination(5, "2024-08-01"), {**correction, "id": "JDZ-2022-001-R06", "date": "2024-09-01",
                                                                 "target": "JDZ-2022-001-R05", "fields": ["reason"]}]
    assert check(root, good_list(), *notices) == []


def test_lifecycle_order_award_on_the_deadline_fails(root):
    notices = until_project()
    notices[0]["date"] = "2022-11-30"
    notices[0]["notice_period"] = {"start": "2022-11-30", "end": "2022-12-06"}
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R01")
    expect(found, "lifecycle.order", path, line_of(path, "kind"), "error", "第九条", "2022-11-30")


def test_lifecycle_order_award_the_day_after_the_deadline_passes(root):
    notices = until_project()
    notices[0]["date"] = "2022-12-01"
    notices[0]["notice_period"] = {"start": "2022-12-01", "end": "2022-12-07"}
    assert check(root, good_list(), *notices) == []


def test_lifecycle_order_project_during_the_notice_period_fails(root):
    notices = until_project()
    notices[1]["date"] = "2022-12-26"  # 公示期 ends that day
    notices[1]["contract_date"] = "2022-12-26"
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R02")
    expect(found, "lifecycle.order", path, line_of(path, "kind"), "error", "第九条", "2022-12-26", "公示期")


def test_lifecycle_order_project_the_day_after_the_notice_period_passes(root):
    notices = until_project()
    notices[1].update(date="2022-12-27", contract_date="2022-12-27",
                      term={"start": "2022-12-27", "end": "2025-12-26"})
    assert check(root, good_list(), *notices) == []


def test_lifecycle_order_project_twice(root):
    notices = until_project() + [{**lifecycle()[1], "id": "JDZ-2022-001-R03", "date": "2023-02-01"}]
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R03")
    expect(found, "lifecycle.order", path, line_of(path, "kind"), "error", "第九条", "JDZ-2022-001-R02")


def test_lifecycle_order_after_failed_list(root):
    failed = {"id": "JDZ-2022-001-R01", "list": "JDZ-2022-001", "kind": "流榜", "date": "2022-12-20",
              "reason": "无符合条件的揭榜方。", "body": "（示例）"}
    award = {**lifecycle()[0], "id": "JDZ-2022-001-R02", "date": "2022-12-25",
             "notice_period": {"start": "2022-12-25", "end": "2022-12-31"}}
    found = check(root, good_list(), failed, award)
    path = path_of(root, "JDZ-2022-001-R02")
    expect(found, "lifecycle.order", path, line_of(path, "kind"), "error", "第九条", "流榜")


def test_lifecycle_order_correction_may_follow_anything(root):
    correction = {"id": "JDZ-2022-001-R08", "list": "JDZ-2022-001", "kind": "更正公告", "date": "2026-04-01",
                  "target": "JDZ-2022-001-R02", "fields": ["subsidy_wan"], "reason": "金额笔误。", "body": "（示例）"}
    assert check(root, good_list(), *lifecycle(), correction) == []


# ----------------------------------------------------------------------------------------- privacy.*


def test_privacy_id_card(root):
    number = id_card("36020319900101123")
    found = check(root, good_list(problem=f"联系人身份证号{number}，请核对。"))
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "privacy.pii", path, line_of(path, "problem"), "error", "个人信息保护", "身份证")
    assert number not in d.message  # masked


def test_privacy_id_card_with_wrong_check_digit_passes(root):
    number = id_card("36020319900101123")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert_no(check(root, good_list(problem=f"编号{wrong}。")), "privacy.pii")


def test_privacy_bank_card(root):
    card = luhn("622202020011234567")
    found = check(root, good_list(benefits=f"资金请汇至 {card}。"))
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "privacy.pii", path, line_of(path, "benefits"), "error", "个人信息保护", "银行卡")
    assert card not in d.message


def test_privacy_bank_card_failing_luhn_passes(root):
    card = luhn("622202020011234567")
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert_no(check(root, good_list(benefits=f"编号 {wrong}。")), "privacy.pii")


def test_privacy_credit_code_is_not_personal(root):
    record = good_list()
    record["demander"]["credit_code"] = LOCAL_UNIVERSITY
    record["demander"]["kind"] = "高校"
    assert_no(check(root, record), "privacy.pii", "privacy.personal_contact")


def test_privacy_mobile_number(root):
    record = good_list()
    record["contact"]["phone"] = "13912345678"
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "privacy.personal_contact", path, line_of(path, "phone"), "warning",
               "《政府信息公开条例》第十五条", "手机", "同意")
    assert "13912345678" not in d.message
    assert {x.severity for x in found} == {"warning"}


def test_privacy_mobile_in_text(root):
    found = check(root, good_list(problem="详询王工，电话13912345678。"))
    path = path_of(root, "JDZ-2022-001")
    expect(found, "privacy.personal_contact", path, line_of(path, "problem"), "warning",
           "《政府信息公开条例》第十五条", "手机")


def test_privacy_personal_mailbox(root):
    record = good_list()
    record["contact"]["email"] = "wanggong@qq.com"
    found = check(root, record)
    path = path_of(root, "JDZ-2022-001")
    expect(found, "privacy.personal_contact", path, line_of(path, "email"), "warning",
           "《政府信息公开条例》第十五条", "qq.com")


def test_privacy_office_contact_passes(root):
    assert_no(check(root, good_list()), "privacy.personal_contact", "privacy.pii")


def test_privacy_landline_and_dates_are_not_mobiles(root):
    found = check(root, good_list(problem="电话 0798-8222222，2022年10月15日起，编号 20221015，金额 13912345 元。"))
    assert_no(found, "privacy.personal_contact", "privacy.pii")


def test_acceptance_deadline_ignores_an_extension_published_after_the_acceptance(root):
    """A 延期 published after the 验收 notice cannot make a late application timely (mutmut: the
    `before` cut-off of Timeline.term_end was untested)."""
    notices = lifecycle()  # term ends 2026-01-09: the application is due by 2026-02-09
    notices[5].update(applied="2026-02-10", date="2026-02-12")
    notices[6]["date"] = "2026-03-01"
    notices.append(extension(8, "2026-02-20", "2026-06-30"))
    found = check(root, good_list(), *notices)
    path = path_of(root, "JDZ-2022-001-R06")
    expect(found, "acceptance.deadline", path, line_of(path, "applied"), "error", "第十三条", "2026-01-09", "2026-02-09")


def test_lifecycle_order_says_each_fault_in_its_own_words(root):
    """The exact sentences of the order rules, each notice its own (mutmut survivors in lifecycle._walk: the
    终止 date dropped from the message, the 不再支持 wording, a break where the walk goes on to the next
    notice, and an acceptance forgotten)."""
    def said(found: list) -> dict[str, tuple[str, str]]:
        return {Path(d.file).stem: (d.rule, d.message) for d in found if d.rule.startswith(("lifecycle", "termination", "midterm"))}

    after_termination = lifecycle()[:3] + [termination(4, "2023-06-01"), {**lifecycle()[4], "date": "2023-07-01"},
                                           {**lifecycle()[5], "date": "2023-08-01", "applied": "2023-07-20"}]
    assert said(check(root, good_list(), *after_termination)) == {
        "JDZ-2022-001-R05": ("termination.funding", "项目已于 2023-06-01 终止（JDZ-2022-001-R04），终止的项目不再给予财政资金支持。"),
        "JDZ-2022-001-R06": ("lifecycle.order", "项目已于 2023-06-01 终止（JDZ-2022-001-R04），其后不应再有“验收”公告。"),
    }
    for stale in root.path.rglob("JDZ-2022-001-R*.yaml"):
        stale.unlink()
    stopped = lifecycle()[:6]
    stopped[3]["conclusion"] = "不再支持"
    assert said(check(root, good_list(), *stopped)) == {
        "JDZ-2022-001-R05": ("midterm.stop", "中期评估结论为“不再支持”（JDZ-2022-001-R04），此后不应再拨付资金，应发布终止公告。"),
        "JDZ-2022-001-R06": ("midterm.stop", "中期评估结论为“不再支持”（JDZ-2022-001-R04），此后不应再发布“验收”公告，应发布终止公告。"),
    }
    for stale in root.path.rglob("JDZ-2022-001-R*.yaml"):
        stale.unlink()
    after_acceptance = lifecycle() + [{**lifecycle()[3], "id": "JDZ-2022-001-R08", "date": "2026-04-01"}]
    assert said(check(root, good_list(), *after_acceptance)) == {
        "JDZ-2022-001-R08": ("lifecycle.order", "项目已验收（JDZ-2022-001-R06），其后不应再有“中期评估”公告。"),
    }
    for stale in root.path.rglob("JDZ-2022-001-R*.yaml"):
        stale.unlink()
    assert said(check(root, good_list(), lifecycle()[1])) == {
        "JDZ-2022-001-R02": ("lifecycle.order", "立项前须先发布揭榜结果公示（第九条（五）、（六））。"),
    }


def test_lifecycle_order_after_a_failed_list_says_each_notice(root):
    """After a 流榜, a second award and two project notices are each refused in their own words, the walk
    going on past each (mutmut survivors: the 流榜 message dropped, a break after the first fault, the
    流榜/立项 wording of a repeated award)."""
    failed = {"id": "JDZ-2022-001-R01", "list": "JDZ-2022-001", "kind": "流榜", "date": "2022-12-20",
              "reason": "无符合条件的揭榜方。", "body": "（示例）"}
    award = {**lifecycle()[0], "id": "JDZ-2022-001-R02", "date": "2022-12-25",
             "notice_period": {"start": "2022-12-25", "end": "2022-12-31"}}
    tranche = {**lifecycle()[2], "id": "JDZ-2022-001-R03", "date": "2023-03-01"}
    midterm = {**lifecycle()[3], "id": "JDZ-2022-001-R04", "date": "2024-07-01"}
    found = check(root, good_list(), failed, award, tranche, midterm)
    said = {Path(d.file).stem: d.message for d in found if d.rule == "lifecycle.order"}
    assert said == {
        "JDZ-2022-001-R02": "该榜单已流榜，不应再发布“揭榜结果公示”公告。",
        "JDZ-2022-001-R03": "该榜单已流榜（JDZ-2022-001-R01），不应再有“资金拨付”公告。",
        "JDZ-2022-001-R04": "该榜单已流榜（JDZ-2022-001-R01），不应再有“中期评估”公告。",
    }


@pytest.mark.parametrize(("link", "shown"), [
    ("[点此](java\u00adscript:alert(1))", "java\\u00adscript:alert(1"),
    ("[点此](java\U000e0041script:alert(1))", "java\\U000e0041script:alert(1"),
], ids=["soft hyphen", "tag character"])
def test_a_message_shows_the_characters_that_show_nothing(root, link, shown):
    """The clerk reads the address as the rule read it: each hidden character written out where it is."""
    found = check(root, good_list(problem=f"详见{link}。"))
    path = path_of(root, "JDZ-2022-001")
    d = expect(found, "text.link_scheme", path, line_of(path, "problem"), "error", "安全", "链接")
    assert f"“{shown}”" in d.as_text(), d.as_text()
