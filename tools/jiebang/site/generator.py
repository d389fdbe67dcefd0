"""The generator that publishes the records: a Pelican `Generator`, registered through `get_generators`.

It does not push records through Pelican's ArticlesGenerator (far too slow for a national site):
each page is a `PageJob`, a pure function of its inputs (the views, the settings, the templates), so a
later step can skip unchanged pages or render them in parallel.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pelican.generators import Generator

from ..history.revisions import History, load_history
from ..records.content import load_tree
from ..records.diagnostics import Diagnostic, Severity
from ..records.schema import title_of
from ..rules.validate import check_tree
from . import feeds, opendata, searchpages, sitemap
from .markup import render_markdown
from .model import SiteData, build_site_data, cn_date, cn_dates, content_as_of, wan

logger = logging.getLogger(__name__)

DEFAULT_URLS = {"list": "lists/{id}/", "result": "results/{id}/", "industry": "industries/{slug}/", "year": "years/{year}/"}


def commit_url(settings: dict, sha: str | None) -> str:
    """The repository's page for a commit, when the site names its repository (JIEBANG_REPOSITORY_COMMIT_URL)."""
    pattern = settings.get("JIEBANG_REPOSITORY_COMMIT_URL")
    return pattern.format(commit=sha) if pattern and sha else ""


class ContentErrors(Exception):
    """The content has validation errors: nothing is published."""


@dataclass(frozen=True)
class PageJob:
    save_as: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def urls(settings: dict) -> dict[str, str]:
    return {**DEFAULT_URLS, **settings.get("JIEBANG_URLS", {})}


def page_jobs(site: SiteData, settings: dict, history: History | None = None) -> Iterator[PageJob]:
    pattern = urls(settings)
    timeline = history.timeline if history is not None and history.ok else (lambda record_id: [])
    yield PageJob("index.html", "home", {"page_name": "index", "column": "首页"})
    yield PageJob("lists/index.html", "lists", {"page_name": "lists", "column": "榜单", "lists": site.lists})
    yield PageJob("results/index.html", "results", {"page_name": "results", "column": "结果公告"})
    for view in site.lists:
        yield PageJob(view.url + "index.html", "list", {"page_name": view.url, "column": "榜单", "item": view,
                                                        "corrections": site.corrections_for(view.id),
                                                        "revisions": timeline(view.id)})
    for notice in site.results:
        rows = history.announced_changes(notice.id) if notice.kind == "更正公告" and history and history.ok else []
        yield PageJob(notice.url + "index.html", "result", {"page_name": notice.url, "column": "结果公告", "item": notice,
                                                            "revisions": timeline(notice.id), "correction_rows": rows})
    for name, slug in site.industries.items():
        url = pattern["industry"].format(slug=slug)
        yield PageJob(url + "index.html", "group", {"page_name": url, "column": "行业领域", "group_title": f"{name}领域榜单",
                                                    "lists": site.lists_in(name), "feed_slug": slug})
    for year in site.years():
        url = pattern["year"].format(year=year)
        yield PageJob(url + "index.html", "group", {"page_name": url, "column": "年度", "group_title": f"{year}年发布的榜单",
                                                    "lists": [v for v in site.lists if v.year == year]})
    yield PageJob("regulation/index.html", "regulation", {"page_name": "regulation/", "column": "管理办法"})
    yield PageJob("search/index.html", "search", {"page_name": "search/", "column": "搜索"})
    yield PageJob("data/index.html", "data", {"page_name": "data/", "column": "开放数据"})
    yield PageJob("404.html", "404", {"page_name": "404", "column": "页面未找到"})


class JiebangGenerator(Generator):
    """Reads the content tree once, refuses to publish content with errors, writes every page."""

    def generate_context(self) -> None:
        content = Path(self.path)
        tree, loading = load_tree(content)
        diagnostics = check_tree(tree, loading)
        errors = [d for d in diagnostics if d.severity == Severity.ERROR]
        if errors:
            raise ContentErrors("\n".join(d.as_text() for d in sorted(errors, key=Diagnostic.sort_key)))
        for warning in sorted(set(diagnostics), key=Diagnostic.sort_key):
            print(warning.as_text(), file=sys.stderr)  # shown, not logged: Pelican's warnings are fatal
        as_of = self.settings.get("JIEBANG_AS_OF") or content_as_of(content, tree)
        if isinstance(as_of, str):
            as_of = date.fromisoformat(as_of)
        self.tree = tree
        self.site = build_site_data(tree, urls(self.settings), as_of)
        # One walk of git's log for every record's revisions; outside git the site simply has none.
        # What it computed is kept under the cache folder: the next build reads only newer commits.
        cache = self.settings.get("JIEBANG_CACHE_PATH", "cache")
        self.history = load_history(content.parent, content.name, cache=content.parent / cache / "history" if cache else None)
        if not self.history.ok:
            logger.info("修订记录不可用：%s", self.history.warning)
        self.context["jiebang"] = self.site
        self.env.filters.update({"cn_date": cn_date, "cn_dates": cn_dates, "wan": wan, "markdown": render_markdown,
                                 "commit_url": lambda sha: commit_url(self.settings, sha)})
        self.env.globals.update({"URLS": urls(self.settings),
                                 "field_title": lambda kind, *path: title_of(kind, tuple(path))})

    def generate_output(self, writer) -> None:
        output = Path(self.output_path)
        saved = []
        for job in page_jobs(self.site, self.settings, self.history):
            writer.write_file(job.save_as, self.get_template(job.template), self.context, **job.context)
            saved.append(job.save_as)
        feeds.write_feeds(self.site, self.settings, output, self.history)
        opendata.write_open_data(self.site, self.tree, self.settings, output, self.history)
        self.history.close()
        searchpages.write_search_index(self.site, output)
        sitemap.write_sitemap(saved, self.settings, output, self.context, self.site, self.history)
