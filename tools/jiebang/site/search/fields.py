"""What a record's page shows as text, field by field: the one declaration the search index reads.

theme/templates/list.html and result.html lay these fields out; searchpages.py indexes exactly these,
so a field a page shows is a field search finds. tests/test_search_fields.py renders both pages with a
sentinel in every text field of the schemas and fails when a page shows one that is not declared here.

A path is dotted keys; `[]` walks every item of a list (`indicators[].current`). The format says how
the page writes the value, so the index holds the same words: `date` as 2023年10月26日, `wan` as
"200 万元", `percent` as "92%", `tranche` as "第 1 笔".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import cn_date, wan


@dataclass(frozen=True)
class Shown:
    path: str
    format: str = "text"  # text | markdown | date | wan | percent | tranche
    when: str | None = None  # a boolean key that must be true for the page to show the field
    keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(self.path.split(".")))  # split once, not per record


# In the order list.html shows them. Status, solvers and the notices' kinds come from other records
# and are added by searchpages.py.
LIST_FIELDS: tuple[Shown, ...] = (
    Shown("doc_number"),
    Shown("id"),
    Shown("industry"),
    Shown("budget.to_solver_wan", "wan"),
    Shown("budget.total_wan", "wan"),
    Shown("published", "date"),
    Shown("deadline", "date"),
    Shown("batch"),
    Shown("subfield"),
    Shown("demander.name"),
    Shown("demander.kind"),
    Shown("demander.county"),
    Shown("demander.credit_code"),
    Shown("host_enterprise.name"),
    Shown("host_enterprise.credit_code"),
    Shown("host_enterprise.county"),
    Shown("peers[]", when="show_peers"),  # 有共同技术需求的同行企业: kept, shown only on request
    Shown("problem", "markdown"),
    Shown("targets", "markdown"),
    Shown("indicators[].name"),
    Shown("indicators[].current"),
    Shown("indicators[].target"),
    Shown("benefits", "markdown"),
    Shown("solver_requirements", "markdown"),
    Shown("ip_terms", "markdown"),
    Shown("contact.unit"),
    Shown("contact.name"),
    Shown("contact.phone"),
    Shown("contact.email"),
    Shown("changes[].date", "date"),
    Shown("changes[].note"),
)

# Every kind's own fields, in the order result.html shows them; a kind shows only the fields it has.
NOTICE_FIELDS: tuple[Shown, ...] = (
    Shown("doc_number"),
    Shown("id"),
    Shown("kind"),
    Shown("date", "date"),
    Shown("body", "markdown"),
    Shown("solvers[].name"),
    Shown("solvers[].kind"),
    Shown("solvers[].city"),
    Shown("solvers[].credit_code"),
    Shown("host_enterprise.name"),
    Shown("host_enterprise.credit_code"),
    Shown("notice_period.start", "date"),
    Shown("notice_period.end", "date"),
    Shown("objection_contact.name"),
    Shown("objection_contact.phone"),
    Shown("objection_contact.email"),
    Shown("contract_date", "date"),
    Shown("subsidy_wan", "wan"),
    Shown("term.start", "date"),
    Shown("term.end", "date"),
    Shown("tranche", "tranche"),
    Shown("amount_wan", "wan"),
    Shown("conclusion"),
    Shown("applied", "date"),
    Shown("completion", "percent"),
    Shown("new_term_end", "date"),
    Shown("reason"),
)


def _values(data: Any, keys: tuple[str, ...]) -> Iterator[Any]:
    if not keys:
        yield data
        return
    key, rest = keys[0], keys[1:]
    many = key.endswith("[]")
    value = data.get(key.removesuffix("[]")) if isinstance(data, dict) else None
    if many:
        for item in value if isinstance(value, list) else ():
            yield from _values(item, rest)
    elif value is not None:
        yield from _values(value, rest)


_EMPHASIS = re.compile(r"(\*\*|__|~~|\*|`)(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def markdown_text(text: str) -> str:
    """The words a reader sees in rendered Markdown: emphasis and link syntax gone, so **釉**料 is 釉料
    (marks the tokenizer would otherwise read as breaks inside a word), and a link's address not shown."""
    text = _LINK.sub(r"\1", text)
    while True:
        stripped = _EMPHASIS.sub(r"\2", text)
        if stripped == text:
            return text
        text = stripped


def as_shown(value: Any, form: str) -> str:
    """A value written the way its page writes it."""
    if form == "date":
        return cn_date(value)
    if form == "wan":
        return wan(value)
    if form == "percent":
        return f"{value * 100:g}%" if isinstance(value, int | float) and not isinstance(value, bool) else ""
    if form == "tranche":
        return f"第 {value} 笔" if isinstance(value, int) and not isinstance(value, bool) else ""
    if form == "markdown":
        return markdown_text(value) if isinstance(value, str) else ""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)


def shown_texts(data: dict, fields: tuple[Shown, ...]) -> list[str]:
    """The record's text, one entry per value shown, in page order (empty values left out)."""
    texts = []
    for shown in fields:
        if shown.when and data.get(shown.when) is not True:
            continue
        for value in _values(data, shown.keys):
            text = as_shown(value, shown.format)
            if text.strip():
                texts.append(text)
    return texts
