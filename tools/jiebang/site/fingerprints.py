"""What a page is made from, stated so it can be hashed: the output cache's key for each page.

A page's key holds the sources of its template and of the templates it extends, includes or imports,
and the value of every name they read — found by parsing them, so no one has to list a page's inputs
by hand (and forget one). Views are stated by their record's bytes plus every fact derived beside them (status,
URL, slug, their notices' or list's own statement), the site model by all of its views.
"""

from __future__ import annotations

import hashlib
from typing import Any

from jinja2 import Environment

from ..history.steps import Revision, Timeline
from .cachekeys import TAG, Uncacheable, digest_of
from .cachekeys import stated as stated_value
from .model import ListView, NoticeView, RecordView, SiteData
from .templatecache import memo_of


def record_digest(record) -> str:
    """The SHA-256 of a record file's bytes (what the loader read). Never remembered by path across
    builds: `jiebang serve` builds again in the same process after a file changed."""
    known = getattr(record, "digest", None)
    if known:
        return known
    with open(record.path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def template_inputs(env: Environment, name: str) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """Every free name `name` reads, and the SHA-256 of its source and of every template it extends,
    includes or imports: a page depends on these templates and no others (not on the stylesheet). What
    a source reads is parsed once and remembered between builds (templatecache.py)."""
    cache = env.__dict__.setdefault("_jiebang_template_inputs", {})
    if name not in cache:
        cache[name] = (frozenset(), ())  # a template that includes itself stops here
        source = env.loader.get_source(env, name)[0]
        free, referenced = memo_of(env).parsed(source)
        names = set(free)
        sources = {name: hashlib.sha256(source.encode("utf-8")).hexdigest()}
        for other in referenced:
            if other is None:  # a name computed at render time: read everything
                raise Uncacheable(f"{name}: dynamic template name")
            other_names, other_sources = template_inputs(env, other)
            names |= other_names
            sources.update(other_sources)
        cache[name] = (frozenset(names), tuple(sorted(sources.items())))
    return cache[name]


class Fingerprints:
    """States context values for hashing, remembering views and the site model within one build."""

    def __init__(self) -> None:
        self._views: dict[int, Any] = {}
        self._site: dict[int, str] = {}
        self._timelines: dict[str, list] = {}  # by record id: one history a build

    def of(self, value: Any) -> str:
        """`value` stated by its digest (views, the site model, revisions and timelines by name)."""
        return digest_of(value, default=self._stated)

    def _stated(self, value: Any) -> Any:
        if isinstance(value, RecordView):
            return self.view(value)
        if isinstance(value, SiteData):
            return self.site(value)
        if isinstance(value, Revision) and value.commit:
            # A committed revision's data is the blob at (commit, path): naming them states it.
            return [TAG + "revision", value.commit, value.path, value.status, value.author, value.subject, value.date,
                    value.changes_note, value.problem, value.kind, value.short]
        if isinstance(value, Timeline):
            return self.timeline(value)
        return stated_value(value)

    def view(self, view: RecordView) -> Any:
        memo = self._views.get(id(view))
        if memo is None:
            memo = ["view", type(view).__name__, view.url, record_digest(view.record)]
            if isinstance(view, ListView):
                memo += [view.status, view.industry_slug, [self._shallow(n) for n in view.notices]]
            elif isinstance(view, NoticeView):
                memo += [self._shallow(view.list_view) if view.list_view else None]
            # Kept as its digest: a view is in many keys (its pages, listings, feeds, its JSON), and a
            # string is stated at once where the list it stands for would be walked again each time.
            memo = [TAG + "view", digest_of(memo)]
            self._views[id(view)] = memo
        return memo

    def timeline(self, timeline: Timeline) -> Any:
        """Stated by the commits and blobs it is made of, so a reused page never reads git; step by
        step where those would not be enough (a shallow or partial clone). Kept as its digest: a
        record's timeline is in its page's key, its OCDS lines' and its search document's."""
        memo = self._timelines.get(timeline.record_id)
        if memo is None:
            stated = timeline.statement()
            if stated is None:
                return [TAG + "steps", [_step(s) for s in timeline]]
            memo = self._timelines[timeline.record_id] = [TAG + "timeline", digest_of(stated)]
        return memo

    def _shallow(self, view: RecordView) -> list:
        status = view.status if isinstance(view, ListView) else None
        return [view.url, record_digest(view.record), status]

    def site(self, site: SiteData) -> str:
        memo = self._site.get(id(site))
        if memo is None:
            regulation = site.regulation
            memo = digest_of(site.as_of, site.industries, list(site.statuses),
                             [regulation.effective, regulation.data],
                             [self.view(v) for v in site.lists], [self.view(n) for n in site.results])
            self._site[id(site)] = memo
        return memo

    def page_key(self, global_key: str, env: Environment, template: str, save_as: str, context: dict) -> str | None:
        """The key of one page, or None when something it reads cannot be stated (then it is always made)."""
        try:
            names, sources = template_inputs(env, f"{template}.html")
            return digest_of(global_key, sources, save_as, [[n, context[n]] for n in sorted(names & context.keys())
                                                            if not n.isupper()], default=self._stated)
        except Uncacheable:
            return None


def _step(step: Any) -> Any:
    """A step of a timeline (History.timeline), (revision, its changes): the changes are the diff of the
    revision against the one before it in the same timeline, so naming the revision states them, and
    stating them again would cost most of a page's key."""
    if isinstance(step, tuple) and len(step) == 2 and isinstance(step[0], Revision) and step[0].commit:
        return [TAG + "step", step[0]]
    return step
