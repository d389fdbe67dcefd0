"""`jiebang history ID [--format text|json]`: a record's revisions with their field-level changes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..history.diffs import FieldChange
from ..history.git import GitError
from ..history.revisions import load_history
from ..history.steps import Revision

NOUN = {"list": "榜单", "result": "公告"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("history", help="查看一条榜单或公告的修订记录",
                            description="列出一条榜单或公告的每次修订（git 提交）：日期、提交号、提交说明、更正说明和字段改动；"
                                        "工作区中尚未提交的修改列在最后。")
    parser.add_argument("id", metavar="ID", help="榜单或公告编号，如 JDZ-2022-001、JDZ-2022-001-R01")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="输出格式（默认 text）")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        history = load_history(Path.cwd(), ids=[args.id], worktree=True)
    except GitError as exc:
        print(f"jiebang history: {exc}", file=sys.stderr)
        return 2
    with history:
        if not history.ok:
            print(f"jiebang history: {history.warning}", file=sys.stderr)
            return 2
        if history.warning:
            print(f"jiebang history: 警告：{history.warning}", file=sys.stderr)
        timeline = history.timeline(args.id)
    if not timeline:
        print(f"jiebang history: 找不到 {args.id} 的任何版本：记录应在 content/lists/<年份>/{args.id}.yaml "
              f"或 content/results/<年份>/{args.id}.yaml。", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(as_json(args.id, timeline))
    else:
        sys.stdout.write(as_text(args.id, timeline))
    return 0


def record_title(data: dict | None, kind: str) -> str:
    data = data or {}
    title = data.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    if kind == "result" and isinstance(data.get("kind"), str):
        return f"{data.get('list', '')} {data['kind']}".strip()
    return ""


def split_notes(changes: list[FieldChange]) -> tuple[list[str], list[FieldChange]]:
    """The `changes` entries a revision appended (shown as 更正说明) and every other field change."""
    notes, others = [], []
    for change in changes:
        if change.path[:1] == ("changes",) and change.change == "added":
            entries = change.after if len(change.path) == 1 else [change.after]
            notes += [str(e.get("note", "")).strip() for e in entries if isinstance(e, dict)]
        else:
            others.append(change)
    return [n for n in notes if n], others


def show_date(date: str | None) -> str:
    """2022-10-20T10:00:00+08:00 → 2022-10-20 10:00:00 +08:00; the working tree has none."""
    if not date:
        return "—"
    day, _, time = date.partition("T")
    clock, zone = time[:8], time[8:]
    return f"{day} {clock} {'+00:00' if zone == 'Z' else zone}".strip()


def latest(timeline: list[tuple[Revision, list[FieldChange]]]) -> Revision:
    readable = [r for r, _ in timeline if r.data]
    return readable[-1] if readable else timeline[-1][0]


def as_text(record_id: str, timeline: list[tuple[Revision, list[FieldChange]]]) -> str:
    last = latest(timeline)
    lines = [f"{NOUN[last.kind]} {record_id} {record_title(last.data, last.kind)}".rstrip(),
             f"{last.path}，共 {len(timeline)} 个版本", ""]
    seen_before = False
    path = None
    for revision, changes in timeline:
        lines.append(f"{show_date(revision.date)}  {revision.short}  {revision.subject}")
        if path is not None and revision.path != path and revision.data is not None:
            lines.append(f"  文件移至 {revision.path}")
        path = revision.path
        if revision.problem:
            lines.append(f"  无法读取这一版本：{revision.problem}")
        elif revision.status == "deleted":
            lines.append("  文件被删除")
        elif revision.status == "added":
            lines.append("  重新添加" if seen_before else "  首次发布")
        else:
            notes, others = split_notes(changes)
            lines += [f"  更正说明：{note}" for note in notes]
            if others and not notes:
                lines.append("  （没有新增更正说明）")
            lines += ["  " + line for change in others for line in change.lines()]
            if not notes and not others:
                lines.append("  （字段没有变化：仅格式或注释改动）")
        seen_before = True
    return "\n".join(lines) + "\n"


def as_json(record_id: str, timeline: list[tuple[Revision, list[FieldChange]]]) -> str:
    last = latest(timeline)
    data = {
        "id": record_id,
        "kind": last.kind,
        "title": record_title(last.data, last.kind),
        "path": last.path,
        "revisions": [{**revision.as_json(), "first_publication": i == 0 and revision.status == "added",
                       "changes": [] if revision.status == "added" else [c.as_json() for c in changes]}
                      for i, (revision, changes) in enumerate(timeline)],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
