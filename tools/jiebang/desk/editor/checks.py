"""The live checks: the record as typed, checked by `jiebang validate`'s own code over the whole tree
(rules/validate.check_draft), each finding tied to the form field it is about."""

from __future__ import annotations

import re
from pathlib import Path

from ...records.diagnostics import Diagnostic, display_path
from ...records.load import parse_document
from ...records.schema import SCHEMAS
from ...rules.validate import check_draft
from .saving import SaveError, record_text


def draft_findings(root: Path, rel: str, kind: str, old_text: str | None, old: dict, new: dict) -> list[dict]:
    """What `jiebang validate` would report if the form were saved: as JSON objects (the DESIGN.md keys)
    with `field`, the form name of the field a finding is about ("" for the record as a whole)."""
    try:
        text = record_text(kind, old_text, old, new)
    except SaveError as exc:
        return [
            {
                "file": rel,
                "line": 0,
                "column": 0,
                "severity": "error",
                "rule": "yaml.syntax",
                "article": "robustness",
                "message": str(exc),
                "field": "",
            }
        ]
    raw = text.encode("utf-8")
    found = check_draft(root, rel, raw)
    shown = display_path(root / rel)
    lines = _field_lines(raw, shown, kind)
    out = []
    for finding in found:
        item = finding.as_json()
        item["field"] = _field_at(lines, finding) if finding.file == shown else ""
        item["here"] = finding.file == shown
        out.append(item)
    return out


def _field_lines(raw: bytes, file: str, kind: str) -> list[tuple[int, str]]:
    """(line, form name) of every key in the text, in line order."""
    doc, _ = parse_document(raw, file, SCHEMAS[kind])
    if doc is None:
        return []
    pairs = [
        (line, ".".join(str(step) for step in path)) for path, (line, _) in doc.key_positions.items() if path
    ]
    return sorted(pairs)


_MISSING = re.compile(r"字段 ([A-Za-z_][A-Za-z_.0-9]*)")


def _field_at(lines: list[tuple[int, str]], finding: Diagnostic) -> str:
    """The deepest field whose key is on the finding's line, else the last one above it. A missing
    field is reported at its parent mapping's first key: the field is the one the message names."""
    here = [name for line, name in lines if line == finding.line]
    if here and finding.rule == "schema.required" and (missing := _MISSING.search(finding.message)):
        if "." in missing[1]:
            return missing[1]  # the message names the whole path
        first = min(here, key=lambda n: n.count("."))
        parent = first.rsplit(".", 1)[0] + "." if "." in first else ""
        return parent + missing[1]
    if here:
        return max(here, key=lambda n: n.count("."))
    above = [name for line, name in lines if line < finding.line]
    return above[-1] if above else ""
