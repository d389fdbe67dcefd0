"""`jiebang build [--output DIR] [--at DATE|REV]`: validate, then build the site atomically."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..records.roots import find_root
from ..site.build import BuildError, build_site
from ..site.rebuild import build_at


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", help="校验后生成网站", description="校验 content/，然后把网站生成到输出目录（原子替换）。")
    parser.add_argument("--output", type=Path, default=Path("output"), help="输出目录（默认 output/）")
    parser.add_argument("--settings", default="pelicanconf.py", help="Pelican 设置文件（默认 pelicanconf.py；发布用 publishconf.py）")
    parser.add_argument("--at", metavar="DATE|REV", help="按某一日期或 git 版本时的内容生成网站")
    parser.add_argument("--no-cache", action="store_true",
                        help="不使用生成缓存（cache/，设置 JIEBANG_CACHE_PATH），全部重新生成；结果与使用缓存时逐字节相同")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = Path.cwd()
    if args.at:
        return build_at(project, args.at, args.output, args.settings)
    if not (project / args.settings).is_file():
        print(f"jiebang build: 当前目录没有 {args.settings}，请在项目根目录运行。", file=sys.stderr)
        return 2
    if find_root(project / "content") is None:
        print("jiebang build: content/ 不是内容目录（应包含 lists/、results/ 和 regulation/）。", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        built = build_site(project, args.output, args.settings, use_cache=not args.no_cache)
    except BuildError as exc:  # the generator validated: its findings, and the old output untouched
        print(f"jiebang build: {exc}\n原有输出保持不变。", file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    if built.unchanged:
        print(f"内容、模板、设置和程序自上次生成以来均未改变：{args.output}/ 已是最新（{built.count} 个文件），用时 {took:.1f} 秒。")
    else:
        print(f"已生成 {built.count} 个文件到 {args.output}/，用时 {took:.1f} 秒。")
    return 0
