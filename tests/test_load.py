"""Loading YAML: positions, encodings, size, refused constructs, and values read as the schema says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import dump, good_list
from jiebang.records import load as load_module
from jiebang.records.load import MAX_BYTES, parse_document, read_document
from jiebang.records.schema import SCHEMAS, schema_diagnostics
from jiebang.rules.validate import validate


def parse(text: str | bytes, kind: str | None = "list"):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_document(raw, "f.yaml", SCHEMAS[kind] if kind else None)


def schema_findings(doc, kind: str = "list"):
    """Schema findings other than the missing fields of these deliberately partial snippets."""
    return [d for d in schema_diagnostics(doc, kind) if d.rule != "schema.required"]


def is_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


# ----------------------------------------------------------------------------------------- positions


NESTED = """\
id: JDZ-2022-001
demander:
  name: 景德镇市示例陶瓷有限公司
  kind: 企业
indicators:
  - name: 烧成温度
    target: ≤ 1180 ℃
  - {name: 光泽度, target: '95'}
budget: {total_wan: 300, to_solver_wan: 200}
"""


def test_positions_of_nested_values():
    doc, errors = parse(NESTED)
    assert errors == []
    assert doc.positions[("id",)] == (1, 5)
    assert doc.positions[("demander",)] == (3, 3)
    assert doc.positions[("demander", "name")] == (3, 9)
    assert doc.positions[("demander", "kind")] == (4, 9)
    assert doc.positions[("indicators", 0)] == (6, 5)
    assert doc.positions[("indicators", 0, "name")] == (6, 11)
    assert doc.positions[("indicators", 0, "target")] == (7, 13)
    assert doc.positions[("indicators", 1)] == (8, 5)
    assert doc.positions[("indicators", 1, "name")] == (8, 12)
    assert doc.positions[("indicators", 1, "target")] == (8, 25)
    assert doc.positions[("budget", "to_solver_wan")] == (9, 41)


def test_positions_of_keys():
    doc, _ = parse(NESTED)
    assert doc.key_positions[("id",)] == (1, 1)
    assert doc.key_positions[("demander",)] == (2, 1)
    assert doc.key_positions[("demander", "kind")] == (4, 3)
    assert doc.key_positions[("indicators", 0, "target")] == (7, 5)
    assert doc.key_positions[("indicators", 1, "target")] == (8, 17)
    assert doc.key_positions[("budget", "to_solver_wan")] == (9, 26)
    assert doc.locate(("demander", "kind"), key=True) == (4, 3)


def test_locate_falls_back_to_the_nearest_located_parent():
    doc, _ = parse(NESTED)
    assert doc.locate(("demander", "county")) == doc.positions[("demander",)]
    assert doc.locate(("indicators", 5, "name")) == doc.positions[("indicators",)]
    assert doc.locate(("nothing", "here")) == (1, 1)


def test_schema_finding_points_at_the_nested_field(root):
    text = dump(good_list()).replace("kind: 企业", "kind: 公司")
    path = root.write(good_list(), text=text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "kind: 公司" in row)
    found = [d for d in validate([path]).diagnostics if d.rule == "schema.enum"]
    assert [(d.line, d.column) for d in found] == [(line, 3)]  # the key of the nested field
    assert "企业" in found[0].message and "公司" in found[0].message


# ----------------------------------------------------------------------------------------- encodings


def test_utf8_bom_is_accepted(root):
    text = dump(good_list())
    path = root.write(good_list())
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = validate([path])
    assert report.diagnostics == []
    doc, errors = parse(b"\xef\xbb\xbfid: JDZ-2022-001\n")
    assert errors == [] and doc.data == {"id": "JDZ-2022-001"}
    assert doc.positions[("id",)] == (1, 5)  # the BOM takes no column


def test_gbk_is_detected_and_named(root):
    text = dump(good_list())
    path = root.write(good_list())
    path.write_bytes(text.encode("gbk"))
    found = validate([path]).diagnostics
    assert [d.rule for d in found] == ["yaml.encoding"]
    assert found[0].severity == "error"
    assert "GBK" in found[0].message and "UTF-8" in found[0].message
    assert is_chinese(found[0].message)
    # the first byte that is not UTF-8 is on the first line with Chinese text (批次, line 2)
    first_bad = next(i for i, row in enumerate(text.splitlines(), 1) if any(ord(ch) > 127 for ch in row))
    assert found[0].line == first_bad


def test_invalid_utf8_that_is_not_gbk():
    doc, errors = parse(b"id: JDZ-2022-001\ntitle: ab\xff\xfe\n")
    assert doc is None
    assert [(e.rule, e.line, e.column) for e in errors] == [("yaml.encoding", 2, 10)]
    assert "GBK" not in errors[0].message and "UTF-8" in errors[0].message


def test_invalid_utf8_column_counts_characters_not_bytes():
    # 名称: 中 is five characters but eleven bytes; an editor shows the bad byte in column 6.
    _, errors = parse("名称: 中".encode() + b"\xff\n")
    assert [(e.rule, e.line, e.column) for e in errors] == [("yaml.encoding", 1, 6)]


def test_utf16_is_named():
    _, errors = parse("id: JDZ-2022-001\n".encode("utf-16"))
    assert [e.rule for e in errors] == ["yaml.encoding"]
    assert "UTF-16" in errors[0].message


# ----------------------------------------------------------------------------------------- size


def test_file_over_one_mebibyte_is_refused_without_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"id: x\n" + b"#" * MAX_BYTES)
    calls = []

    def refuse(self):
        calls.append(self)
        raise AssertionError(f"read_bytes called on {self}")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    doc, errors = read_document(big, "big.yaml", SCHEMAS["list"])
    assert doc is None
    assert [e.rule for e in errors] == ["yaml.too_large"]
    assert errors[0].severity == "error"
    assert "1 MiB" in errors[0].message and is_chinese(errors[0].message)
    assert calls == []


def test_exactly_one_mebibyte_is_read(tmp_path):
    path = tmp_path / "edge.yaml"
    head = b"id: JDZ-2022-001\n"
    path.write_bytes(head + b"#" * (MAX_BYTES - len(head)))
    assert path.stat().st_size == MAX_BYTES
    doc, errors = read_document(path, "edge.yaml", SCHEMAS["list"])
    assert errors == [] and doc.data == {"id": "JDZ-2022-001"}


def test_big_file_in_a_tree_is_refused_unread_and_others_still_checked(root, monkeypatch):
    small = root.write(good_list(budget={"total_wan": 300, "to_solver_wan": 80}))
    big = root.write(good_list(id="JDZ-2022-002"))
    big.write_bytes(dump(good_list(id="JDZ-2022-002")).encode() + b"#" * MAX_BYTES)
    real = Path.read_bytes

    def guarded(self):
        assert self.name != big.name, "the oversized file was read"
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    report = validate([root.path])
    rules = {(Path(d.file).name, d.rule) for d in report.diagnostics}
    assert (big.name, "yaml.too_large") in rules
    assert (small.name, "money.list_amount_min") in rules


def test_parse_document_refuses_large_bytes_from_git():
    _, errors = parse_document(b"#" * (MAX_BYTES + 1), "blob.yaml", SCHEMAS["list"])
    assert [e.rule for e in errors] == ["yaml.too_large"]


# ----------------------------------------------------------------------------------------- refused constructs


def test_anchor_and_alias_are_refused_with_positions():
    doc, errors = parse("title: &t 日用陶瓷\nsubfield: *t\n")
    assert doc is None
    assert [(e.rule, e.line, e.column) for e in errors] == [("yaml.alias", 1, 8), ("yaml.alias", 2, 11)]
    assert all(is_chinese(e.message) for e in errors)
    assert "&t" in errors[0].message and "*t" in errors[1].message


def test_billion_laughs_is_refused_quickly():
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 10)]
    doc, errors = parse("\n".join(lines) + "\n", kind=None)
    assert doc is None
    assert errors and {e.rule for e in errors} == {"yaml.alias"}


def test_alias_refused_in_a_real_record(root):
    text = dump(good_list()).replace("subfield: 先进陶瓷材料", "subfield: &s 先进陶瓷材料") + "peers: [*s]\n"
    path = root.write(good_list(), text=text)
    found = validate([path]).diagnostics
    assert {d.rule for d in found} == {"yaml.alias"}


def test_duplicate_key_mentions_the_first_line():
    doc, errors = parse("id: JDZ-2022-001\ntitle: 甲\nbatch: 乙\ntitle: 丙\n")
    assert [(e.rule, e.line, e.column) for e in errors] == [("yaml.duplicate_key", 4, 1)]
    assert "title" in errors[0].message
    assert "第 2 行" in errors[0].message


def test_nested_duplicate_key():
    _, errors = parse("demander:\n  name: 甲\n  kind: 企业\n  name: 乙\n")
    assert [(e.rule, e.line, e.column) for e in errors] == [("yaml.duplicate_key", 4, 3)]
    assert "第 2 行" in errors[0].message


def test_same_key_in_different_mappings_is_not_a_duplicate():
    _, errors = parse("indicators:\n  - {name: 甲, target: '1'}\n  - {name: 乙, target: '2'}\n")
    assert errors == []


def test_non_scalar_keys_are_refused():
    doc, errors = parse("? [a, b]\n: 1\n? {c: d}\n: 2\n", kind=None)
    assert [(e.rule, e.line, e.column) for e in errors] == [("yaml.syntax", 1, 3), ("yaml.syntax", 3, 3)]
    assert all(is_chinese(e.message) for e in errors)


@pytest.mark.parametrize("tagged", [
    "title: !!python/object:os.system x\n",
    "title: !!python/object/apply:os.system ['ls']\n",
    "title: !!python/name:os.system ''\n",
    "demander: !!python/object:collections.OrderedDict {name: x}\n",
    "title: !custom x\n",
    "title: !!binary aGVsbG8=\n",
])
def test_unknown_explicit_tags_are_refused(tagged):
    doc, errors = parse(tagged)
    assert doc is None
    assert [e.rule for e in errors] == ["yaml.syntax"]
    assert errors[0].line == 1
    assert "标签" in errors[0].message


def test_plain_core_tags_are_allowed():
    doc, errors = parse("title: !!str 1180\n")
    assert errors == [] and doc.data == {"title": "1180"}


def test_syntax_error_has_position_and_chinese():
    _, errors = parse("id: JDZ-2022-001\ntitle: a: b\n")
    assert [(e.rule, e.line) for e in errors] == [("yaml.syntax", 2)]
    assert is_chinese(errors[0].message)


def test_two_documents_are_a_syntax_error():
    _, errors = parse("id: a\n---\nid: b\n")
    assert [e.rule for e in errors] == ["yaml.syntax"]


# ----------------------------------------------------------------------------------------- values as the schema says


def test_yes_no_on_stay_text_under_string_fields():
    doc, errors = parse("title: no\nbatch: yes\nsubfield: on\ndoc_number: off\nindustry: Y\n")
    assert errors == []
    assert doc.data == {"title": "no", "batch": "yes", "subfield": "on", "doc_number": "off", "industry": "Y"}
    assert schema_findings(doc) == []


def test_phone_stays_text():
    doc, _ = parse("contact: {name: 李工, unit: 计划科, phone: 0798-8222222}\n")
    assert doc.data["contact"]["phone"] == "0798-8222222"


def test_dates_stay_text():
    doc, _ = parse("published: 2022-10-15\n")
    assert doc.data["published"] == "2022-10-15"


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "Yes", "ON"])
def test_yes_no_on_are_reported_under_boolean_fields(word):
    doc, errors = parse(f"show_peers: {word}\n")
    assert errors == []
    assert doc.data == {"show_peers": word}
    found = schema_findings(doc)
    assert [(d.rule, d.line, d.column) for d in found] == [("schema.type", 1, 1)]  # the key, as the 14:3 example
    assert "true" in found[0].message and "false" in found[0].message
    assert is_chinese(found[0].message)


def test_no_reported_under_nested_boolean_field():
    text = ("solvers:\n  - name: 甲\n    kind: 企业\n    credit_code: 91360203MA35A00019\n    city: 景德镇市\n"
            "    related_to_demander: no\n")
    doc, _ = parse(text, "result")
    found = schema_findings(doc, "result")
    assert [(d.rule, d.line, d.column) for d in found] == [("schema.type", 6, 5)]


@pytest.mark.parametrize("word, value", [("true", True), ("false", False), ("True", True), ("FALSE", False)])
def test_true_false_are_booleans(word, value):
    doc, _ = parse(f"show_peers: {word}\n")
    assert doc.data == {"show_peers": value}
    assert schema_findings(doc) == []


def test_octal_looking_integer_is_reported_not_converted():
    doc, errors = parse("period_years: 0798\n")
    assert errors == []
    assert doc.data == {"period_years": "0798"}
    found = schema_findings(doc)
    assert [(d.rule, d.line, d.column) for d in found] == [("schema.type", 1, 1)]
    assert "0798" in found[0].message and is_chinese(found[0].message)


@pytest.mark.parametrize("text", ["010", "0o3", "0x3", "3.0", "3_0"])
def test_other_non_decimal_integers_are_reported(text):
    doc, _ = parse(f"period_years: {text}\n")
    assert doc.data == {"period_years": text}
    assert [d.rule for d in schema_findings(doc)] == ["schema.type"]


def test_integer_field_reads_an_int():
    doc, _ = parse("period_years: 3\n")
    assert doc.data == {"period_years": 3} and type(doc.data["period_years"]) is int


def test_money_is_decimal_exactly():
    doc, errors = parse("budget:\n  total_wan: 300.1\n  to_solver_wan: 99.9999\n")
    assert errors == []
    total, to_solver = doc.data["budget"]["total_wan"], doc.data["budget"]["to_solver_wan"]
    assert isinstance(total, Decimal) and not isinstance(total, float)
    assert total == Decimal("300.1") and str(total) == "300.1"
    assert to_solver == Decimal("99.9999")
    assert total - Decimal("300") == Decimal("0.1")  # a float would give 0.1000000000000227


def test_money_with_five_decimals_is_reported():
    doc, _ = parse("budget:\n  total_wan: 300\n  to_solver_wan: 100.00001\n")
    found = schema_findings(doc)
    assert [(d.rule, d.line) for d in found] == [("schema.type", 3)]
    assert "4 位小数" in found[0].message


def test_decimal_money_in_a_result():
    doc, _ = parse("subsidy_wan: 59.9999\namount_wan: 0.0001\n", "result")
    assert doc.data == {"subsidy_wan": Decimal("59.9999"), "amount_wan": Decimal("0.0001")}


@pytest.mark.parametrize("quoted", ["'200'", '"200"'])
def test_quoted_number_under_number_field_is_reported(quoted):
    doc, _ = parse(f"budget:\n  total_wan: 300\n  to_solver_wan: {quoted}\n")
    assert doc.data["budget"]["to_solver_wan"] == "200"
    found = schema_findings(doc)
    assert [(d.rule, d.line, d.column) for d in found] == [("schema.type", 3, 3)]
    assert "数字" in found[0].message and "引号" in found[0].message


def test_number_with_unit_is_reported_with_a_hint():
    doc, _ = parse("budget:\n  total_wan: 300万元\n  to_solver_wan: 200\n")
    found = schema_findings(doc)
    assert [(d.rule, d.line) for d in found] == [("schema.type", 2)]
    assert "万元" in found[0].message


@pytest.mark.parametrize("text", ["1e2", "0x64", "1_00", ".inf", "1,000"])
def test_non_decimal_numbers_under_money_are_reported(text):
    doc, _ = parse(f"budget:\n  total_wan: {text}\n  to_solver_wan: 100\n")
    assert doc.data["budget"]["total_wan"] == text
    assert [d.rule for d in schema_findings(doc)] == ["schema.type"]


def test_quoted_integer_under_integer_enum_is_reported_once():
    doc, _ = parse("tranche: '1'\n", "result")
    found = schema_findings(doc, "result")
    assert [(d.rule, d.line) for d in found] == [("schema.type", 1)]


def test_quoted_and_block_scalars_are_always_text():
    doc, _ = parse("title: 'true'\nbatch: \"123\"\nproblem: |\n  yes\n", "list")
    assert doc.data == {"title": "true", "batch": "123", "problem": "yes\n"}


def test_empty_plain_value_is_null_and_reported_as_required():
    doc, _ = parse("title:\nbatch: ~\n")
    assert doc.data == {"title": None, "batch": None}
    found = [d for d in schema_diagnostics(doc, "list") if d.line in (1, 2)]
    assert {(d.rule, d.line) for d in found} == {("schema.required", 1), ("schema.required", 2)}


def test_unknown_keys_use_yaml_12_core_rules():
    doc, _ = parse("a: yes\nb: no\nc: on\nd: off\ne: true\nf: false\ng: 42\nh: 1.5\ni: null\nj: ~\nk:\nl: 2022-10-15\n",
                   kind=None)
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": True, "f": False, "g": 42,
                        "h": Decimal("1.5"), "i": None, "j": None, "k": None, "l": "2022-10-15"}


def test_unknown_keys_read_yaml_12_core_numbers():
    # YAML 1.2 core schema: 0o octal, 0x hex, exponents and .inf are numbers.
    doc, _ = parse("a: 0o17\nb: 0x1F\nc: 1e3\nd: .inf\n", kind=None)
    assert doc.data["a"] == 15
    assert doc.data["b"] == 31
    assert doc.data["c"] == 1000
    assert doc.data["d"] == float("inf")


def test_unknown_field_in_a_record_is_read_safely_and_reported(root):
    text = dump(good_list()) + "urgent: yes\n"
    path = root.write(good_list(), text=text)
    found = validate([path]).diagnostics
    line = len(text.splitlines())
    assert [(d.rule, d.line, d.column) for d in found] == [("schema.unknown_field", line, 1)]


def test_unknown_field_suggests_the_nearest_key():
    doc, _ = parse("deadlne: 2022-11-30\n")
    found = schema_findings(doc)
    assert [d.rule for d in found] == ["schema.unknown_field"]
    assert "deadline" in found[0].message


def test_loader_does_not_use_yaml_11_resolvers(monkeypatch):
    # Whatever the loader class, conversion is ours: no value reaches a record through PyYAML's constructors.
    import yaml

    def boom(*args, **kwargs):
        raise AssertionError("yaml.load must not be used")

    monkeypatch.setattr(yaml, "load", boom)
    monkeypatch.setattr(yaml, "safe_load", boom)
    doc, errors = parse("show_peers: yes\nperiod_years: 3\n")
    assert errors == [] and doc.data == {"show_peers": "yes", "period_years": 3}
    assert load_module.MAX_BYTES == 1024 * 1024
