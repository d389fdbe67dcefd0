"""Reading the published search index as search.js does, in Python: what a query fetches and finds
(the tests and the benches measure the site's search through it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .index import SNIPPETS_AT_ONCE, decode, ranked_file, shard_name, shard_of
from .tokens import bigram_offsets, query_terms


@dataclass
class Hit:
    doc_id: int
    url: str
    in_title: bool
    count: int


class SearchIndexReader:
    """Answers queries from a built index the way search.js does, recording which files it read."""

    def __init__(self, out_dir: Path) -> None:
        self.root = Path(out_dir) / "index"
        self.files_read: set[str] = set()
        self.meta = self._load("meta.json")

    def _load(self, name: str) -> dict:
        self.files_read.add(name)
        return json.loads((self.root / name).read_text("utf-8"))

    def _shard_value(self, kind: str, key: str) -> str | None:
        name = shard_name(shard_of(key, self.meta["shards"]), self.meta["shards"])
        return self._load(name)[kind].get(key) if (self.root / name).exists() else None

    def _lookup(self, kind: str, key: str) -> str | None:
        value = self._shard_value(kind, key)
        if value is not None and value.startswith("@"):
            value = self._load(value[1:])["v"]
        return value

    def _ranked(self, key: str, limit: int | None) -> tuple[int, list[Hit]] | None:
        """A frequent bigram's documents in rank order from its ranked chunks, as far as `limit` needs."""
        value = self._shard_value("b", key)
        if value is None or not value.startswith("@"):
            return None
        hits: list[Hit] = []
        chunk, chunks, total = 0, 1, 0
        while chunk < chunks and (limit is None or len(hits) < limit):
            content = self._load(ranked_file(value[1:], chunk))
            chunks, total = content["c"], content["n"]
            numbers, i = decode(content["r"]), 0
            while i < len(numbers):
                (count, has_title), size = divmod(numbers[i], 2), numbers[i + 1]
                doc = 0
                for delta in numbers[i + 2 : i + 2 + size]:
                    doc += delta
                    hits.append(Hit(doc, "", bool(has_title), count))
                i += 2 + size
            chunk += 1
        return total, hits

    def _bigram(self, key: str) -> dict[int, tuple[list[int], int]]:
        """doc id -> (positions, how many of them are in the title)."""
        numbers = decode(self._lookup("b", key) or "")
        out: dict[int, tuple[list[int], int]] = {}
        i, doc = 0, 0
        while i < len(numbers):
            doc += numbers[i]
            count, has_title = divmod(numbers[i + 1], 2)
            i += 2
            in_title = 0
            if has_title:
                in_title = numbers[i]
                i += 1
            pos, plist = 0, []
            for delta in numbers[i : i + count]:
                pos += delta
                plist.append(pos)
            i += count
            out[doc] = (plist, in_title)
        return out

    def _term(self, units: list[str]) -> dict[int, tuple[int, bool]]:
        """doc id -> (occurrences, occurs in title) for one term."""
        if len(units) == 1:
            numbers, doc, out = decode(self._lookup("u", units[0]) or ""), 0, {}
            for delta in numbers:
                doc += delta
                out[doc] = (1, False)
            return out
        offsets = bigram_offsets(len(units))
        lists = [self._bigram(units[k] + units[k + 1]) for k in offsets]
        result = {}
        for doc, (first, in_title) in lists[0].items():
            others = [
                (k, set(lst[doc][0])) for k, lst in zip(offsets[1:], lists[1:], strict=True) if doc in lst
            ]
            if len(others) != len(offsets) - 1:
                continue
            matches = [p for p in first if all(p + k in s for k, s in others)]
            if matches:
                result[doc] = (len(matches), in_title > 0 and matches[0] <= first[in_title - 1])
        return result

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        """The hits, best first: all of them, or at least the first `limit` (what search.js reads for its
        first page). `self.total` is then how many there are."""
        terms = query_terms(query)
        self.total = 0
        if not terms:
            return []
        ranked = (
            self._ranked(terms[0][0] + terms[0][1], limit) if len(terms) == 1 and len(terms[0]) == 2 else None
        )
        if ranked is not None:
            self.total, hits = ranked
        else:
            found = [self._term(t) for t in terms]
            docs = set(found[0]).intersection(*found[1:])
            hits = []
            for doc in docs:
                count = sum(f[doc][0] for f in found)
                in_title = any(f[doc][1] for f in found)
                hits.append(Hit(doc, "", in_title, count))
            hits.sort(key=lambda h: (not h.in_title, -h.count, h.doc_id))
            self.total = len(hits)
        hits = hits if limit is None else hits[:limit]
        for hit in hits:
            hit.url = self._load(f"docs/{hit.doc_id}.json")["url"]
        return hits

    def page_files(self, hits: Sequence[Hit]) -> list[str]:
        """The files search.js fetches to show these hits as one page: every result's card, and the text
        of the first SNIPPETS_AT_ONCE for their snippets (the rest as they scroll into view)."""
        return [f"docs/{h.doc_id}.json" for h in hits] + [
            f"text/{h.doc_id}.json" for h in hits[:SNIPPETS_AT_ONCE]
        ]
