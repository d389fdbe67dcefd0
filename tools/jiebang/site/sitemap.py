"""sitemap.xml and robots.txt, from the same page jobs the generator wrote."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape


def write_sitemap(saved: list[str], settings: dict, output: Path, context: dict) -> None:
    """`saved`: the files the generator wrote, as its page jobs named them."""
    site_url = settings.get("SITEURL", "")
    urls = ["" if name == "index.html" else name.removesuffix("index.html") for name in saved if name != "404.html"]
    urls += [f"{page.url}" for page in context.get("pages", [])]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(site_url)}/{escape(url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    (output / "sitemap.xml").write_text("\n".join(lines) + "\n", "utf-8")
    (output / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {site_url}/sitemap.xml\n", "utf-8")
