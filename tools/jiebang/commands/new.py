"""`jiebang new list|result`: scaffold a commented record under the next free id.

Questions are asked in Chinese on stdin (titles from the JSON Schema, choices from the regulation
file); `--no-input` takes everything from options so scripts can run it. Whatever is not answered is
written as a visible placeholder (“（请填写：…）”). An existing file is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..desk import scaffold
from ..desk.scaffold import ScaffoldError
from ..desk.yamlwriter import render_list_yaml, render_result_yaml
from ..records.schema import SCHEMAS
from . import EXIT_OK, EXIT_USAGE, UsageError, add_root_option, content_root


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "new",
        help="新建榜单或公告（带注释的 YAML）",
        description="新建榜单或公告：按下一个空闲编号生成带中文注释的 YAML 文件，不覆盖已有文件。",
    )
    what = parser.add_subparsers(dest="what", metavar="类型")

    lst = what.add_parser(
        "list", help="新建榜单", description="新建一个榜单（content/lists/<年份>/<编号>.yaml）。"
    )
    add_root_option(lst)
    lst.add_argument("--no-input", action="store_true", help="不提问，全部取自选项（供脚本使用）")
    lst.add_argument("--industry", help="所属行业领域（管理办法数据所列行业之一）")
    lst.add_argument("--subfield", help="细分方向")
    lst.add_argument("--title", help="重大技术需求项目名称")
    lst.add_argument("--demander", help="技术需求单位名称")
    lst.add_argument("--demander-kind", help="单位类型：企业、高校、科研院所或其他事业单位")
    lst.add_argument("--credit-code", help="统一社会信用代码（18位）")
    lst.add_argument("--county", help="所在县（市、区）")
    lst.add_argument("--total", help="预计项目经费（万元）")
    lst.add_argument("--to-solver", help="榜单金额，即预计支付揭榜单位研发资金（万元）")
    lst.add_argument("--published", help="发榜日期 YYYY-MM-DD（决定编号年份，默认今天）")
    lst.add_argument("--deadline", help="揭榜截止日期 YYYY-MM-DD")
    lst.add_argument("--batch", help="批次，如“2022年度第一批”")
    lst.add_argument("--doc-number", help="文号，如“景科字〔2022〕56号”")

    res = what.add_parser(
        "result",
        help="新建公告",
        description="为一个榜单新建公告（content/results/<年份>/<榜单编号>-Rnn.yaml）。",
    )
    add_root_option(res)
    res.add_argument("--list", dest="list_id", help="所属榜单编号，如 JDZ-2022-001")
    res.add_argument("--kind", help="公告类型：" + "、".join(_result_kinds()))
    res.add_argument("--date", help="公告日期 YYYY-MM-DD（默认今天）")
    res.add_argument("--no-input", action="store_true", help="不提问，全部取自选项（供脚本使用）")
    parser.set_defaults(run=run)


def _result_kinds() -> list[str]:
    return list(SCHEMAS["result"]["properties"]["kind"]["enum"])


def run(args: argparse.Namespace) -> int:
    try:
        if args.what == "list":
            return _new_list(args)
        if args.what == "result":
            return _new_result(args)
        print("用法：jiebang new list … 或 jiebang new result --list 编号 --kind 类型", file=sys.stderr)
        return EXIT_USAGE
    except (UsageError, ScaffoldError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE


# --------------------------------------------------------------------------- asking


class _Asker:
    """One value per question: from its option if given, else from stdin unless `--no-input`."""

    def __init__(self, interactive: bool):
        self.interactive = interactive

    def __call__(
        self,
        title: str,
        parse: Callable[[str], Any],
        given: str | None,
        default: str | None = None,
        required: bool = False,
        choices: list[str] | None = None,
    ) -> Any:
        if given is not None:
            try:
                return parse(given)
            except ValueError as exc:
                raise UsageError(f"{title}：{exc}。") from exc
        if not self.interactive:
            if default is not None:
                return parse(default)
            if required:
                raise UsageError(f"使用 --no-input 时必须给出“{title}”。")
            return None
        prompt = title
        if choices:
            prompt += "（" + "  ".join(f"{n} {name}" for n, name in enumerate(choices, start=1)) + "）"
        prompt += f"［回车 = {default}］" if default else ("" if required else "［可留空，稍后填写］")
        while True:
            try:
                answer = input(f"{prompt}：").strip()
            except EOFError:
                raise UsageError(f"输入已结束，未回答“{title}”。") from None
            if not answer:
                if default is not None:
                    answer = default
                elif required:
                    print("此项必填。", file=sys.stderr)
                    continue
                else:
                    return None
            try:
                return parse(answer)
            except ValueError as exc:
                print(f"{exc}，请重新输入。", file=sys.stderr)


def _choice(options: list[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        text = text.strip()
        if text.isdigit() and 1 <= int(text) <= len(options):
            return options[int(text) - 1]
        if text in options:
            return text
        raise ValueError(f"“{text}”不是可选值（{'、'.join(options)}）")

    return parse


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValueError("不能为空")
    return text


def _pattern(regex: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        text = re.sub(r"\s+", "", text).upper()
        if not re.fullmatch(regex, text):
            raise ValueError(f"“{text}”不是18位统一社会信用代码")
        return text

    return parse


def _money(text: str):
    value = scaffold.parse_wan(text)
    if value is None:
        raise ValueError("请填写金额（万元）")
    return value


# --------------------------------------------------------------------------- new list


def _new_list(args: argparse.Namespace) -> int:
    root = content_root(args.root)
    schema = SCHEMAS["list"]
    ask = _Asker(interactive=not args.no_input)
    if ask.interactive:
        print("新建榜单：逐项回答，留空的项目会写成“（请填写：…）”，稍后在编辑器中补全。", file=sys.stderr)
    title = schema["properties"]["published"]["title"]
    published = ask(
        title, scaffold.parse_date, args.published, default=dt.date.today().isoformat(), required=True
    )
    regulation = scaffold.regulation_in_force(root, published)
    answers = _list_answers(ask, args, schema, regulation, published)

    year = published.year
    prefix = str(scaffold.regulation_value(regulation, "id_prefix", "JDZ"))
    lists_dir = root / "lists"

    def text_for(list_id: str) -> str:
        record = scaffold.blank_list(list_id, schema, regulation)
        record["published"] = published
        for key in ("industry", "subfield", "title", "deadline", "batch", "doc_number"):
            if answers.get(key):
                record[key] = answers[key]
        for key in ("name", "kind", "credit_code", "county"):
            if answers.get(key):
                record["demander"][key] = answers[key]
        for key in ("total_wan", "to_solver_wan"):
            if answers.get(key) is not None:
                record["budget"][key] = answers[key]
        return render_list_yaml(record, schema)

    _, path = scaffold.write_with_next_id(
        lambda: scaffold.next_list_id(lists_dir, prefix, year),
        lambda list_id: lists_dir / str(year) / f"{list_id}.yaml",
        text_for,
    )
    print(path)
    _report_placeholders(path, schema)
    return EXIT_OK


def _list_answers(
    ask: _Asker, args: argparse.Namespace, schema: dict, regulation: dict, published: dt.date
) -> dict[str, Any]:
    """The list's fields from options or questions; prompts are the schema's titles."""
    props = schema["properties"]
    demander, budget = props["demander"]["properties"], props["budget"]["properties"]
    industries = [str(v) for v in scaffold.regulation_value(regulation, "industries", [])]
    counties = {
        str(k): str(v) for k, v in (scaffold.regulation_value(regulation, "counties", {}) or {}).items()
    }
    kinds = list(demander["kind"]["enum"])
    answers: dict[str, Any] = {
        "industry": ask(
            props["industry"]["title"], _choice(industries), args.industry, required=True, choices=industries
        ),
        "subfield": ask(props["subfield"]["title"], _text, args.subfield),
        "title": ask(props["title"]["title"], _text, args.title, required=True),
        "name": ask(
            f"{props['demander']['title']}（{demander['name']['title']}）",
            _text,
            args.demander,
            required=True,
        ),
        "kind": ask(demander["kind"]["title"], _choice(kinds), args.demander_kind, choices=kinds),
        "credit_code": ask(
            demander["credit_code"]["title"], _pattern(demander["credit_code"]["pattern"]), args.credit_code
        ),
    }
    # The 统一社会信用代码's 3rd–8th characters are the registering county (GB 32100-2015).
    code = answers["credit_code"] or ""
    from_code = next((name for name, region in counties.items() if code[2:8] == region), None)
    answers["county"] = ask(
        demander["county"]["title"],
        _choice(list(counties)),
        args.county,
        default=from_code,
        choices=list(counties),
    )
    answers["total_wan"] = ask(f"{budget['total_wan']['title']}（万元）", _money, args.total)
    answers["to_solver_wan"] = ask(f"{budget['to_solver_wan']['title']}（万元）", _money, args.to_solver)

    def after_published(text: str) -> dt.date:
        day = scaffold.parse_date(text)
        if day < published:
            raise ValueError(f"{day} 早于发榜日期 {published}")
        return day

    answers["deadline"] = ask(props["deadline"]["title"], after_published, args.deadline)
    answers["batch"], answers["doc_number"] = args.batch, args.doc_number
    return answers


def _report_placeholders(path: Path, schema: dict) -> None:
    import yaml

    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    todo = scaffold.placeholders_in(record, schema)
    if todo:
        print(
            f"已生成 {path.name}。请在编辑器中补全标有“（请填写：…）”的内容：{'、'.join(todo)}。",
            file=sys.stderr,
        )
    else:
        print(f"已生成 {path.name}。", file=sys.stderr)


# --------------------------------------------------------------------------- new result


def _new_result(args: argparse.Namespace) -> int:
    root = content_root(args.root)
    schema = SCHEMAS["result"]
    props = schema["properties"]
    kinds = list(props["kind"]["enum"])
    ask = _Asker(interactive=not args.no_input)
    list_id = ask(props["list"]["title"], _list_id, args.list_id, required=True)
    lists = list((root / "lists").rglob(f"{list_id}.yaml")) if (root / "lists").is_dir() else []
    if not lists:
        raise UsageError(f"找不到榜单 {list_id}（{root / 'lists'} 下没有 {list_id}.yaml）。")
    kind = ask(props["kind"]["title"], _choice(kinds), args.kind, required=True, choices=kinds)
    try:
        day = scaffold.parse_date(args.date) if args.date else dt.date.today()
    except ValueError as exc:
        raise UsageError(f"{props['date']['title']}：{exc}。") from exc

    # The result lives under its list's year, the year its id carries (JDZ-2022-001-R03 → results/2022/).
    year = scaffold.list_id_year(list_id)
    results_dir = root / "results"

    def text_for(result_id: str) -> str:
        record: dict[str, Any] = {"id": result_id, "list": list_id, "kind": kind, "date": day}
        record.update(scaffold.result_kind_fields(schema, kind))
        if kind == "更正公告" and "target" in record:
            record["target"] = list_id  # most corrections concern the list itself; edit for a notice
        record["body"] = scaffold.placeholder_for(props["body"])
        return render_result_yaml(record, schema)

    _, path = scaffold.write_with_next_id(
        lambda: scaffold.next_result_id(results_dir, list_id),
        lambda result_id: results_dir / str(year) / f"{result_id}.yaml",
        text_for,
    )
    print(path)
    _report_placeholders(path, schema)
    return EXIT_OK


def _list_id(text: str) -> str:
    text = text.strip().upper()
    if scaffold.list_id_year(text) is None:
        raise ValueError(f"“{text}”不是榜单编号（形如 JDZ-2022-001）")
    return text
