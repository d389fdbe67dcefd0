"""Acceptance: applied for within a month of the term's end (第十三条), 合格 only with 80 % done (第十四条)."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from ..records.content import ContentTree, as_date
from ..records.lifecycle import ACCEPTANCE, Timeline
from .money import percent
from .registry import BY_LIST, ERROR, Findings, declare, tree_check

DEADLINE = declare("acceptance.deadline", ERROR, "第十三条", "执行期满1个月后才申请验收")
COMPLETION = declare("acceptance.completion", ERROR, "第十四条", "完成不足80%却验收合格")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@tree_check(scope=BY_LIST)
def acceptance(tree: ContentTree, findings: Findings) -> None:
    for list_id in tree.notices_by_list:
        timeline = Timeline.of(tree, list_id)
        for notice in timeline.of_kind(ACCEPTANCE):
            regulation = tree.regulations.in_force(notice.date)
            _deadline(notice, timeline, regulation, findings)
            completion = notice.data.get("completion")
            minimum = regulation.number("acceptance_completion_min")
            if notice.data.get("conclusion") == "合格" and isinstance(completion, Decimal | int) and completion < minimum:
                article = regulation.article("acceptance_completion_min")  # the measures in force may renumber it
                findings.add(COMPLETION, notice, ("completion",),
                             f"任务完成比例 {percent(completion)} 未达到 {percent(minimum)}，按《办法》{article}应为验收不合格。",
                             article=article)


def _deadline(notice, timeline: Timeline, regulation, findings: Findings) -> None:
    applied, end = as_date(notice.data.get("applied")), timeline.term_end(before=notice)
    if not applied or not end:
        return
    months = regulation.value("acceptance_apply_months")
    latest = add_months(end, months)
    if applied > latest:
        findings.add(DEADLINE, notice, ("applied",),
                     f"执行期于 {end.isoformat()} 届满，验收申请须在 {months} 个月内（{latest.isoformat()} 前）提出，"
                     f"实际为 {applied.isoformat()}。如需更多时间，应在期满前发布延期公告（第十一条）。",
                     article=regulation.article("acceptance_apply_months"))
