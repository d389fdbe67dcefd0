"""Hypothesis strategies for records, drawn from our JSON Schemas (tools/jiebang/schemas/).

hypothesis-jsonschema would do this, but its last release (0.23.1, 2024) fails on the Hypothesis of
today (`'many' object has no attribute 'more'`), and it knows neither our `maxDecimals` nor the
`if kind … then` branches the result schema is made of. This covers exactly the keywords our schemas
use; `test_every_schema_keyword_is_understood` fails when a schema starts using another one.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

from hypothesis import strategies as st

# Keywords the strategy follows, and those it may ignore (annotations).
HANDLED = {"type", "properties", "required", "additionalProperties", "enum", "const", "pattern", "minLength",
           "maxLength", "minimum", "maximum", "maxDecimals", "items", "minItems", "format", "allOf", "if",
           "then", "propertyNames"}
ANNOTATIONS = {"$schema", "$id", "title", "description", "examples", "default"}

# Text as a clerk's record holds it, with what an attacker adds: markup, hidden and direction characters.
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
TEXT = st.text(
    st.one_of(
        CJK,
        st.sampled_from(list("abcXYZ0123456789 ，。：；、（）《》〔〕“”-—_.@#*&<>[]()!|`~\\/\n\t%+")),
        st.sampled_from(["\u200b", "\u202e", "\u2066", "\ufeff", "\u3000", "Ａ", "１", "é"]),
    ),
    min_size=0, max_size=60,
)


def schema(kind: str) -> dict:
    return json.loads(resources.files("jiebang.schemas").joinpath(f"{kind}.schema.json").read_text("utf-8"))


def keywords(node: Any) -> set[str]:
    """Every keyword a schema uses (property names excluded)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ANNOTATIONS:
                found.add(key)
                continue
            found.add(key)
            if key == "properties":
                for sub in value.values():
                    found |= keywords(sub)
            else:
                found |= keywords(value)
    elif isinstance(node, list):
        for item in node:
            found |= keywords(item)
    return found


def _string(node: dict) -> st.SearchStrategy[str]:
    if node.get("format") == "date":
        return st.dates(date(1990, 1, 1), date(2040, 12, 31)).map(date.isoformat)
    if "pattern" in node:
        return st.from_regex(node["pattern"], fullmatch=True)
    low, high = node.get("minLength", 0), node.get("maxLength")
    # minLength counts after trimming in our schema check: begin with that many CJK characters.
    text = st.builds(str.__add__, st.text(CJK, min_size=low, max_size=low), TEXT) if low else TEXT
    return text.map(lambda s: s[:high]) if high is not None else text


def _number(node: dict, kind: str) -> st.SearchStrategy:
    low, high = node.get("minimum"), node.get("maximum")
    if kind == "integer":
        return st.integers(int(low) if low is not None else -10, int(high) if high is not None else 10_000)
    places = node.get("maxDecimals", 4)
    decimals = st.decimals(Decimal(str(low if low is not None else -1000)), Decimal(str(high if high is not None else 10_000)),
                           places=places, allow_nan=False, allow_infinity=False)
    # YAML holds a plain number: an int where it is whole, else a float with at most `places` decimals.
    return decimals.map(lambda d: int(d) if d == d.to_integral_value() else float(d))


def from_node(node: dict) -> st.SearchStrategy:
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    types = node.get("type", "object")
    if isinstance(types, list):
        return st.one_of([from_node({**node, "type": t}) for t in types])
    if types == "null":
        return st.none()
    if types == "boolean":
        return st.booleans()
    if types in ("integer", "number"):
        return _number(node, types)
    if types == "string":
        return _string(node)
    if types == "array":
        return st.lists(from_node(node.get("items", {"type": "string"})), min_size=node.get("minItems", 0), max_size=3)
    return _object(node)


def _object(node: dict, required: set[str] | None = None, allowed: set[str] | None = None,
            overrides: dict | None = None) -> st.SearchStrategy[dict]:
    properties = {**node.get("properties", {}), **(overrides or {})}
    required = set(node.get("required", [])) | (required or set())
    names = [name for name in properties if allowed is None or name in allowed]

    @st.composite
    def draw(draw_) -> dict:
        out = {}
        for name in names:
            if name in required or draw_(st.booleans()):
                out[name] = draw_(from_node(properties[name]))
        return out

    return draw()


def record(kind: str) -> st.SearchStrategy[dict]:
    """A record of `kind` ("list" or "result") that its schema accepts."""
    top = schema(kind)
    branches = [part for part in top.get("allOf", []) if "if" in part]
    if not branches:
        return _object(top)

    def of_kind(part: dict) -> st.SearchStrategy[dict]:
        then = part["then"]
        const = part["if"]["properties"]["kind"]["const"]
        overrides = {**then.get("properties", {}), "kind": {"const": const}}
        return _object(top, set(then.get("required", [])), set(then["propertyNames"]["enum"]), overrides)

    return st.one_of([of_kind(part) for part in branches])
