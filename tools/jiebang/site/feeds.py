"""Atom and RSS 2.0 feeds (feedgen): everything, lists, notices, each industry and each list.

Entry ids are tag URIs built from record ids, so they never change; `updated` comes from git (the
record's last commit) or the records' own dates (a correction's date where there is one), never from
the clock, so two builds of one commit give the same bytes. A notice's body is HTML and says so
(`type="html"`); a list's entry is a plain-text summary. Every feed names its author (RFC 4287 4.1.1:
the site's 主办单位), and each RSS channel links the HTML page it is about. The site-wide feeds hold
the latest JIEBANG_FEED_LIMIT entries (default 100); an industry's and a list's feed hold all of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from feedgen.feed import FeedGenerator

from ..records.content import as_date
from .cachekeys import digest_of
from .fingerprints import record_digest
from .markup import render_markdown
from .model import ListView, NoticeView, RecordView, SiteData
from .outputcache import OutputCache

CHINA = timezone(timedelta(hours=8))
TAG_DOMAIN = "jiebang"
DEFAULT_FEED_LIMIT = 100


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    url: str
    published: date
    updated: date
    summary: str
    html: bool = False  # summary is a notice's Markdown body, published as its cleaned HTML, not plain text


def feed_paths(base: str) -> tuple[str, str]:
    return f"{base}.atom.xml", f"{base}.rss.xml"


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), CHINA)


def updated_on(view: RecordView, history=None) -> date:
    """When a record last changed: from git where it knows, else the latest date the record names
    (its publication, its corrections). Feeds, the sitemap and the calendars all use this one date,
    so it is worked out once a build: kept on the view with the history it was read from."""
    known = view.__dict__.get("_updated_on")
    if known is not None and known[0] is history:
        return known[1]
    own = [view.record.date or date(1970, 1, 1)]
    own += [d for d in (as_date(c.get("date")) for c in view.data.get("changes", []) if isinstance(c, dict)) if d]
    committed = history.updated(view.id) if history is not None and history.ok else None
    day = max([*own, *([date.fromisoformat(committed[:10])] if committed else [])])
    view.__dict__["_updated_on"] = (history, day)
    return day


def list_page_updated(view: ListView, history=None) -> date:
    """A list's page shows its notices too: it changed when the list or any of its notices did (the
    `updated` of the list's own feed)."""
    return max([updated_on(view, history), *(updated_on(n, history) for n in view.notices)])


def list_entry(view: ListView, history=None) -> Entry:
    published = view.record.date or date(1970, 1, 1)
    updated = updated_on(view, history)
    deadline = view.deadline
    summary = (f"{view.data.get('industry', '')} · 榜单金额 {view.data.get('budget', {}).get('to_solver_wan', '')} 万元 · "
               f"揭榜截止 {deadline.isoformat() if deadline else ''}")
    return Entry(view.id, f"[{view.status}] {view.title}", view.url, published, updated, summary)


def notice_entry(notice: NoticeView, history=None) -> Entry:
    day = notice.date or date(1970, 1, 1)
    # The body's Markdown, rendered only when a feed that holds it is made (most are reused).
    return Entry(notice.id, notice.title, notice.url, day, updated_on(notice, history),
                 notice.data.get("body", ""), html=True)


def rendered(markdown: str) -> str:
    """A notice body's HTML (render_markdown remembers the latest: the same body is in its list's, its
    industry's and the site's feeds)."""
    return render_markdown(markdown)


def feed_author(settings: dict) -> dict:
    """Who publishes the feeds: the site's 主办单位, else the site's name (an Atom feed MUST name one)."""
    identity = settings.get("JIEBANG_IDENTITY") or {}
    name = (identity.get("主办单位") or "").strip() or settings.get("SITENAME", "") or "jiebang"
    site_url = settings.get("SITEURL", "")
    return {"name": name, **({"uri": f"{site_url}/"} if site_url else {})}


def feed_limit(settings: dict) -> int:
    """How many entries the site-wide feeds (all, lists, results) keep: the latest JIEBANG_FEED_LIMIT."""
    return max(1, int(settings.get("JIEBANG_FEED_LIMIT") or DEFAULT_FEED_LIMIT))


def write_feed(entries: list[Entry], title: str, page_url: str, base: str, site_url: str, output: Path,
               subtitle: str, author: dict, cache: OutputCache | None = None, limit: int | None = None,
               stated: Callable[[Entry], str] = digest_of, names_bodies: bool = True) -> None:
    """One Atom and one RSS file: the latest `limit` entries, or every entry when `limit` is None.
    `stated` gives an entry's digest (write_feeds remembers them: an entry is in three feeds). With
    `names_bodies`, the rendered bodies it holds are kept in the cache while it is reused whole."""
    atom_path, rss_path = feed_paths(base)
    cache = cache or OutputCache.disabled()
    key = cache.key("feed", [stated(e) for e in entries], title, page_url, base, site_url, subtitle, author,
                    limit) if cache.enabled else None
    if key and cache.reuse(output, atom_path, key + ".atom") and cache.reuse(output, rss_path, key + ".rss"):
        return
    fg = FeedGenerator()
    fg.id(f"tag:{TAG_DOMAIN},2022:{base}")
    fg.title(title)
    fg.subtitle(subtitle or title)
    fg.language("zh-CN")
    fg.author(author)
    page = {"href": f"{site_url}/{page_url}", "rel": "alternate", "type": "text/html"}
    # The page last: feedgen makes the last link the RSS channel's <link>.
    fg.link([{"href": f"{site_url}/{atom_path}", "rel": "self", "type": "application/atom+xml"}, page])
    fg.generator("jiebang")
    ordered = sorted(entries, key=lambda e: (e.updated, e.key), reverse=True)[:limit]
    newest = _moment(ordered[0].updated if ordered else date(2022, 1, 1))
    fg.updated(newest)
    fg.lastBuildDate(newest)
    bodies: list[str | None] = []  # the keys of the rendered bodies this feed holds
    for entry in reversed(ordered):  # feedgen prepends each entry
        fe = fg.add_entry()
        fe.id(f"tag:{TAG_DOMAIN},{entry.published.isoformat()}:{entry.key}")
        fe.guid(f"tag:{TAG_DOMAIN},{entry.published.isoformat()}:{entry.key}", permalink=False)
        fe.title(entry.title)
        fe.link(href=f"{site_url}/{entry.url}")
        fe.published(_moment(entry.published))
        fe.updated(_moment(entry.updated))
        if entry.html:
            # Kept in the cache: an industry's feed holds thousands of bodies, and a correction of one
            # of its lists makes the feed again, not the bodies.
            body = cache.key("feed-body", entry.summary) if key else None
            bodies.append(body)
            html = cache.fragment(body, lambda text=entry.summary: rendered(text).encode("utf-8")).decode("utf-8")
            fe.content(html or entry.title, type="html")
        else:
            fe.summary(entry.summary or entry.title)
    cache.write(output, atom_path, fg.atom_str(pretty=True), key and key + ".atom")
    if names_bodies:
        cache.record_parts(key and key + ".atom", bodies)
    fg.link([{"href": f"{site_url}/{rss_path}", "rel": "self", "type": "application/rss+xml"}, page], replace=True)
    cache.write(output, rss_path, fg.rss_str(pretty=True), key and key + ".rss")


def feed_bases(site: SiteData) -> dict[str, str]:
    """Every feed the site publishes, base path → title (used by pages for <link rel=alternate>)."""
    bases = {"feeds/all": "全部榜单与公告", "feeds/lists": "榜单", "feeds/results": "结果公告"}
    for name, slug in site.industries.items():
        bases[f"feeds/industries/{slug}"] = f"{name}领域"
    return bases


def write_feeds(site: SiteData, settings: dict, output: Path, history=None, cache: OutputCache | None = None) -> None:
    site_url = settings.get("SITEURL", "")
    name = settings.get("SITENAME", "")
    author = feed_author(settings)
    entries = {v.id: list_entry(v, history) for v in site.lists} | {n.id: notice_entry(n, history) for n in site.results}
    digests: dict[str, str] = {}
    # A notice's body is its record's own text: stated by the record's digest, not read again (the
    # bodies are most of what the feeds hold, and each build states every entry).
    bodies = {n.id: record_digest(n.record) for n in site.results}

    def stated(entry: Entry) -> str:
        if entry.key not in digests:
            summary = ["record", bodies[entry.key]] if entry.html else entry.summary
            digests[entry.key] = digest_of(entry.key, entry.title, entry.url, entry.published, entry.updated,
                                           entry.html, summary)
        return digests[entry.key]

    lists = [entries[v.id] for v in site.lists]
    notices = [entries[n.id] for n in site.results]
    # The site-wide feeds keep the latest few (a reader polls them); an industry's or a list's feed keeps
    # everything, so a bidder who follows one field or one list misses nothing.
    latest = feed_limit(settings)
    write_feed(lists + notices, f"{name}：全部", "", "feeds/all", site_url, output, "新发布的榜单、更正与结果公告", author,
               cache, latest, stated)
    write_feed(lists, f"{name}：榜单", "lists/", "feeds/lists", site_url, output, "新发布的揭榜挂帅榜单", author, cache, latest, stated)
    write_feed(notices, f"{name}：结果公告", "results/", "feeds/results", site_url, output, "揭榜结果、立项、拨付、验收等公告",
               author, cache, latest, stated)
    for industry, slug in site.industries.items():
        views = site.lists_in(industry)
        chosen = [entries[v.id] for v in views] + [entries[n.id] for v in views for n in v.notices]
        write_feed(chosen, f"{name}：{industry}领域", f"industries/{slug}/", f"feeds/industries/{slug}", site_url,
                   output, f"{industry}领域的榜单与公告", author, cache, stated=stated)
    for view in site.lists:
        chosen = [entries[view.id]] + [entries[n.id] for n in view.notices]
        write_feed(chosen, f"{view.title}（{view.id}）", view.url, f"{view.url}feed", site_url, output,
                   "本榜单的更正与进展公告", author, cache, stated=stated,
                   # its bodies are its industry's feed's too, which keeps them: named there only (20,000
                   # lists' feeds naming theirs would be a sixth of the cache's manifest)
                   names_bodies=False)
