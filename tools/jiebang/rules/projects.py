"""Scale of the programme (第三条): about 5 projects a year, about 3 years each — 原则上, so warnings."""

from __future__ import annotations

from collections import defaultdict

from ..records.content import ContentTree, Record, as_date
from ..records.regulation import Regulation
from .registry import WARNING, Findings, Scope, declare, record_check, tree_check

PER_YEAR = declare("projects.per_year", WARNING, "第三条", "一年立项超过5个")
PERIOD = declare("period.years", WARNING, "第三条", "实施周期不是3年")


@record_check("list")
def period_years(record: Record, regulation: Regulation, tree, findings: Findings) -> None:
    years, usual = record.data.get("period_years"), regulation.value("period_years")
    if isinstance(years, int) and not isinstance(years, bool) and years != usual:
        findings.add(PERIOD, record, ("period_years",),
                     f"实施周期为 {years} 年；《办法》{regulation.article('period_years')}规定原则上为 {usual} 年，请确认确有必要。",
                     article=regulation.article("period_years"))


def _signed_year(record: Record) -> int | None:
    """The year a project's 任务书 was signed (its 立项 notice's date if none is given); None for others."""
    if record.kind != "result" or record.data.get("kind") != "立项":
        return None
    signed = as_date(record.data.get("contract_date")) or record.date
    return signed.year if signed else None


BY_SIGNED_YEAR = Scope("signed year", _signed_year)  # a year's projects are counted among themselves


@tree_check(scope=BY_SIGNED_YEAR)
def projects_per_year(tree: ContentTree, findings: Findings) -> None:
    by_year: dict[int, list[Record]] = defaultdict(list)
    for notice in tree.results:
        year = _signed_year(notice)
        if year is not None:
            by_year[year].append(notice)
    for year, notices in by_year.items():
        notices.sort(key=lambda n: (as_date(n.data.get("contract_date")) or n.date, n.id))
        regulation = tree.regulations.in_force(notices[0].date)
        limit = regulation.value("projects_per_year_max")
        for position, notice in enumerate(notices[limit:], start=limit + 1):
            findings.add(PER_YEAR, notice, ("contract_date",),
                         f"这是 {year} 年第 {position} 个立项项目；《办法》{regulation.article('projects_per_year_max')}"
                         f"规定每年原则上不超过 {limit} 个，请确认。",
                         article=regulation.article("projects_per_year_max"))
