"""Markdown → safe HTML. The validator already refuses raw HTML; nh3 sanitises anyway, because a
bulletin board must not trust its input twice removed."""

from __future__ import annotations

from functools import lru_cache

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
                "table", "thead", "tbody", "tr", "th", "td", "hr", "sup", "sub", "del"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}

_md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


@lru_cache(maxsize=4096)
def render_markdown(text: str | None) -> str:
    """Cached: a notice's body is shown on its page, in feeds and in its list's feeds."""
    if not text:
        return ""
    _md.reset()
    # Headings in a record are sub-headings of the field they sit in: shift them below the page's h2.
    html = _md.convert(text).replace("<h1", "<h3").replace("</h1>", "</h3>").replace("<h2", "<h4").replace("</h2>", "</h4>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer")
