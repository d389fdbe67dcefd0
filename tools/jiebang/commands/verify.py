"""`jiebang verify DIR`: rebuild the commit named in DIR/SHA256SUMS and compare every file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..site.rebuild import RebuildError, verify


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("verify", help="复核已部署的网站与仓库是否逐字节一致",
                            description="按 DIR/SHA256SUMS 记载的提交在临时工作树中重新生成网站，逐个文件比对。")
    parser.add_argument("directory", type=Path, metavar="DIR", help="已部署（或已生成）的网站目录")
    parser.add_argument("--settings", default="pelicanconf.py", help="生成时所用的 Pelican 设置文件")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = verify(Path.cwd(), args.directory, args.settings)
    except RebuildError as exc:
        print(f"jiebang verify: {exc}", file=sys.stderr)
        return 2
    for title, names in [("与重新生成的结果不同", result.changed), ("与其 SHA256SUMS 不符", result.tampered),
                         ("重新生成有而部署中缺少", result.missing), ("部署中多出", result.extra)]:
        for name in names:
            print(f"{title}：{name}")
    if result.ok:
        print(f"复核通过：{args.directory} 与提交 {result.commit[:12]} 重新生成的网站逐字节一致。")
        return 0
    print(f"复核未通过：{args.directory} 不是提交 {result.commit[:12]} 生成的原样网站。")
    return 1
