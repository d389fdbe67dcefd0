"""`jiebang diff REV [REV] [--format text|json|markdown]`: every record added, changed or removed
between two revisions (by default from REV to the working tree), field by field.

The markdown form is the table of a 更正公告 (序号 | 更正项 | 更正前内容 | 更正后内容), one per record,
ready to paste into the notice's body.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..history.compare import RecordChange, diff_revisions
from ..history.diffs import FieldChange
from ..history.git import Commit, GitError
from .history import NOUN, record_title, split_notes

STATUS = {"added": "新增", "changed": "修改", "removed": "删除"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("diff", help="比较两个版本之间的榜单与公告",
                            description="列出两个 git 版本之间新增、修改、删除的每条记录及其字段改动；"
                                        "只给一个版本时与工作区比较。")
    parser.add_argument("revs", nargs="+", metavar="REV", help="git 版本（提交号、分支名、标签名），一个或两个")
    parser.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                        help="输出格式（默认 text；markdown 为更正公告用的“更正前/更正后”表格）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if len(args.revs) > 2:
        print("jiebang diff: 最多给出两个版本。", file=sys.stderr)
        return 2
    old, new = args.revs[0], (args.revs[1] if len(args.revs) == 2 else None)
    try:
        old_commit, new_commit, changes = diff_revisions(Path.cwd(), old, new)
    except GitError as exc:
        print(f"jiebang diff: {exc}", file=sys.stderr)
        return 2
    render = {"json": as_json, "markdown": as_markdown}.get(args.format, as_text)
    sys.stdout.write(render(old_commit, new_commit, changes))
    return 0


def _side(commit: Commit | None) -> str:
    return f"{commit.short}（{commit.date[:10]}）" if commit else "工作区"


def _heading(change: RecordChange) -> str:
    data = change.new_data if change.new is not None else change.old_data
    return f"{NOUN[change.kind]} {change.id} {record_title(data, change.kind)}".rstrip()


def as_text(old: Commit, new: Commit | None, changes: list[RecordChange]) -> str:
    counts = "，".join(f"{word} {sum(c.status == status for c in changes)} 条" for status, word in STATUS.items())
    lines = [f"比较 {_side(old)} → {_side(new)}：{counts}。"]
    for change in changes:
        lines += ["", f"{STATUS[change.status]} {_heading(change)}  {change.path}"]
        if change.status == "changed":
            if change.old_path != change.new_path:
                lines.append(f"  文件从 {change.old_path} 移至 {change.new_path}")
            notes, others = split_notes(change.field_changes())
            lines += [f"  更正说明：{note}" for note in notes]
            lines += ["  " + line for field in others for line in field.lines()]
            if not notes and not others:
                lines.append("  （字段没有变化：仅格式或注释改动）")
    return "\n".join(lines) + "\n"


def _commit_json(commit: Commit | None) -> dict | None:
    if commit is None:
        return None
    return {"commit": commit.sha, "short": commit.short, "date": commit.date, "subject": commit.subject}


def as_json(old: Commit, new: Commit | None, changes: list[RecordChange]) -> str:
    data = {
        "from": _commit_json(old),
        "to": _commit_json(new),  # null: the working tree
        "records": [{"id": c.id, "kind": c.kind, "status": c.status, "title": record_title(
            c.new_data if c.new is not None else c.old_data, c.kind), "old_path": c.old_path, "new_path": c.new_path,
            "changes": [f.as_json() for f in c.field_changes()] if c.status == "changed" else []} for c in changes],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "（空）"


def correction_rows(changes: list[FieldChange]) -> list[tuple[str, str, str]]:
    """(更正项, 更正前内容, 更正后内容) for each field change, the 更正说明 itself left out."""
    return [(c.label, c.before_text, c.after_text) for c in changes if c.path[:1] != ("changes",)]


def as_markdown(old: Commit, new: Commit | None, changes: list[RecordChange]) -> str:
    blocks = []
    for change in changes:
        heading = f"### {_heading(change)}"
        if change.status != "changed":
            blocks.append(f"{heading}\n\n{STATUS[change.status]}记录（{change.path}）。")
            continue
        rows = correction_rows(change.field_changes())
        if not rows:
            blocks.append(f"{heading}\n\n字段没有变化。")
            continue
        table = ["| 序号 | 更正项 | 更正前内容 | 更正后内容 |", "| --- | --- | --- | --- |"]
        table += [f"| {n} | {_cell(label)} | {_cell(before)} | {_cell(after)} |"
                  for n, (label, before, after) in enumerate(rows, start=1)]
        blocks.append(heading + "\n\n" + "\n".join(table))
    if not blocks:
        blocks.append(f"{_side(old)} 与 {_side(new)} 之间没有记录改动。")
    return "\n\n".join(blocks) + "\n"
