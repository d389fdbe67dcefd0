"""sitemap.xml and robots.txt, from the same page jobs the generator wrote.

List and notice pages carry `<lastmod>`: the day git last changed the record (for a list, the list or
any of its notices, since its page shows them), the same date the feeds give as `updated`.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from .feeds import list_page_updated, updated_on
from .outputcache import OutputCache


def last_modified(site, history=None) -> dict[str, str]:
    """Page URL → its lastmod (W3C date), for every list and notice page."""
    if site is None:
        return {}
    found = {view.url: list_page_updated(view, history).isoformat() for view in site.lists}
    found |= {notice.url: updated_on(notice, history).isoformat() for notice in site.results}
    return found


def write_sitemap(saved: list[str], settings: dict, output: Path, context: dict, site=None, history=None,
                  cache: OutputCache | None = None) -> None:
    """`saved`: the files the generator wrote, as its page jobs named them."""
    cache = cache or OutputCache.disabled()
    site_url = settings.get("SITEURL", "")
    urls = ["" if name == "index.html" else name.removesuffix("index.html") for name in saved if name != "404.html"]
    urls += [f"{page.url}" for page in context.get("pages", [])]
    lastmod = last_modified(site, history)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url in urls:
        day = f"<lastmod>{lastmod[url]}</lastmod>" if url in lastmod else ""
        lines.append(f"  <url><loc>{escape(site_url)}/{escape(url)}</loc>{day}</url>")
    lines.append("</urlset>")
    cache.write_plain(output, "sitemap.xml", ("\n".join(lines) + "\n").encode("utf-8"))
    cache.write_plain(output, "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site_url}/sitemap.xml\n".encode())
