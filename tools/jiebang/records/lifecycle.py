"""A list's lifecycle as its notices tell it (第九条): what happened, in order, and its status now.

Shared by the rules (is this notice allowed here?) and the site (what does the page say?), so the
two can never disagree about where a project stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .content import ContentTree, Record, as_date

AWARD, PROJECT, TRANCHE, MIDTERM = "揭榜结果公示", "立项", "资金拨付", "中期评估"
EXTENSION, TERMINATION, ACCEPTANCE, CORRECTION, FAILED = "延期", "终止", "验收", "更正公告", "流榜"

# Derived statuses (DESIGN.md), in the order a list moves through them.
OPEN, REVIEW, PUBLICITY, RUNNING = "揭榜中", "评审中", "公示中", "实施中"
ACCEPTED, REJECTED, TERMINATED, UNAWARDED = "已验收", "验收不合格", "已终止", "流榜"
STATUSES = (OPEN, REVIEW, PUBLICITY, RUNNING, ACCEPTED, REJECTED, TERMINATED, UNAWARDED)


@dataclass
class Timeline:
    """One list and its notices, sorted by date then id."""

    list_record: Record | None
    notices: list[Record]
    _by_kind: dict[str, list[Record]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, tree: ContentTree, list_id: str) -> Timeline:
        """One per list and tree: several rules walk every list's timeline, so it is built once."""
        timeline = tree.timelines.get(list_id)
        if timeline is None:
            timeline = tree.timelines[list_id] = cls(tree.list_by_id.get(list_id), tree.notices_by_list.get(list_id, []))
        return timeline

    def of_kind(self, kind: str) -> list[Record]:
        """The notices of one kind, in order (a shared list: read it, do not change it)."""
        if self._by_kind is None:
            grouped: dict[str, list[Record]] = {}
            for notice in self.notices:
                value = notice.data.get("kind")
                if isinstance(value, str):
                    grouped.setdefault(value, []).append(notice)
            self._by_kind = grouped
        return self._by_kind.get(kind, [])

    def first(self, kind: str) -> Record | None:
        found = self.of_kind(kind)
        return found[0] if found else None

    @property
    def project(self) -> Record | None:
        return self.first(PROJECT)

    def subsidy(self) -> Decimal | None:
        value = self.project.data.get("subsidy_wan") if self.project else None
        return value if isinstance(value, Decimal | int) else None

    def term_end(self, before: Record | None = None) -> date | None:
        """When the 任务书 term ends, taking every 延期 published before `before` into account."""
        if not self.project:
            return None
        end = as_date(self.project.get("term", "end"))
        for notice in self.of_kind(EXTENSION):
            if before is not None and _key(notice) >= _key(before):
                break
            end = as_date(notice.data.get("new_term_end")) or end
        return end

    def earlier(self, notice: Record, kind: str, **values: str) -> list[Record]:
        """Notices of `kind` published before `notice` (optionally with given field values)."""
        return [n for n in self.of_kind(kind)
                if _key(n) < _key(notice) and all(n.data.get(k) == v for k, v in values.items())]


def _key(record: Record) -> tuple:
    return (record.date or date.max, record.id)


def derive_status(timeline: Timeline, today: date) -> str:
    """The status a list has on `today`; never typed into a record (DESIGN.md)."""
    record = timeline.list_record
    deadline = as_date(record.data.get("deadline")) if record else None
    seen = [n for n in timeline.notices if n.date is None or n.date <= today]
    kinds = [n.data.get("kind") for n in seen]
    if TERMINATION in kinds:
        return TERMINATED
    if FAILED in kinds:
        return UNAWARDED
    acceptances = [n for n in seen if n.data.get("kind") == ACCEPTANCE]
    if acceptances:
        return ACCEPTED if acceptances[-1].data.get("conclusion") == "合格" else REJECTED
    if PROJECT in kinds:
        return RUNNING
    if AWARD in kinds:
        return PUBLICITY
    if deadline is not None and today <= deadline:
        return OPEN
    return REVIEW
