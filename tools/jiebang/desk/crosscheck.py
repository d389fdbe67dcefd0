"""Cross-check the 征集表 a county sent against its 附件2 汇总表 (通知第7条: both are reported together).

Each form is paired with the row of the same title (compared without spaces and punctuation); what is
left is paired by likeness, so a title retyped with a word changed is reported as a differing title
rather than as a missing form plus an extra one. Every finding names the row number and the file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from .formtable import comparable
from .summarytable import SummaryRow, SummaryTable

_LIKE = 0.6  # difflib ratio above which two titles are taken as one requirement retyped


@dataclass
class FormRef:
    """One form as the cross-check sees it: where it came from and what it says."""

    source: Path
    title: str
    industry: str
    part: int = 1
    parts: int = 1

    @property
    def name(self) -> str:
        which = f"（第 {self.part} 份）" if self.parts > 1 else ""
        return f"《{self.source.name}》{which}"


@dataclass
class CrossCheck:
    matches: dict[int, SummaryRow] = field(default_factory=dict)  # index into the forms → its row
    findings: list[str] = field(default_factory=list)  # Chinese, one line each


def cross_check(table: SummaryTable, forms: list[FormRef]) -> CrossCheck:
    result = CrossCheck()
    rows = list(table.rows)
    where = f"汇总表《{table.source.name}》"
    by_title: dict[str, list[SummaryRow]] = {}
    for row in rows:
        by_title.setdefault(comparable(row.title), []).append(row)
    for same in by_title.values():
        for extra in same[1:]:
            result.findings.append(
                f"{where}第 {extra.row} 行与第 {same[0].row} 行题目相同（“{extra.title}”），重复列出。"
            )
    left: list[SummaryRow] = [row for same in by_title.values() for row in same[:1]]
    unmatched: list[int] = []
    for index, form in enumerate(forms):
        row = next((r for r in left if comparable(r.title) == comparable(form.title)), None)
        if row is None:
            unmatched.append(index)
            continue
        left.remove(row)
        result.matches[index] = row
    for index in list(unmatched):
        form = forms[index]
        scored = [
            (difflib.SequenceMatcher(None, comparable(form.title), comparable(r.title)).ratio(), r)
            for r in left
        ]
        best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        if best[1] is not None and best[0] >= _LIKE:
            row = best[1]
            left.remove(row)
            unmatched.remove(index)
            result.matches[index] = row
            result.findings.append(
                f"{where}第 {row.row} 行题目“{row.title}”与征集表{form.name}的项目名称“{form.title}”不一致。"
            )
    for index, row in result.matches.items():
        form = forms[index]
        if row.industry and form.industry and comparable(row.industry) != comparable(form.industry):
            result.findings.append(
                f"{where}第 {row.row} 行行业领域为“{row.industry}”，征集表{form.name}填写的是“{form.industry}”。"
            )
    for row in sorted(left, key=lambda r: r.row):
        seq = f"（序号 {row.seq}）" if row.seq else ""
        result.findings.append(f"{where}第 {row.row} 行{seq}“{row.title}”：没有收到对应的征集表。")
    for index in unmatched:
        form = forms[index]
        result.findings.append(f"征集表{form.name}“{form.title}”：{where}中没有这一项。")
    return result
