"""The measures' numbers as data: one YAML file per version, chosen by effective date.

Another city's bureau runs the same code under its own measures by changing these files, not code.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, display_path
from .load import parse_document, read_bytes
from .schema import SCHEMAS, schema_diagnostics


@dataclass(frozen=True)
class Regulation:
    """One version of the measures: every number with the article it comes from."""

    effective: date
    file: str
    data: dict[str, Any]
    digest: str = ""  # sha256 of the file's bytes: a record checked against another version is checked again

    def value(self, name: str) -> Any:
        return self.data[name]["value"]

    def article(self, name: str) -> str:
        return self.data[name]["article"]

    def number(self, name: str) -> Decimal:
        return Decimal(str(self.value(name)))

    @property
    def title(self) -> str:
        return self.data.get("title", "")


class Regulations:
    """All versions, so that a record is checked against the one in force on its own date."""

    def __init__(self, versions: list[Regulation]):
        self.versions = sorted(versions, key=lambda r: r.effective)
        self._dates = [r.effective for r in self.versions]

    def __bool__(self) -> bool:
        return bool(self.versions)

    def in_force(self, on: date | None) -> Regulation:
        """The version in force on `on`; before the first version, the first (the measures apply
        from their own issue, and a record dated earlier is still checked against something)."""
        if on is None:
            return self.versions[-1]
        index = bisect.bisect_right(self._dates, on) - 1
        return self.versions[max(index, 0)]

    @property
    def latest(self) -> Regulation:
        return self.versions[-1]


def load_regulations(folder: Path) -> tuple[Regulations, list[Diagnostic]]:
    versions, diagnostics = [], []
    for path in sorted(folder.glob("*.yaml")):
        shown = display_path(path)
        raw, _, problem = read_bytes(path, shown)
        doc, problems = parse_document(raw, shown, SCHEMAS["regulation"]) if raw is not None else (None, [problem])
        diagnostics += problems
        if doc is None or problems:
            continue
        errors = schema_diagnostics(doc, "regulation")
        diagnostics += errors
        if errors:
            continue
        versions.append(Regulation(date.fromisoformat(doc.data["effective"]), shown, doc.data,
                                   hashlib.sha256(raw).hexdigest()))
    return Regulations(versions), diagnostics

