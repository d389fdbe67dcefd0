"""Placeholders left by `jiebang new` / `jiebang import`: a record still holding one is not finished."""

from __future__ import annotations

from ..records.content import Record
from ..records.placeholders import is_placeholder
from ..records.schema import field_name
from .privacy import strings
from .registry import RULES, Findings, record_check


@record_check()
def no_placeholders(record: Record, regulation, tree, findings: Findings) -> None:
    for path, text in strings(record.data):
        if is_placeholder(text):
            findings.add(RULES["schema.required"], record, path,
                         f"{field_name(record.kind, path)} 仍是占位文字“{text.strip()[:30]}”：请填写实际内容后再发布。")
