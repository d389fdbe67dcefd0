"""Review before commit: the field-level changes against the last commit (history/diffs, the words of
the site's 修订记录), the findings of `jiebang validate` and of its audit rules, whether the record is
published (in the audit's base revision) and so needs a new 更正说明; then the commit itself, of this
one file, as the configured git user. Never a push."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ...history.audit import audit_diagnostics, default_base
from ...history.diffs import FieldChange, diff_records, field_keys
from ...history.git import GitError
from ...records.diagnostics import Diagnostic, Severity
from ...records.load import parse_document
from ...records.schema import SCHEMAS
from ...rules.validate import validate
from .. import scaffold
from ..yamlwriter import render_result_yaml

NOUN = {"list": "榜单", "result": "公告"}


class ReviewError(Exception):
    """Git refused or is missing; the message is Chinese."""


@dataclass
class Review:
    rel: str
    kind: str
    record_id: str
    title: str
    committed: bool  # the file is in HEAD
    published: bool  # the file is in the audit's base revision
    base: str | None
    changes: list[FieldChange] = field(default_factory=list)
    findings: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.findings if d.severity == Severity.ERROR]

    @property
    def needs_change_note(self) -> bool:
        return any(d.rule == "audit.change_note" for d in self.findings)

    @property
    def blocked(self) -> bool:
        return bool(self.errors) or not (self.changes or not self.committed)

    def message(self) -> str:
        """The commit message offered for the clerk to edit."""
        noun = NOUN[self.kind]
        if not self.committed:
            return f"新增{noun} {self.record_id} {self.title}".rstrip()
        labels = "、".join(dict.fromkeys(c.label.split(" / ")[0] for c in self.changes))
        verb = "更正" if self.published else "修改"
        return f"{verb}{noun} {self.record_id}：{labels}"

    def correction_fields(self) -> list[str]:
        """What a 更正公告 lists in `fields`: the changed keys, the 更正说明 itself left out."""
        keys = [field_keys(c.path) for c in self.changes]
        return list(
            dict.fromkeys(k.split(".")[0] if "." in k else k for k in keys if k.split(".")[0] != "changes")
        )


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True)
    except FileNotFoundError:
        raise ReviewError("找不到 git 命令。") from None


def _at(root: Path, rev: str, rel: str) -> bytes | None:
    done = _git(root, "show", f"{rev}:./{rel}")
    return done.stdout if done.returncode == 0 else None


def review(root: Path, rel: str, kind: str) -> Review:
    """The review of the file at `root/rel` as it is on disk."""
    path = root / rel
    raw = path.read_bytes()
    doc, _ = parse_document(raw, rel, SCHEMAS[kind])
    new = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    head = _at(root, "HEAD", rel)
    old_doc = parse_document(head, rel, SCHEMAS[kind])[0] if head is not None else None
    old = old_doc.data if old_doc is not None and isinstance(old_doc.data, dict) else None
    try:
        base = default_base(root)
    except GitError:
        base = None
    published = base is not None and _at(root, base, rel) is not None
    title = str(new.get("title") or new.get("kind") or "")
    made = Review(rel, kind, str(new.get("id") or path.stem), title, head is not None, published, base)
    made.changes = diff_records(kind, old, new) if old is not None else []
    made.findings = list(validate([path], cache=True).diagnostics)
    if base is not None:
        with contextlib.suppress(GitError):  # no base to audit against: nothing is published yet
            made.findings += audit_diagnostics([path], base)
    return made


def commit(root: Path, rel: str, message: str) -> str:
    """Commit this one file with `message`; the new commit's id. ReviewError with git's reason."""
    message = message.strip()
    if not message:
        raise ReviewError("提交说明不能为空。")
    added = _git(root, "add", "--", rel)
    if added.returncode != 0:
        raise ReviewError("git add 失败：" + added.stderr.decode("utf-8", "replace").strip())
    done = _git(root, "commit", "--quiet", "-m", message, "--only", "--", rel)
    if done.returncode != 0:
        text = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
        if "tell me who you are" in text or "user.email" in text:
            raise ReviewError(
                'git 尚未配置提交人：请先运行 git config user.name "姓名" 和 git config user.email "邮箱"。'
            )
        raise ReviewError("git commit 失败：" + text)
    return _git(root, "rev-parse", "HEAD").stdout.decode().strip()


def correction_notice(root: Path, made: Review, today: dt.date) -> str:
    """Write a 更正公告 for a corrected published list, `target` and `fields` filled in; its path below
    `root`. The reason is left as a placeholder for the clerk, which validate reports until filled in."""
    schema = SCHEMAS["result"]
    year = made.rel.split("/")[1]
    results = root / "results"
    reason = scaffold.placeholder_for(schema["properties"]["reason"])

    def text_for(notice_id: str) -> str:
        record = {
            "id": notice_id,
            "list": made.record_id,
            "kind": "更正公告",
            "date": today.isoformat(),
            "target": made.record_id,
            "fields": made.correction_fields(),
            "reason": reason,
        }
        return render_result_yaml(record, schema)

    _, path = scaffold.write_with_next_id(
        lambda: scaffold.next_result_id(results, made.record_id),
        lambda notice_id: results / year / f"{notice_id}.yaml",
        text_for,
    )
    return path.relative_to(root).as_posix()
