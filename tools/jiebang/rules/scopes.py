"""Running the whole-tree checks, group by group where a check allows it.

A tree check with a scope (registry.Scope: a list and its notices, say) finds nothing about a record
that depends on records outside the record's group. So, given a memo (the record cache keeps one), the
findings of a group none of whose records changed are taken from the last run, and the check runs only
over the groups that changed, each as a small tree of its own. National trees hold twenty thousand
lists, and one edit changes one group: this is what keeps `jiebang validate` after an edit from checking
every lifecycle again.

Never wrong, because a group's findings are kept under a key of everything that shaped them: the
scope, the names of the checks run in it, the sha256 of every regulation version, and the kind, path
and sha256 of every record in the group, in the tree's order (the rules' code is in the record cache's
own key, which the memo is stored under). A finding the memo cannot place on a record of its group (a
check that crashed) is never kept. tests/test_scopes.py runs every scoped check over whole trees and
over their groups and compares the two.

Which group a record is in is kept with it (Record.groups, `group_of`), and the record cache keeps
that too, so that grouping a national tree reads no unchanged record's data: the cache reads a record's
data only when asked for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from typing import Any

from ..records.content import ContentTree, Record
from ..records.diagnostics import from_rows, to_rows
from . import registry
from .registry import Findings, Scope, TreeCheck, run_one

# Above this share of groups changed, one run over the whole tree costs less than a run per group.
WHOLE_TREE_SHARE = 4


def run_tree_checks(tree: ContentTree, findings: Findings, memo: Any = None) -> None:
    """Every tree check, in the order registered. With `memo` (records.cache.Memo), a scoped check's
    findings in a group whose records did not change come from it instead of from the check."""
    scoped: dict[Scope, list[TreeCheck]] = {}
    for check in registry.TREE_CHECKS:
        scope = registry.SCOPES.get(check)
        if scope is None:
            run_one(check, tree, findings)
        else:
            scoped.setdefault(scope, []).append(check)
    for scope, checks in scoped.items():
        if memo is None:
            for check in checks:
                run_one(check, tree, findings)
        else:
            _run_with_memo(scope, checks, tree, findings, memo)


def groups_of(scope: Scope, tree: ContentTree) -> dict[Hashable, list[Record]]:
    """The records the scope reads, by group, each group in the tree's order (lists, then notices)."""
    groups: dict[Hashable, list[Record]] = {}
    for record in tree.records:
        group = group_of(scope, record)
        if group is not None:
            groups.setdefault(group, []).append(record)
    return groups


def group_of(scope: Scope, record: Record) -> Hashable | None:
    """`scope.group(record)`, kept with the record (Record.groups), which the record cache keeps: a
    cached record's data is then not read to find its group."""
    known = record.groups
    if known is not None and scope.name in known:
        return known[scope.name]
    group = scope.group(record)
    record.groups = {**(known or {}), scope.name: group}
    return group


def subtree(tree: ContentTree, records: list[Record]) -> ContentTree:
    """A tree of these records alone (with the same root and regulations), for a scoped check."""
    return ContentTree(tree.root, tree.regulations, lists=[r for r in records if r.kind == "list"],
                       results=[r for r in records if r.kind == "result"])


def _run_with_memo(scope: Scope, checks: list[TreeCheck], tree: ContentTree, findings: Findings, memo: Any) -> None:
    groups = groups_of(scope, tree)
    salt = hashlib.sha256("\n".join([scope.name, *(f"{c.__module__}.{c.__qualname__}" for c in checks),
                                     *(v.digest for v in tree.regulations.versions)]).encode()).digest()
    keys = {group: _key(salt, records) for group, records in groups.items()}
    kept = {group: memo.get(key) for group, key in keys.items()}
    stale = [group for group, rows in kept.items() if rows is None]
    if len(stale) * WHOLE_TREE_SHARE > len(groups):
        runs = [(tree, list(groups))]  # the whole tree finds the same in every group: refresh them all
    else:
        runs = [(subtree(tree, groups[group]), [group]) for group in stale]
    for part, refreshed in runs:
        found = Findings()
        for check in checks:
            run_one(check, part, found)
        rows = _placed(found, {record.rel: group for group in refreshed for record in groups[group]})
        if rows is None:  # a crash, or a finding outside the groups: report it, keep nothing of this run
            for diagnostic, about in zip(found.items, found.about, strict=True):
                findings.put(diagnostic, about)
            for group in refreshed:
                kept[group] = ()
            continue
        for group in refreshed:
            kept[group] = rows.get(group, ())
            memo.put(keys[group], kept[group])
    for group, rows in kept.items():
        if rows:
            by_rel = {record.rel: record for record in groups[group]}
            for rel, row in rows:
                findings.put(from_rows(by_rel[rel].file, (row,))[0], rel)


def _key(salt: bytes, records: list[Record]) -> bytes:
    members = "".join([f"\n{record.kind} {record.rel} {record.digest}" for record in records])
    return hashlib.sha256(salt + members.encode()).digest()[:20]


def _placed(found: Findings, group_by_rel: dict[str, Hashable]) -> dict[Hashable, tuple] | None:
    """What one run found, by group, each finding as (path of its record, row); None when a finding is
    about no record of these groups."""
    placed: dict[Hashable, list] = {}
    for diagnostic, about in zip(found.items, found.about, strict=True):
        group = group_by_rel.get(about) if about is not None else None
        if group is None:
            return None
        placed.setdefault(group, []).append((about, to_rows([diagnostic])[0]))
    return {group: tuple(rows) for group, rows in placed.items()}
