"""`jiebang import FORM.docx…`: turn filled-in 附件1 征集表 into list records.

Each form becomes one content/lists/<year>/<id>.yaml under the next free id, written atomically: a
form that cannot be read writes nothing. The written file is then validated (when `jiebang.rules.validate`
is available) so the editor sees at once what is still to be filled in. The 联系人 手机/邮箱 are left
out of the record and the output says so (DESIGN.md privacy, 《政府信息公开条例》第十五条).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import yaml

from ..desk import scaffold
from ..desk.scaffold import ScaffoldError
from ..desk.wordform import FormData, FormError, list_record, read_forms
from ..desk.yamlwriter import render_list_yaml
from ..records.schema import SCHEMAS
from ..rules.validate import validate_paths
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
        help="把 Word 征集表（附件1）导入为榜单 YAML",
        description="把企业填写的《“揭榜挂帅”重大技术需求征集表》（附件1，.docx）逐份导入为榜单 YAML。",
    )
    parser.add_argument("forms", nargs="+", metavar="FORM.docx", help="征集表文件（.docx），可多个")
    add_root_option(parser)
    parser.add_argument(
        "--published", type=_date, help="发榜日期 YYYY-MM-DD（决定编号年份；默认今年，日期留待填写）"
    )
    parser.add_argument("--deadline", type=_date, help="揭榜截止日期 YYYY-MM-DD")
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
        regulation = scaffold.regulation_in_force(root, args.published or dt.date.today())
    except ScaffoldError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    schema = SCHEMAS["list"]
    year = (args.published or dt.date.today()).year
    failed = 0
    written: list[Path] = []
    for name in args.forms:
        try:
            forms = read_forms(Path(name))
            _refuse_duplicates(Path(name), forms, root / "lists")
        except FormError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            failed += 1
            continue
        for form in forms:
            try:
                path = _write(form, root, year, regulation, schema, args)
            except ScaffoldError as exc:
                print(f"错误：征集表《{Path(name).name}》：{exc}", file=sys.stderr)
                failed += 1
                break
            written.append(path)
            _report(form, path, schema, root)
    print(f"共导入 {len(written)} 份榜单" + (f"，{failed} 个文件未导入。" if failed else "。"))
    return EXIT_CONTENT if failed else EXIT_OK


def _write(
    form: FormData, root: Path, year: int, regulation: dict, schema: dict, args: argparse.Namespace
) -> Path:
    prefix = str(scaffold.regulation_value(regulation, "id_prefix", "JDZ"))
    lists_dir = root / "lists"
    notes: list[str] = []

    def text_for(list_id: str) -> str:
        record, found = list_record(
            form,
            list_id=list_id,
            regulation=regulation,
            schema=schema,
            published=args.published,
            deadline=args.deadline,
        )
        notes[:] = found
        return render_list_yaml(record, schema)

    _, path = scaffold.write_with_next_id(
        lambda: scaffold.next_list_id(lists_dir, prefix, year),
        lambda list_id: lists_dir / str(year) / f"{list_id}.yaml",
        text_for,
    )
    form.notes = notes
    return path


def _report(form: FormData, path: Path, schema: dict, root: Path) -> None:
    which = f"（第 {form.part}/{form.parts} 份）" if form.parts > 1 else ""
    print(f"已导入 {form.source.name}{which} → {path}")
    for note in form.notes:
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
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    todo = scaffold.placeholders_in(record, schema)
    if todo:
        print(f"  征集表未包含、仍需填写（文件中标有“（请填写：…）”）：{'、'.join(todo)}。")
    diagnostics = validate_paths([path], root)
    if diagnostics:
        print("  校验结果：")
        for diagnostic in diagnostics:
            print(f"    {diagnostic.as_text()}")


def _refuse_duplicates(source: Path, forms: list[FormData], lists_dir: Path) -> None:
    """A form imported twice would publish the same requirement under two ids; say which one exists."""
    seen: dict[tuple[str, str], str] = {}
    for path in sorted(lists_dir.rglob("*.yaml")) if lists_dir.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and isinstance(data.get("demander"), dict):
            seen[(str(data.get("title", "")), str(data["demander"].get("name", "")))] = path.stem
    for form in forms:
        existing = seen.get((form.title, form.demander))
        if existing:
            raise FormError(source, f"“{form.title}”（{form.demander}）已导入为 {existing}，未重复导入。")
