"""Forms from the JSON Schemas: which input each field gets, and the typed record a submitted form means.

Everything a label, a help text, a choice or a limit says comes from the schema (`title`,
`description`, `enum`, `format`, `type`) or from the regulation in force (the 字数 limits); nothing
about a field is written here. A form field is named by its path: `demander.name`,
`indicators.2.target`, `peers.0`. A list sends `<name>.__list__` as well, so an emptied list is seen.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

LIST_MARK = "__list__"
NEW_INDEX = "__i__"  # the index in a blank item's names, replaced by the page's script when added
_INT = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


@dataclass
class Field:
    name: str  # the form name (the path, dotted)
    key: str | int
    title: str
    description: str
    widget: str  # text | markdown | select | date | money | integer | number | group | list
    required: bool = False
    value: str = ""  # a scalar's text as the input shows it
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label) of a select
    limit: int | None = None  # 字数 limit (the regulation's text_limits)
    children: list[Field] = field(default_factory=list)  # a group's fields, a list's items
    blank: Field | None = None  # a list's new item
    columns: list[Field] = field(default_factory=list)  # a list of mappings: its item's fields
    suggestions: list[str] = field(default_factory=list)  # values the regulation lists (行业, 县区)
    reshapes: bool = False  # its value decides which fields the record has: the form is drawn again

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def kind_properties(schema: dict, kind_value: str | None) -> dict:
    """The properties a record may have: for a notice, those its kind allows (`propertyNames` of the
    schema's `allOf` entry for that kind), with that entry's overrides."""
    props = schema.get("properties", {})
    for rule in schema.get("allOf", []):
        if rule.get("if", {}).get("properties", {}).get("kind", {}).get("const") == kind_value:
            then = rule.get("then", {})
            allowed = then.get("propertyNames", {}).get("enum") or list(props)
            overrides = then.get("properties", {})
            return {key: {**props[key], **overrides.get(key, {})} for key in props if key in allowed}
    return props


def switches(schema: dict) -> set[str]:
    """The keys whose value decides which fields a record has: those the `if` of an `allOf` entry
    tests (a notice's `kind`)."""
    return {key for rule in schema.get("allOf", []) for key in rule.get("if", {}).get("properties", {})}


def required_of(schema: dict, kind_value: str | None) -> set[str]:
    required = set(schema.get("required", []))
    for rule in schema.get("allOf", []):
        if rule.get("if", {}).get("properties", {}).get("kind", {}).get("const") == kind_value:
            required |= set(rule.get("then", {}).get("required", []))
    return required


def _types(node: dict) -> set[str]:
    types = node.get("type", "string")
    return {types} if isinstance(types, str) else set(types)


def is_markdown(node: dict) -> bool:
    return "Markdown" in node.get("description", "")  # the schemas say which texts are Markdown


def widget_of(key: str | int, node: dict) -> str:
    types = _types(node) - {"null"}
    if "enum" in node or types == {"boolean"}:
        return "select"
    if "object" in types:
        return "group"
    if "array" in types:
        return "list"
    if node.get("format") == "date":
        return "date"
    if types == {"integer"}:
        return "integer"
    if types == {"number"}:
        return "money" if str(key).endswith("_wan") else "number"  # the schemas name every 万元 amount *_wan
    return "markdown" if is_markdown(node) else "text"


def shown(value: Any) -> str:
    """A scalar as its input shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def build_fields(
    schema: dict, data: dict, limits: dict | None = None, suggestions: dict[str, list[str]] | None = None
) -> list[Field]:
    """The form of a record: one Field per property the record may have, holding its current value.
    `limits`: 字数 limits by key; `suggestions`: values offered by key (the regulation's lists)."""
    props = kind_properties(schema, data.get("kind"))
    required = required_of(schema, data.get("kind"))
    context = {"limits": limits or {}, "suggestions": suggestions or {}}
    made = [_field(key, node, data.get(key), key, key in required, context) for key, node in props.items()]
    for top in made:
        top.reshapes = top.key in switches(schema)
    return made


def _field(key: str | int, node: dict, value: Any, name: str, required: bool, context: dict) -> Field:
    widget = widget_of(key, node)
    made = Field(name, key, node.get("title", str(key)), node.get("description", ""), widget, required)
    if widget == "select":
        choices = node.get("enum") or [True, False]
        made.options = [(shown(v), ("是" if v else "否") if isinstance(v, bool) else str(v)) for v in choices]
        made.value = shown(value)
    elif widget == "group":
        sub_required = set(node.get("required", []))
        value = value if isinstance(value, dict) else {}
        made.children = [
            _field(k, sub, value.get(k), f"{name}.{k}", k in sub_required, context)
            for k, sub in node.get("properties", {}).items()
        ]
    elif widget == "list":
        items = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
        label = items.get("title") or made.title
        values = value if isinstance(value, list) else []
        made.children = [
            _field(i, {**items, "title": label}, item, f"{name}.{i}", False, context)
            for i, item in enumerate(values)
        ]
        made.blank = _field(NEW_INDEX, {**items, "title": label}, None, f"{name}.{NEW_INDEX}", False, context)
        made.columns = made.blank.children
    else:
        made.value = shown(value)
        made.limit = context["limits"].get(key) if isinstance(key, str) else None
        made.suggestions = list(context["suggestions"].get(key, [])) if isinstance(key, str) else []
    return made


# --------------------------------------------------------------------------- a submitted form → a record

_EMPTY = object()


def apply_form(schema: dict, old: dict, pairs: list[tuple[str, str]]) -> dict:
    """The record `old` with the submitted fields put in. Keys the form does not show (unknown keys,
    another kind's fields) are kept as they were, except the fields of the kind a notice had before
    its kind was changed; an input left empty removes its key, so the schema's `required` reports it;
    text that does not fit its type stays text, for the schema to report."""
    raw: dict = {}
    for name, text in pairs:
        steps = name.split(".")
        if not steps or steps[0] in ("token", "base", "file", "") or NEW_INDEX in steps:
            continue
        node = raw
        for step in steps[:-1]:
            node = node.setdefault(step, {})
            if not isinstance(node, dict):
                break
        else:
            node[steps[-1]] = text
    new = copy.deepcopy(old)
    _apply_mapping(new, kind_properties(schema, raw.get("kind", old.get("kind"))), raw)
    _drop_old_kind(new, schema, old.get("kind"))
    return new


def _drop_old_kind(record: dict, schema: dict, before: Any) -> None:
    """A notice given another kind loses the fields only its old kind has: the form shows them no more,
    and kept they would be unknown fields that no input could remove. A field both kinds have loses a
    choice the new kind does not offer (a 中期评估's 继续支持 is no 验收 conclusion): its select shows
    none, and the check says the field is to be chosen."""
    if record.get("kind") == before or before is None:
        return
    now = kind_properties(schema, record.get("kind"))
    for key in kind_properties(schema, before):
        choices = now[key].get("enum") if key in now else None
        if key not in now or (choices is not None and record.get(key) not in choices):
            record.pop(key, None)


def _apply_mapping(target: dict, props: dict, raw: dict) -> None:
    for key, sent in raw.items():
        if key not in props:
            continue
        value = _value(props[key], key, target.get(key), sent)
        if value is _EMPTY:
            if target.get(key, _EMPTY) is not None:  # an empty group stays null where it was null
                target.pop(key, None)
        else:
            target[key] = value


def _value(node: dict, key: str | int, old: Any, sent: Any) -> Any:
    widget = widget_of(key, node)
    if widget == "group":
        if not isinstance(sent, dict):
            return _EMPTY
        mapping = dict(old) if isinstance(old, dict) else {}
        _apply_mapping(mapping, node.get("properties", {}), sent)
        return mapping or _EMPTY
    if widget == "list":
        if not isinstance(sent, dict):
            return _EMPTY
        items = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
        olds = old if isinstance(old, list) else []
        made = []
        for index in sorted((k for k in sent if k.isdigit()), key=int):
            before = olds[int(index)] if int(index) < len(olds) else None
            item = _value(items, int(index), before, sent[index])
            if item is not _EMPTY:
                made.append(item)
        return made or _EMPTY
    if not isinstance(sent, str):
        return _EMPTY
    return scalar(node, widget, sent)


def scalar(node: dict, widget: str, text: str) -> Any:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if widget != "markdown":
        text = text.strip()
    elif not text.strip():
        text = ""
    if text == "":
        return _EMPTY
    types = _types(node)
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "integer" in types and _INT.fullmatch(text):
        return int(text)
    if "number" in types and _DECIMAL.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    if widget == "markdown" and not text.endswith("\n"):
        text += "\n"  # a block scalar ends with its line, as the scaffold writes it
    return text
