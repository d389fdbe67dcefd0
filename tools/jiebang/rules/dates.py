"""Dates in the order things happen (integrity): a deadline after publication, a notice after its
list, a period that ends after it starts."""

from __future__ import annotations

from ..records.content import ContentTree, Record, as_date
from ..records.schema import field_name
from .lifecycle import ids_by_list
from .registry import BY_LIST, ERROR, Findings, declare, record_check, tree_check

ORDER = declare("date.order", ERROR, "完整性", "日期先后顺序不对")

# (start, end) pairs inside one record whose end must not come before their start.
SPANS = {
    "list": [(("published",), ("deadline",))],
    "result": [(("notice_period", "start"), ("notice_period", "end")), (("term", "start"), ("term", "end"))],
}


def _show(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@record_check()
def spans_in_order(record: Record, regulation, tree, findings: Findings) -> None:
    for start_path, end_path in SPANS[record.kind]:
        start, end = as_date(record.get(*start_path)), as_date(record.get(*end_path))
        if start and end and end < start:
            findings.add(ORDER, record, end_path,
                         f"{field_name(record.kind, end_path)}（{_show(end)}）早于 {field_name(record.kind, start_path)}"
                         f"（{_show(start)}），请核对日期。")
    published = record.date
    changes = record.data.get("changes")
    if published and isinstance(changes, list):
        for i, change in enumerate(changes):
            when = as_date(change.get("date")) if isinstance(change, dict) else None
            if when and when < published:
                findings.add(ORDER, record, ("changes", i, "date"),
                             f"更正日期 {_show(when)} 早于发布日期 {_show(published)}：发布前的修改不需要更正说明。")


@tree_check(scope=BY_LIST)
def notices_after_their_list(tree: ContentTree, findings: Findings) -> None:
    records = ids_by_list(tree)
    for notice in tree.results:
        target_id = notice.text("target") if notice.text("kind") == "更正公告" else notice.text("list")
        target = records[BY_LIST.group(notice)].get(target_id) if target_id else None
        if target is None or notice.date is None or target.date is None:
            continue  # a correction of another list's record: result.list_ref says so
        if notice.date < target.date:
            findings.add(ORDER, notice, ("date",),
                         f"公告日期 {_show(notice.date)} 早于其所涉 {target.id} 的发布日期 {_show(target.date)}。")
