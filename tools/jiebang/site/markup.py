"""Markdown → safe HTML, the only HTML from content that a page prints unescaped.

The validator already refuses raw HTML and unsafe links in Markdown; nh3 sanitises anyway, because a
bulletin board must not trust its input twice removed, and the site must be safe whether or not the
validator ran. What leaves this module is `Markup`: clean by construction, so templates print it as is.
"""

from __future__ import annotations

from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
                "table", "thead", "tbody", "tr", "th", "td", "hr", "sup", "sub", "del"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
# Static pages (content/pages) are written by the bureau, not copied from forms, but pass the same
# cleaner: they may use the headings a page needs and images of this site.
PAGE_TAGS = ALLOWED_TAGS | {"h2", "img", "dl", "dt", "dd"}
PAGE_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "width", "height"}, "h2": {"id"}, "h3": {"id"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


def clean_html(html: str, tags: set[str] = ALLOWED_TAGS, attributes: dict = ALLOWED_ATTRIBUTES) -> Markup:
    """nh3 keeps only the listed elements and attributes and http/https/mailto links: safe to print."""
    cleaned = nh3.clean(html, tags=tags, attributes=attributes, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")
    # Safe: the nh3.clean call above, with this module's allow-lists, has removed every element,
    # attribute and URL scheme not listed in them. This is the one Markup() of the site's code.
    return Markup(cleaned)


def clean_page(html: str | None) -> Markup:
    """A static page's HTML as Pelican's Markdown reader made it, cleaned like record text."""
    return clean_html(html or "", PAGE_TAGS, PAGE_ATTRIBUTES)


@lru_cache(maxsize=4096)
def render_markdown(text: str | None) -> Markup:
    """Cached: a notice's body is shown on its page, in feeds and in its list's feeds."""
    if not text:
        return clean_html("")
    _md.reset()
    # Headings in a record are sub-headings of the field they sit in: shift them below the page's h2.
    html = _md.convert(text).replace("<h1", "<h3").replace("</h1>", "</h3>").replace("<h2", "<h4").replace("</h2>", "</h4>")
    return clean_html(html)
