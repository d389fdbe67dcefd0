"""Reporters: they only format; the exit code is set by the command."""

from __future__ import annotations

import json

from .validate import Report


def as_text(report: Report) -> str:
    lines = [d.as_text() for d in report.diagnostics]
    summary = f"检查了 {report.files} 个文件：{report.errors} 个错误，{report.warnings} 个警告。"
    return "\n".join(lines + [summary]) + "\n"


def as_json(report: Report) -> str:
    return json.dumps([d.as_json() for d in report.diagnostics], ensure_ascii=False, indent=2) + "\n"
