"""The JSON Schemas (files in `schemas/`) and their findings, in Chinese, at the right line.

Each schema keyword maps to one of DESIGN.md's rule ids; the field's Chinese title comes from the
schema itself, so a message never carries a second copy of it.
"""

from __future__ import annotations

import difflib
import json
import re
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, Severity
from .placeholders import is_placeholder
from .positions import Document
from .schemacheck import certainly_valid, compile_or_none

if TYPE_CHECKING:
    from jsonschema import ValidationError

KINDS = ("list", "result", "regulation")


def _load(kind: str) -> dict:
    text = resources.files("jiebang.schemas").joinpath(f"{kind}.schema.json").read_text("utf-8")
    return json.loads(text, parse_float=Decimal)


def _max_decimals(validator, places: int, instance: Any, schema: dict):
    # Money is in 万元 to the yuan: at most 4 decimals. A keyword of our own rather than multipleOf 0.0001,
    # which editors checking with binary floats get wrong (32.4 is not a float multiple of 0.0001).
    from jsonschema import ValidationError

    if isinstance(instance, Decimal) and instance.as_tuple().exponent < -places:
        yield ValidationError(f"{instance} has more than {places} decimals")


SCHEMAS: dict[str, dict] = {kind: _load(kind) for kind in KINDS}
# Compiled once: a record they pass is valid (records/schemacheck.py); the rest go to jsonschema.
_CHECKS = {kind: compile_or_none(schema) for kind, schema in SCHEMAS.items()}


@cache
def _validator(kind: str):
    # jsonschema is imported only when a record may be invalid: a warm `jiebang validate` seldom needs it.
    from jsonschema import Draft202012Validator, validators

    extended = validators.extend(Draft202012Validator, {"maxDecimals": _max_decimals})
    return extended(SCHEMAS[kind], format_checker=Draft202012Validator.FORMAT_CHECKER)

RULE_OF_KEYWORD = {
    "required": "schema.required",
    "minLength": "schema.required",
    "minItems": "schema.required",
    "type": "schema.type",
    "minimum": "schema.type",
    "maximum": "schema.type",
    "exclusiveMinimum": "schema.type",
    "exclusiveMaximum": "schema.type",
    "multipleOf": "schema.type",
    "maxDecimals": "schema.type",
    "maxLength": "schema.type",
    "maxItems": "schema.type",
    "enum": "schema.enum",
    "const": "schema.enum",
    "pattern": "schema.pattern",
    "format": "schema.pattern",
    "additionalProperties": "schema.unknown_field",
    "propertyNames": "schema.unknown_field",
}
ARTICLE = "附件1"

TYPE_WORDS = {"string": "文字", "number": "数字", "integer": "整数", "boolean": "true 或 false", "object": "键值对（映射）",
              "array": "列表", "null": "空值"}


def subschema(kind: str, path: tuple) -> dict:
    """The schema of the value at `path` (property names, with or without list indexes)."""
    node = SCHEMAS[kind]
    for step in path:
        if isinstance(step, int):
            node = node.get("items", {})
            continue
        if "properties" not in node and "items" in node:  # ("indicators", "name"): step into the items
            node = node["items"]
        node = node.get("properties", {}).get(step, {})
    return node


@cache
def title_of(kind: str, path: tuple) -> str:
    """The Chinese title of a field, e.g. ("budget", "total_wan") → 预计项目经费."""
    title = subschema(kind, tuple(p for p in path if not isinstance(p, int))).get("title")
    return title or ".".join(str(p) for p in path)


def field_name(kind: str, path: tuple) -> str:
    """How a message names a field: its key path and, where the schema has one, its title."""
    return _field_name(kind, tuple(path))


@cache  # rules name a field before they know whether they report on it
def _field_name(kind: str, path: tuple) -> str:
    keys = ".".join(str(p) if not isinstance(p, int) else f"[{p + 1}]" for p in path).replace(".[", "[")
    title = subschema(kind, tuple(p for p in path if not isinstance(p, int))).get("title")
    return f"{keys}（{title}）" if title else keys


def schema_diagnostics(doc: Document, kind: str) -> list[Diagnostic]:
    if doc.data is None:
        return [Diagnostic(doc.file, 1, 1, Severity.ERROR, "schema.type", ARTICLE, "文件是空的：应为一条记录（键值对）。")]
    if certainly_valid(_CHECKS[kind], doc.data):
        return []
    found = []
    errors = list(_validator(kind).iter_errors(doc.data))
    # A value of the wrong type also fails its enum or pattern: say the first thing only.
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    for error in errors:
        if error.validator != "type" and tuple(error.absolute_path) in mistyped:
            continue
        if is_placeholder(error.instance):
            continue  # rules/placeholders.py says “仍是占位文字”, once
        found.extend(_diagnose(error, doc, kind))
    return sorted(set(found), key=Diagnostic.sort_key)


def _diagnose(error: ValidationError, doc: Document, kind: str) -> list[Diagnostic]:
    path = tuple(error.absolute_path)
    # propertyNames reports its inner keyword (enum) against the key itself; name it for what it is
    keyword = "propertyNames" if "propertyNames" in error.relative_schema_path else error.validator
    rule = RULE_OF_KEYWORD.get(keyword, "schema.type")

    def at(where: tuple, message: str, key: bool = True, rule: str = rule) -> Diagnostic:
        line, column = doc.locate(where, key=key)
        return Diagnostic(doc.file, line, column, Severity.ERROR, rule, ARTICLE, message)

    if keyword == "required":
        missing = re.match(r"^'(.+)' is a required property$", error.message)
        name = missing.group(1) if missing else str(error.validator_value)
        where = field_name(kind, path + (name,))
        parent = f"（在 {field_name(kind, path)} 中）" if path else ""
        return [at(path, f"缺少必填字段 {where}{parent}。")]
    if keyword == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        return [at(path + (extra,), f"未知字段 {extra}。{suggest(extra, error.schema)}", key=True)
                for extra in error.instance if extra not in known]
    if keyword == "propertyNames":
        kind_word = doc.data.get("kind") if isinstance(doc.data, dict) else ""
        name = error.instance
        allowed = error.validator_value
        hint = suggest(name, {"properties": {k: SCHEMAS[kind]["properties"].get(k, {}) for k in allowed}})
        return [at(path + (name,), f"“{kind_word}”公告不应有字段 {name}。{hint}", key=True)]
    name = field_name(kind, path) if path else "记录"
    value = _show(error.instance)
    if keyword == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        words = "或".join(TYPE_WORDS.get(t, t) for t in wanted if t != "null")
        if error.instance is None:
            return [at(path, f"{name} 不能为空，应为 {words}。", rule="schema.required")]
        hint = _type_hint(error.instance, wanted)
        return [at(path, f"{name} 应为 {words}，现在是“{value}”。{hint}")]
    if keyword in ("enum", "const"):
        options = error.validator_value if keyword == "enum" else [error.validator_value]
        return [at(path, f"{name} 的值“{value}”不在允许范围内，应为：{'、'.join(map(str, options))}。")]
    if keyword in ("pattern", "format"):
        description = error.schema.get("description", "")
        return [at(path, f"{name} 的值“{value}”格式不正确。{description}")]
    if keyword == "minLength":
        return [at(path, f"{name} 不能为空。")]
    if keyword == "minItems":
        return [at(path, f"{name} 至少要有 {error.validator_value} 项。")]
    if keyword in ("multipleOf", "maxDecimals"):
        return [at(path, f"{name} 为“{value}”：金额以万元计，最多保留 4 位小数。")]
    if keyword in ("minimum", "exclusiveMinimum"):
        return [at(path, f"{name} 为“{value}”，不能小于 {error.validator_value}。")]
    if keyword in ("maximum", "exclusiveMaximum"):
        return [at(path, f"{name} 为“{value}”，不能大于 {error.validator_value}。")]
    if keyword == "maxLength":
        return [at(path, f"{name} 过长，最多 {error.validator_value} 个字符。")]
    return [at(path, f"{name} 不符合要求：{error.message}")]


def _type_hint(value: Any, wanted: list[str]) -> str:
    if "boolean" in wanted and isinstance(value, str):
        return "请写 true 或 false（不要用 yes/no/on/off）。"
    if {"number", "integer"} & set(wanted) and isinstance(value, str):
        if re.fullmatch(r"0[0-9]+", value):
            return "整数不能以 0 开头。"
        if "万" in value or "元" in value:
            return "只写数字，单位固定为万元。"
        return "请只写阿拉伯数字（最多 4 位小数），不要加引号或单位。"
    if "string" in wanted and not isinstance(value, str):
        return "如需按原样保存，请给它加引号。"
    return ""


def _show(value: Any) -> str:
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def suggest(unknown: str, schema: dict) -> str:
    """“是否应为 title？”: the nearest known key, by spelling or by its Chinese title."""
    props: dict = schema.get("properties", {})
    for key, sub in props.items():
        title = sub.get("title", "")
        if title and (unknown == title or unknown in title or title in unknown):
            return f"是否应为 {key}（{title}）？"
    close = difflib.get_close_matches(unknown.lower(), list(props), n=1, cutoff=0.6)
    if close:
        title = props[close[0]].get("title", "")
        return f"是否应为 {close[0]}" + (f"（{title}）" if title else "") + "？"
    return "允许的字段：" + "、".join(props) + "。"
