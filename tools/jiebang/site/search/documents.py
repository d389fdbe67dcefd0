"""What the search index is built from: a page's address, its title, its text and the facts shown beside it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchDoc:
    url: str
    title: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    # Documents are numbered by (order, url). The site gives the day a record was published, so a new
    # record takes the next number and every other keeps its own: an update then rewrites only the
    # files the new record's words are in (search/update.py).
    order: str = ""
