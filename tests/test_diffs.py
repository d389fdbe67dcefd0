"""Field-level diffs: labels from the schema's titles, renderings a reader understands, stable order."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

from conftest import good_list, lifecycle
from jiebang.history.diffs import diff_records, sentences, text_edits


def lines(changes) -> list[str]:
    return [line for change in changes for line in change.lines()]


def money(record: dict) -> dict:
    record = copy.deepcopy(record)
    record["budget"] = {k: Decimal(str(v)) for k, v in record["budget"].items()}  # as the loader reads them
    return record


def test_scalars_money_dates_and_nested_labels_in_schema_order():
    old = money(good_list())
    new = money(good_list(deadline="2022-12-15", period_years=2,
                          demander={**old["demander"], "credit_code": "91360203MA35A0002X"}))
    new["budget"]["total_wan"] = Decimal("350")
    new["budget"]["to_solver_wan"] = Decimal("200.5")
    assert lines(diff_records("list", old, new)) == [
        "技术需求单位 / 统一社会信用代码：91360203MA35A00019 → 91360203MA35A0002X",
        "预计项目经费：300 → 350 万元",
        "榜单金额：200 → 200.5 万元",
        "实施周期：3 → 2",
        "揭榜截止日期：2022-11-30 → 2022-12-15",
    ]
    change = diff_records("list", old, new)[1]
    assert (change.path, change.key, change.label, change.change) == (
        ("budget", "total_wan"), "budget.total_wan", "预计项目经费", "changed")
    assert (change.before, change.after, change.before_text, change.after_text) == (
        Decimal(300), Decimal(350), "300 万元", "350 万元")


def test_same_data_has_no_changes_and_block_scalar_endings_do_not_count():
    record = good_list()
    assert diff_records("list", record, copy.deepcopy(record)) == []
    assert diff_records("list", record, {**record, "problem": record["problem"] + "\n"}) == []


def test_added_and_removed_fields_and_list_items():
    old = good_list()
    new = good_list(show_peers=True, peers=["景德镇市某某瓷业有限公司"],
                    indicators=[{"name": "釉面光泽度", "current": None, "target": "≥ 95"}, *old["indicators"]],
                    changes=[{"date": "2022-10-20", "note": "补充技术指标"}])
    del new["benefits"]
    assert lines(diff_records("list", old, new)) == [
        "有共同技术需求的同行企业：新增：景德镇市某某瓷业有限公司",
        "公开同行企业：新增：是",
        "技术指标 第1项：新增：指标：釉面光泽度；现状：（空）；目标：≥ 95",
        "预期经济社会效益：删除：（示例）每年节约能耗约两成。",
        "更正说明：新增：更正日期：2022-10-20；更正内容：补充技术指标",
    ]
    added = diff_records("list", old, new)[2]
    assert (added.path, added.change, added.before_text, added.after_text) == (
        ("indicators", 0), "added", "（无）", "指标：釉面光泽度；现状：（空）；目标：≥ 95")


def test_an_edited_list_item_is_compared_field_by_field():
    old = good_list(indicators=[{"name": "烧成温度", "current": "1300 ℃", "target": "≤ 1180 ℃"},
                                {"name": "光泽度", "current": "90", "target": "≥ 95"}])
    new = good_list(indicators=[{"name": "烧成温度", "current": "1300 ℃", "target": "≤ 1180 ℃"},
                                {"name": "光泽度", "current": "90", "target": "≥ 98"}],
                    changes=[{"date": "2022-10-20", "note": "更正指标"}, {"date": "2022-10-25", "note": "再次更正"}])
    old["changes"] = [{"date": "2022-10-20", "note": "更正指标"}]
    assert lines(diff_records("list", old, new)) == [
        "技术指标 第2项 / 目标：≥ 95 → ≥ 98",
        "更正说明 第2项：新增：更正日期：2022-10-25；更正内容：再次更正",
    ]
    assert diff_records("list", old, new)[0].key == "indicators[2].target"


def test_long_texts_get_a_sentence_diff():
    old = good_list(problem="日用陶瓷烧成温度高、能耗大。需要研发低温快烧釉料；兼顾釉面质量！\n- 第一条\n- 第二条")
    new = good_list(problem="日用陶瓷烧成温度高、能耗大。需要研发低温快烧釉料和配套窑炉；兼顾釉面质量！\n- 第一条\n- 第三条")
    [change] = diff_records("list", old, new)
    assert change.lines() == [
        "技术难题概述：删去 2 句，增加 2 句",
        "  − 需要研发低温快烧釉料；",
        "  + 需要研发低温快烧釉料和配套窑炉；",
        "  − - 第二条",
        "  + - 第三条",
    ]
    assert (change.before_text, change.after_text) == ("需要研发低温快烧釉料；- 第二条", "需要研发低温快烧釉料和配套窑炉；- 第三条")
    assert sentences("甲。乙？丙\n丁") == ["甲。", "乙？", "丙", "丁"]
    assert [(e.op, e.text) for e in text_edits("甲。乙。", "甲。乙。丙。")] == [("+", "丙。")]


def test_whitespace_only_edit_of_a_long_text():
    [change] = diff_records("list", good_list(problem="甲。\n\n乙。"), good_list(problem="甲。\n乙。"))
    assert change.lines() == ["技术难题概述：仅空白或换行有改动"]


def test_notice_fields_and_whole_records():
    old = lifecycle()[1]
    new = {**old, "subsidy_wan": Decimal("100"), "term": {"start": "2023-01-10", "end": "2026-03-31"}}
    old = {**old, "subsidy_wan": Decimal("120")}
    assert lines(diff_records("result", old, new)) == ["财政资助金额：120 → 100 万元", "执行期结束日期：2026-01-09 → 2026-03-31"]
    assert [c.change for c in diff_records("result", None, old)] == ["added"] * len(old)
    assert [c.key for c in diff_records("result", old, None)] == [
        "id", "list", "kind", "date", "body", "contract_date", "subsidy_wan", "term"]
    solvers = lifecycle()[0]
    edited = copy.deepcopy(solvers)
    edited["solvers"][0]["related_to_demander"] = True
    assert lines(diff_records("result", solvers, edited)) == ["揭榜单位 第1项 / 是否为需求方关联单位：否 → 是"]


def test_unknown_keys_come_last_under_their_own_name():
    assert lines(diff_records("list", good_list(), good_list(remark="备注"))) == ["remark：新增：备注"]


def test_json_form_is_exact_and_serialisable():
    old, new = money(good_list()), money(good_list(deadline="2022-12-15"))
    new["budget"]["total_wan"] = Decimal("350.25")
    data = [c.as_json() for c in diff_records("list", old, new)]
    assert data == [
        {"path": "budget.total_wan", "label": "预计项目经费", "change": "changed", "before": "300", "after": "350.25",
         "summary": "300 → 350.25 万元", "edits": []},
        {"path": "deadline", "label": "揭榜截止日期", "change": "changed", "before": "2022-11-30", "after": "2022-12-15",
         "summary": "2022-11-30 → 2022-12-15", "edits": []},
    ]
    json.dumps(data, ensure_ascii=False)


# Item lists edited as an auditor would meet them (issue 11, item 7: mutations of the list alignment, the
# removed/added items' JSON form and the 更正公告 columns all passed every test before these).

def indicator(name: str, target: str = "≥ 9") -> dict:
    return {"name": name, "current": "1", "target": target}


A, B, C, D, E = (indicator(name) for name in "甲乙丙丁戊")


def list_lines(old: list, new: list, key: str = "indicators") -> list[str]:
    return lines(diff_records("list", good_list(**{key: old}), good_list(**{key: new})))


def test_items_removed_or_added_after_an_unchanged_prefix_are_named_by_their_own_numbers():
    assert list_lines([A, B, C], [A]) == ["技术指标 第2项：删除：指标：乙；现状：1；目标：≥ 9",
                                          "技术指标 第3项：删除：指标：丙；现状：1；目标：≥ 9"]
    assert list_lines([A], [A, B, C]) == ["技术指标 第2项：新增：指标：乙；现状：1；目标：≥ 9",
                                          "技术指标 第3项：新增：指标：丙；现状：1；目标：≥ 9"]
    # a duplicate appended: the trimmed ends may not overlap
    assert list_lines(["甲", "乙"], ["甲", "乙", "乙"], "peers") == ["有共同技术需求的同行企业 第3项：新增：乙"]


def test_edits_between_unchanged_items_are_each_named_once():
    assert list_lines([A, B, C, D, E], [A, {**B, "target": "≥ 10"}, C, {**D, "target": "≥ 11"}, E]) == [
        "技术指标 第2项 / 目标：≥ 9 → ≥ 10", "技术指标 第4项 / 目标：≥ 9 → ≥ 11"]
    assert list_lines([A, B, C, D], [A, {**B, "target": "≥ 10"}, {**C, "target": "≥ 12"}, D]) == [
        "技术指标 第2项 / 目标：≥ 9 → ≥ 10", "技术指标 第3项 / 目标：≥ 9 → ≥ 12"]
    assert list_lines([A, B, C, D, E], [A, {**B, "target": "≥ 10"}, D, indicator("己", "≥ 1"), E]) == [
        "技术指标 第2项 / 目标：≥ 9 → ≥ 10",
        "技术指标 第3项：删除：指标：丙；现状：1；目标：≥ 9",
        "技术指标 第4项：新增：指标：己；现状：1；目标：≥ 1",
    ]
    assert list_lines([A, B, C], [A, {**B, "target": "≥ 10"}, indicator("己"), C]) == [  # one item became two
        "技术指标 第2项 / 目标：≥ 9 → ≥ 10", "技术指标 第3项：新增：指标：己；现状：1；目标：≥ 9"]


def test_a_removed_and_an_added_item_in_json_and_in_the_correction_columns():
    [removed] = diff_records("list", good_list(indicators=[A, B]), good_list(indicators=[A]))
    assert removed.as_json() == {"path": "indicators[2]", "label": "技术指标 第2项", "change": "removed",
                                 "before": B, "after": None, "summary": "删除：指标：乙；现状：1；目标：≥ 9", "edits": []}
    assert (removed.before_text, removed.after_text) == ("指标：乙；现状：1；目标：≥ 9", "（删除）")
    [added] = diff_records("list", good_list(indicators=[A]), good_list(indicators=[A, B]))
    assert (added.as_json()["change"], added.as_json()["before"], added.as_json()["after"]) == ("added", None, B)
    assert (added.before_text, added.after_text) == ("（无）", "指标：乙；现状：1；目标：≥ 9")


def test_a_long_text_change_in_json_and_in_the_correction_columns():
    [change] = diff_records("list", good_list(problem="甲\n乙\n丙。"), good_list(problem="丙。"))
    assert change.as_json() == {"path": "problem", "label": "技术难题概述", "change": "changed", "before": "甲\n乙\n丙。",
                                "after": "丙。", "summary": "删去 2 句",
                                "edits": [{"op": "-", "text": "甲"}, {"op": "-", "text": "乙"}]}
    assert (change.before_text, change.after_text) == ("甲；乙", "（无）")  # sentences without a stop joined by ；
    assert lines(diff_records("list", good_list(problem="甲。"), good_list(problem="甲。乙。"))) == [
        "技术难题概述：增加 1 句", "  + 乙。"]


def test_a_value_emptied_or_turned_into_another_type():
    assert lines(diff_records("list", good_list(), good_list(doc_number=None))) == ["文号：景科字〔2022〕56号 → （空）"]
    enterprise = {"name": "景德镇市示例承接企业", "credit_code": "91360203MA35A00019", "county": "昌江区"}
    [change] = diff_records("list", good_list(host_enterprise=enterprise), good_list(host_enterprise=None))
    assert (change.label, change.change, change.before, change.after) == ("项目承接企业", "changed", enterprise, None)
    assert change.before_text == "承接企业名称：景德镇市示例承接企业；承接企业统一社会信用代码：91360203MA35A00019；承接企业所在县（市、区）：昌江区"
    [filled] = diff_records("list", good_list(host_enterprise=None), good_list(host_enterprise=enterprise))
    assert (filled.before_text, filled.after_text) == ("（空）", change.before_text)
    assert list_lines(["甲", "乙"], None, "peers") == ["有共同技术需求的同行企业：甲、乙 → （空）"]
    [peers] = diff_records("list", good_list(peers=["甲", "乙"]), good_list(peers=None))
    assert (peers.as_json()["before"], peers.as_json()["after"]) == (["甲", "乙"], None)
    old = money(good_list())
    assert lines(diff_records("list", old, good_list(budget=None))) == ["经费预算：预计项目经费：300 万元；榜单金额：200 万元 → （空）"]


def test_booleans_compare_by_type_and_value():
    assert lines(diff_records("list", good_list(show_peers=True, title="甲"), good_list(show_peers=True, title="乙"))) == [
        "重大技术需求项目名称：甲 → 乙"]
    assert lines(diff_records("list", good_list(show_peers=True, title="甲"), good_list(show_peers=1, title="乙"))) == [
        "重大技术需求项目名称：甲 → 乙", "公开同行企业：是 → 1"]


def test_which_texts_get_a_sentence_diff():
    assert lines(diff_records("list", good_list(subfield="瓷" * 60), good_list(subfield="釉" * 60))) == [
        f"细分方向：{'瓷' * 60} → {'釉' * 60}"]  # short: 60 characters at most, on one line
    assert lines(diff_records("list", good_list(subfield="瓷" * 61), good_list(subfield="釉" * 61)))[0] == "细分方向：删去 1 句，增加 1 句"
    assert lines(diff_records("list", good_list(subfield="甲"), good_list(subfield="甲\n乙"))) == ["细分方向：增加 1 句", "  + 乙"]
    assert lines(diff_records("list", good_list(subfield="甲\n乙"), good_list(subfield="甲"))) == ["细分方向：删去 1 句", "  − 乙"]
    assert lines(diff_records("list", good_list(ip_terms="甲。"), good_list(ip_terms="乙。"))) == [  # Markdown: always
        "知识产权归属与利益分配：删去 1 句，增加 1 句", "  − 甲。", "  + 乙。"]
    assert lines(diff_records("list", good_list(), good_list(remark="第一行\n第二行"))) == ["remark：新增：第一行 第二行"]


def test_unknown_mappings_and_announced_keys_with_an_item_number():
    from jiebang.history.diffs import covers

    assert lines(diff_records("list", good_list(remark={"a": {"b": 1}}), good_list(remark={"a": {"b": 2}}))) == ["b：1 → 2"]
    assert covers("indicators[2].target", "indicators.target") and covers(" budget ", "budget.total_wan")
    assert not covers("indicators.name", "indicators.target") and not covers("budget", "budget_note")
