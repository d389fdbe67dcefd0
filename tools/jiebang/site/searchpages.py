"""The documents the search index is built from: one per list and notice page, holding every text that
page shows (search/fields.py declares a record's own fields; this adds what a page shows of others)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..records.lifecycle import CORRECTION, TRANCHE
from ..records.schema import title_of
from .model import ListView, NoticeView, SiteData, cn_date, cn_dates, wan
from .outputcache import OutputCache
from .search.fields import LIST_FIELDS, NOTICE_FIELDS, shown_texts
from .search.index import SearchDoc, index_files

PROSE = 20  # characters: a text at least this long is prose (a problem, a body), not a fact (a date, a code)


def _text(parts: list[str], meta: dict[str, str]) -> str:
    # A blank line between fields, so no term runs from one into the next; what meta holds is indexed there.
    # Prose first (stable otherwise): a result's snippet is cut around the first match, and a sentence
    # reads better there than a run of unlabelled dates, amounts and codes.
    shown = set(meta.values())
    kept = dict.fromkeys(p for p in parts if p and p not in shown)
    return "\n\n".join(sorted(kept, key=lambda p: len(p) < PROSE))


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
    return SearchDoc(url="/" + view.url, title=view.title, text=_text(parts, meta), meta=meta)


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
    return SearchDoc(url="/" + notice.url, title=notice.title, text=_text(parts, meta), meta=meta)


def search_documents(site: SiteData, history: Any = None) -> list[SearchDoc]:
    """One document per list and per notice page. `history` (history.revisions.History) gives the
    更正公告 tables their 更正前/更正后 texts, as the pages show them."""
    rows = history.announced_changes if history is not None and history.ok else (lambda notice_id: [])
    docs = [list_document(view, site.corrections_for(view.id)) for view in site.lists]
    docs += [notice_document(n, rows(n.id) if n.kind == CORRECTION else []) for n in site.results]
    return docs


def write_search_index(
    site: SiteData, output: Path, cache: OutputCache | None = None, history: Any = None
) -> None:
    """Every list and notice into the index; reused whole from the cache while no document changed."""
    docs = search_documents(site, history)
    cache = cache or OutputCache.disabled()
    key = cache.key("search", docs)
    if not cache.reuse_tree(output, "search/index/", key):
        cache.write_tree(output, "search/index/", index_files(docs), key)
