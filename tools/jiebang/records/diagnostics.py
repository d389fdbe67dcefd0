"""Diagnostics: what a check found, where, under which rule and article.

The JSON form (`file, line, column, severity, rule, article, message`) is an interface others script
against (DESIGN.md); keep its keys exactly.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from .hidden import HIDDEN_CHARS


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
        return {"file": self.file, "line": self.line, "column": self.column, "severity": str(self.severity),
                "rule": self.rule, "article": self.article, "message": self.message}

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


def display_below(root: Path, rel: str) -> str:
    """display_path(root / rel), for `rel` a path below `root` with "/": the root's part is worked out
    once per root and working directory, since a national tree's findings name ten thousand files and
    relpath costs more than the rest of the finding. The two agree because relpath is lexical; where the
    root is not below the working directory, relpath may climb back into it, so it is asked."""
    if os.sep != "/" or rel.startswith(("/", "./", "../")) or "/./" in rel or "/../" in rel or "//" in rel:
        return display_path(root / rel)
    base = _display_root(os.fspath(root), os.getcwd())
    if base == ".." or base.startswith(("../", "/")):
        return display_path(root / rel)
    return rel if base == "." else f"{base}/{rel}"


@lru_cache(maxsize=64)
def _display_root(root: str, cwd: str) -> str:  # cwd: only in the key, as relpath reads it itself
    return display_path(Path(root))


_INVISIBLE = re.compile(f"[\\x00-\\x1f\\x7f{HIDDEN_CHARS}]")  # the same characters the rules see through


def visible(text: str) -> str:
    """Invisible characters shown as \\uXXXX (\\UXXXXXXXX beyond the first plane) so a reader can see
    they are there."""
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) <= 0xFFFF
                          else f"\\U{ord(m.group()):08x}", text)


# What one record's own checks found, as a record and the record cache keep it (rules/validate.py makes
# it): (digest of the regulation version it was checked against, its schema diagnostics, its record
# checks' diagnostics), each diagnostic as a `Row`. A plain tuple: ninety thousand of them are loaded on
# every warm run.
RecordFindings = tuple[str, tuple, tuple]
Row = tuple[int, int, str, str, str, str]  # line, column, severity, rule, article, message: no file


def to_rows(diagnostics: list[Diagnostic]) -> tuple[Row, ...]:
    return tuple((d.line, d.column, str(d.severity), d.rule, d.article, d.message) for d in diagnostics)


def from_rows(file: str, rows: tuple[Row, ...]) -> list[Diagnostic]:
    """The diagnostics again, naming `file` as the record is shown now."""
    return [Diagnostic(file, line, column, Severity(severity), rule, article, message)
            for line, column, severity, rule, article, message in rows]
