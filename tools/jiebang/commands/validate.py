"""`jiebang validate [PATH…] [--format text|json] [--base REV] [--cache-dir DIR | --no-cache]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..records.collector import paused
from ..rules.report import as_json, as_text
from ..rules.validate import ContentRootError, validate


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("validate", help="按《办法》检查榜单与公告", description="检查内容目录（默认 content/）或其中的文件。")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="内容目录，或其中的文件、子目录")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="输出格式（默认 text）")
    parser.add_argument("--base", metavar="REV", nargs="?", const="",
                        help="与该 git 版本比较，加查审计规则（audit.*）；不写 REV 时用 pyproject.toml 的 "
                             "[tool.jiebang] published_ref，或 published 标签，或 origin/main")
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help="记录缓存目录（默认：内容目录旁的 cache/）；未改动的文件不再重新读取和检查")
    cache.add_argument("--no-cache", action="store_true", help="不使用记录缓存，全部重新读取和检查")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with paused():  # one short run over up to millions of objects that form no cycles
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    cache = None if args.no_cache else (args.cache_dir or True)
    try:
        report = validate(args.paths, cache=cache)
    except ContentRootError as exc:
        print(f"jiebang validate: {exc}", file=sys.stderr)
        return 2
    if args.base is not None:
        from ..history.audit import audit_diagnostics  # imported here: plain validation needs no git
        from ..history.git import GitError

        try:
            audited = audit_diagnostics(args.paths, args.base)
        except GitError as exc:
            print(f"jiebang validate: {exc}", file=sys.stderr)
            return 2
        report.diagnostics = sorted(set(report.diagnostics + audited), key=lambda d: d.sort_key())
    sys.stdout.write(as_json(report) if args.format == "json" else as_text(report))
    return 1 if report.errors else 0
