"""Values the regulation file enumerates: industries, counties, the id prefix (附件1, 通知第1条)."""

from __future__ import annotations

from ..records.content import Record
from ..records.placeholders import is_placeholder
from ..records.regulation import Regulation
from .registry import RULES, Findings, record_check


@record_check("list")
def list_vocabulary(record: Record, regulation: Regulation, tree, findings: Findings) -> None:
    industries = regulation.value("industries")
    industry = record.data.get("industry")
    if isinstance(industry, str) and industry not in industries and not is_placeholder(industry):
        findings.add(RULES["schema.enum"], record, ("industry",),
                     f"所属行业领域“{industry}”不在《{regulation.title}》所列行业中，应为：{'、'.join(industries)}。",
                     article=regulation.article("industries"))
    counties = regulation.value("counties")
    for path in (("demander", "county"), ("host_enterprise", "county")):
        county = record.get(*path)
        if isinstance(county, str) and county not in counties and not is_placeholder(county):
            findings.add(RULES["schema.enum"], record, path,
                         f"所在县（市、区）“{county}”不是本市县区，应为：{'、'.join(counties)}。",
                         article=regulation.article("counties"))
    prefix = regulation.value("id_prefix")
    value = record.data.get("id")
    if isinstance(value, str) and not value.startswith(prefix + "-"):
        findings.add(RULES["schema.pattern"], record, ("id",),
                     f"榜单编号 {value} 应以本市前缀 {prefix}- 开头，如 {prefix}-2022-001。",
                     article=regulation.article("id_prefix"))
