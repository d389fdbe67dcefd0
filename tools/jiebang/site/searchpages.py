"""The documents the search index is built from: one per list and notice page, holding every text that
page shows (search/fields.py declares a record's own fields; this adds what a page shows of others)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.lifecycle import CORRECTION, TRANCHE
from ..records.schema import title_of
from .fingerprints import Fingerprints
from .model import ListView, NoticeView, SiteData, cn_date, cn_dates, wan
from .outputcache import OutputCache
from .search.documents import doc_bytes, doc_from_bytes
from .search.fields import LIST_FIELDS, NOTICE_FIELDS, shown_texts
from .search.index import SearchDoc, built_index, in_number_order, numbered
from .search.update import IndexState, digest_of_sha, updated_files

PROSE = 20  # characters: a text at least this long is prose (a problem, a body), not a fact (a date, a code)


def _text(parts: list[str], meta: dict[str, str]) -> str:
    # A blank line between fields, so no term runs from one into the next; what meta holds is indexed there.
    # Prose first (stable otherwise): a result's snippet is cut around the first match, and a sentence
    # reads better there than a run of unlabelled dates, amounts and codes.
    shown = set(meta.values())
    kept = dict.fromkeys(p for p in parts if p and p not in shown)
    return "\n\n".join(sorted(kept, key=lambda p: len(p) < PROSE))


def _order(view: ListView | NoticeView) -> str:
    """Numbered by the day it was published: a new record is numbered after the rest (search/update.py)."""
    day = view.record.date
    return day.isoformat() if day else ""


def list_document(view: ListView, corrections: list[NoticeView]) -> SearchDoc:
    data = view.data
    demander = data.get("demander") if isinstance(data.get("demander"), dict) else {}
    meta = {
        "kind": "榜单",
        "id": view.id,
        "industry": str(data.get("industry", "")),
        "status": view.status,
        "demander": str(demander.get("name", "")),
    }
    parts = shown_texts(data, LIST_FIELDS)
    for solver in view.solvers:  # 揭榜单位, from the award notices
        parts += [str(solver.get(k, "")) for k in ("name", "kind", "city")]
    for notice in view.notices:  # 项目进程: each notice's date, kind and conclusion or tranche
        parts += [cn_date(notice.date), notice.kind]
        if notice.kind == TRANCHE:
            parts += [f"第 {notice.data.get('tranche')} 笔", wan(notice.data.get("amount_wan"))]
        elif notice.data.get("conclusion"):
            parts.append(str(notice.data["conclusion"]))
    parts += [n.title for n in corrections]
    return SearchDoc(url="/" + view.url, title=view.title, text=_text(parts, meta), meta=meta, order=_order(view))


def notice_document(notice: NoticeView, correction_rows: list[Any]) -> SearchDoc:
    meta = {"kind": notice.kind, "id": notice.id, "date": cn_date(notice.data.get("date"))}
    parts = shown_texts(notice.data, NOTICE_FIELDS)
    if notice.list_view:  # 所属榜单
        parts += [notice.list_view.id, notice.list_view.title]
    if notice.kind == CORRECTION:  # 更正内容: the corrected fields, before and after
        if correction_rows:
            for row in correction_rows:
                parts += [row.label, cn_dates(row.before_text), cn_dates(row.after_text)]
        else:
            fields = notice.data.get("fields") or []
            parts += [title_of("list", tuple(f.split("."))) for f in fields if isinstance(f, str)]
    return SearchDoc(url="/" + notice.url, title=notice.title, text=_text(parts, meta), meta=meta, order=_order(notice))


def search_documents(site: SiteData, history: Any = None, cache: OutputCache | None = None,
                     prints: Fingerprints | None = None) -> list[SearchDoc]:
    """One document per list and per notice page. `history` (history.revisions.History) gives the
    更正公告 tables their 更正前/更正后 texts, as the pages show them."""
    return [entry.doc() for entry in search_entries(site, history, cache, prints)]


@dataclass
class Entry:
    """A page's search document, known by its address, its order and its digest: made, or read from
    the cache, only when asked for (an update reads only the changed ones; 92,000 at national scale)."""

    url: str
    order: str
    digest: str
    doc: Callable[[], SearchDoc]


def search_entries(site: SiteData, history: Any = None, cache: OutputCache | None = None,
                   prints: Fingerprints | None = None) -> list[Entry]:
    """search_documents, each as an Entry. With a cache, a document is kept while its view is unchanged
    (its record, status, notices or list: what it is made of), and known by the digest of its kept
    bytes without reading them; a 更正公告's is always made, since its table comes from git."""
    cache, prints = cache or OutputCache.disabled(), prints or Fingerprints()
    rows = history.announced_changes if history is not None and history.ok else (lambda notice_id: [])

    def made(doc: SearchDoc, key: str | None = None) -> Entry:
        numbered([doc])  # its fields' types checked as it is made
        data = doc_bytes(doc)
        cache.store(key, data)
        return Entry(doc.url, doc.order, digest_of_sha(hashlib.sha256(data).hexdigest()), lambda: doc)

    def entry(view: ListView | NoticeView, make: Callable[[], SearchDoc]) -> Entry:
        key = cache.key("search-doc", prints.view(view)) if cache.enabled else None
        sha = cache.known_sha(key)
        if sha is None:
            return made(make(), key)
        # What an unchanged view makes is what the last build kept: its URL and order are the view's.
        return Entry("/" + view.url, _order(view), digest_of_sha(sha),
                     lambda: doc_from_bytes(cache.fragment(key, lambda: doc_bytes(make()))))

    entries = [entry(view, lambda view=view: list_document(view, site.corrections_for(view.id))) for view in site.lists]
    entries += [made(notice_document(n, rows(n.id))) if n.kind == CORRECTION else
                entry(n, lambda n=n: notice_document(n, [])) for n in site.results]
    return entries


class _Docs(Sequence):
    """The numbered documents, each made or read when it is asked for."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i):  # an int: updated_files asks for the changed documents one by one
        return self.entries[i].doc()


FOLDER = "search/index/"


def write_search_index(
    site: SiteData, output: Path, cache: OutputCache | None = None, history: Any = None,
    prints: Fingerprints | None = None,
) -> None:
    """Every list and notice into the index: reused whole while no document changed; updated file by
    file from the last build's when a few did (search/update.py); otherwise built afresh."""
    cache = cache or OutputCache.disabled()
    if not cache.enabled:
        cache.write_tree(output, FOLDER, built_index(numbered(search_documents(site, history)))[0], None)
        return
    entries = in_number_order(search_entries(site, history, cache, prints))
    digests = [e.digest for e in entries]
    key, state_key = cache.key("search", digests), cache.key("search-state")
    if cache.reuse_tree(output, FOLDER, key):
        state = IndexState.from_bytes(cache.load(state_key, keep=False))
        if state is not None and state.docs == digests:
            cache.store(state_key, state.to_bytes())  # kept for the next build's update
        return
    state = IndexState.from_bytes(cache.load(state_key, keep=False))
    names = cache.tree_names(state.tree) if state else None
    if state and names is not None and _updated(cache, output, state, _Docs(entries), digests, names, key):
        return
    files, small_bytes = built_index(numbered(e.doc() for e in entries))
    cache.write_tree(output, FOLDER, files, key)
    cache.store(state_key, IndexState(digests, small_bytes, key).to_bytes())


def _updated(cache: OutputCache, output: Path, state: IndexState, docs: Sequence[SearchDoc], digests: list[str],
             names: list[str], key: str) -> bool:
    """Bring the last build's index up to `docs` in the new site; False (nothing written) when it cannot."""
    result = updated_files(state, docs, digests, names, lambda name: cache.load(f"{state.tree}/{name}", keep=False),
                           lambda name: cache.sha_of(f"{state.tree}/{name}"))
    if result is None:
        return False
    files, removed, small_bytes = result
    kept = [name for name in names if name not in removed and name not in files]
    if not all(cache.carry(output, FOLDER + name, f"{state.tree}/{name}", f"{key}/{name}") for name in kept):
        return False  # a stored file went missing: the caller builds afresh, over what was carried
    for name, data in files.items():
        cache.write(output, FOLDER + name, data, f"{key}/{name}")
    cache.record_tree(key, [*kept, *files])
    cache.store(cache.key("search-state"), IndexState(digests, small_bytes, key).to_bytes())
    return True
