"""The audit rules: what was published stays on the record (DESIGN.md, "auditors").

`jiebang validate --base REV` compares every record as the working tree has it with the base
revision, the last published state (a record in the base revision counts as published):

- audit.change_note: a published record that differs from the base (in its data, not its layout or
  comments) needs a new `changes` entry, dated on or after the base commit's day; the entries already
  there stay as they were (append-only). A 更正公告 added since the base must list in `fields` what
  really changed in its target, no more and no less.
- audit.immutable: a published record keeps its id and its published date (a notice its `date`), and
  its file is never removed: a list is withdrawn with a 终止 notice, a wrong notice corrected by a
  更正公告.

Without `REV` the base is `[tool.jiebang] published_ref` in the project's pyproject.toml, else the
`published` tag, else origin/main. Git problems (no repository, unknown revision, no base found)
raise GitError: a usage error, exit 2.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..records.content import as_date
from ..records.diagnostics import Diagnostic, display_path
from ..records.lifecycle import CORRECTION
from ..records.roots import find_root
from ..records.schema import field_name, subschema
from ..rules import Rule
from ..rules.audit import CHANGE_NOTE, IMMUTABLE
from .compare import RecordChange, diff_revisions, tree_records
from .diffs import FieldChange, covers, diff_records, field_keys, show
from .git import Commit, GitError, Repo

# The fields that identify a published record: never changed, whatever the 更正说明 says.
IMMUTABLE_FIELDS = {"list": ("id", "published"), "result": ("id", "date")}
NOUN = {"list": "榜单", "result": "公告"}


def audit_diagnostics(paths: list[Path], base: str | None) -> list[Diagnostic]:
    """The audit findings for `paths` (as given to `jiebang validate`; default content/) against
    `base` (None or "": the configured default)."""
    found: list[Diagnostic] = []
    groups: dict[Path, list[Path]] = {}
    for path in paths or [Path("content")]:
        root = find_root(path)
        if root is not None:
            groups.setdefault(root, [])
            if path.resolve() != root:
                groups[root].append(path.resolve())
    for root, only in groups.items():
        diagnostics = audit_root(root, base or default_base(root))
        if only:
            diagnostics = [d for d in diagnostics if _inside(root, d.file, only)]
        found += diagnostics
    return sorted(set(found), key=Diagnostic.sort_key)


def _inside(root: Path, file: str, only: list[Path]) -> bool:
    where = Path(file).resolve()
    return any(where == w or w in where.parents for w in only)


def default_base(root: Path) -> str:
    """The published state to audit against, as the project configures it."""
    repo, reason = Repo.find(root, ".")
    if repo is None:
        raise GitError(f"{reason} 审计规则需要 git 历史。")
    for folder in [root, *root.parents]:
        config = folder / "pyproject.toml"
        if config.is_file():
            try:
                settings = tomllib.loads(config.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise GitError(f"无法读取 {display_path(config)}：{exc}") from exc
            ref = settings.get("tool", {}).get("jiebang", {}).get("published_ref")
            if isinstance(ref, str) and ref:
                return ref
            break  # the project's own settings decide; an enclosing project's do not
        if folder == repo.top:
            break
    for ref in ("refs/tags/published", "refs/remotes/origin/main"):
        if repo.exists(ref):
            return ref.rsplit("/", 1)[-1] if ref.startswith("refs/tags/") else "origin/main"
    raise GitError("找不到审计基准版本：请用 --base REV 指定，或在 pyproject.toml 的 [tool.jiebang] 中设置 "
                   "published_ref，或给已发布的提交打上 published 标签（git tag published）。")


def audit_root(root: Path, base: str) -> list[Diagnostic]:
    """Every audit finding for one content root against `base`."""
    base_commit, _, changes = diff_revisions(root, base, None, content_dir=".")
    audit = _Audit(root, base_commit)
    by_id = {change.id: change for change in changes}
    corrections: dict[str, list[RecordChange]] = {}
    for change in changes:
        if change.status == "removed":
            audit.removed(change)
        elif change.status == "changed":
            audit.changed(change)
        elif change.kind == "result" and change.new_data and change.new_data.get("kind") == CORRECTION:
            target = change.new_data.get("target")
            if isinstance(target, str) and isinstance(change.new_data.get("fields"), list):
                corrections.setdefault(target, []).append(change)
    if corrections:
        at_base = tree_records(root, base_commit.sha, content_dir=".")
        for target, notices in corrections.items():
            if target in at_base:  # a correction of a record not yet published has nothing to check against
                audit.corrections(target, by_id.get(target), notices)
    return audit.found


class _Audit:
    def __init__(self, root: Path, base: Commit):
        self.root = root
        self.base = base
        self.base_day = as_date(base.date[:10])
        self.found: list[Diagnostic] = []

    def add(self, rule: Rule, change: RecordChange, path: tuple, message: str) -> None:
        """At the field's line; a list or mapping (`changes`, `fields`) at its key; a deleted file at line 0."""
        if change.new is None:
            file, (line, column) = display_path(self.root / (change.old_path or "")), (0, 0)
        else:
            file = display_path(self.root / (change.new_path or ""))
            line, column = change.new.key_positions.get(path) or change.new.locate(path)
        self.found.append(Diagnostic(file, line, column, rule.severity, rule.id, rule.article, message))

    @property
    def since(self) -> str:
        return f"基准版本 {self.base.short}（{self.base.date[:10]}）"

    def removed(self, change: RecordChange) -> None:
        self.add(IMMUTABLE, change, (), f"已发布的{NOUN[change.kind]} {change.id} 的文件被删除：已发布的记录只增不删。"
                 "请恢复该文件；如需撤回榜单，请发布“终止”公告，公告有误请发布“更正公告”。")

    def changed(self, change: RecordChange) -> None:
        old, new = change.old_data, change.new_data
        if not old or not new:
            return  # unreadable on one side: yaml.* / schema.* already say so
        kind = change.kind
        for key in IMMUTABLE_FIELDS[kind]:
            if old.get(key) != new.get(key):
                self.add(IMMUTABLE, change, (key,),
                         f"{field_name(kind, (key,))} 发布后不得更改：{self.since}中为“{show(kind, (key,), old.get(key))}”，"
                         f"现为“{show(kind, (key,), new.get(key))}”。请改回原值；确需更正请发布更正公告说明。")
        before, after = _entries(old), _entries(new)
        if after[: len(before)] != before:
            i = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), len(after))
            where = ("changes", i) if i < len(after) else ("changes",)
            self.add(CHANGE_NOTE, change, where,
                     f"更正说明只增不删：{self.since}中的第 {i + 1} 条被修改或删除。请恢复原有条目，把新的说明追加在末尾。")
        added = after[len(before):]
        edits = [c for c in diff_records(kind, old, new) if c.path[0] != "changes" and c.path[0] not in IMMUTABLE_FIELDS[kind]]
        if edits and not added:
            self.add(CHANGE_NOTE, change, edits[0].path,
                     f"已发布的{NOUN[kind]} {change.id} 自{self.since}以来改动了 {_named(edits)}，但没有新增更正说明："
                     "请在 changes 末尾追加一条（date: 更正日期，note: 更正了什么、为什么）。")
        for n, entry in enumerate(added, start=len(before)):
            when = as_date(entry.get("date")) if isinstance(entry, dict) else None
            if when and self.base_day and when < self.base_day:
                self.add(CHANGE_NOTE, change, ("changes", n, "date"),
                         f"新增的更正说明日期 {when.isoformat()} 早于{self.since}：新增的说明应写本次更正的日期。")

    def corrections(self, target: str, change: RecordChange | None, notices: list[RecordChange]) -> None:
        """Each 更正公告 added since the base names the fields its target really changed."""
        if change is not None and change.status != "changed":
            return  # removed: audit.immutable says so
        kind = change.kind if change else "list"
        really: list[str] = []
        if change is not None:
            for edit in diff_records(kind, change.old_data, change.new_data):
                key = field_keys(edit.path)
                if edit.path[0] != "changes" and key not in really:
                    really.append(key)
        notices = sorted(notices, key=lambda n: (str(n.new_data.get("date")), n.id))
        announced_by_any = [f.strip() for n in notices for f in n.new_data["fields"] if isinstance(f, str)]
        missing = [key for key in really if not any(covers(f, key) for f in announced_by_any)]
        for i, notice in enumerate(notices):
            announced = [f.strip() for f in notice.new_data["fields"] if isinstance(f, str)]
            wrong = [f for f in announced if not any(covers(f, key) for key in really)]
            if wrong or (missing and i == len(notices) - 1):
                self.add(CHANGE_NOTE, notice, ("fields",),
                         f"更正公告列出的更正项是 {_keys_named(kind, announced)}，但 {target} 自{self.since}以来实际改动的是 "
                         f"{_keys_named(kind, really) or '（没有改动）'}：请让 fields 与实际更正的字段一致。")


def _entries(data: dict) -> list[Any]:
    changes = data.get("changes")
    return changes if isinstance(changes, list) else []


def _named(edits: list[FieldChange], most: int = 5) -> str:
    names = list(dict.fromkeys(f"{e.label}（{e.key}）" for e in edits))
    return "、".join(names[:most]) + (f" 等 {len(names)} 项" if len(names) > most else "")


def _keys_named(kind: str, keys: list[str]) -> str:
    """deadline（揭榜截止日期）、indicators.target（目标）: the keys a 更正公告 lists, with their titles."""
    named = []
    for key in keys:
        path: tuple = ()
        for step in key.split("."):
            if subschema(kind, path).get("type") == "array":
                path += (0,)  # through a list to its items' schema
            path += (step,)
        title = subschema(kind, path).get("title")
        named.append(f"{key}（{title}）" if title else key)
    return "、".join(named)
