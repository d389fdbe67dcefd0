"""sitemap.xml and robots.txt, from the same page jobs the generator wrote."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from .model import SiteData


def write_sitemap(site: SiteData, settings: dict, output: Path, context: dict) -> None:
    from .generator import page_jobs

    site_url = settings.get("SITEURL", "")
    urls = ["" if job.save_as == "index.html" else job.save_as.removesuffix("index.html")
            for job in page_jobs(site, settings) if job.save_as != "404.html"]
    urls += [f"{page.url}" for page in context.get("pages", [])]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(site_url)}/{escape(url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    (output / "sitemap.xml").write_text("\n".join(lines) + "\n", "utf-8")
    (output / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {site_url}/sitemap.xml\n", "utf-8")
