"""Which versions of a list become releases of its process: as first published, and each later
committed version that added a 更正说明, read from git."""

from __future__ import annotations

from ..model import ListView
from .values import stamp

Version = tuple[
    str, str | None, dict, list[tuple[int, dict]], list
]  # commit, date, data, new notes, field changes


def list_versions(view: ListView, history) -> tuple[dict, list[Version]]:
    """The list as first published, and each later committed version that changed it, with the `changes`
    entries it added (numbered from 1) and its field changes. Without git, or for a list never corrected
    (no `changes`: the audit rules refuse any other change to a published list), the list as it is; git is
    read only for the corrected ones."""
    steps = history.timeline(view.id) if view.corrected and history is not None and history.ok else []
    readable = [(r, c) for r, c in steps if r.data and not r.problem and r.commit]
    if not readable:
        return view.data, []
    first, later = readable[0][0].data, []
    seen = len(first.get("changes") or [])
    for revision, changes in readable[1:]:
        entries = [e for e in revision.data.get("changes") or [] if isinstance(e, dict)]
        new = [(n, e) for n, e in enumerate(entries, start=1) if n > seen]
        seen = max(seen, len(entries))
        if changes:  # dated by its 更正说明, else by its commit
            day = stamp(new[-1][1].get("date")) if new else revision.date
            later.append((revision.commit, day, revision.data, new, changes))
    return first, later
