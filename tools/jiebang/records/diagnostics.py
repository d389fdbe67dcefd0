"""Diagnostics: what a check found, where, under which rule and article.

The JSON form (`file, line, column, severity, rule, article, message`) is an interface others script
against (DESIGN.md); keep its keys exactly.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


SEVERITY_WORD = {Severity.ERROR: "错误", Severity.WARNING: "警告"}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int  # 1-based; 0 when the finding concerns the whole file
    column: int  # 1-based; 0 when unknown
    severity: Severity
    rule: str
    article: str
    message: str

    def __post_init__(self) -> None:
        # Zero-width and bidi characters echoed raw would make two names look alike, or reorder the message.
        object.__setattr__(self, "message", visible(self.message))

    def as_json(self) -> dict:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def as_text(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {SEVERITY_WORD[self.severity]} [{self.rule}] {self.message}"

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule, self.message)


def display_path(path: Path) -> str:
    """Paths in messages: relative to the working directory where possible, as a compiler prints them."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


_INVISIBLE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """Invisible characters shown as \\uXXXX so a reader can see they are there."""
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
