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
from ..history.steps import Timeline
from ..records.collector import settle
from ..records.content import load_tree
from ..records.diagnostics import Diagnostic, Severity
from ..records.lifecycle import OPEN
from ..records.schema import title_of
from ..rules.validate import check_tree, open_cache
from . import feeds, opendata, searchpages, sitemap, slugs, templatecache
from .cachekeys import code_version, digest_of, settings_digest
from .fingerprints import Fingerprints
from .listings import facets, listings
from .markup import render_markdown
from .model import SiteData, build_site_data, cn_date, cn_dates, content_as_of, wan
from .outputcache import OutputCache
from .pagination import page_size, paginate
from .rendering import apart, render_pages

logger = logging.getLogger(__name__)

DEFAULT_URLS = {"list": "lists/{id}/", "result": "results/{id}/", "industry": "industries/{slug}/", "year": "years/{year}/",
                "status": "status/{slug}/", "county": "counties/{slug}/"}


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


LATEST_NOTICES = 8  # on the home page


def page_jobs(site: SiteData, settings: dict, history: History | None = None) -> Iterator[PageJob]:
    """Every page, each with all its template needs in its context (the items it shows, its pager, the
    facets it lists): a page depends on nothing else but the settings."""
    pattern = urls(settings)
    timeline = history.lazy_timeline if history is not None and history.ok else (lambda record_id: [])
    size = page_size(settings)
    browse = facets(site, pattern)
    open_lists = site.open_lists
    yield PageJob("index.html", "home", {"page_name": "index", "column": "首页", "as_of": site.as_of,
                                         "open_lists": open_lists[:size], "open_total": len(open_lists),
                                         "open_url": pattern["status"].format(slug=site.status_slugs[OPEN]),
                                         "latest": site.results[:LATEST_NOTICES], "industries": browse[0].options})
    for listing in listings(site, pattern, size):
        for save_as, items, pager in paginate(listing.items, listing.url, listing.url + "index.html", settings):
            yield PageJob(save_as, listing.template, {"page_name": pager.url, "column": listing.column,
                                                      "group_title": listing.title, listing.key: items,
                                                      "pager": pager, **listing.extra})
    for view in site.lists:
        yield PageJob(view.url + "index.html", "list", {"page_name": view.url, "column": "榜单", "item": view,
                                                        "corrections": site.corrections_for(view.id),
                                                        "revisions": timeline(view.id)})
    for notice in site.results:
        rows = history.announced_changes(notice.id) if notice.kind == "更正公告" and history and history.ok else []
        yield PageJob(notice.url + "index.html", "result", {"page_name": notice.url, "column": "结果公告", "item": notice,
                                                            "revisions": timeline(notice.id), "correction_rows": rows})
    yield PageJob("regulation/index.html", "regulation", {"page_name": "regulation/", "column": "管理办法",
                                                          "regulation": site.regulation})
    yield PageJob("search/index.html", "search", {"page_name": "search/", "column": "搜索"})
    yield PageJob("data/index.html", "data", {"page_name": "data/", "column": "开放数据", "as_of": site.as_of,
                                              "years": site.years(), "feed_limit": feeds.feed_limit(settings)})
    yield PageJob("404.html", "404", {"page_name": "404", "column": "页面未找到"})


class JiebangGenerator(Generator):
    """Reads the content tree once, refuses to publish content with errors, writes every page."""

    def generate_context(self) -> None:
        content = Path(self.path)
        # Unchanged record files come from the record cache (records/cache.py), the one `jiebang validate` fills.
        where = self.settings.get("JIEBANG_CACHE_PATH")
        tree, loading = load_tree(content, cache=open_cache(Path(where) if where else None, content))
        diagnostics = check_tree(tree, loading)
        errors = [d for d in diagnostics if d.severity == Severity.ERROR]
        if errors:
            raise ContentErrors("\n".join(d.as_text() for d in sorted(errors, key=Diagnostic.sort_key)))
        notes = self.settings.get("JIEBANG_NOTES")
        for warning in sorted(set(diagnostics), key=Diagnostic.sort_key):
            print(warning.as_text(), file=sys.stderr)  # shown, not logged: Pelican's warnings are fatal
            if notes is not None:  # repeated by a later build that finds nothing changed (freshness.py)
                notes.append(warning.as_text())
        as_of = self.settings.get("JIEBANG_AS_OF") or content_as_of(content, tree)
        if isinstance(as_of, str):
            as_of = date.fromisoformat(as_of)
        self.tree = tree
        cache = self.settings.get("JIEBANG_CACHE_PATH", "cache")
        self.slugs = content.parent / cache / "slugs.json" if cache else None
        slugs.recall(self.slugs)  # the pinyin of the names earlier builds spelled (site/slugs.py)
        self.site = build_site_data(tree, urls(self.settings), as_of)
        # One walk of git's log for every record's revisions; outside git the site simply has none.
        # What it computed is kept under the cache folder: the next build reads only newer commits.
        self.history = load_history(content.parent, content.name, cache=content.parent / cache / "history" if cache else None)
        if not self.history.ok:
            logger.info("修订记录不可用：%s", self.history.warning)
        self.context["jiebang"] = self.site
        self.env.filters.update({"cn_date": cn_date, "cn_dates": cn_dates, "wan": wan, "markdown": render_markdown,
                                 "commit_url": lambda sha: commit_url(self.settings, sha)})
        self.env.globals.update({"URLS": urls(self.settings),
                                 "field_title": lambda kind, *path: title_of(kind, tuple(path))})

    def _context_of(self, job: PageJob) -> dict:
        # As Pelican's writer gives it (write_file without relative URLs), plus the job's own values.
        return {**self.context, "localsiteurl": self.context.get("localsiteurl"), "output_file": job.save_as,
                **job.context}

    def _render(self, job: PageJob) -> bytes:
        return self.get_template(job.template).render(self._context_of(job)).encode("utf-8")

    def _write_pages(self, output: Path, cache: OutputCache, prints: Fingerprints) -> list[str]:
        """Every page: reused where its key is unchanged, else rendered. The pages' names, in order."""
        saved, misses = {}, []
        for job in page_jobs(self.site, self.settings, self.history):
            if job.save_as in saved:
                raise ValueError(f"两个页面都要写入 {job.save_as}")
            saved[job.save_as] = None
            key = (prints.page_key(cache.scope, self.env, job.template, job.save_as, self._context_of(job))
                   if cache.enabled else None)
            if not cache.reuse(output, job.save_as, key):
                for name, value in job.context.items():  # read git here, never in a worker process
                    if isinstance(value, Timeline):
                        job.context[name] = list(value)
                misses.append((job, job.save_as, key))
        render_pages(misses, self._render, cache, output)
        return list(saved)

    def _write_search_and_feeds(self, output: Path, cache: OutputCache, prints: Fingerprints) -> None:
        searchpages.write_search_index(self.site, output, cache, self.history, prints)
        feeds.write_feeds(self.site, self.settings, output, self.history, cache)

    def generate_output(self, writer) -> None:
        # The records, the site model, the history and the cache's manifest are read: no later pass of
        # the collector walks them, and it collects what rendering leaves (records/collector.py).
        settle()
        output = Path(self.output_path)
        cache = self.settings.get("JIEBANG_OUTPUT_CACHE") or OutputCache.disabled()
        # What every file depends on; a page's key adds the templates it is made with (fingerprints.py).
        cache.scope = digest_of(code_version(), settings_digest(self.settings))
        prints = Fingerprints()
        # Two cores, two processes of about equal work: the search index (更正公告 tables read history)
        # and the feeds in one forked from this one, beside the pages and the open data here
        # (rendering.apart; a third process, the pages on their own, was slower on two cores).
        with apart(lambda: self._write_search_and_feeds(output, cache, prints), cache, self.history):
            saved = self._write_pages(output, cache, prints)
            opendata.write_open_data(self.site, self.tree, self.settings, output, self.history, cache, prints)
        self.history.close()
        sitemap.write_sitemap(saved, self.settings, output, self.context, self.site, self.history, cache)
        slugs.keep(self.slugs)
        templatecache.memo_of(self.env).keep()
        templatecache.prune(self.env)
