"""What the search index is built from: a page's address, its title, its text and the facts shown beside it."""

from __future__ import annotations

import json
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


def doc_bytes(doc: SearchDoc) -> bytes:
    """A document as the build keeps it between builds (its digest is these bytes', search/update.py)."""
    return json.dumps([doc.url, doc.title, doc.text, doc.meta, doc.order], ensure_ascii=False).encode("utf-8")


def doc_from_bytes(data: bytes) -> SearchDoc:
    url, title, text, meta, order = json.loads(data)
    return SearchDoc(url=url, title=title, text=text, meta=meta, order=order)
