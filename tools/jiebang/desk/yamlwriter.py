"""Write a record as commented YAML: the text of a new file under content/lists/ or content/results/.

The comment above every key is read from the JSON Schema at render time (its `title` and
`description`), so a schema change changes every scaffold; nothing here copies those texts.
The emitter is hand-written rather than `yaml.dump` because PyYAML cannot write comments and because
the quoting must suit both PyYAML (YAML 1.1) and editors that read YAML 1.2.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

import yaml

from ..records.content import as_date

SCHEMA_LINE = "# yaml-language-server: $schema=../../../tools/jiebang/schemas/{name}"


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
    if node.get("format") == "date" and as_date(text) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
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
