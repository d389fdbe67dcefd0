"""Every release of one list's contracting process, in the order OCDS merges them: the list as first
published and its corrected versions (versions.py, process.py), then what each notice adds (notices.py)."""

from __future__ import annotations

from typing import Any

from ..model import ListView
from .notices import notice_releases
from .process import Process
from .values import Publisher, stamp
from .versions import list_versions


def releases_of(view: ListView, publisher: Publisher, history=None) -> list[dict]:
    """Every release of one list's process, in the order OCDS merges them (by date; a day's releases in
    the order they happened: the list, its revisions, then its notices)."""
    process = Process(view, publisher)
    first, later = list_versions(view, history)
    events: list[tuple[str, int, Any]] = [((stamp(first.get("published")) or "")[:10], 0, first)]
    events += [((version[1] or "")[:10], 1, version) for version in later]
    events += [((stamp(n.date) or "")[:10], 2, n) for n in view.notices]
    releases: list[dict] = []
    for _day, order, item in sorted(events, key=lambda e: (e[0], e[1])):
        if order == 0:
            releases.append(process.publication(item))
        elif order == 1:
            releases.append(process.revision(item))
        else:
            releases += notice_releases(process, item)
    return sorted(releases, key=lambda r: r["date"])  # stable: a day's releases keep their order
