"""字数 as Word counts it (附件1: 限500字以内), and the text.length limits through the validator."""

from __future__ import annotations

import pytest

from conftest import dump, good_list
from jiebang.records.textcount import word_count
from jiebang.rules.validate import validate

# ----------------------------------------------------------------------------------------- counting


@pytest.mark.parametrize("text, count", [
    ("技术难题", 4),
    ("日用陶瓷低温快烧釉料关键技术", 14),
    ("𠀀𠀁", 2),  # CJK Extension B
])
def test_pure_cjk_counts_each_character(text, count):
    assert word_count(text) == count


@pytest.mark.parametrize("text, count", [
    ("烧成温度，降低。", 8),
    ("甲、乙；丙：丁！戊？", 10),
    ("《办法》", 4),
    ("（示例）", 4),
    ("“低温”", 4),
    ("‘甲’", 3),
    ("快烧……", 4),
    ("甲——乙", 4),
    ("【注】", 3),
    ("ＡＢＣ１２３", 6),  # full-width forms count one each, as Word does
    ("甲·乙", 3),
])
def test_full_width_punctuation_counts_one_each(text, count):
    assert word_count(text) == count


@pytest.mark.parametrize("text, count", [
    ("Hello world", 2),
    ("low temperature fast firing glaze", 5),
    ("1180", 1),
    ("2022 2023 2024", 3),
    ("3.5", 1),
    ("ISO-9001", 1),
    ("ISO 9001", 2),
    ("GB/T 9704", 2),
    ("e-mail", 1),
    ("50%", 1),
    ("1,000", 1),
    ("don't", 1),
    ("snake_case", 1),
    ("https://example.com/a?b=c", 1),
])
def test_latin_words_and_numbers_count_one_each(text, count):
    assert word_count(text) == count


@pytest.mark.parametrize("text, count", [
    ("采用AI技术", 5),
    ("烧成温度降至1180以下", 9),
    ("光泽度不低于95，能耗降低3.5%", 13),  # 光泽度不低于 6, 95 1, ， 1, 能耗降低 4, 3.5% 1
])
def test_mixed_chinese_and_latin(text, count):
    assert word_count(text) == count


def test_mixed_sentence_counted_by_hand():
    text = "采用ISO-9001标准，烧成温度由1300 ℃降至1180 ℃，光泽度≥95，成本降低3.5%。"
    # 采用 2, ISO-9001 1, 标准 2, ， 1, 烧成温度由 5, 1300 1, ℃ 1, 降至 2, 1180 1, ℃ 1, ， 1,
    # 光泽度 3, ≥95 1, ， 1, 成本降低 4, 3.5% 1, 。 1  = 29
    assert word_count(text) == 29


@pytest.mark.parametrize("text", ["", " ", "   \n\t  \n", "\u3000", "\u00a0"])
def test_spaces_count_nothing(text):
    assert word_count(text) == 0


def test_ideographic_space_indent_counts_nothing():
    # Chinese paragraphs pasted from Word are indented with two full-width spaces (U+3000); spaces are not 字.
    assert word_count("\u3000\u3000段落首行缩进") == 6
    assert word_count("甲\u3000乙") == 2


def test_spaces_between_words_count_nothing():
    assert word_count("甲 乙\t丙\n丁") == 4
    assert word_count("甲    乙") == word_count("甲乙") == 2


@pytest.mark.parametrize("markdown, plain", [
    ("# 标题", "标题"),
    ("## 二级标题\n\n正文", "二级标题\n\n正文"),
    ("###### 六级", "六级"),
    ("- 甲\n- 乙", "甲\n乙"),
    ("* 甲\n+ 乙", "甲\n乙"),
    ("1. 甲\n2. 乙\n10) 丙", "甲\n乙\n丙"),
    ("  - 嵌套列表", "嵌套列表"),
    ("> 引用文字", "引用文字"),
    ("**粗体**", "粗体"),
    ("*斜体*", "斜体"),
    ("_斜体_", "斜体"),
    ("__粗体__", "粗体"),
    ("***粗斜***", "粗斜"),
    ("正文**强调**正文", "正文强调正文"),
    ("`代码`", "代码"),
    ("[链接文字](https://example.com/very/long/path)", "链接文字"),
    ("见[《办法》](https://example.gov.cn/a.html)第六条", "见《办法》第六条"),
    ("[说明][1]\n\n[1]: https://example.com", "说明"),
    ("| 指标 | 现状 | 目标 |\n|---|---|---|\n| 温度 | 1300 | 1180 |", "指标 现状 目标 温度 1300 1180"),
    ("| 指标 | 目标 |\n| :--- | ---: |\n| 光泽度 | 95 |", "指标 目标 光泽度 95"),
    ("- **烧成温度**：≤ 1180 ℃", "烧成温度：≤ 1180 ℃"),
])
def test_markdown_markup_counts_nothing(markdown, plain):
    assert word_count(markdown) == word_count(plain)


def test_markup_only_counts_nothing():
    assert word_count("#\n\n---\n\n- \n\n**\n\n|---|---|") == 0


def test_list_numbers_are_markup_but_numbers_in_text_count():
    assert word_count("1. 第一步") == 3
    assert word_count("步骤 1 完成") == 5


# ----------------------------------------------------------------------------------------- limits through the validator


def cjk(n: int) -> str:
    """n CJK characters that are not a phone number or anything else a rule looks at."""
    return ("陶瓷釉料低温快烧" * (n // 8 + 1))[:n]


def length_findings(root, **fields):
    path = root.write(good_list(**fields))
    return [d for d in validate([path]).diagnostics if d.rule == "text.length"], path


@pytest.mark.parametrize("field, limit", [("problem", 500), ("targets", 500), ("benefits", 300)])
def test_text_at_the_limit_passes(root, field, limit):
    found, _ = length_findings(root, **{field: cjk(limit)})
    assert found == []


@pytest.mark.parametrize("field, limit, title", [
    ("problem", 500, "技术难题概述"),
    ("targets", 500, "预期技术目标"),
    ("benefits", 300, "预期经济社会效益"),
])
def test_text_one_over_the_limit_fails(root, field, limit, title):
    found, path = length_findings(root, **{field: cjk(limit + 1)})
    assert len(found) == 1
    d = found[0]
    assert d.severity == "error"
    assert d.article == "附件1"
    line = next(i for i, row in enumerate(path.read_text("utf-8").splitlines(), 1) if row.startswith(f"{field}:"))
    assert d.line == line
    assert title in d.message
    assert f"{limit + 1} 字" in d.message and f"{limit} 字" in d.message
    assert "删减 1 字" in d.message


def mixed(n: int) -> str:
    """Markdown mixing Chinese, Latin words, numbers and markup, counted by hand to exactly n 字."""
    head = "## 现状\n\n- 采用 **ISO-9001** 标准，温度 1300 ℃，光泽度 3.5 级。\n- 参见[《办法》](https://example.gov.cn/a)。\n\n"
    # 现状 2 | 采用 2, ISO-9001 1, 标准 2, ， 1, 温度 2, 1300 1, ℃ 1, ， 1, 光泽度 3, 3.5 1, 级 1, 。 1 = 17
    # | 参见 2, 《办法》 4, 。 1 = 7  → 26
    table = "| 指标 | 目标 |\n|---|---|\n| 温度 | 1180 |\n\n"  # 指标 2, 目标 2, 温度 2, 1180 1 = 7
    used = 26 + 7
    assert word_count(head + table) == used
    return head + table + cjk(n - used)


@pytest.mark.parametrize("field, limit", [("problem", 500), ("targets", 500), ("benefits", 300)])
def test_mixed_markdown_text_at_exactly_the_limit_passes(root, field, limit):
    text = mixed(limit)
    assert word_count(text) == limit
    assert len(text) > limit  # the characters on disk exceed the limit; the 字数 does not
    found, _ = length_findings(root, **{field: text})
    assert found == []


@pytest.mark.parametrize("field, limit", [("problem", 500), ("targets", 500), ("benefits", 300)])
def test_mixed_markdown_text_one_over_fails(root, field, limit):
    text = mixed(limit) + " OK"
    assert word_count(text) == limit + 1
    found, _ = length_findings(root, **{field: text})
    assert [d.rule for d in found] == ["text.length"]
    assert f"{limit + 1} 字" in found[0].message


def test_latin_heavy_text_is_not_counted_by_characters(root):
    # 500 Latin words of 10 letters: 5,500 characters on disk, 500 字 as Word counts.
    text = " ".join(["glazefire9"] * 500)
    assert word_count(text) == 500
    found, _ = length_findings(root, problem=text)
    assert found == []
    found, _ = length_findings(root, problem=text + " x")
    assert [d.rule for d in found] == ["text.length"]


def test_limits_come_from_the_regulation_file(root):
    reg = root.path / "regulation" / "2022-09-05.yaml"
    reg.write_text(reg.read_text("utf-8").replace("benefits: 300", "benefits: 200"), "utf-8")
    found, _ = length_findings(root, benefits=cjk(201))
    assert len(found) == 1 and "200 字" in found[0].message
    found, _ = length_findings(root, benefits=cjk(200))
    assert found == []


def test_other_markdown_fields_have_no_limit(root):
    found, _ = length_findings(root, solver_requirements=cjk(2000), ip_terms=cjk(2000))
    assert found == []


def test_length_line_for_block_scalar(root):
    record = good_list(problem=cjk(300) + "\n\n" + cjk(201) + "\n")
    text = dump(record)
    path = root.write(record, text=text)
    found = [d for d in validate([path]).diagnostics if d.rule == "text.length"]
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("problem:"))
    assert [(d.line, d.rule) for d in found] == [(line, "text.length")]
