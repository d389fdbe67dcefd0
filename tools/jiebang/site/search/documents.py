"""What the search index is built from: a page's address, its title, its text and the facts shown beside it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchDoc:
    url: str
    title: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
