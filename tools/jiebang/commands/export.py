"""`jiebang export summary|lists`: the 附件2 汇总表 of a year, or every list with every field."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..desk import export
from ..records.schema import SCHEMAS
from . import EXIT_OK, EXIT_USAGE, UsageError, add_root_option


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"“{text}”不是四位年份")
    return int(text)


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export",
        help="导出汇总表（附件2）或全部榜单",
        description="导出《“揭榜挂帅”重大技术需求征集汇总表》（附件2）或全部榜单的全部字段。",
    )
    what = parser.add_subparsers(dest="what", metavar="内容")

    summary = what.add_parser(
        "summary",
        help="附件2 汇总表",
        description="按年份导出《“揭榜挂帅”重大技术需求征集汇总表》（附件2）。",
    )
    summary.add_argument("--year", type=_year, required=True, help="年份，如 2022")
    summary.add_argument("--format", choices=export.FORMATS["summary"], help="xlsx（默认）、docx 或 csv")
    summary.add_argument("--output", help="输出文件（默认 当前目录下 汇总表-年份.格式）")
    add_root_option(summary)
    summary.add_argument(
        "--office", default=export.DEFAULT_OFFICE, help=f"受理处室（默认 {export.DEFAULT_OFFICE}）"
    )
    summary.add_argument("--county", help="只导出该县（市、区）推荐的需求，并填入主管推荐单位，如 珠山区")

    lists = what.add_parser(
        "lists", help="全部榜单的全部字段", description="导出全部榜单的全部字段（列名取自 JSON Schema）。"
    )
    lists.add_argument("--format", choices=export.FORMATS["lists"], help="xlsx（默认）或 csv")
    lists.add_argument("--output", help="输出文件（默认 当前目录下 榜单-全部.格式）")
    add_root_option(lists)
    lists.add_argument("--year", type=_year, help="只导出该年份的榜单")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.what not in export.FORMATS:
        print("用法：jiebang export summary --year 年份 … 或 jiebang export lists …", file=sys.stderr)
        return EXIT_USAGE
    try:
        fmt, output = _output(args)
        root = Path(args.root)
        if not (root / "lists").is_dir():
            raise UsageError(f"找不到 {root / 'lists'}，请在项目目录下运行或用 --root 指定内容目录。")
        entries, problems = export.load_lists(root)
        for problem in problems:
            print(f"警告：{problem}", file=sys.stderr)
        if args.what == "summary":
            written = _summary(args, entries, fmt, output)
        else:
            written = _lists(args, entries, fmt, output)
    except (UsageError, export.ExportError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"已导出 {written} 条 → {output}")
    return EXIT_OK


def _output(args: argparse.Namespace) -> tuple[str, Path]:
    allowed = export.FORMATS[args.what]
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    if args.format and suffix and suffix != args.format:
        raise UsageError(f"输出文件 {args.output} 的扩展名与 --format {args.format} 不符。")
    fmt = args.format or (suffix if suffix in allowed else "xlsx")
    if args.output:
        return fmt, Path(args.output)
    if args.what == "summary":
        name = f"汇总表-{args.year}" + (f"-{args.county}" if args.county else "")
    else:
        name = f"榜单-{args.year or '全部'}"
    return fmt, Path(f"{name}.{fmt}")


def _summary(args: argparse.Namespace, entries, fmt: str, output: Path) -> int:
    rows, notes = export.summary_rows(entries, args.year, office=args.office, county=args.county)
    if not rows:
        where = f"{args.county}" if args.county else ""
        raise UsageError(f"{args.root}/lists/ 中没有{where} {args.year} 年的榜单，未导出。")
    for note in notes:
        print(f"注意：{note}", file=sys.stderr)
    recommender = f"{args.county}科技局" if args.county else ""
    export.write_summary(rows, output, fmt, recommender)
    return len(rows)


def _lists(args: argparse.Namespace, entries, fmt: str, output: Path) -> int:
    if args.year is not None:
        entries = [entry for entry in entries if export.list_year(entry) == args.year]
    if not entries:
        where = f" {args.year} 年的" if args.year else ""
        raise UsageError(f"{args.root}/lists/ 中没有{where}榜单，未导出。")
    export.write_lists(entries, SCHEMAS["list"], output, fmt)
    return len(entries)
