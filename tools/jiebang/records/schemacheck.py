"""A compiled yes/no answer to “does this record satisfy its JSON Schema?”, for the common case.

jsonschema walks the schema anew for every record, building an evolved validator per keyword: that
was half of `jiebang validate`'s time, to learn, for nearly every record, that nothing is wrong. This
module turns a schema once into nested closures that answer the same question in a few microseconds.
Only the answer “valid” is used on its own; anything else goes to jsonschema, which then says what is
wrong and where, exactly as before. So the closures must never say valid where jsonschema finds an
error: each keyword below copies jsonschema 4's own test (jsonschema/_keywords.py, _types.py,
_format.py), a keyword or value it does not model raises `Unsupported` when compiling (the schema is
then always left to jsonschema), and an instance it cannot decide exactly raises `Unsure`.
tests/test_fast_paths.py checks the two agree on the samples, the bad corpus and mutated records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from numbers import Number
from typing import Any

Check = Callable[[Any], bool]


class Unsupported(Exception):
    """A keyword or value not modelled here: jsonschema checks every record of this schema."""


class Unsure(Exception):
    """An instance the closures cannot decide exactly: jsonschema decides."""


# Keywords that annotate and never fail.
ANNOTATIONS = frozenset({"title", "description", "$schema", "$id", "$comment", "default", "examples",
                         "deprecated", "readOnly", "writeOnly"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # jsonschema's _format._RE_DATE


def compile_schema(schema: Any) -> Check:
    """The schema as one function: instance → True (valid) or False; may raise Unsure."""
    if schema is True:
        return _always
    if schema is False:
        return _never
    if not isinstance(schema, dict):
        raise Unsupported(f"schema {schema!r}")
    checks = [_keyword(keyword, value, schema) for keyword, value in schema.items() if keyword not in ANNOTATIONS]
    checks = [check for check in checks if check is not _always]
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _number(value: Any) -> bool:  # _types.is_number: bool is not a number
    return isinstance(value, Number) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),  # _types.is_integer
    "number": _number,
}


def _keyword(keyword: str, value: Any, schema: dict) -> Check:  # noqa: C901 - one branch per keyword
    if keyword == "type":
        names = [value] if isinstance(value, str) else list(value)
        if any(name not in _TYPES for name in names):
            raise Unsupported(f"type {value!r}")
        tests = [_TYPES[name] for name in names]
        return tests[0] if len(tests) == 1 else (lambda v: any(test(v) for test in tests))
    if keyword in ("enum", "const"):
        return _enum(value if keyword == "enum" else [value])
    if keyword == "required":
        names = tuple(value)
        return lambda v: not isinstance(v, dict) or all(name in v for name in names)
    if keyword == "properties":
        subs = [(name, compile_schema(sub)) for name, sub in value.items()]
        return lambda v: not isinstance(v, dict) or all(check(v[name]) for name, check in subs if name in v)
    if keyword == "additionalProperties":
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        known = frozenset(schema.get("properties", {}))
        extra = compile_schema(value)
        return lambda v: not isinstance(v, dict) or all(extra(v[name]) for name in v if name not in known)
    if keyword == "propertyNames":
        check = compile_schema(value)
        return lambda v: not isinstance(v, dict) or all(check(name) for name in v)
    if keyword == "items":
        if "prefixItems" in schema:
            raise Unsupported("prefixItems")
        check = compile_schema(value)
        return lambda v: not isinstance(v, list) or all(check(item) for item in v)
    if keyword in ("minItems", "maxItems", "minLength", "maxLength"):
        return _length(keyword, value)
    if keyword == "pattern":
        search = re.compile(value).search  # jsonschema: re.search(pattern, instance)
        return lambda v: not isinstance(v, str) or search(v) is not None
    if keyword == "format":
        if value != "date":
            raise Unsupported(f"format {value!r}")
        return _date
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return _bound(keyword, value)
    if keyword == "maxDecimals":  # ours (records/schema.py)
        return _max_decimals(value)
    if keyword == "allOf":
        subs = [compile_schema(sub) for sub in value]
        return lambda v: all(check(v) for check in subs)
    if keyword == "if":
        condition = compile_schema(value)
        then, otherwise = compile_schema(schema.get("then", True)), compile_schema(schema.get("else", True))
        return lambda v: then(v) if condition(v) else otherwise(v)
    if keyword in ("then", "else"):
        return _always  # applied by "if"; without it they do nothing
    raise Unsupported(keyword)


def _enum(options: list) -> Check:
    # jsonschema's _utils.equal: a string equals only an equal string; a number (never a bool) equals
    # an equal number. Other mixtures are left to jsonschema.
    if all(isinstance(option, str) for option in options):
        allowed = frozenset(options)
        return lambda v: isinstance(v, str) and v in allowed
    if all(_number(option) for option in options):
        numbers = tuple(options)

        def numeric(v: Any) -> bool:
            if isinstance(v, str) or v is None or isinstance(v, dict | list):
                return False
            if not _number(v):
                raise Unsure
            return any(v == option for option in numbers)

        return numeric

    def mixed(v: Any) -> bool:
        raise Unsure

    return mixed


def _length(keyword: str, limit: int) -> Check:
    kind = list if keyword.endswith("Items") else str
    if keyword.startswith("min"):
        return lambda v: not isinstance(v, kind) or len(v) >= limit
    return lambda v: not isinstance(v, kind) or len(v) <= limit


def _date(v: Any) -> bool:  # _format.is_date, which FormatChecker calls with raises=ValueError
    if not isinstance(v, str):
        return True
    if not _DATE.fullmatch(v):
        return False
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _bound(keyword: str, limit: Any) -> Check:
    if keyword == "minimum":
        return lambda v: not _number(v) or v >= limit
    if keyword == "maximum":
        return lambda v: not _number(v) or v <= limit
    if keyword == "exclusiveMinimum":
        return lambda v: not _number(v) or v > limit
    return lambda v: not _number(v) or v < limit


def _max_decimals(places: int) -> Check:
    def check(v: Any) -> bool:
        if not isinstance(v, Decimal):
            return True
        exponent = v.as_tuple().exponent
        if not isinstance(exponent, int):
            raise Unsure  # NaN or Infinity: jsonschema's answer (an exception) is its own to give
        return exponent >= -places

    return check


def compile_or_none(schema: Any) -> Check | None:
    try:
        return compile_schema(schema)
    except Unsupported:
        return None


def certainly_valid(check: Check | None, instance: Any) -> bool:
    """True only when the compiled check is sure the instance is valid."""
    if check is None:
        return False
    try:
        return check(instance)
    except Exception:  # Unsure, or a comparison that raised: jsonschema decides
        return False
