"""The editor's HTML: Jinja2 templates beside this module, autoescaped (text is only ever text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ...site.model import cn_dates

HERE = Path(__file__).resolve().parent
_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["cn_dates"] = cn_dates  # the review says a change as the site's 修订记录 does


def render(name: str, **context: Any) -> bytes:
    return _env.get_template(name).render(**context).encode("utf-8")


STATIC = {"editor.js": "text/javascript; charset=utf-8", "editor.css": "text/css; charset=utf-8"}


def static(name: str) -> tuple[bytes, str] | None:
    if name not in STATIC:
        return None
    return (HERE / "static" / name).read_bytes(), STATIC[name]
