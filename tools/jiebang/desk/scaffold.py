"""New records: blank ones with placeholders, the regulation in force, the next free id, and files
that never overwrite. jiebang.desk.yamlwriter turns a record into the text of its file.

Placeholders name each field by its JSON Schema title, so nothing here copies those texts.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..records.placeholders import PLACEHOLDER_MARK, is_placeholder, placeholder  # noqa: F401 - re-exported
from ..records.regulation import load_regulations


class ScaffoldError(Exception):
    """A record cannot be scaffolded; the message is Chinese and meant for the user."""


# --------------------------------------------------------------------------- regulation


def regulation_in_force(root: Path, day: dt.date) -> dict:
    """The content root's regulation data in force on `day` (the latest `effective` not after it)."""
    folder = root / "regulation"
    regulations, problems = load_regulations(folder)
    if problems:  # a broken version could be the one in force: never scaffold from another one
        problem = problems[0]
        where = f"{problem.file}:{problem.line}" if problem.line else problem.file
        raise ScaffoldError(f"无法读取管理办法数据文件 {where}：{problem.message}")
    if not regulations:
        raise ScaffoldError(f"在 {folder} 下找不到管理办法数据文件（regulation/<生效日期>.yaml）。")
    earliest = regulations.versions[0].effective
    if day < earliest:  # Regulations.in_force falls back to the first version; a new record must not
        raise ScaffoldError(f"{day.isoformat()} 时尚无生效的管理办法数据（最早生效日期为 {earliest}）。")
    return regulations.in_force(day).data


def regulation_value(regulation: dict, key: str, default: Any = None) -> Any:
    """A number or list from the regulation file, whose entries are `{value: …, article: …}`."""
    entry = regulation.get(key, default)
    return entry.get("value", default) if isinstance(entry, dict) and "value" in entry else entry


# --------------------------------------------------------------------------- input values


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_date(text: str) -> dt.date:
    """An ISO date typed by a person; ValueError with a Chinese message otherwise."""
    day = _parse_date(unicodedata.normalize("NFKC", text)) if re.fullmatch(r"\s*\S{10}\s*", text) else None
    if day is None:
        raise ValueError(f"“{text}”不是 YYYY-MM-DD 格式的日期")
    return day


_WAN = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")


def parse_wan(text: str) -> Decimal | None:
    """An amount in 万元 as people type it: "300", "３００", "300万", "300 万元", "1,200.5".

    None when nothing is written; ValueError (Chinese) when something is written that is not an
    Arabic number of 万元 (e.g. "三百万元", "约300", "3000000元"), because guessing money is worse than
    asking.
    """
    raw = text
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\s_]+", "", text).strip("。.;；,，:：")
    while text.endswith(("万元", "万")):  # “300万” typed into “____万元” reads “300万万元”
        text = text.removesuffix("元").removesuffix("万").rstrip()
    if not text:
        return None
    if not _WAN.fullmatch(text):
        raise ValueError(f"无法识别金额“{raw.strip()}”，请填写以万元为单位的阿拉伯数字")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes this
        raise ValueError(f"无法识别金额“{raw.strip()}”") from exc


# --------------------------------------------------------------------------- placeholders


def placeholder_for(node: dict) -> str:
    """A placeholder naming the field by its schema title, with the allowed values when enumerated."""
    what = node.get("title", "")
    if node.get("enum"):
        what += "，可选 " + "、".join(str(v) for v in node["enum"])
    elif node.get("format") == "date":
        what += "，YYYY-MM-DD"
    elif node.get("type") in ("number", "integer"):
        what += "，填数字"
    elif node.get("type") == "boolean":
        what += "，填 true 或 false"
    return placeholder(what)


def placeholders_in(record: Any, schema: dict) -> list[str]:
    """Where `record` still holds placeholders, as schema titles joined with " / "."""
    found: list[str] = []

    def walk(value: Any, node: dict, trail: tuple[str, ...]) -> None:
        if is_placeholder(value):
            found.append(" / ".join(trail))
        elif isinstance(value, dict):
            props = node.get("properties", {})
            for key, item in value.items():
                sub = props.get(key, {})
                walk(item, sub, (*trail, sub.get("title", key)))
        elif isinstance(value, list):
            items = node.get("items", {})
            for item in value:
                walk(item, items, trail)

    walk(record, schema, ())
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- blank records


def blank_list(list_id: str, schema: dict, regulation: dict) -> dict:
    """A list record with every required field (and the optional ones an editor should see) as placeholders."""
    props = schema["properties"]

    def blank(*path: str) -> str:
        node = props[path[0]]
        for key in path[1:]:
            node = node["properties"][key]
        return placeholder_for(node)

    return {
        "id": list_id,
        "batch": blank("batch"),
        "doc_number": blank("doc_number"),
        "industry": blank("industry"),
        "subfield": blank("subfield"),
        "title": blank("title"),
        "demander": {key: blank("demander", key) for key in ("name", "kind", "credit_code", "county")},
        "host_enterprise": None,  # 第五条（五）: filled in only for non-enterprise common-technology lists
        "contact": {key: blank("contact", key) for key in ("name", "unit", "phone")},
        "peers": [],
        "problem": blank("problem"),
        "targets": blank("targets"),
        "budget": {key: blank("budget", key) for key in ("total_wan", "to_solver_wan")},
        "benefits": blank("benefits"),
        # 第三条: 实施周期原则上为3年 — the regulation's number, for the editor to confirm.
        "period_years": regulation_value(regulation, "period_years", 3),
        "solver_requirements": blank("solver_requirements"),
        "ip_terms": blank("ip_terms"),
        "published": blank("published"),
        "deadline": blank("deadline"),
    }


def result_kind_fields(schema: dict, kind: str) -> dict:
    """The fields a result of `kind` requires (the schema's `allOf` entry for it), as placeholders."""
    for rule in schema.get("allOf", []):
        if rule.get("if", {}).get("properties", {}).get("kind", {}).get("const") == kind:
            then = rule.get("then", {})
            overrides = then.get("properties", {})
            return {
                key: _blank_value({**schema["properties"].get(key, {}), **overrides.get(key, {})})
                for key in then.get("required", [])
            }
    return {}


def _blank_value(node: dict) -> Any:
    if node.get("type") == "object" and node.get("properties"):
        return {key: _blank_value(sub) for key, sub in node["properties"].items()}
    if node.get("type") == "array":
        items = node.get("items", {})
        return [
            _blank_value(
                items if items.get("type") == "object" else {**items, "title": node.get("title", "")}
            )
        ]
    return placeholder_for(node)


# --------------------------------------------------------------------------- ids and files

_LIST_ID = re.compile(r"(?P<prefix>[A-Z]{2,8})-(?P<year>[0-9]{4})-(?P<seq>[0-9]{3})")


def list_id_year(list_id: str) -> int | None:
    match = _LIST_ID.fullmatch(list_id)
    return int(match["year"]) if match else None


def _next_seq(folder: Path, pattern: str) -> int:
    """One above the highest sequence number (`pattern`'s group) among the YAML file names in `folder`."""
    compiled = re.compile(pattern)
    files = folder.rglob("*") if folder.is_dir() else []
    used = [int(m[1]) for path in files if path.suffix in (".yaml", ".yml") and (m := compiled.fullmatch(path.stem))]
    return max(used, default=0) + 1


def next_list_id(lists_dir: Path, prefix: str, year: int) -> str:
    """`<prefix>-<year>-<seq>` one above the highest used; ids are never reused (audit.immutable)."""
    seq = _next_seq(lists_dir, rf"{re.escape(prefix)}-{year}-([0-9]{{3}})")
    if seq > 999:
        raise ScaffoldError(f"{year} 年的榜单编号已用完（{prefix}-{year}-999）。")
    return f"{prefix}-{year}-{seq:03d}"


def next_result_id(results_dir: Path, list_id: str) -> str:
    """`<list id>-R<nn>` one above the highest used for that list."""
    seq = _next_seq(results_dir, rf"{re.escape(list_id)}-R([0-9]{{2}})")
    if seq > 99:
        raise ScaffoldError(f"榜单 {list_id} 的公告编号已用完（R99）。")
    return f"{list_id}-R{seq:02d}"


def write_new_file(path: Path, text: str) -> None:
    """Write `text` to `path` atomically; FileExistsError if `path` exists (never overwrites).

    The text goes to a hidden temporary file beside the target first, which is then hard-linked
    into place: `link` is atomic and, unlike `rename`, refuses to replace an existing file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive create is still no-clobber
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    finally:
        tmp.unlink(missing_ok=True)


def write_with_next_id(
    next_id: Callable[[], str], path_for: Callable[[str], Path], text_for: Callable[[str], str]
) -> tuple[str, Path]:
    """Pick the next free id and write its file; if another process took it meanwhile, take the next."""
    for _ in range(1000):
        record_id = next_id()
        path = path_for(record_id)
        if path.exists():
            continue
        try:
            write_new_file(path, text_for(record_id))
        except FileExistsError:
            continue
        return record_id, path
    raise ScaffoldError("无法找到空闲的编号。")
