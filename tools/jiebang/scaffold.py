"""Write new records: commented YAML from a dict, the next free id, and files that never overwrite.

The comment above every key is read from the JSON Schema at render time (its `title` and
`description`), so a schema change changes every scaffold; nothing here copies those texts.
The emitter is hand-written rather than `yaml.dump` because PyYAML cannot write comments and because
the quoting must suit both PyYAML (YAML 1.1) and editors that read YAML 1.2.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .placeholders import PLACEHOLDER_MARK, is_placeholder, placeholder  # noqa: F401 - re-exported

SCHEMA_DIR = Path(__file__).parent / "schemas"
SCHEMA_LINE = "# yaml-language-server: $schema=../../../tools/jiebang/schemas/{name}"



class ScaffoldError(Exception):
    """A record cannot be scaffolded; the message is Chinese and meant for the user."""


# --------------------------------------------------------------------------- schemas, regulation


def load_schema(kind: str) -> dict:
    """The JSON Schema of `kind` ("list" or "result")."""
    return json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))


def regulation_in_force(root: Path, day: dt.date) -> dict:
    """The content root's regulation file in force on `day` (the latest `effective` not after it)."""
    folder = root / "regulation"
    found: list[tuple[dt.date, dict]] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ScaffoldError(f"无法读取管理办法数据文件 {path}：{exc}") from exc
        effective = data.get("effective") if isinstance(data, dict) else None
        if isinstance(effective, str):
            effective = _parse_date(effective)
        if isinstance(effective, dt.date):
            found.append((effective, data))
    if not found:
        raise ScaffoldError(f"在 {folder} 下找不到管理办法数据文件（regulation/<生效日期>.yaml）。")
    in_force = [data for effective, data in sorted(found, key=lambda item: item[0]) if effective <= day]
    if not in_force:
        raise ScaffoldError(f"{day.isoformat()} 时尚无生效的管理办法数据（最早生效日期为 {min(found)[0]}）。")
    return in_force[-1]


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


def _yaml_stems(folder: Path) -> Iterable[str]:
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.suffix in (".yaml", ".yml"):
                yield path.stem


def next_list_id(lists_dir: Path, prefix: str, year: int) -> str:
    """`<prefix>-<year>-<seq>` one above the highest used; ids are never reused (audit.immutable)."""
    pattern = re.compile(rf"{re.escape(prefix)}-{year}-([0-9]{{3}})")
    used = [int(m[1]) for stem in _yaml_stems(lists_dir) if (m := pattern.fullmatch(stem))]
    seq = max(used, default=0) + 1
    if seq > 999:
        raise ScaffoldError(f"{year} 年的榜单编号已用完（{prefix}-{year}-999）。")
    return f"{prefix}-{year}-{seq:03d}"


def next_result_id(results_dir: Path, list_id: str) -> str:
    """`<list id>-R<nn>` one above the highest used for that list."""
    pattern = re.compile(rf"{re.escape(list_id)}-R([0-9]{{2}})")
    used = [int(m[1]) for stem in _yaml_stems(results_dir) if (m := pattern.fullmatch(stem))]
    seq = max(used, default=0) + 1
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


# --------------------------------------------------------------------------- YAML rendering


def render_list_yaml(record: dict, schema: dict) -> str:
    """A list record as commented YAML for content/lists/<year>/<id>.yaml."""
    return _render(record, schema, "list.schema.json")


def render_result_yaml(record: dict, schema: dict) -> str:
    """A result record as commented YAML for content/results/<year>/<id>.yaml."""
    return _render(record, schema, "result.schema.json")


def _render(record: dict, schema: dict, schema_file: str) -> str:
    lines = [SCHEMA_LINE.format(name=schema_file)]
    _emit_mapping(lines, record, schema, indent=0, comments=True)
    return "\n".join(lines) + "\n"


def _comment(node: dict) -> str | None:
    title, description = node.get("title"), node.get("description")
    if title and description:
        return f"{title}：{description}"
    return title or description or None


def _ordered_keys(mapping: dict, node: dict) -> list:
    props = node.get("properties", {})
    return [key for key in props if key in mapping] + [key for key in mapping if key not in props]


def _emit_mapping(lines: list[str], mapping: dict, node: dict, indent: int, comments: bool) -> None:
    props = node.get("properties", {})
    pad = " " * indent
    for key in _ordered_keys(mapping, node):
        sub = props.get(key, {})
        text = _comment(sub) if comments else None
        if text:
            lines.append(f"{pad}# {text}")
        _emit_entry(lines, f"{pad}{_key(key)}:", mapping[key], sub, indent, comments)


def _emit_entry(lines: list[str], head: str, value: Any, node: dict, indent: int, comments: bool) -> None:
    """`head` is `key:` or `-` at `indent`; write the value after it or below it."""
    if isinstance(value, dict) and value:
        if head.endswith("-"):
            # The mapping starts on the dash's line: `- # comment` / `- key: …` are both valid YAML.
            inner: list[str] = []
            _emit_mapping(inner, value, node, indent + 2, comments)
            lines.append(f"{head} {inner[0][indent + 2 :]}")
            lines.extend(inner[1:])
        else:
            lines.append(head)
            _emit_mapping(lines, value, node, indent + 2, comments)
    elif isinstance(value, list) and value:
        lines.append(head)
        items = node.get("items") if isinstance(node.get("items"), dict) else {}
        for number, item in enumerate(value):
            # Comment the fields of the first item only: the same notes on every entry are noise.
            _emit_entry(lines, " " * (indent + 2) + "-", item, items, indent + 2, comments and number == 0)
    else:
        scalar = _scalar(value, node)
        if isinstance(scalar, list):  # a block scalar: header, then its lines indented below
            lines.append(f"{head} {scalar[0]}")
            body_pad = " " * (indent + 2)
            lines.extend(f"{body_pad}{line}" if line else "" for line in scalar[1:])
        else:
            lines.append(f"{head} {scalar}")


def _key(key: Any) -> str:
    scalar = _scalar(key, {})
    return scalar if isinstance(scalar, str) else _double_quoted(str(key))


_SPECIAL_WORDS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ""}
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
# PyYAML refuses these characters anywhere in a stream; they must be escaped in double quotes.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _scalar(value: Any, node: dict) -> str | list[str]:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"金额 {value} 不是有限数")
        return format(value, "f")
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, str):
        return _string(value, node)
    raise TypeError(f"无法写入 YAML 的值类型：{type(value).__name__}")


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    if exponent and "." not in mantissa:  # YAML 1.1 floats need a dot: 1e+16 would read as a string
        text = f"{mantissa}.0e{exponent}"
    return text


def _is_markdown(node: dict) -> bool:
    return "Markdown" in node.get("description", "")


def _string(text: str, node: dict) -> str | list[str]:
    if node.get("format") == "date" and _parse_date(text) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text  # unquoted ISO date; it loads as a date, which the loader accepts for date fields
    if ("\n" in text or _is_markdown(node)) and (block := _block(text)):
        return block
    if _plain_ok(text):
        return text
    if "\n" not in text and not _NON_PRINTABLE.search(text) and "\t" not in text:
        return "'" + text.replace("'", "''") + "'"
    return _double_quoted(text)


def _plain_ok(text: str) -> bool:
    if text != text.strip() or text.lower() in _SPECIAL_WORDS or _NON_PRINTABLE.search(text):
        return False
    if any(ch in text for ch in "\n\t\r") or ": " in text or " #" in text or text.endswith(":"):
        return False
    first = text[0]
    if first in _INDICATORS:
        return False
    # Phone numbers, codes, numbers with leading zeros: YAML 1.1 and 1.2 disagree on many of these.
    if (first.isdigit() or first in "+.") and text.isascii():
        return False
    try:
        return yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        return False


def _block(text: str) -> list[str] | None:
    """A literal block scalar (header and lines) that reads back as `text`, or None."""
    if not text or _NON_PRINTABLE.search(text) or "\r" in text or text[0] in " \t\n":
        return None
    if text.endswith("\n\n"):
        header, body = "|+", text[:-1]
    elif text.endswith("\n"):
        header, body = "|", text[:-1]
    else:
        header, body = "|-", text
    lines = body.split("\n")
    rendered = [header, *lines]
    probe = "k: " + header + "\n" + "\n".join(f"  {line}" if line else "" for line in lines) + "\n"
    try:
        if yaml.safe_load(probe) != {"k": text}:
            return None
    except yaml.YAMLError:
        return None
    return rendered


def _double_quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif _NON_PRINTABLE.match(ch) or ch in "\x85\u2028\u2029":
            code = ord(ch)
            out.append(
                f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
            )
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
