"""The visible marker `new` and `import` leave where a clerk still has to write something.

One definition, shared by the scaffold that writes placeholders, the rule that refuses to publish
them, and the exporter that leaves them out.
"""

from __future__ import annotations

from typing import Any

PLACEHOLDER_MARK = "（请填写"


def placeholder(what: str = "") -> str:
    """The visible marker for a value the editor still has to fill in."""
    return f"{PLACEHOLDER_MARK}：{what}）" if what else f"{PLACEHOLDER_MARK}）"


def is_placeholder(value: Any) -> bool:
    # Asked of every text in every record: look for the mark before copying the text to strip it.
    return isinstance(value, str) and PLACEHOLDER_MARK in value and value.strip().startswith(PLACEHOLDER_MARK)
