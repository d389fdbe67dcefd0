"""`jiebang import FORM|DIR… [--summary 汇总表]`: turn filled-in 附件1 征集表 into list records.

All the work is `jiebang.desk.formimport.import_paths` (which the editor calls too); this prints its
report — one line per file, what to check under each record, the 汇总表 cross-check, a summary table —
and sets the exit code: 1 when a file failed or the 汇总表 disagrees, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import unicodedata
from pathlib import Path

from ..desk import scaffold
from ..desk.formimport import (
    DUPLICATE,
    FAILED,
    IMPORTED,
    SKIPPED,
    FileOutcome,
    ImportReport,
    Written,
    import_paths,
)
from ..desk.scaffold import ScaffoldError
from . import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, UsageError, add_root_option, content_root

PRIVACY_NOTE = (
    "隐私：征集表中“技术需求牵头联系人”的{what}已读取但未写入记录（content/ 下的内容全部公开，"
    "《政府信息公开条例》第十五条）。对外公布的咨询联系人请填写 contact（科室、姓名、办公电话）。"
)


def _date(text: str) -> dt.date:
    try:
        return scaffold.parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "import",
        help="把 Word/WPS 征集表（附件1）导入为榜单 YAML",
        description="把企业填写的《“揭榜挂帅”重大技术需求征集表》（附件1；.docx、.doc、.wps，按文件内容识别）"
        "逐份导入为榜单 YAML；可给文件夹（含子文件夹），可用 --summary 与县区的汇总表（附件2）核对。",
    )
    parser.add_argument("forms", nargs="+", metavar="FORM|DIR", help="征集表文件或文件夹，可多个")
    add_root_option(parser)
    parser.add_argument(
        "--published", type=_date, help="发榜日期 YYYY-MM-DD（决定编号年份；默认今年，日期留待填写）"
    )
    parser.add_argument("--deadline", type=_date, help="揭榜截止日期 YYYY-MM-DD")
    parser.add_argument(
        "--summary",
        type=Path,
        metavar="汇总表",
        help="县区报来的《重大技术需求征集汇总表》（附件2；.xlsx、.xls、.et、.docx、.doc、.wps）："
        "逐行与征集表核对，并把“主管单位”写入记录",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        root = content_root(args.root)
    except UsageError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.published and args.deadline and args.deadline < args.published:
        print(f"错误：揭榜截止日期 {args.deadline} 早于发榜日期 {args.published}。", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = import_paths(
            [Path(name) for name in args.forms],
            root,
            published=args.published,
            deadline=args.deadline,
            summary=args.summary,
        )
    except ScaffoldError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    print_report(report)
    return EXIT_CONTENT if report.failed else EXIT_OK


def print_report(report: ImportReport) -> None:
    for problem in report.environment:
        print(f"错误：{problem}", file=sys.stderr)
    for outcome in report.files:
        _print_file(outcome)
    if report.summary_error:
        print(f"错误：{report.summary_error}", file=sys.stderr)
    elif report.summary is not None:
        table = report.summary
        print(
            f"汇总表《{table.source.name}》：{len(table.rows)} 项"
            + (f"，主管推荐单位 {table.recommender}" if table.recommender else "")
            + "。"
        )
        for finding in report.findings:
            print(f"  不一致：{finding}")
        if not report.findings:
            print("  与征集表逐项一致。")
    _print_totals(report)


def _print_file(outcome: FileOutcome) -> None:
    name = outcome.source
    if outcome.status == FAILED:
        print(f"失败  {name}：{outcome.message}", file=sys.stderr)
    elif outcome.status == SKIPPED:
        print(f"跳过  {name}：{outcome.message}")
    elif outcome.status == DUPLICATE:
        print(f"已导入过  {name}：{outcome.message}")
    for written in outcome.written:
        _print_written(name, written)
    if outcome.status == IMPORTED and outcome.message:
        print(f"  {outcome.message}")


def _print_written(name: Path, written: Written) -> None:
    form = written.form
    which = f"（第 {form.part}/{form.parts} 份）" if form.parts > 1 else ""
    print(f"已导入  {name}{which} → {written.path}")
    for note in written.notes:
        print(f"  注意：{note}")
    private = [
        word
        for word, value in (
            ("手机", form.contact.mobile),
            ("邮箱", form.contact.email),
            ("姓名、职务", form.contact.name or form.contact.position),
        )
        if value
    ]
    if private:
        print("  " + PRIVACY_NOTE.format(what="、".join(private)))
    if written.todo:
        print(f"  征集表未包含、仍需填写（文件中标有“（请填写：…）”）：{'、'.join(written.todo)}。")
    if written.diagnostics:
        print("  校验结果：")
        for diagnostic in written.diagnostics:
            print(f"    {diagnostic.as_text()}")


def _pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` terminal columns: a Chinese character takes two."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def _print_totals(report: ImportReport) -> None:
    rows = [(status, report.count(status)) for status in (IMPORTED, DUPLICATE, SKIPPED, FAILED)]
    print("汇总：")
    print(f"  {_pad('结果', 10)}文件数")
    for status, count in rows:
        print(f"  {_pad(status, 10)}{count:>6}")
    tail = []
    if report.count(FAILED):
        tail.append(f"{report.count(FAILED)} 个文件未导入")
    if report.findings or report.summary_error:
        tail.append("汇总表与征集表不一致" if report.findings else "汇总表无法读取")
    print(f"共导入 {report.records} 份榜单" + (f"；{'；'.join(tail)}。" if tail else "。"))
