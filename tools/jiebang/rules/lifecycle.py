"""The order of a list's notices (第九条), and what may follow a stop (第七条) or a termination (第十一条)."""

from __future__ import annotations

from collections.abc import Hashable

from ..records.content import ContentTree, Record, as_date
from ..records.lifecycle import (
    ACCEPTANCE,
    AWARD,
    CORRECTION,
    EXTENSION,
    FAILED,
    MIDTERM,
    PROJECT,
    TERMINATION,
    TRANCHE,
    Timeline,
)
from .registry import BY_LIST, ERROR, Findings, declare, tree_check

LIST_REF = declare("result.list_ref", ERROR, "第九条", "公告所属榜单不存在")
ORDER = declare("lifecycle.order", ERROR, "第九条", "公告顺序不符合项目流程")
MIDTERM_STOP = declare("midterm.stop", ERROR, "第七条", "中期评估不再支持后仍有拨款或其他进展")
TERMINATION_FUNDING = declare("termination.funding", ERROR, "第十一条", "终止后仍拨付资金")

NEEDS_PROJECT = {TRANCHE, MIDTERM, EXTENSION, ACCEPTANCE}


@tree_check(scope=BY_LIST)
def list_references(tree: ContentTree, findings: Findings) -> None:
    ids = ids_by_list(tree)
    for notice in tree.results:
        list_id = notice.data.get("list")
        if isinstance(list_id, str) and list_id not in tree.list_by_id:
            findings.add(LIST_REF, notice, ("list",), f"所属榜单 {list_id} 不存在：请核对榜单编号，或先发布该榜单。")
        own = notice.data.get("id")
        if isinstance(own, str) and isinstance(list_id, str) and not own.startswith(list_id + "-R"):
            findings.add(LIST_REF, notice, ("id",), f"公告编号 {own} 应以所属榜单编号 {list_id}-R 开头。")
        target = notice.data.get("target")
        if (notice.data.get("kind") == CORRECTION and isinstance(target, str) and isinstance(list_id, str)
                and target not in ids[list_id]):
            findings.add(LIST_REF, notice, ("target",),
                         f"更正对象 {target} 不是所属榜单 {list_id} 或其公告：请核对被更正的榜单或公告编号。")


def ids_by_list(tree: ContentTree) -> dict[Hashable, dict[str, Record]]:
    """Each list's own records (the list and the notices that name it) by id, the last of an id winning:
    a 更正公告 corrects one of these, and nothing of another list."""
    found: dict[Hashable, dict[str, Record]] = {}
    for record in tree.records:
        found.setdefault(BY_LIST.group(record), {})[record.id] = record
    return found


@tree_check(scope=BY_LIST)
def notice_order(tree: ContentTree, findings: Findings) -> None:
    for list_id in tree.notices_by_list:
        if list_id in tree.list_by_id:
            _walk(Timeline.of(tree, list_id), findings)


def _walk(timeline: Timeline, findings: Findings) -> None:
    """Walk the notices in order, each reported at most once, under the most specific rule."""
    deadline = as_date(timeline.list_record.data.get("deadline"))
    award = failed = project = accepted = terminated = stopped = None
    for notice in timeline.notices:
        kind = notice.text("kind")
        if kind is None or kind == CORRECTION:
            continue  # a correction may follow anything
        if terminated:
            if kind == TRANCHE:
                findings.add(TERMINATION_FUNDING, notice, ("kind",),
                             f"项目已于 {terminated.data.get('date')} 终止（{terminated.id}），终止的项目不再给予财政资金支持。")
            else:
                findings.add(ORDER, notice, ("kind",), f"项目已于 {terminated.data.get('date')} 终止（{terminated.id}），其后不应再有“{kind}”公告。")
            continue
        if stopped and kind != TERMINATION:
            what = "拨付资金" if kind == TRANCHE else f"发布“{kind}”公告"
            findings.add(MIDTERM_STOP, notice, ("kind",),
                         f"中期评估结论为“不再支持”（{stopped.id}），此后不应再{what}，应发布终止公告。")
            continue
        problem = None
        if kind in (AWARD, FAILED):
            if failed or project:
                problem = f"该榜单已{'流榜' if failed else '立项'}，不应再发布“{kind}”公告。"
            elif kind == FAILED and award:
                problem = f"该榜单已公示揭榜结果（{award.id}），不能再流榜。"
            elif deadline and notice.date and notice.date <= deadline:
                problem = f"揭榜截止日期（{deadline.isoformat()}）之前不能发布“{kind}”公告。"
        elif kind == PROJECT:
            period_end = as_date(award.get("notice_period", "end")) if award else None
            if not award:
                problem = "立项前须先发布揭榜结果公示（第九条（五）、（六））。"
            elif project:
                problem = f"该榜单已立项（{project.id}），不能重复立项。"
            elif period_end and notice.date and notice.date <= period_end:
                problem = f"揭榜结果公示期至 {period_end.isoformat()} 结束，公示期满后方可立项。"
        elif kind in NEEDS_PROJECT:
            if failed:
                problem = f"该榜单已流榜（{failed.id}），不应再有“{kind}”公告。"
            elif not project:
                problem = f"“{kind}”公告须在立项之后。"
            elif accepted and kind != TRANCHE:
                problem = f"项目已验收（{accepted.id}），其后不应再有“{kind}”公告。"
        if problem:
            findings.add(ORDER, notice, ("kind",), problem)
            if kind not in (AWARD, PROJECT):
                continue
        award = notice if kind == AWARD else award
        failed = notice if kind == FAILED else failed
        project = notice if kind == PROJECT else project
        accepted = notice if kind == ACCEPTANCE else accepted
        terminated = notice if kind == TERMINATION else terminated
        if kind == MIDTERM and notice.data.get("conclusion") == "不再支持":
            stopped = notice
