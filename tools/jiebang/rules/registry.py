"""The rule registry: every rule id with its severity and article, and the checks that report them.

A rule module declares its rules with `declare()` and registers check functions with
`@record_check(kind)` (one record at a time) or `@tree_check` (the whole content tree, for rules that
need other records). A tree check that reads records only in groups says so with its scope
(`@tree_check(scope=BY_LIST)`: a list and its notices), so that the findings of unchanged groups can be
taken from the last run (rules/scopes.py). Checks add findings; they never raise: a bug in one is
reported as an internal error on the file it was checking, and the other files are still checked.
"""


from __future__ import annotations

import traceback
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from ..records.content import ContentTree, Record
from ..records.diagnostics import Diagnostic, Severity, display_path
from ..records.regulation import Regulation

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    article: str
    summary: str


RULES: dict[str, Rule] = {}


def declare(rule_id: str, severity: Severity, article: str, summary: str) -> Rule:
    rule = Rule(rule_id, severity, article, summary)
    RULES[rule_id] = rule
    return rule


class Findings:
    """Collects diagnostics, placing each at the line of the value it is about. `about` holds, for each,
    the path of the record it is about (None for a file that holds no record, or the whole tree)."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self.about: list[str | None] = []

    def add(self, rule: Rule, record: Record, path: Iterable[str | int], message: str, *,
            key: bool = True, article: str | None = None) -> None:
        line, column = record.doc.locate(tuple(path), key=key)
        self.put(Diagnostic(record.file, line, column, rule.severity, rule.id, article or rule.article, message),
                 record.rel)

    def add_file(self, rule: Rule, file: str, message: str) -> None:
        """A finding about a file that holds no record (its first line: editors jump there)."""
        self.put(Diagnostic(file, 1, 1, rule.severity, rule.id, rule.article, message), None)

    def put(self, diagnostic: Diagnostic, about: str | None) -> None:
        self.items.append(diagnostic)
        self.about.append(about)


@dataclass(frozen=True)
class Scope:
    """How a tree check reads the tree: in groups of records, each record in at most one, such that what
    the check finds about a record depends only on the records of its group. `group` gives a record's
    group, or None for a record the check never reads."""

    name: str
    group: Callable[[Record], Hashable | None]


UNATTACHED = ("no list",)  # the group of the notices whose `list` is not text: no list id is a tuple


def _list_of(record: Record) -> Hashable:
    if record.kind == "list":
        return record.id
    value = record.text("list")
    return UNATTACHED if value is None else value


BY_LIST = Scope("list", _list_of)  # a list (every list of that id) and the notices that name it


RecordCheck = Callable[[Record, Regulation, ContentTree, Findings], None]
TreeCheck = Callable[[ContentTree, Findings], None]
RECORD_CHECKS: list[tuple[str | None, RecordCheck]] = []
TREE_CHECKS: list[TreeCheck] = []
SCOPES: dict[TreeCheck, Scope] = {}  # the tree checks that read the tree in groups


def record_check(kind: str | None = None) -> Callable[[RecordCheck], RecordCheck]:
    """Register a check of one record ("list", "result", or None for both)."""

    def register(check: RecordCheck) -> RecordCheck:
        RECORD_CHECKS.append((kind, check))
        return check

    return register


def tree_check(check: TreeCheck | None = None, *, scope: Scope | None = None) -> Any:
    """Register a check of the whole tree: `@tree_check`, or `@tree_check(scope=…)` for one that reads
    it in groups (see Scope)."""

    def register(check: TreeCheck) -> TreeCheck:
        TREE_CHECKS.append(check)
        if scope is not None:
            SCOPES[check] = scope
        return check

    return register(check) if check is not None else register


INTERNAL = declare("internal.error", ERROR, "—", "检查程序自身出错")


def run_record_checks(record: Record, tree: ContentTree, findings: Findings) -> None:
    regulation = tree.regulations.in_force(record.date)
    for kind, check in RECORD_CHECKS:
        if kind is None or kind == record.kind:
            _guarded(check, findings, record.file, record, regulation, tree, findings)


def run_one(check: TreeCheck, tree: ContentTree, findings: Findings) -> None:
    """One tree check (rules/scopes.py runs them all)."""
    _guarded(check, findings, display_path(tree.root), tree, findings)


def _guarded(check: Callable, findings: Findings, file: str, *args: object) -> None:
    try:
        check(*args)
    except Exception as exc:  # a rule's bug must not stop the other files being checked
        where = traceback.extract_tb(exc.__traceback__)[-1]
        findings.put(Diagnostic(
            file, 0, 0, ERROR, INTERNAL.id, INTERNAL.article,
            f"检查规则 {check.__module__}.{check.__name__} 内部出错（{type(exc).__name__}: {exc}，"
            f"{where.filename.rsplit('/', 1)[-1]}:{where.lineno}）；本文件其余检查照常进行，请向维护者报告。"), None)


# Rules found while loading and by the schema, declared here so the registry names every rule id.
for _id, _summary in [
    ("yaml.syntax", "YAML 无法解析"), ("yaml.duplicate_key", "同一键出现两次"), ("yaml.alias", "使用了锚点或别名"),
    ("yaml.encoding", "不是 UTF-8 编码"), ("yaml.too_large", "文件超过 1 MiB"),
]:
    declare(_id, ERROR, "稳健性", _summary)
for _id, _summary in [
    ("schema.required", "缺少必填字段"), ("schema.type", "类型不符"), ("schema.enum", "取值不在允许范围"),
    ("schema.pattern", "格式不符"), ("schema.unknown_field", "未知字段"),
]:
    declare(_id, ERROR, "附件1", _summary)

