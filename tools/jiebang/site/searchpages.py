"""The documents the search index is built from: every list and notice, with its full text."""

from __future__ import annotations

from pathlib import Path

from .model import SiteData, cn_date
from .outputcache import OutputCache
from .search.index import SearchDoc, index_files

LIST_TEXT_FIELDS = ("subfield", "problem", "targets", "benefits", "solver_requirements")


def write_search_index(site: SiteData, output: Path, cache: OutputCache | None = None) -> None:
    """Every list and notice into the index; reused whole from the cache while no document changed."""
    docs = []
    for view in site.lists:
        demander = view.data.get("demander", {})
        text = "\n\n".join(str(view.data.get(k, "")) for k in LIST_TEXT_FIELDS)  # fields never run together
        indicators = " ".join(f"{i.get('name', '')} {i.get('target', '')}" for i in view.data.get("indicators", []) or [])
        docs.append(SearchDoc(url="/" + view.url, title=view.title,
                              text=f"{view.id}\n\n{demander.get('name', '')}\n\n{view.data.get('industry', '')}\n\n{text}\n\n{indicators}",
                              meta={"kind": "榜单", "id": view.id, "industry": view.data.get("industry", ""),
                                    "status": view.status, "demander": demander.get("name", "")}))
    for notice in site.results:
        solvers = " ".join(s.get("name", "") for s in notice.data.get("solvers", []) or [] if isinstance(s, dict))
        docs.append(SearchDoc(url="/" + notice.url, title=notice.title,
                              text=f"{notice.id}\n\n{notice.kind}\n\n{solvers}\n\n{notice.data.get('body', '')}",
                              meta={"kind": notice.kind, "id": notice.id, "date": cn_date(notice.data.get("date"))}))
    cache = cache or OutputCache.disabled()
    key = cache.key("search", docs)
    if not cache.reuse_tree(output, "search/index/", key):
        cache.write_tree(output, "search/index/", index_files(docs), key)
