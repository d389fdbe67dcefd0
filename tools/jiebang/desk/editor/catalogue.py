"""The records the editor lists: each with its year, kind (榜单 or the notice's kind) and a list's
status as the site derives it, filterable by the three."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ...records.content import id_year, load_tree
from ...records.lifecycle import Timeline, derive_status
from ...rules.validate import open_cache

LIST_KIND = "榜单"


@dataclass(frozen=True)
class Entry:
    rel: str
    record_id: str
    title: str
    year: str
    kind: str  # 榜单, or a notice's kind
    status: str  # a list's derived status; a notice's list's


def catalogue(root: Path, today: dt.date) -> list[Entry]:
    tree, _ = load_tree(root, cache=open_cache(True, root))
    statuses = {r.id: derive_status(Timeline.of(tree, r.id), today) for r in tree.lists}
    found = [
        Entry(
            r.rel,
            r.id,
            str(r.data.get("title") or ""),
            id_year(r.id) or r.rel.split("/")[1],
            LIST_KIND,
            statuses.get(r.id, ""),
        )
        for r in tree.lists
    ]
    for r in tree.results:
        list_id = str(r.data.get("list") or "")
        found.append(
            Entry(
                r.rel,
                r.id,
                str(r.data.get("title") or ""),
                id_year(r.id) or r.rel.split("/")[1],
                str(r.data.get("kind") or ""),
                statuses.get(list_id, ""),
            )
        )
    return sorted(found, key=lambda e: (e.year, e.record_id), reverse=True)


def choose(entries: list[Entry], year: str = "", kind: str = "", status: str = "") -> list[Entry]:
    return [
        e
        for e in entries
        if (not year or e.year == year)
        and (not kind or e.kind == kind)
        and (not status or e.status == status)
    ]
